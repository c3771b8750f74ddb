from __future__ import annotations

import pytest

from newsnorm.data import Segment
from newsnorm.langid import classify, detect_segments

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
