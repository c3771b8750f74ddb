"""Role rules on small hand-written pages: the text block, comments, teasers, phrases, credits."""

from __future__ import annotations

import random
import re

import pytest

from newsnorm.document import Segment
from newsnorm.reasons import LINK_LIST_CODES, Code
from newsnorm.steps.patterns import AGENCIES, AGENCY_NAMES, COMPILED, TEASER_NEEDS
from newsnorm.steps.roles import (
    assign_roles,
    ends_with_agency,
    is_boilerplate_phrase,
    is_contribution,
    is_photo_credit,
    main_block,
)
from newsnorm.steps.roles_data import REMOVED_ROLES
from newsnorm.steps.text import has_inline_credit, is_paragraph_like, norm_key, running_size, text_size, words

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the bus network, adding four routes to the northern suburbs.",
    "Officials said the new routes would start running in March and would cost about $12 million a year.",
    "Residents of the northern districts have asked for better service for years, the council's report said.",
    "Opponents argued that the money should go to repairing roads, but the measure passed by seven votes to two.",
]
NAV = ["Home", "News", "Sport", "Business", "Culture", "Weather", "Newsletters", "Podcasts"]
RELATED = ["Mayor unveils new budget plan", "Schools reopen after storm", "Stadium deal faces new vote",
           "Library hours to be extended", "Police chief to retire in June"]


def _page(lines: list[str]) -> list[Segment]:
    segs = [Segment(seq=i, line_start=i, text=t, lang="en") for i, t in enumerate(lines)]
    assign_roles(segs)
    return segs


def _kept(segs: list[Segment]) -> list[str]:
    return [s.text for s in segs if s.role not in REMOVED_ROLES]


def test_menus_and_related_links_around_the_text_are_chrome():
    title = "Council expands bus network to northern suburbs"
    segs = _page([*NAV, title, *PARAGRAPHS, "More stories", *RELATED])
    assert _kept(segs) == [title, *PARAGRAPHS]
    assert next(s for s in segs if s.text == title).role == "title"
    related = [s for s in segs if s.text in RELATED[2:]]
    chrome = {Code.BEFORE_TEXT_BLOCK, Code.AFTER_TEXT_BLOCK, *LINK_LIST_CODES}
    assert all(s.reason and s.reason.code in chrome for s in related)


def test_main_block_spans_the_running_text():
    segs = _page([*NAV, *PARAGRAPHS, *RELATED])
    assert main_block(segs) == (len(NAV), len(NAV) + len(PARAGRAPHS) - 1)


def test_typed_numbered_items_and_addresses_keep_the_article_together():
    items = ["1) Lego set", "https://example.com/a1", "2) Electric race track", "https://example.com/a2",
             "3) Film box set", "https://example.com/a3"]
    lines = [*NAV, "Ten gifts for nostalgics", PARAGRAPHS[0], PARAGRAPHS[1], *items, PARAGRAPHS[2]]
    kept = _kept(_page(lines))
    assert PARAGRAPHS[2] in kept and "2) Electric race track" in kept


def test_a_heading_and_typed_bullets_inside_the_article_stay():
    lines = [*NAV, "Council expands bus network", PARAGRAPHS[0], "What changes", PARAGRAPHS[1],
             "• Four new routes", "• Buses every ten minutes", "• Night service on weekends", PARAGRAPHS[2]]
    kept = _kept(_page(lines))
    assert "What changes" in kept and "• Night service on weekends" in kept and PARAGRAPHS[2] in kept


def test_comments_after_the_article_are_not_article_text():
    comment = "I have taken the number 12 bus for twenty years and it has never once been on time, honestly."
    segs = _page(["Council expands bus network", *PARAGRAPHS, "3 Comments", "jsmith", comment, "Rating: 12 Votes"])
    assert comment not in _kept(segs)


def test_a_teaser_above_the_article_keeps_the_copy_inside_the_text():
    segs = _page([*NAV, PARAGRAPHS[0], "Share", "Tweet", *NAV, "Council expands bus network", *PARAGRAPHS])
    inside = [s for s in segs if s.text == PARAGRAPHS[0]]
    assert [s.role for s in inside] == ["boilerplate", "body"]


