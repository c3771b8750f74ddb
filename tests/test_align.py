from __future__ import annotations

from newsnorm.document import Segment
from newsnorm.steps.align import align_pairs
from newsnorm.steps.langid import detect_segments
from newsnorm.steps.pair_evidence import numbers
from newsnorm.steps.roles import assign_roles
from newsnorm.steps.text import has_inline_credit


def _segments(lines: list[str]) -> list[Segment]:
    segs = [Segment(i, i, t) for i, t in enumerate(lines)]
    detect_segments(segs)
    assign_roles(segs)
    align_pairs(segs)
    return segs


ENGLISH_BODY = ("The talks in Seoul ended without an agreement on Tuesday, and both sides said they would meet "
                "again next month to discuss the cost of stationing troops in the country.")


def test_caption_pair_is_found():
    segs = _segments([
        ENGLISH_BODY,
        "Thủ tướng Hàn Quốc phát biểu tại Seoul ngày 5/3/2024. Ảnh: Reuters",
        "The South Korean prime minister speaks in Seoul on March 5, 2024. Photo: Reuters",
        ENGLISH_BODY.replace("Tuesday", "Wednesday"),
    ])
    vi, en = segs[1], segs[2]
    assert (vi.pair_seq, en.pair_seq) == (2, 1)
    assert vi.role == en.role == "caption"
    assert vi.translation_source == "publisher"


def test_unrelated_foreign_paragraph_is_not_paired():
    segs = _segments([
        ENGLISH_BODY,
        "Người dân địa phương cho biết họ rất lo lắng về tình hình kinh tế trong những tháng tới.",
        "Analysts expect the economy to slow down this year as exports weaken and consumers spend less.",
    ])
    assert segs[1].pair_seq is None and segs[2].pair_seq is None


def test_pair_needs_adjacent_lines():
    segs = [Segment(0, 0, "Ảnh: Reuters"), Segment(1, 2, "Photo: Reuters")]
    detect_segments(segs)
    assign_roles(segs)
    assert align_pairs(segs) == 0


# Sentences written for these tests in the style of bilingual news pages.
KO_QUOTE = ("미국 국립보건원의 연구원들은 이 발견이 2019년까지 약 1,500명의 환자를 대상으로 한 실험에서 "
            "나왔다고 말했습니다.")
EN_QUOTE = ("Researchers at the US National Institutes of Health said the finding came from a trial of about "
            "1,500 patients through 2019.")
VI_QUOTE = "Ông Warren cho biết chiến dịch sẽ bắt đầu vào ngày 12 tháng 3 tại Boston với khoảng 2.000 người ủng hộ."
EN_VI_QUOTE = "Warren said the campaign would start on March 12 in Boston with about 2,000 supporters."


def test_a_quote_followed_by_the_publishers_english_is_a_pair():
    segs = _segments([ENGLISH_BODY, VI_QUOTE, EN_VI_QUOTE, ENGLISH_BODY.replace("Tuesday", "Friday")])
    assert (segs[1].pair_seq, segs[2].pair_seq) == (2, 1)
    assert segs[1].translation_source == "publisher"
    assert segs[1].role == segs[2].role == "body"


def test_the_english_may_come_first():
    segs = _segments([ENGLISH_BODY, EN_QUOTE, KO_QUOTE, ENGLISH_BODY.replace("Tuesday", "Friday")])
    assert (segs[2].pair_seq, segs[1].pair_seq) == (1, 2)


def test_a_pair_may_stand_one_blank_line_apart():
    segs = [Segment(0, 0, ENGLISH_BODY), Segment(1, 2, VI_QUOTE), Segment(2, 4, EN_VI_QUOTE)]
    detect_segments(segs)
    assign_roles(segs)
    align_pairs(segs)
    assert segs[1].pair_seq == 2


def test_numbers_that_disagree_veto_a_pair():
    other = "Warren said the campaign would start on June 30 in Boston with about 7,500 supporters."
    segs = _segments([ENGLISH_BODY, VI_QUOTE, other])
    assert segs[1].pair_seq is None


def test_an_alternating_article_is_paired_in_its_direction():
    # Paragraphs with no shared number or name: the alternation itself is the evidence.
    ko = ["화산이 도시에 재를 내뿜었다", "주민들은 집 안에 머물라는 권고를 받았다.",
          "당국은 학교들이 내일 문을 닫을 것이라고 밝혔다.", "공항은 오후까지 운영을 중단했다."]
    en = ["Volcano spews ash on the city", "Residents were told to stay indoors.",
          "Officials said schools would be closed tomorrow.", "The airport halted operations until the afternoon."]
    lines = [x for pair in zip(ko, en, strict=True) for x in pair]
    segs = _segments(lines)
    assert [s.pair_seq for s in segs] == [1, 0, 3, 2, 5, 4, 7, 6]
    assert all(s.translation_source == "publisher" for s in segs[::2])


