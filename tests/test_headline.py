"""The headline picked from a page's text (steps/headline.py through roles.assign_roles)."""

from __future__ import annotations

from newsnorm.document import Segment
from newsnorm.steps.headline import Line, headline_shaped, pick_headline
from newsnorm.steps.langid import detect_segments
from newsnorm.steps.roles import assign_roles, is_stamp

PARAS = [
    "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, after engineers "
    "found that the steel under its deck had rusted far faster than expected.",
    "Residents who cross the bridge every day said they feared longer trips to work, while shop owners on the "
    "harbour front welcomed the plan and asked for more space for walking and cycling.",
    "The council said buses and bicycles would still be allowed for at least two more years while a new crossing "
    "is designed, and that the repairs would be paid for from the regional transport budget.",
]


def _title(lines: list[str]) -> str | None:
    segs = [Segment(i, i, t) for i, t in enumerate(lines)]
    detect_segments(segs)
    assign_roles(segs)
    titles = [s.text for s in segs if s.role == "title"]
    assert len(titles) <= 1
    return titles[0] if titles else None


CHROME = ["Home", "News", "Sport", "Business", "Print Version", "Printer friendly page", "del.icio.us",
          "Hot tags: sport, australia, cricket, rugby", "Sports Section Sponsors", "Sign in", "Subscribe"]


def test_headline_over_the_byline_not_the_chrome_above_it():
    head = "Council votes to close harbour bridge to cars next spring"
    lines = [*CHROME, head, "By Jane Miller", "November 19, 2019 9:02 AM", *PARAS, "Related stories",
             "Another story about the harbour", "Most read"]
    assert _title(lines) == head


def test_menu_labels_and_toolbars_are_never_a_headline():
    for text in ("Print Version", "Printer friendly page", "Hot tags: sport, australia, cricket",
                 "Sports Section Sponsors", "Filed to: innovation", "You are signed in as",
                 "Submit to Stumbleupon (Opens in new window)", "BLOG > Nutrition > Meal Plans",
                 "The house where he was born in Braunau am Inn, Austria.Leonhard Foeger / Reuters"):
        assert not headline_shaped(text), text


def test_a_list_of_other_stories_loses_to_the_repeated_headline():
    head = "Council votes to close harbour bridge to cars next spring"
    teasers = ["Ferry fares to rise by a fifth in January", "New cycle lanes open on the east side of town",
               "Harbour festival draws record crowds this summer", "Port workers strike over pay for second week"]
    lines = ["Home", "News", head, "Share this story", "Facebook", "Twitter", *teasers, *PARAS,
             f"Share on Facebook: {head}"]
    assert _title(lines) == head


def test_headline_repeated_in_a_link_counts():
    head = "Council votes to close harbour bridge"
    other = "Weather warning for the weekend"
    lines = [Line("Home", chrome=True), Line(other), Line(head), Line("Sponsored", chrome=True),
             Line(PARAS[0], running=True), Line(PARAS[1], running=True),
             Line("https://example.com/news/council-votes-to-close-harbour-bridge-123.html")]
    assert pick_headline(lines, 4) == 2


def test_no_credible_headline_gives_none():
    lines = ["Home", "News", "Sport", *PARAS]
    assert _title(lines) is None


def test_a_clean_article_opens_with_its_headline():
    head = "Council votes to close harbour bridge to cars"
    sub = "What the closure means for commuters"
    assert _title([head, sub, *PARAS]) == head


def test_a_standfirst_sentence_is_not_the_headline():
    head = "Harbour bridge to close to cars"
    dek = ("The city council said the steel under the deck had rusted far faster than expected. Buses may still "
           "cross.")
    lines = [*CHROME, head, dek, "By Jane Miller", *PARAS]
    assert _title(lines) == head


def test_stamps_are_lines_that_stand_under_a_headline():
    for text in ("By Tim Childers - Live Science Contributor 2019-11-19T12:48:14Z Space", "Monday 5:30PM",
                 "Mon 18 Nov 2019 18.54 GMT Last modified on Mon 18 Nov 2019 18.56 GMT", "By",
                 "Tom Davies Associated Press"):
        assert is_stamp(text), text
    for text in ("Council votes to close harbour bridge", PARAS[0]):
        assert not is_stamp(text), text