@pytest.mark.parametrize("line", [
    "Stay up to date with Example Corp. Subscribe to our newsletter.",
    "No spam, we promise. You can unsubscribe at any time.",
    "Follow Example News on Instagram, Facebook and Twitter.",
    "Example logo and ExampleTV are registered trademarks of Example Inc. in the U.S. and other countries.",
    "Share to LinkedInLinkedInShare to FacebookFacebookShare to EmailEmail",
    "Posted on November 19, 2019 by Admin",
    "Updated: Nov 19, 2019 6:55 AM",
    "Rating: 36 Votes",
    "Terms of Use | Privacy Policy | Contact Us",
    "Also on example.com: Ten things to know about the new routes",
    "Sometimes we include links to online stores. If you buy something, we may earn a small commission.",
    "As you comment, please be respectful of other commenters and other viewpoints.",
    "Get access to Example Pro for as little as $5 a month.",
    "Jane Doe (@janedoe) is a contributor at Example Magazine and the host of a daily podcast.",
    "Library hours to be extended next month CHICAGO: The city's public libraries will stay open later from June.",
])
def test_site_chrome_phrases(line):
    assert is_boilerplate_phrase(line)


@pytest.mark.parametrize("line", [
    "Posted a record profit in the third quarter, the company said on Monday.",
    "Updated figures show the network carried 40 million passengers last year.",
    "Share prices rose 3% after the announcement.",
])
def test_article_sentences_are_not_chrome(line):
    assert not is_boilerplate_phrase(line)


@pytest.mark.parametrize("line", [
    "Trump Administration's US-South Korea Relations: Navigating Strategic Alliances",
    "The mayor said: The routes will open in March, and more will follow next year if the money holds.",
])
def test_headlines_and_quotes_are_not_teasers(line):
    assert not is_boilerplate_phrase(line)


@pytest.mark.parametrize("line", ["Jane Doe/Metro Times/Getty Images", "Michael Lee, AP", "Kim Min-ji for Reuters"])
def test_name_and_agency_credits(line):
    assert is_photo_credit(line)


def test_short_sentences_between_headlines_keep_the_article_together():
    short = ["The driver said he needed a break.", "Police arrived at 9 p.m.", "Nobody was hurt."]
    lines = [*NAV, "Council expands bus network", PARAGRAPHS[0], *short, RELATED[0], PARAGRAPHS[1], PARAGRAPHS[2]]
    kept = _kept(_page(lines))
    assert all(s in kept for s in short) and PARAGRAPHS[2] in kept


def test_a_trending_label_in_the_header_does_not_end_the_article():
    lines = [*NAV, *RELATED, "TRENDING:", *RELATED[:2], "Council expands bus network", PARAGRAPHS[0],
             "The driver said he needed a break.", PARAGRAPHS[1]]
    assert "The driver said he needed a break." in _kept(_page(lines))


@pytest.mark.parametrize("line", [
    "<저작권자 ⓒ 연합뉴스, 무단 전재-재배포 금지>",
    "기사 공유하기",
    "카카오톡 페이스북 트위터 URL 복사",
    "많이 본 뉴스",
    "개인정보처리방침 | 이용약관 | 청소년보호정책",
    "입력 2025.08.24 09:41",
    "홍길동 기자 hong@example.co.kr",
    "Tin khác",
    "Trở về đầu trang",
    "Đăng ký nhận bản tin mỗi sáng",
    "Cập nhật lúc 09:41 ngày 24/08/2025",
    "Giấy phép số 123/GP-BTTTT do Bộ Thông tin và Truyền thông cấp",
    "Đường dây nóng: 0900 000 000",
])
def test_korean_and_vietnamese_site_chrome(line):
    assert is_boilerplate_phrase(line)


@pytest.mark.parametrize("line", [
    "정부는 24일 새 버스 노선 4개를 추가한다고 밝혔다.",
    "Thành phố sẽ mở thêm bốn tuyến xe buýt vào tháng Ba.",
])
def test_korean_and_vietnamese_sentences_are_not_chrome(line):
    assert not is_boilerplate_phrase(line)


