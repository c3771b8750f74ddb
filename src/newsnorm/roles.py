"""Role of each segment: title, heading, byline, body, caption, credit or boilerplate.

Every non-body decision carries a reason (`Segment.reason`), so nothing is removed from
the article text without a recorded why. Phrases live in patterns.py; this module holds
the structural rules (position, adjacency, repetition).
"""

from __future__ import annotations

import re

from .data import Segment
from .patterns import COMPILED

REMOVED_ROLES = frozenset({"boilerplate", "credit", "byline"})
CONTENT_ROLES = frozenset({"title", "heading", "body", "caption"})

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_BULLET = re.compile(r"^[•·\-–—*▪►◦‣○●]\s")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|"
    r"\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4})\b",
    re.IGNORECASE,
)
_CAPTION_CONTROL = re.compile(r"^(hide|toggle|show|close|expand) caption$", re.IGNORECASE)
_TERMINAL = (".", ",", ";", ":", "!", "…", "\"", "”", "’", "'", ")")
BODY_MIN_WORDS = 20
TITLE_MAX_WORDS = 30
HEADING_MAX_WORDS = 14


def words(text: str) -> int:
    return len(_WORD.findall(text))


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def norm_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def is_boilerplate_phrase(text: str) -> bool:
    return any(p.match(text) for p in COMPILED["boilerplate"].values())


def is_photo_credit(text: str) -> bool:
    if words(text) > 25:
        return False
    return bool(
        COMPILED["credit_line"].match(text)
        or COMPILED["credit_slash"].match(text)
        or COMPILED["credit_agency_only"].match(text)
    )


def is_contribution(text: str) -> bool:
    return words(text) <= 40 and bool(COMPILED["contribution"].match(text))


def has_inline_credit(text: str) -> bool:
    return bool(COMPILED["credit_inline"].search(text))


def strip_inline_credit(text: str) -> str:
    return COMPILED["credit_inline"].sub("", text).strip()


def is_byline(text: str) -> bool:
    n = words(text)
    if n == 0 or n > 10 or text.endswith("."):
        return False
    if COMPILED["byline_prefix"].match(text):
        return True
    return bool(_TIME.search(text) or _DATE.search(text) or COMPILED["corrupted_token"].search(text))


def _adjacent(a: Segment, b: Segment) -> bool:
    return b.line_start == a.line_start + 1


def _set(seg: Segment, role: str, reason: str) -> None:
    seg.role, seg.reason = role, reason


def assign_roles(segments: list[Segment]) -> None:
    """Set `role` and `reason` on each segment, in place."""
    n = len(segments)
    if not n:
        return
    for seg in segments:
        seg.role, seg.reason = "body", None
        if letters(seg.text) < 2:
            _set(seg, "boilerplate", "no text")
        elif is_photo_credit(seg.text):
            _set(seg, "credit", "photo credit")
        elif is_contribution(seg.text):
            _set(seg, "credit", "contribution line")
        elif is_boilerplate_phrase(seg.text):
            _set(seg, "boilerplate", "boilerplate phrase")

    _caption_controls(segments)
    _breadcrumb_titles(segments)
    _duplicates(segments)
    _tail(segments)
    _captions(segments)
    body_start = next(
        (i for i, s in enumerate(segments) if s.role == "body" and words(s.text) >= BODY_MIN_WORDS), n
    )
    _byline(segments, body_start)
    _title(segments, body_start)
    _headings(segments)


def _caption_controls(segments: list[Segment]) -> None:
    """A short `... caption` line next to a caption toggle is a control too (e.g. spun text)."""
    for i, seg in enumerate(segments):
        if seg.role != "boilerplate" or not _CAPTION_CONTROL.match(seg.text):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(segments):
                other = segments[j]
                if other.role == "body" and words(other.text) <= 3 and other.text.lower().endswith("caption"):
                    _set(other, "boilerplate", "caption control")


def _breadcrumb_titles(segments: list[Segment]) -> None:
    """`US NewsSouth Korea and ...` followed by the bare title: the glued line is navigation."""
    for i, seg in enumerate(segments[:6]):
        if seg.role != "body":
            continue
        for other in segments[i + 1 : i + 4]:
            t = other.text
            if len(t) >= 20 and len(seg.text) > len(t) and seg.text.endswith(t):
                _set(seg, "boilerplate", f"navigation glued to the title (seq {other.seq})")
                break


def _duplicates(segments: list[Segment]) -> None:
    seen: dict[str, Segment] = {}
    for seg in segments:
        key = norm_key(seg.text)
        if not key:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = seg
        elif first.role == "credit":
            _set(seg, "credit", f"repeats credit seq {first.seq}")
        else:
            _set(seg, "boilerplate", f"repeats seq {first.seq}")


def _tail(segments: list[Segment]) -> None:
    """After an end-of-article marker in the last part of the page, short lines are chrome."""
    n = len(segments)
    start = None
    for i, seg in enumerate(segments):
        if i >= n * 0.5 and COMPILED["tail"].match(seg.text):
            start = i
            break
    if start is None:
        return
    marker = segments[start]
    if marker.role != "boilerplate":
        _set(marker, "boilerplate", "end-of-article marker")
    for seg in segments[start + 1 :]:
        if seg.role not in ("boilerplate", "credit") and words(seg.text) < 25:
            _set(seg, "boilerplate", f"after end-of-article marker (seq {marker.seq})")


def _captions(segments: list[Segment]) -> None:
    for i, seg in enumerate(segments):
        if seg.role != "body":
            continue
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if has_inline_credit(seg.text) and words(seg.text) <= 80:
            _set(seg, "caption", "ends with a photo credit")
        elif nxt is not None and nxt.reason == "photo credit" and _adjacent(seg, nxt) and words(seg.text) <= 80:
            _set(seg, "caption", f"followed by credit seq {nxt.seq}")


def _byline(segments: list[Segment], body_start: int) -> None:
    for seg in segments[: min(body_start, 6)]:
        if seg.role == "body" and is_byline(seg.text):
            _set(seg, "byline", "author and date line before the body")
            return


def _title(segments: list[Segment], body_start: int) -> None:
    candidates = [s for s in segments[: min(body_start, 6)] if s.role == "body"]
    for seg in candidates[:2]:
        n = words(seg.text)
        if 2 <= n <= TITLE_MAX_WORDS and not seg.text.endswith((".", ",", ";", ":")):
            _set(seg, "title", "first headline-like line before the body")
            return


def _headings(segments: list[Segment]) -> None:
    for i, seg in enumerate(segments):
        if seg.role != "body":
            continue
        t = seg.text
        n = words(t)
        if not (1 <= n <= HEADING_MAX_WORDS) or t.endswith(_TERMINAL) or _BULLET.match(t):
            continue
        if t[0] in "\"“‘'«(":
            continue
        following = next((s for s in segments[i + 1 :] if s.role not in ("boilerplate", "credit")), None)
        if following is None or following.role in ("title", "heading"):
            continue
        _set(seg, "heading", "short unpunctuated line before content")
