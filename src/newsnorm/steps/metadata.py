"""Per-article metadata read off the segments: title, site, author, dateline, date, flags."""

from __future__ import annotations

import re
from datetime import date, datetime

from newsnorm.document import Article, Segment
from newsnorm.reasons import REPEAT_CODES
from newsnorm.steps.patterns import COMPILED, SITE_FROM_LINE_NEEDLES
from newsnorm.steps.text import words

_NAME_WORD = re.compile(r"^[A-Z][\w'’.\-]*$")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%d/%m/%Y")
_DATE_TEXT = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})\b"
)


def find_title(segments: list[Segment]) -> str | None:
    return next((s.text for s in segments if s.role == "title"), None)


def find_site_name(segments: list[Segment]) -> str | None:
    """Site names the page states itself: 'appeared first on', a staff credit, ©, a source tag."""
    lowered = [s.text.lower() for s in segments]
    for pattern, needle in zip(COMPILED["site_from_line"], SITE_FROM_LINE_NEEDLES, strict=True):
        for seg, low in zip(reversed(segments), reversed(lowered), strict=True):
            m = pattern.search(seg.text) if needle in low else None
            if m:
                site = m.group("site").strip(" .,-|")
                if site and words(site) <= 6:
                    return site
    for seg in segments:
        if seg.role == "body":
            m = COMPILED["site_tag_prefix"].match(seg.text)
            return m.group("site").strip() if m else None
    return None


def find_author(segments: list[Segment]) -> str | None:
    """The name in the byline, without 'By', dates, times or corrupted placeholders."""
    for seg in segments:
        if seg.role != "byline":
            continue
        text = COMPILED["byline_prefix"].sub("", seg.text)
        text = COMPILED["corrupted_token"].sub(" ", text)
        text = _DATE_TEXT.sub(" ", text)
        names = []
        for token in re.split(r"\s+", text.replace("|", " ").replace("·", " ")):
            token = token.strip(",;")
            if _NAME_WORD.match(token) or token.lower() in ("and", "&") and names:
                names.append(token)
            elif names:
                break
        name = " ".join(names).strip(" &")
        if name.lower().endswith(" and"):
            name = name[:-4]
        return name or None
    return None


def find_dateline(segments: list[Segment]) -> str | None:
    for seg in segments:
        if seg.role == "body":
            m = COMPILED["dateline_prefix"].match(seg.text)
            if m and words(seg.text) >= 8:
                return m.group("dateline").strip()
            return None
    return None


def parse_date(text: str) -> date | None:
    for m in _DATE_TEXT.finditer(text):
        raw = m.group(1)
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
    return None


def find_published(segments: list[Segment]) -> tuple[date | None, bool]:
    """Publication date from the byline only (captions carry dates of photos, not articles).

    Returns (date, corrupted): corrupted when the date slot holds a placeholder token.
    """
    for seg in segments:
        if seg.role == "byline":
            corrupted = bool(COMPILED["corrupted_token"].search(seg.text))
            return parse_date(seg.text), corrupted
    return None, False


def extract_metadata(article: Article) -> None:
    segs = article.segments
    article.title = find_title(segs)
    article.site_name = find_site_name(segs)
    article.author = find_author(segs)
    article.dateline = find_dateline(segs)
    article.published, corrupted = find_published(segs)
    flags = set(article.flags)
    if corrupted:
        flags.add("corrupted_date")
    if any(COMPILED["corrupted_token"].search(s.text) for s in segs if s.role != "byline"):
        flags.add("corrupted_token")
    if article.title is None:
        flags.add("no_title")
    if any(s.translation_status == "missing_model" for s in segs):
        flags.add("missing_translation_model")
    if any(s.translation_status == "failed" for s in segs):
        flags.add("translation_failed")
    if any(s.role == "boilerplate" and s.reason is not None and s.reason.code in REPEAT_CODES
           and _is_caption_like(s, segs) for s in segs):
        flags.add("duplicate_caption")
    article.flags = sorted(flags)


def _is_caption_like(seg: Segment, segs: list[Segment]) -> bool:
    """Does the line this one repeats hold a caption?"""
    seq = seg.reason.seq if seg.reason is not None else None
    return seq is not None and segs[seq].role == "caption"