def test_glued_menu_lines_are_not_running_text():
    menu = "Rankings and Research Companies Channelcast Marketing Matters Events Jobs Partner Summit News " * 2
    assert not is_paragraph_like(menu.strip())
    assert is_paragraph_like(PARAGRAPHS[0])


# --- issue 4, second round: general rules for real web pages -------------------------------

COMMENT = "I have taken the number 12 bus for twenty years and it has never once been on time, honestly."


@pytest.mark.parametrize("line", [
    "Read more: Council approves new budget for parks",
    "SEE MORE: Storm leaves thousands without power",
    "[Related: Five things to know about the bus plan]",
    "Related coverage: Mayor faces recall vote",
    "Dock workers end strike after pay deal - Read More »",
    "Image 3 of 12",
    "Back to gallery",
    "Enlarge this image",
    "Facebook Twitter Email",
    "Continue reading below",
    "Follow Example News on",
    "I agree to receive emails from Example News and accept the privacy policy.",
    "By signing up, you agree to our terms of use.",
    "The Morning Briefing newsletter",
    "Have a news tip? Email our newsroom.",
    "Jane Doe can be reached at jdoe@example.com.",
    "Disclaimer: The views expressed are the author's own.",
    "This material is for informational purposes only and does not constitute investment advice.",
    "Talks resume between EU and UK LONDON: Negotiators met on Monday for the first time since the summer break.",
])
def test_more_site_chrome_phrases(line):
    assert is_boilerplate_phrase(line)


@pytest.mark.parametrize("line", [
    "Related charges were filed against two other men, prosecutors said.",
    "More than 300 people attended the meeting on Tuesday evening.",
    "Shares of the company rose 5% on Monday after the results.",
    "The mayor could not be reached for comment on Tuesday.",
    "Read the full report, the council said: it runs to 400 pages.",
    "The newsletter reached two million readers last year, its editor said.",
])
def test_article_sentences_with_chrome_words_are_not_chrome(line):
    assert not is_boilerplate_phrase(line)


def test_photographer_and_agency_separated_by_bars_is_a_credit():
    assert is_photo_credit("Jane Doe | Bloomberg | Getty Images")
    assert not is_photo_credit("Council | Budget | Parks and gardens")


def test_a_repeated_chrome_line_inside_the_text_stays_chrome():
    segs = _page([*NAV, "Advertisement", "Council expands bus network", PARAGRAPHS[0], PARAGRAPHS[1],
                  "Advertisement", PARAGRAPHS[2], PARAGRAPHS[3]])
    assert "Advertisement" not in _kept(segs) and PARAGRAPHS[3] in _kept(segs)


def test_a_link_list_under_a_label_inside_the_article_does_not_cut_it():
    lines = [*NAV, "Council expands bus network", *PARAGRAPHS[:2], "Related stories", *RELATED[:4], *PARAGRAPHS[2:],
             *NAV]
    kept = _kept(_page(lines))
    assert PARAGRAPHS[0] in kept and PARAGRAPHS[3] in kept
    assert not any(r in kept for r in RELATED[:4])


def test_a_link_list_stops_at_a_line_that_ends_a_clause():
    segs = _page(["Council expands bus network", *PARAGRAPHS[:2], "Related stories", RELATED[0],
                  "Here is what changes:", *PARAGRAPHS[2:]])
    codes = {s.text: s.reason and s.reason.code for s in segs}
    assert codes[RELATED[0]] in LINK_LIST_CODES
    assert codes["Here is what changes:"] not in LINK_LIST_CODES


def test_date_lines_inside_the_article_are_chrome_but_a_bare_date_stays():
    lines = ["Council expands bus network", PARAGRAPHS[0], "Associated Press Nov. 19, 2019, 9:02 AM", PARAGRAPHS[1],
             "Updated: 19 November 2019 | City Desk", PARAGRAPHS[2], "March 3, 2019", PARAGRAPHS[3]]
    kept = _kept(_page(lines))
    assert "Associated Press Nov. 19, 2019, 9:02 AM" not in kept
    assert "Updated: 19 November 2019 | City Desk" not in kept
    assert "March 3, 2019" in kept


