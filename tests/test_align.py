from __future__ import annotations

from newsnorm.document import Segment
from newsnorm.steps.align import align_pairs
from newsnorm.steps.langid import detect_segments
from newsnorm.steps.roles import assign_roles


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
