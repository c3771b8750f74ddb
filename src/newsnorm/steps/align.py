"""Publisher pairs: a foreign line directly followed by the site's own English version.

Sites that print a caption in two languages print the original first and the English
right under it. When such a pair is found, the publisher's English is the translation
(no machine translation, and the caption appears once in the English text).
"""

from __future__ import annotations

import re

from newsnorm.document import Segment
from newsnorm.reasons import Code, reason
from newsnorm.steps.roles_data import REMOVED_ROLES
from newsnorm.steps.text import has_inline_credit, words

_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]{2,}\b")
_CJK = ("ko", "ja", "zh")


def _anchors(text: str) -> set[str]:
    return set(_NUMBER.findall(text)) | {m.lower() for m in _NAME.findall(text)}


def _length_ok(foreign: Segment, english: Segment) -> bool:
    ratio = len(english.text) / max(1, len(foreign.text))
    lo, hi = (0.8, 8.0) if foreign.lang in _CJK else (0.35, 3.0)
    return lo <= ratio <= hi


def is_publisher_pair(foreign: Segment, english: Segment) -> bool:
    if english.lang != "en" or foreign.lang in ("en", "und"):
        return False
    if english.line_start != foreign.line_start + 1 or not _length_ok(foreign, english):
        return False
    if foreign.role == "boilerplate" or english.role == "boilerplate":
        return False
    if foreign.role == "credit" or english.role == "credit":
        return foreign.role == english.role
    shared = _anchors(foreign.text) & _anchors(english.text)
    both_captions = has_inline_credit(foreign.text) and has_inline_credit(english.text)
    return bool(shared) or (both_captions and words(english.text) <= 40)


def align_pairs(segments: list[Segment]) -> int:
    """Mark publisher pairs in place; returns how many were found."""
    found = 0
    for a, b in zip(segments, segments[1:], strict=False):
        if a.pair_seq is not None or b.pair_seq is not None or not is_publisher_pair(a, b):
            continue
        if b.role == "caption" or a.role == "caption":
            a.role = b.role = "caption"
            a.reason = b.reason = reason(Code.PUBLISHER_CAPTION_PAIR)
        elif b.role in REMOVED_ROLES:
            a.role, a.reason = b.role, reason(Code.PUBLISHER_PAIR, b.seq)
        a.pair_seq, b.pair_seq = b.seq, a.seq
        a.translation_source = a.translation_status = "publisher"
        found += 1
    return found