def test_a_says_line_opens_the_comments():
    lines = ["Council expands bus network", *PARAGRAPHS, "jsmith says:", COMMENT]
    assert COMMENT not in _kept(_page(lines))


def test_a_reply_control_under_a_dated_comment_opens_the_comments_at_its_header():
    lines = ["Council expands bus network", *PARAGRAPHS, "Jane Smith", "November 20, 2019 at 9:14 am", COMMENT,
             "Reply", "Bob Jones", "November 21, 2019 at 8:01 am", COMMENT[::-1], "Reply"]
    kept = _kept(_page(lines))
    assert kept == ["Council expands bus network", *PARAGRAPHS]


def test_a_reply_control_without_a_dated_header_keeps_the_article_end():
    lines = ["Council expands bus network", *PARAGRAPHS, "Reply", COMMENT]
    kept = _kept(_page(lines))
    assert PARAGRAPHS[-1] in kept and COMMENT not in kept


def test_responses_heading_opens_the_comments():
    lines = ["Council expands bus network", *PARAGRAPHS, "3 Responses to “Council expands bus network”", COMMENT]
    assert COMMENT not in _kept(_page(lines))


LONG = [" ".join(PARAGRAPHS[i:] + PARAGRAPHS[:i]) for i in range(4)]  # 1,660 characters of running text


def test_the_author_line_of_a_next_story_ends_the_text_block():
    other = ["Police are looking for witnesses after a crash on Route 9 on Sunday night that closed the road "
             "for six hours, officers said on Monday, and asked drivers with dashboard cameras to come forward.",
             "The driver of the truck was taken to hospital with minor injuries and released later that night, "
             "police said, adding that nobody else was hurt and that the cause of the crash was not yet known."]
    lines = [*NAV, "Council expands bus network", "By Jane Doe", *LONG, "Police seek witnesses to crash",
             "By John Smith", *other]
    kept = _kept(_page(lines))
    assert LONG[-1] in kept and not any(o in kept for o in other)


def test_an_embedded_post_signature_inside_the_article_is_no_next_story():
    lines = [*NAV, "Council expands bus network", *LONG, "We finally get our bus!",
             "— Jane Doe (@janedoe) November 18, 2019", *PARAGRAPHS]
    kept = _kept(_page(lines))
    assert PARAGRAPHS[-1] in kept and LONG[0] in kept


@pytest.mark.parametrize("line", [
    "Image copyright Getty Images",
    "Photo courtesy of the Smith family",
    "사진=연합뉴스",
    "Ảnh minh họa",
])
def test_credits_named_in_words(line):
    assert is_photo_credit(line)


@pytest.mark.parametrize("line", [
    "Subscribe to Example Weekly and never miss a story.",
    "Let our news meet your inbox. The stories that matter, every weekday morning.",
    "The best of Example News, delivered straight to your inbox.",
])
def test_subscription_prompts(line):
    assert is_boilerplate_phrase(line)


BIO = "Jane Doe covers transport for Example News. Before that she reported on city hall for ten years."


def test_an_author_box_under_the_article_is_chrome():
    kept = _kept(_page(["Council expands bus network", *LONG, "About Jane Doe", BIO]))
    assert "About Jane Doe" not in kept and BIO not in kept and LONG[-1] in kept


def test_about_someone_in_the_article_is_no_author_box_when_the_text_does_not_name_them():
    text = "Council members said the plan would be reviewed again next spring, after the first months of service."
    kept = _kept(_page(["Council expands bus network", *LONG, "About Jane Doe", text]))
    assert text in kept


@pytest.mark.parametrize("line", [
    "Share on: Facebook Twitter Reddit Google+",
    "Jane Doe @janedoe / 2 days",
    "Reading time: 4 minutes",
    "chevron_left Browse All Posts",
    "Mayor hits back at critics over bus plan [VIDEO]",
])
def test_share_bars_handles_reading_time_icons_and_tagged_teasers(line):
    assert is_boilerplate_phrase(line)