def test_korean_number_units_match_plain_numbers():
    assert "820000" in numbers("82만 명 이상의 사람들이") and "1500" in numbers("about 1,500 patients")


def test_hangul_names_match_english_spelling():
    from newsnorm.steps.pair_evidence import english_skeleton, hangul_skeleton

    for ko, en in (("워렌", "Warren"), ("멕시코", "Mexico"), ("데일리", "Daley"), ("루이스", "Louis")):
        assert hangul_skeleton(ko) == english_skeleton(en), (ko, en)
    assert hangul_skeleton("서울") != english_skeleton("Warren")


def test_an_english_first_pair_takes_the_publishers_english_not_a_translation():
    from newsnorm.document import Article
    from newsnorm.steps.compose import compose_text_en
    from newsnorm.steps.translate import _assign

    segs = _segments([ENGLISH_BODY, EN_QUOTE, KO_QUOTE, ENGLISH_BODY.replace("Tuesday", "Friday")])
    article = Article("a", "a.txt", "0", segs)
    pending = _assign(article, {"ko"})
    assert segs[2] not in pending
    assert (segs[2].text_en, segs[2].translation_source) == (EN_QUOTE, "publisher")
    assert compose_text_en(article).count(EN_QUOTE) == 1


def test_a_korean_caption_with_an_equals_credit_pairs_with_the_english_caption():
    segs = _segments([
        ENGLISH_BODY,
        "윤석열 대통령이 5일 서울에서 연설하고 있다. 사진=로이터",
        "President Yoon Suk Yeol speaks in Seoul on the 5th. Photo: Reuters",
        ENGLISH_BODY.replace("Tuesday", "Wednesday"),
    ])
    assert (segs[1].pair_seq, segs[2].pair_seq) == (2, 1)
    assert segs[1].role == segs[2].role == "caption"
    assert segs[1].reason is not None and segs[1].reason.code == "publisher_caption_pair"
    assert has_inline_credit(segs[1].text)


def test_numbers_with_scale_words_match_across_languages():
    assert numbers("연간 1억 2천만 파운드가", "ko") == numbers("1억2000만 파운드", "ko") == {"120000000"}
    assert numbers("raise up to £120 million a year") == {"120000000"}
    assert numbers("240만 명의 사람들이", "ko") == numbers("2.4 million people") == {"2400000"}
    assert numbers("1,2 triệu người", "vi") == numbers("1.2 million people") == {"1200000"}
    assert numbers("£125m sale of 281 stores") == {"125000000", "281"}
    assert numbers("2019년 5명", "ko") == numbers("In 2019, 5 people") == {"2019", "5"}


QUOTE_KO = "해당 뉴스를 통해 성적 내용이 게시되는 것에 대한 두려움이 고조되고 있다."
QUOTE_EN = "The news has heightened fears that sexual content will be posted."


def test_a_pair_without_shared_tokens_follows_the_articles_pattern():
    """Rule: the article's pattern. A short quote with no number, name or Latin word is paired
    when the article's other pairs all print the English under the original; alone it is not."""
    caption = ["서울에서 열린 회담에 참석한 대표단 2024년 3월 5일. 사진=로이터",
               "Delegates at the talks in Seoul on March 5, 2024. Photo: Reuters"]
    alone = _segments([ENGLISH_BODY, QUOTE_KO, QUOTE_EN, ENGLISH_BODY.replace("Tuesday", "Friday")])
    assert alone[1].pair_seq is None
    patterned = _segments([ENGLISH_BODY, *caption, ENGLISH_BODY.replace("Tuesday", "Wednesday"), QUOTE_KO, QUOTE_EN,
                           ENGLISH_BODY.replace("Tuesday", "Friday")])
    assert patterned[1].pair_seq == 2
    assert (patterned[4].pair_seq, patterned[5].pair_seq) == (5, 4)


def test_the_pattern_pairs_nothing_in_an_article_without_pairs():
    segs = _segments([ENGLISH_BODY, "Người dân địa phương cho biết họ rất lo lắng về tình hình kinh tế.",
                      "Analysts expect the economy to slow down this year as exports weaken.", ENGLISH_BODY])
    assert all(s.pair_seq is None for s in segs)


