"""Per-article metadata read off the segments: title, site, author, dateline, date, flags."""

from __future__ import annotations

import re
from datetime import date, datetime

from newsnorm.document import Article, Segment
from newsnorm.reasons import REPEAT_CODES
from newsnorm.steps.dates import MONTHS, find_dates, relative_date
from newsnorm.steps.patterns import (
    AUTHOR_STOP_WORDS,
    COMPILED,
    HEADER_ABOVE,
    HEADER_BELOW,
    HEADER_MAX_WORDS,
    LOOSE_BYLINES,
    SITE_FROM_LINE_NEEDLES,
)
from newsnorm.steps.text import words

# A byline holds at most this many names of this many words each.
NAME_MAX_WORDS = 4
# The text's first paragraph has at least this many words; the header ends at the second.
BODY_WORDS = 20
HEADER_PARAGRAPHS = 2
# A date line under a name holds at most this many words.
DATE_LINE_WORDS = 10
_SENTENCE_END = (".", "!", "?", "。")


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


def header(segments: list[Segment]) -> list[Segment]:
    """The lines where a story's byline and date stand: under its headline (then the few
    over it), or without a headline the lines right above its text. Captions, credits and
    sentences of the text are left out (a photo's date is not the story's)."""
    t = next((i for i, s in enumerate(segments) if s.role == "title"), None)
    if t is not None:
        below = segments[t + 1 : t + 1 + HEADER_BELOW]
        # The header ends where the text is under way (a standfirst or a caption may come first).
        paragraphs = [i for i, s in enumerate(below) if s.role == "body" and words(s.text) >= BODY_WORDS]
        if len(paragraphs) >= HEADER_PARAGRAPHS:
            below = below[: paragraphs[HEADER_PARAGRAPHS - 1]]
        zone = below + segments[max(0, t - HEADER_ABOVE) : t]
    else:
        first = next((i for i, s in enumerate(segments) if s.role == "body" and words(s.text) >= BODY_WORDS), 0)
        zone = segments[max(0, first - HEADER_BELOW) : first]
    return [s for s in zone if s.role not in ("caption", "credit") and words(s.text) <= HEADER_MAX_WORDS
            and not (s.role == "body" and s.text.rstrip().endswith(_SENTENCE_END) and words(s.text) > 8)]


_GLUED = re.compile(r"(?<=[a-z])([A-Z][a-z]+)")


def _unglue(text: str) -> str:
    """`Meg JamesStaff Writer` -> `Meg James Staff Writer`: a job glued to the name (a naive
    scraper joins inline elements); `DeArdo`, `McDonald` stay whole."""
    return _GLUED.sub(lambda m: " " + m.group(1) if m.group(1).lower() in AUTHOR_STOP_WORDS else m.group(1), text)
_CUT = re.compile(r"@|\s[-–—|/·•]\s|[|·•／]|\s[-–—]|\d")
_NON_WORD = re.compile(r"\W+")
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")


def author_from_line(text: str, stamped: bool = False) -> str | None:
    """`By TOM KRISHER, AP Auto Writer` -> `Tom Krisher`; `By Meg JamesStaff Writer` -> `Meg
    James`; `Posted by Jane Doe on November 19, 2019` -> `Jane Doe`. None unless the line
    starts like a byline, or is `stamped` (a byline with a date or time: `Lam Vy 09:41`) and
    starts with a name of two words or more."""
    m = COMPILED["author_prefix"].match(text)
    if not m and not stamped:
        return None
    rest = COMPILED["corrupted_token"].sub(" ", text[m.end() :] if m else text)
    dates = find_dates(rest)
    if dates:
        rest = rest[: dates[0][0]]
    cut = _CUT.search(rest)
    rest = _unglue(rest[: cut.start()] if cut else rest)
    names: list[str] = []
    for token in rest.replace(",", " , ").split():
        low = token.lower()
        if low in ("and", "&") and names and names[-1] not in ("and", "&"):
            names.append("and")
            continue
        if token == "," or low in AUTHOR_STOP_WORDS or low.rstrip(".") in MONTHS or not _NAME_TOKEN.match(token) \
                or token[0].islower():
            break
        if len(names) >= 2 * NAME_MAX_WORDS:
            break
        names.append(token.title() if token.isupper() and len(token) > 2 else token)
    while names and names[-1] == "and":
        names.pop()
    half = len(names) // 2
    if half and names[:half] == names[half:]:  # `By Sean Martin Sean Martin`
        names = names[:half]
    if not m and not 2 <= len(names) <= NAME_MAX_WORDS:
        return None
    return " ".join(names) or None


