"""The headline picked from a page's text (steps/headline.py through roles.assign_roles)."""

from __future__ import annotations

from newsnorm.document import Segment
from newsnorm.steps.headline import (
    Line,
    _repeated,
    content_stems,
    headline_shaped,
    lead_overlap,
    pick_headline,
    score_line,
    under_a_stamp,
)
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


def test_the_headline_says_what_the_lead_says_not_a_teaser_above_it():
    """Rule: lead overlap. A teaser of another story stands right over the text; the headline
    further up shares the lead's words."""
    head = "Council votes to close harbour bridge to cars next spring"
    lines = ["Home", head, "Share this:", "Share on Facebook", "Share on Twitter", "Trending", "Weather",
             "Sports", "Opinion", "Most read", "Events", "Obituaries", "Contact us",
             "Man dies after crashing into power pole downtown", *PARAS]
    assert _title(lines) == head
    hl = [Line(t, running=len(t) > 80) for t in lines]
    start = lines.index(PARAS[0])
    assert lead_overlap(1, hl, start) > 0.5
    assert lead_overlap(13, hl, start) == 0.0


def test_content_stems_leave_function_words_out_and_cut_endings():
    assert content_stems("Parise scores twice as the Wild beat Sabres") == {"paris", "score", "twice", "wild", "beat",
                                                                              "sabre"}


def test_a_line_under_the_byline_is_a_caption_not_the_headline():
    """Rule: under a stamp. The headline stands over its byline; the photo's line under it is
    a caption, even right over the text."""
    head = "Eastern Michigan routs Northern Illinois to become bowl eligible"
    lines = ["Welcome", "Learn More", head, "By Jane Miller", "Published 11:11 PM EST Nov 19, 2019",
             "Eastern Michigan quarterback Mike Glass", "Al Goldis, Associated Press",
             "Mike Glass threw for three touchdowns as Eastern Michigan rolled past Northern Illinois on Tuesday "
             "night, and the Eagles became bowl eligible for the second straight season.", *PARAS]
    assert _title(lines) == head
    hl = [Line(t, stamp=is_stamp(t)) for t in lines]
    assert under_a_stamp(5, hl) and not under_a_stamp(2, hl)


def test_a_cut_copy_of_the_headline_counts_as_a_repeat():
    head = "Zach Parise heating up, scores twice as Wild beat Sabres"
    lines = [Line(t) for t in ["Zach Parise heating up, scores twice as…", "Menu", head, "Other story here"]]
    keys = [" ".join(t.text.lower().replace(",", "").replace("…", "").split()) for t in lines]
    assert _repeated(2, lines, keys, [])
    assert not _repeated(3, lines, keys, [])


def test_date_lines_wire_slugs_and_domains_are_not_headline_shaped():
    for text in ["Nov 15, 20195:45 AM", "13 Aug", "02 Ago 2017", "Wednesday 20 November 2019 9:22 am",
                 "AP-US--Trump-Impeachment, 4th Ld-Writethru", "BC-EU--Britain-Brexit-Election, 1st Ld-Writethru",
                 "HoustonChronicle.com", "www.example.co.uk"]:
        assert not headline_shaped(text), text
    for text in ["2018 Boys State Swim Results", "Apple sales rise 5% in Q3 2019", "September 2018 open thread",
                 "Brexit 2019"]:
        assert headline_shaped(text), text


def test_a_short_line_printed_all_over_the_page_is_the_sites_name():
    """Rule: said often. `Riverside Notes` over every post is the site's name; a headline
    repeated as often (share text, most read) is longer and stays the headline."""
    head = "Council votes to close harbour bridge to cars next spring"
    site = "Riverside Notes"
    assert _title([site, "Home", site, "Archive", site, "Search", "Contact", "About", "Log in", "RSS",
                   "Menu", "Topics", *PARAS]) is None
    assert _title(["Home", head, "By Jane Miller", "November 19, 2019 9:02 AM", *PARAS, "Most read", head,
                   "Share: " + head]) == head


def test_a_short_line_printed_three_times_scores_below_the_same_line_printed_once():
    site = "Riverside Notes"
    once = [Line(t) for t in ["Home", site, "Archive", "Search"]] + [Line(p, running=True) for p in PARAS]
    thrice = [Line(site), Line(site)] + once
    def keys(lines):
        return [" ".join(line.text.lower().split()) for line in lines]
    assert score_line(3, thrice, 6, keys(thrice), []) < score_line(1, once, 4, keys(once), [])