def test_a_short_english_line_guessed_vietnamese_is_english_for_pairing():
    # Short English lines between Vietnamese ones are often guessed Vietnamese; Vietnamese is
    # never written without its marks, so a plain ASCII line is the English half.
    vi = ["Chiến dịch tranh cử của ông Trump tại West Virginia", "Xin tôn vinh Thomas.",
          "Các tòa nhà công cộng đều treo lá cờ xanh biển.", "Sân bay tạm ngừng hoạt động đến chiều."]
    en = ["Trump rallies in West Virginia", "Hats off to Thomas.", "Public buildings fly an ocean-blue flag.",
          "The airport halted operations until the afternoon."]
    segs = [Segment(i, i, t) for i, t in enumerate(x for pair in zip(vi, en, strict=True) for x in pair)]
    detect_segments(segs)
    for s in segs[1::2]:
        s.lang = "vi"  # what the detector says for such lines in a Vietnamese-heavy article
    assign_roles(segs)
    align_pairs(segs)
    assert [s.pair_seq for s in segs] == [1, 0, 3, 2, 5, 4, 7, 6]
    assert all(s.lang == "en" for s in segs[1::2])
    assert all(s.translation_source == "publisher" for s in segs[::2])


def test_a_short_lines_length_ratio_may_stray_further():
    from newsnorm.steps.pair_evidence import length_z

    # The same ratio (English twice the Korean characters) is further out for a long paragraph.
    assert length_z("가" * 10, "ko", "a" * 20) < length_z("가" * 100, "ko", "a" * 200)
    assert length_z("a" * 10, "vi", "a" * 20) < length_z("a" * 100, "vi", "a" * 200)


def test_short_lines_in_an_alternating_article_are_paired():
    # `It tears us apart.` is short for its Korean: with one spread for every length the run's
    # evidence fell below zero and none of its pairs was made.
    ko = ["화산이 도시에 재를 내뿜었다", "주민들은 집 안에 머물라는 권고를 받았다.",
          "그것은 우리를 갈갈이 찢어 놓는다.", "당국은 학교들이 내일 문을 닫을 것이라고 밝혔다.",
          "공항은 오후까지 운영을 중단했다."]
    en = ["Volcano spews ash on the city", "Residents were told to stay indoors.", "It tears us apart.",
          "Officials said schools would be closed tomorrow.", "The airport halted operations until the afternoon."]
    segs = _segments([x for pair in zip(ko, en, strict=True) for x in pair])
    assert [s.pair_seq for s in segs] == [1, 0, 3, 2, 5, 4, 7, 6, 9, 8]


def test_a_short_hangul_word_does_not_match_the_start_of_every_name():
    from newsnorm.steps.pair_evidence import transliterated

    # `불로` (PR) starts `Palin` (PRN), `돌로` (TR) starts `Track` (TRK): not names.
    ko = "구덩이는 불로 달구어진 돌로 데워지거나 지열로 인해 자연적으로 뜨거워집니다."
    en = "Track Palin, the eldest son of former Alaska governor Sarah Palin, was arrested."
    assert transliterated(ko, en) == 0
    assert transliterated("도널드 트럼프 대통령은 워싱턴에서 말했다", "President Donald Trump said in Washington") == 3


def test_a_korean_word_of_vowels_is_not_a_name():
    from newsnorm.steps.pair_evidence import transliterated

    # `이어가기로` (to continue) has the consonants of `Korea` (KR) but five syllables.
    assert transliterated("협상을 이어가기로 합의했다", "South Korea and the US agreed") == 0
    assert transliterated("코리아 헤럴드는 보도했다", "The Korea Herald reported") >= 1


def test_a_caption_pair_alone_sets_no_weak_pattern_for_the_text():
    # Captions are printed in both languages by convention; that is no evidence that an
    # unrelated Korean passage's English neighbour (-2.8 by length alone) is its translation.
    lines = [ENGLISH_BODY, "정부 관계자는 이번 회담이 동맹 관계를 더욱 강화하는 계기가 될 것이라고 말했다.",
             "Key aspects of the policy on trade", ENGLISH_BODY.replace("Tuesday", "Friday"),
             "2022년 6월 17일 서울에서 열린 회담 모습. 사진: 연합뉴스",
             "The talks held in Seoul on June 17, 2022. Photo: Yonhap",
             ENGLISH_BODY.replace("Tuesday", "Monday")]
    segs = [Segment(i, line, t) for i, (line, t) in enumerate(zip([0, 3, 4, 5, 6, 7, 8], lines, strict=True))]
    detect_segments(segs)
    assign_roles(segs)
    align_pairs(segs)
    assert (segs[4].pair_seq, segs[5].pair_seq) == (5, 4)
    assert segs[1].pair_seq is None and segs[2].pair_seq is None