def test_an_author_line_inside_the_article_is_chrome_but_a_by_heading_stays():
    lines = ["Council expands bus network", PARAGRAPHS[0], "By Jane Doe | Example Media for Example.com",
             PARAGRAPHS[1], "By The Numbers", PARAGRAPHS[2], PARAGRAPHS[3]]
    kept = _kept(_page(lines))
    assert "By Jane Doe | Example Media for Example.com" not in kept and "By The Numbers" in kept


def _tricky_lines(seeds_dir) -> list[str]:
    """Seed lines, hand-made edge cases for the pre-checks, and random mixes of their words."""
    rng = random.Random(5)
    lines = [ln.strip() for f in sorted(seeds_dir.iterdir()) for ln in f.read_text().splitlines() if ln.strip()]
    lines += ["Jane Doe/AP", "Jane Doe / Getty Images.", "AP", "(AP)", "Reuters  ", "Jane Doe, AFP —", "Jane for AP",
              "Jane Doe/AP Images", "APx", "Jane Doe/AP\n", "Photo: Jane Doe", "PHOTO： Jane", "A view (Photo by Jane)",
              "A view [image: Jane] ", "A view (photo by Jane) .", "Crowds gather. Ảnh: Reuters", "사진: 연합뉴스",
              "Jane Doe contributed reporting to this report.", "JANE DOE CONTRİBUTED TO THIS STORY",
              "Jane Doe contrıbuted to this story", "Jane Doe ſource: AP", "Image ſource: AP", "ſtory by Jane",
              "Schools reopen after storm NEW DELHI: All schools in the capital reopened on Monday morning.",
              "Schools reopen after storm NEW DELHI:All schools", ": ", "/", "", "—", "Photo:", "(Photo)"]
    words = " ".join(lines).split()
    lines += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))) for _ in range(600)]
    endings = [" (Photo: AP)", " /AP", ", Reuters", " Photo: Jane", ": ", " ]", ".)"]
    lines += [ln + rng.choice(endings) for ln in lines[:300]]
    return lines


def test_credit_and_phrase_pre_checks_answer_as_the_plain_patterns(seeds_dir):
    """The literal pre-checks in roles.py never change an answer: compare with the bare regexes."""
    def plain_credit(t: str) -> bool:
        keys = ("credit_line", "credit_phrase", "credit_slash", "credit_agency_only", "credit_name_agency")
        return words(t) <= 25 and any(COMPILED[k].match(t) for k in keys)

    lines = _tricky_lines(seeds_dir)
    assert [is_photo_credit(t) for t in lines] == [plain_credit(t) for t in lines]
    assert [has_inline_credit(t) for t in lines] == [bool(COMPILED["credit_inline"].search(t)) for t in lines]
    assert [is_contribution(t) for t in lines] == [words(t) <= 40 and bool(COMPILED["contribution"].match(t))
                                                    for t in lines]
    assert [bool(COMPILED["teaser"].match(t)) for t in lines if TEASER_NEEDS not in t] == [False] * sum(
        TEASER_NEEDS not in t for t in lines)
    assert sum(map(is_photo_credit, lines)) > 10 and sum(map(has_inline_credit, lines)) > 10


def test_agency_names_are_the_pattern_alternatives_and_end_in_a_word_character():
    assert "|".join(AGENCY_NAMES) == AGENCIES
    assert all(not set(n) & set(".^$*+?{}[]\\|()") and re.match(r".*\w$", n) for n in AGENCY_NAMES)
    assert ends_with_agency("Jane Doe/Getty Images.") and ends_with_agency("(AP)")
    assert not ends_with_agency("Jane Doe/AP Images") and not ends_with_agency("...")


@pytest.mark.parametrize("text", ["Hello, World", "O’Neil’s “Quote”", "İSTANBUL Gate", "ΟΔΟΣ.ΑΘΗΝΑ", "ΟΔΟΣ ΑΘΗΝΩΝ",
                                  "ÉTÉ Straße", "Ⅻ Ⓐ ǅ", "rock'n'roll 'tis", "snake_case", ""])
