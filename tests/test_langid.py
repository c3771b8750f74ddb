from __future__ import annotations

import re

import pytest

from newsnorm.document import Segment
from newsnorm.steps.langid import (
    _FOREIGN_WORDS,
    _NON_ENGLISH_MARKS,
    LangidStats,
    _script_of,
    classify,
    detect_segments,
    script_profile,
    vi_word_evidence,
)
from newsnorm.steps.patterns import FOREIGN_FUNCTION_WORDS
from newsnorm.steps.text import count_letters

ENGLISH_ARTICLE = [
    "The two governments opened talks on Monday about the cost of keeping troops in the country.",
    "Officials said the negotiations would continue for several weeks before any agreement is signed.",
]


def _in_article(line: str) -> Segment:
    segs = [Segment(i, i, t) for i, t in enumerate([ENGLISH_ARTICLE[0], line, ENGLISH_ARTICLE[1]])]
    detect_segments(segs)
    return segs[1]


@pytest.mark.parametrize("line", ["x", "·", "Latest", "Photo: Reuters", "POST ADS 2", "toggle caption", "Share",
                                  "Related content", "© essanews.com", "Ahn Younger-joon/AP", "About Author"])
def test_short_lines_in_an_english_article_are_not_foreign(line):
    seg = _in_article(line)
    assert seg.lang in ("en", "und")
    if sum(ch.isalpha() for ch in line) >= 3:
        assert seg.lang == "en"


@pytest.mark.parametrize("line, lang", [
    ("사진: 연합뉴스", "ko"),
    ("댓글 쓰기", "ko"),
    ("다음 이전", "ko"),
    ("Ảnh: AFP", "vi"),
    ("Tổng thống Mỹ Donald Trump", "vi"),
    ("Các quan chức Hàn Quốc và Mỹ tham gia cuộc đàm phán", "vi"),
])
def test_script_and_diacritics_decide_without_context(line, lang):
    assert _in_article(line).lang == lang
    assert classify(line).lang == lang


def test_english_with_a_vietnamese_name_stays_english():
    line = "Prime Minister Nguyễn Xuân Phúc said on Monday that the talks had gone well for both sides."
    assert classify(line).lang == "en"


def test_no_letters_is_und():
    assert classify("123 456").lang == "und"
    assert classify("—").lang == "und"


def test_long_foreign_latin_sentence_uses_langdetect():
    assert classify("Le gouvernement a annoncé lundi une nouvelle réforme des retraites très contestée.").lang == "fr"
    assert classify("Die Regierung hat am Montag eine umstrittene Reform der Renten angekündigt.").lang == "de"


def test_deterministic_across_calls():
    line = "Une réforme contestée"
    assert len({classify(line).lang for _ in range(20)}) == 1


@pytest.mark.parametrize("line", ["Samsung Galaxy와 Apple iPhone", "(Seoul Metro)의 발표", "BTS와 함께"])
def test_hangul_as_a_minority_is_still_korean(line):
    assert classify(line).lang == "ko"
    assert _in_article(line).lang == "ko"


def test_english_around_a_korean_gloss_stays_english():
    line = "President Yoon Suk Yeol (윤석열) said on Monday that the talks with the union would resume."
    assert classify(line).lang == "en"


@pytest.mark.parametrize("line", ["vào năm 2008", "an toàn, Alonso", "công ty gas đã", "xuất khẩu than",
                                  "tác giả cuốn sách"])
def test_short_vietnamese_inside_english_is_vietnamese(line):
    assert _in_article(line).lang == "vi"


@pytest.mark.parametrize("word, score", [("tác", 1), ("được", 1), ("năm", 1), ("Nguyễn", 1), ("été", -1),
                                         ("très", -1), ("the", -1), ("was", -1), ("bay", 0), ("Alonso", 0),
                                         ("São", 0), ("km", 0)])
def test_vietnamese_word_evidence(word, score):
    assert vi_word_evidence(word) == score


@pytest.mark.parametrize("line", ["São Paulo, Brazil", "Los Angeles Police Department", "the café on Main Street",
                                  "José Mourinho", "Charles de Gaulle airport"])
def test_names_with_foreign_letters_inside_english_stay_english(line):
    assert _in_article(line).lang == "en"


@pytest.mark.parametrize("line, lang", [
    ("Le président est arrivé à Paris hier soir.", "fr"),
    ("Der Minister ist gestern nach Berlin gereist.", "de"),
    ("El presidente llegó ayer a la capital.", None),  # langdetect says ca: not English is what counts
])
def test_short_foreign_sentence_inside_english_is_not_english(line, lang):
    got = _in_article(line).lang
    assert got not in ("en", "vi", "ko") and (lang is None or got == lang)


def test_short_english_sentence_alone_is_english():
    seg = Segment(0, 0, "He died in Paris on Friday.")
    detect_segments([seg])
    assert seg.lang == "en"


def test_only_uncertain_lines_reach_langdetect():
    lines = [*ENGLISH_ARTICLE, "사진: 연합뉴스", "Ảnh: AFP", "Photo: Reuters", "Share"]
    segs = [Segment(i, i, t) for i, t in enumerate(lines)]
    stats = LangidStats()
    detect_segments(segs, stats)
    assert (stats.lines, stats.langdetect_calls) == (len(segs), 0)