def loose_byline(text: str) -> str | None:
    """A byline without `By` at its start: `Natasha Turak@NatashaTurak`, `Tom Krisher, AP Auto
    Writer`, `Monday November 18, 2019 7:45 am PST by Joe Rossignol` (patterns.LOOSE_BYLINES).
    A name with only an agency after it (`Al Goldis, Associated Press`) is a photo's credit
    as often as a byline, and is not read."""
    if words(text) > DATE_LINE_WORDS + 5:
        return None
    m = LOOSE_BYLINES["handle"].match(text)
    if m:
        return author_from_line(m.group("name"), stamped=True)
    m = LOOSE_BYLINES["job"].match(text)
    if m and LOOSE_BYLINES["job_end"].search(m.group("job")):  # `, Associated Press` may be a photo's credit
        return author_from_line(m.group("name"), stamped=True)
    m = LOOSE_BYLINES["date_then_by"].search(text)
    if m and find_dates(text[: m.start()]):
        return author_from_line(text[m.start() :].strip())
    return None


def find_author(segments: list[Segment]) -> str | None:
    """The first byline's name(s) in the header (a commenter or a related story's author
    stands elsewhere)."""
    lines = header(segments)
    for k, seg in enumerate(lines):
        name = author_from_line(seg.text, stamped=seg.role == "byline")
        nxt = lines[k + 1] if k + 1 < len(lines) and lines[k + 1].seq == seg.seq + 1 else None
        if name is None:
            name = loose_byline(seg.text)
        if name is None and nxt is not None:
            if COMPILED["author_prefix"].fullmatch(seg.text):  # `By` on a line of its own over the name
                name = author_from_line(nxt.text, stamped=True)
            elif _date_only(nxt.text):  # a line that is only a name, over its date line
                name = author_from_line(seg.text, stamped=True)
                if name is not None and _NON_WORD.sub("", name) != _NON_WORD.sub("", seg.text):
                    name = None
        if name:
            return name
    return None


def _date_only(text: str) -> bool:
    """A line that holds a date (and perhaps a time or zone) and little else."""
    found = find_dates(text)
    return bool(found) and words(text) <= DATE_LINE_WORDS and found[0][0] <= 1 + len(text) // 4


def find_dateline(segments: list[Segment]) -> str | None:
    for seg in segments:
        if seg.role == "body":
            m = COMPILED["dateline_prefix"].match(seg.text)
            if m and words(seg.text) >= 8:
                return m.group("dateline").strip()
            return None
    return None


def parse_date(text: str) -> date | None:
    """The first date in the line (steps/dates.py)."""
    found = find_dates(text)
    return found[0][1] if found else None


def date_from_line(text: str) -> date | None:
    """The publication date a header line states: the one after `Published`/`Posted` when the
    line also has an `Updated` one, else the first."""
    found = find_dates(text)
    if not found:
        return None
    label = COMPILED["published_label"].search(text)
    if label:
        after = [d for pos, d in found if pos >= label.end()]
        if after:
            return after[0]
    return found[0][1]


def find_published(segments: list[Segment], fetched_at: datetime | None = None) -> tuple[date | None, bool]:
    """Publication date from the header's byline and date lines (captions carry dates of
    photos, not articles; the text's sentences dates of events). A printed date wins; a
    relative one (`2 hours ago`) is counted back from the crawl time `fetched_at`, when known.

    Returns (date, corrupted): corrupted when the byline's date slot holds a placeholder token.
    """
    corrupted = any(s.role == "byline" and COMPILED["corrupted_token"].search(s.text) for s in segments)
    lines = header(segments)
    for seg in lines:
        d = date_from_line(seg.text)
        if d is not None:
            return d, corrupted
    for seg in lines:
        d = relative_date(seg.text, fetched_at)
        if d is not None:
            return d, corrupted
    return None, corrupted


def extract_metadata(article: Article) -> None:
    segs = article.segments
    article.title = find_title(segs)
    article.site_name = find_site_name(segs)
    article.author = find_author(segs)
    article.dateline = find_dateline(segs)
    article.published, corrupted = find_published(segs, article.fetched_at)
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