def test_norm_key_equals_the_words_of_the_lower_cased_line(text):
    assert norm_key(text) == " ".join(re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text.lower()))


def test_running_size_is_the_size_of_paragraph_like_lines(seeds_dir):
    for t in _tricky_lines(seeds_dir):
        assert running_size(t) == (text_size(t) if is_paragraph_like(t) else 0)


_ARTICLE = [
    "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, after engineers "
    "found that the steel under its deck had rusted far faster than expected.",
    "Residents who cross the bridge every day said they feared longer trips to work, while shop owners on the "
    "harbour front welcomed the plan and asked for more space for walking and cycling.",
    "The council said buses and bicycles would still be allowed for at least two more years while a new crossing "
    "is designed, and that the repairs would be paid for from the regional transport budget.",
]
def _detected_page(lines: list[str]) -> list[Segment]:
    from newsnorm.steps.langid import detect_segments

    segs = [Segment(seq=i, line_start=i, text=t) for i, t in enumerate(lines)]
    detect_segments(segs)
    assign_roles(segs)
    return segs


_KO_PASSAGE = "시의회는 화요일 낡은 항구 다리를 내년 봄부터 차량 통행을 금지하기로 결정했다."
_VI_PASSAGE = "Hội đồng thành phố quyết định cấm ô tô đi qua cây cầu cũ từ mùa xuân năm sau."


@pytest.mark.parametrize("passage", [_KO_PASSAGE, _VI_PASSAGE])
def test_a_foreign_passage_is_content_before_and_after_the_text_block(passage):
    menu = ["Home", "World", "Business", "Sport", "Culture", "Travel"]
    footer = ["Contact us", "Privacy policy", "Terms of use", "Careers"]
    for lines in ([*menu, passage, *menu, *_ARTICLE, *footer], [*menu, *_ARTICLE, *footer, passage, *footer]):
        segs = _detected_page(lines)
        seg = next(s for s in segs if s.text == passage)
        assert seg.role in ("body", "heading", "title"), (seg.role, seg.reason)


def test_foreign_ui_strings_and_credits_are_still_removed():
    ui_lines = ["관련 기사", "Tin liên quan", "사진=연합뉴스", "Ảnh: Reuters"]
    lines = ["Home", "World", *_ARTICLE, *ui_lines, "Privacy policy"]
    roles = {s.text: s.role for s in _detected_page(lines)}
    for ui in ("관련 기사", "Tin liên quan", "사진=연합뉴스", "Ảnh: Reuters"):
        assert roles[ui] in ("boilerplate", "credit"), ui


def test_on_a_korean_page_korean_chrome_stays_chrome_by_position():
    ko_text = ["서울시는 화요일 내년 봄부터 낡은 다리의 차량 통행을 금지한다고 발표했다. "
               "기술자들은 다리 아래 철골이 예상보다 훨씬 빨리 녹슬었다고 밝혔다.",
               "주민들은 출근길이 길어질 것을 걱정했고, 상인들은 보행자와 자전거를 위한 공간을 더 요구했다. "
               "시는 새 다리를 설계하는 동안 버스와 자전거는 계속 다닐 수 있다고 말했다."]
    teaser = "다른 기사: 서울 지하철 요금 내년 인상 예정"
    segs = _detected_page(["홈", "뉴스", *ko_text, teaser, "개인정보처리방침"])
    assert next(s for s in segs if s.text == teaser).role == "boilerplate"


def test_a_social_feed_item_in_another_language_is_not_a_passage():
    menu = ["Home", "World", "Business", "Sport", "Culture", "Travel"]
    footer = ["Contact us", "Privacy policy", "Terms of use", "Careers"]
    tweet = "RT @AamAadmiParty: पानी नहीं @BJP4Delhi की राजनीति गन्दी है, दिल्ली की जनता सब देख रही है"
    segs = _detected_page([*menu, *_ARTICLE, *footer, tweet, *footer])
    assert next(s for s in segs if s.text == tweet).role == "boilerplate"