def test_stats_count_the_lines_that_reach_langdetect():
    lines = [*ENGLISH_ARTICLE, "Le gouvernement a annoncé lundi une nouvelle réforme des retraites très contestée."]
    stats = LangidStats(lines=5, langdetect_calls=2)  # a caller's running totals: added to
    detect_segments([Segment(i, i, t) for i, t in enumerate(lines)], stats)
    assert (stats.lines, stats.langdetect_calls) == (5 + 3, 2 + 1)
    detect_segments([Segment(0, 0, lines[2])])  # no stats passed: nothing is counted anywhere
    assert (stats.lines, stats.langdetect_calls) == (8, 3)


TRICKY = ["", "abc", "123", "Hello, world!", "“Quoted” — said O’Neil", "x² + ½ = ③", "٣٤ and ５", "snake_case ＿",
          "e\u0301te\u0301", "한국어 문장입니다.", "Tiếng Việt có dấu", "日本語とカタカナ", "Ελληνικά", "a\udcffb",
          "İstanbul ſtraße", "\u00a0\u2009", "ǅ ǈ", "\U0001d400\U0001d401", "tab\tnew\nline"]


@pytest.mark.parametrize("text", TRICKY)
def test_letter_counts_equal_the_regex(text):
    """The counting tricks (ASCII in C, non-letters subtracted) give exactly the regex's letters."""
    letters = re.findall(r"[^\W\d_]", text)
    assert count_letters(text) == len(letters)
    assert sum(script_profile(text).values()) == len(letters)
    assert script_profile(text).get("Latin", 0) == sum(1 for ch in letters if ch < "\u0250" or
                                                       _script_of(ch) == "Latin")


def test_second_pass_decides_as_classify_in_context():
    """Reusing the first pass's words gives what `classify` in the same context gives."""
    lines = [*ENGLISH_ARTICLE, "Latest", "Une enquête a été ouverte.", "São Paulo", "x", "Share this",
             "Le président est arrivé à Paris hier soir.", "123", "사진: 연합뉴스", "Ahn Younger-joon/AP"]
    segs = [Segment(i, i, t) for i, t in enumerate(lines)]
    detect_segments(segs)
    for seg in segs[2:]:
        assert classify(seg.text, "en").lang == seg.lang


def test_foreign_words_and_marks_are_all_languages_and_non_ascii():
    assert {w for vocab in FOREIGN_FUNCTION_WORDS.values() for w in vocab} == _FOREIGN_WORDS
    assert not any(ch.isascii() for ch in _NON_ENGLISH_MARKS)


# -- one detection per block ---------------------------------------------------------------
RUSSIAN_PAGE = [
    "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны.",
    "Главная",
    "Новости",
    "По словам министра, программа будет действовать до конца следующего года и охватит тысячи компаний.",
    "Эксперты считают, что эти меры помогут сохранить рабочие места в сложный период.",
]
PORTUGUESE_PAGE = [
    "O governo anunciou nesta segunda-feira um novo pacote de medidas para a economia do país.",
    "Leia também",
    "Segundo o ministro, as medidas não vão aumentar os impostos e devem entrar em vigor no próximo mês.",
    "Os economistas dizem que o plano é uma resposta à queda das exportações nos últimos anos.",
]


def test_a_script_block_is_detected_once_and_its_short_lines_take_its_language():
    segs = [Segment(i, i, t) for i, t in enumerate(RUSSIAN_PAGE)]
    stats = LangidStats()
    detect_segments(segs, stats)
    assert [s.lang for s in segs] == ["ru"] * 5
    assert stats.langdetect_calls == 1  # the block; every long line has ы/э and no other language's letters


def test_a_long_cyrillic_line_without_its_languages_letters_is_detected_alone():
    ukrainian = "Уряд оголосив про нові заходи підтримки малого бізнесу в регіонах країни цього тижня."
    segs = [Segment(i, i, t) for i, t in enumerate([*RUSSIAN_PAGE, ukrainian])]
    stats = LangidStats()
    detect_segments(segs, stats)
    assert segs[-1].lang == "uk"
    assert stats.langdetect_calls == 2


def test_latin_lines_with_no_certain_evidence_are_detected_as_one_block():
    segs = [Segment(i, i, t) for i, t in enumerate(PORTUGUESE_PAGE)]
    stats = LangidStats()
    detect_segments(segs, stats)
    assert [s.lang for s in segs] == ["pt"] * 4
    # the block, and the first line alone: its function words (um, para, do) are not Portuguese only
    assert stats.langdetect_calls == 2


def test_a_line_whose_function_words_disagree_with_the_block_is_detected_alone():
    spanish = "El gobierno dijo que las medidas son para los trabajadores y sus familias durante la crisis."
    segs = [Segment(i, i, t) for i, t in enumerate([*PORTUGUESE_PAGE, spanish])]
    stats = LangidStats()
    detect_segments(segs, stats)
    assert segs[-1].lang == "es" and segs[0].lang == "pt"
    assert stats.langdetect_calls == 3


@pytest.mark.parametrize("line", [RUSSIAN_PAGE[0], PORTUGUESE_PAGE[0], "Главная", "Leia também"])
def test_a_one_line_article_is_decided_by_its_own_detection(line):
    alone = [Segment(0, 0, line)]
    detect_segments(alone)
    assert (alone[0].lang, alone[0].lang_prob) == (classify(line).lang, classify(line).prob)
