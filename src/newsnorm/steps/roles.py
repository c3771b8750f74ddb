"""Role of each segment: title, heading, byline, body, caption, credit or boilerplate.

Every non-body decision carries a reason (`Segment.reason`, a code from newsnorm.reasons),
so nothing is removed from the article text without a recorded why; rules that look at an
earlier decision compare its code, never its sentence. Phrases live in patterns/; this
module holds the structural rules (position, adjacency, repetition).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsnorm.document import Segment
from newsnorm.perf.linematch import fold_case
from newsnorm.reasons import LINK_LIST_CODES, Code, Reason, reason
from newsnorm.steps.headline import Line, pick_headline
from newsnorm.steps.patterns import AGENCY_NAMES, COMPILED, CONTRIBUTION_NEEDS, TEASER_NEEDS
from newsnorm.steps.text import (
    PARAGRAPH_MIN_CHARS,
    count_letters,
    has_inline_credit,
    is_paragraph_like,
    norm_key,
    running_size,
    text_size,
    words,
)

# Line-level tests are pure functions of the text and asked several times per line.
_CACHE_LINES = 4096
_BULLET = re.compile(r"^[•·\-–—*▪►◦‣○●]\s")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|"
    r"\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4})\b",
    re.IGNORECASE,
)
_DATE_LINE_SIGN = re.compile(
    r"[|•·]|\b(by|updated|published|posted|modified|last|press|news|bureau|staff|reporter|writer|correspondent|"
    r"desk|wire|min read|ET|EST|EDT|PT|PST|PDT|GMT|UTC|BST|CET|IST|KST|ICT|am|pm|a\.m|p\.m)\b",
    re.IGNORECASE,
)
_AGO = re.compile(
    r"\b\d+ ?(s|m|h|d|w|y|sec|min|mins|hr|hrs|seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago\b",
    re.IGNORECASE,
)
_BYLINE_SEPARATOR = re.compile(r"[|•·,/]|\s[-–—]\s|\b(for|and|of)\b")
_TYPED_ITEM = re.compile(r"^(?:[•·\-–—*▪►◦‣○●]\s|\(?\d{1,2}[.)]\s|https?://\S+$)")
_CAPTION_CONTROL = re.compile(r"^(hide|toggle|show|close|expand) caption$", re.IGNORECASE)
_TERMINAL = (".", ",", ";", ":", "!", "…", "\"", "”", "’", "'", ")")
BODY_MIN_WORDS = 20
# The article's text block (see main_block): running text (text.running_size) costs
# nothing; other lines cost this much.
SHORT_LINE_COST = 50
LINK_LIST_COST = 20
# End-of-article and comment markers count once this share of the page's running text (or
# this much) is above them.
COMMENTS_AFTER_SHARE = 0.3
COMMENTS_AFTER_CHARS = 1500
# An author line this far into the page's running text starts another story.
NEXT_STORY_AFTER_CHARS = 1500
# A comment's own text and the name and date lines over it, at most.
COMMENT_MAX_PARAGRAPHS = 6
COMMENT_HEADER_LINES = 3
_CLAUSE_END = (".", ",", ";", ":", "!")
_SHORT_SENTENCE_END = (".", "!", "?", "\"", "”", "。", "！", "？")
TITLE_MAX_WORDS = 30
TITLE_WINDOW = 6
# At most this many links under one link-list label.
LINK_LIST_MAX = 10
HEADING_MAX_WORDS = 14
# A passage in another language than the page's (kept as content wherever it stands): at
# least this size (CJK counted twice) and this many words.
FOREIGN_PASSAGE_MIN_SIZE = 30
FOREIGN_PASSAGE_MIN_WORDS = 3
FOREIGN_PASSAGE_MIN_PROB = 0.9
ENGLISH_PAGE_SHARE = 1 / 3
DATE_LINE_MAX_WORDS = 14


def letters(text: str) -> int:
    return count_letters(text)


def is_boilerplate_phrase(text: str) -> bool:
    anchored, gate, anywhere = COMPILED["boilerplate"]
    if anchored.match(text) or gate.search(text.lower()) and anywhere.match(text):
        return True
    return TEASER_NEEDS in text and bool(COMPILED["teaser"].match(text))


def is_photo_credit(text: str) -> bool:
    if words(text) > 25:
        return False
    if COMPILED["credit_line"].match(text) or COMPILED["credit_phrase"].match(text):
        return True
    if "/" in text and COMPILED["credit_slash"].match(text):
        return True
    return ends_with_agency(text) and bool(
        COMPILED["credit_agency_only"].match(text) or COMPILED["credit_name_agency"].match(text)
    )


_LAST_WORD_CHAR = re.compile(r".*\w", re.DOTALL)


def ends_with_agency(text: str) -> bool:
    """Does the line end with an agency's name (trailing punctuation aside)? Both agency
    credit patterns need it, and the test is far cheaper than their backtracking."""
    m = _LAST_WORD_CHAR.match(text)
    return m is not None and text[: m.end()].endswith(AGENCY_NAMES)


def is_contribution(text: str) -> bool:
    return (words(text) <= 40 and CONTRIBUTION_NEEDS in fold_case(text)
            and bool(COMPILED["contribution"].match(text)))


def is_byline(text: str) -> bool:
    n = words(text)
    if n == 0 or n > 10 or text.endswith("."):
        return False
    if COMPILED["byline_prefix"].match(text):
        return True
    return bool(_TIME.search(text) or _DATE.search(text) or COMPILED["corrupted_token"].search(text))


def _adjacent(a: Segment, b: Segment) -> bool:
    return b.line_start == a.line_start + 1


def _set(seg: Segment, role: str, code: Code | None, seq: int | None = None) -> None:
    seg.role, seg.reason = role, None if code is None else reason(code, seq)


def _code(seg: Segment) -> Code | None:
    r: Reason | None = seg.reason
    return None if r is None else r.code


def assign_roles(segments: list[Segment], evidence: Sequence[str] = ()) -> None:
    """Set `role` and `reason` on each segment, in place. `evidence`: titles the page's markup
    states (og:title, JSON-LD headline, <title>), for the headline (steps/headline.py)."""
    n = len(segments)
    if not n:
        return
    for seg in segments:
        seg.role, seg.reason = "body", None
        if letters(seg.text) < 2:
            _set(seg, "boilerplate", Code.NO_TEXT)
        elif is_photo_credit(seg.text):
            _set(seg, "credit", Code.PHOTO_CREDIT)
        elif is_contribution(seg.text):
            _set(seg, "credit", Code.CONTRIBUTION)
        elif is_boilerplate_phrase(seg.text):
            _set(seg, "boilerplate", Code.BOILERPLATE_PHRASE)

    _caption_controls(segments)
    _link_lists(segments)
    _author_box(segments)
    _breadcrumb_titles(segments)
    _duplicates(segments)
    _tail(segments)
    _captions(segments)
    block = main_block(segments)
    body_start = next(
        (i for i, s in enumerate(segments) if s.role == "body" and words(s.text) >= BODY_MIN_WORDS), n
    )
    if block is not None:
        # A clean article keeps its first long line as the start; a page with chrome, its block.
        body_start = min(body_start, block[0]) if block[0] < TITLE_WINDOW else block[0]
    _byline(segments, body_start)
    _title(segments, block[0] if block is not None and block[0] >= TITLE_WINDOW else body_start, evidence)
    if block is not None:
        _outside_block(segments, block)
    _date_lines(segments)
    _headings(segments)


def block_weight(seg: Segment) -> int:
    """What a line adds to a text block: running text its size beyond a threshold (also when
    a teaser above already said it), anything else (menus, headlines of other stories,
    widgets) a fixed cost."""
    code = _code(seg)
    repeated_text = code is Code.REPEATS
    if code in LINK_LIST_CODES:
        return -LINK_LIST_COST
    if seg.role == "credit" or seg.role == "boilerplate" and not repeated_text:
        return -SHORT_LINE_COST
    size = running_size(seg.text)
    if not size:
        # Free: a bullet or number typed into the text (the article's own list; menus get
        # theirs from CSS), a bare address the author typed out, a short sentence ("Webb
        # emerged, naked.").
        return 0 if _TYPED_ITEM.match(seg.text) or is_short_sentence(seg.text) else -SHORT_LINE_COST
    return size - PARAGRAPH_MIN_CHARS


def is_short_sentence(text: str) -> bool:
    return words(text) >= 3 and text.rstrip().endswith(_SHORT_SENTENCE_END) and not text[:1].islower()


def _after_enough_text(segments: list[Segment]) -> list[bool]:
    """Per line: is a good part of the page's running text above it? (Comments can outweigh
    the article, so not "most".) End-of-article and comment markers count only there: a
    `Comments` link under the lead or `TRENDING:` in the site's header is no end."""
    sizes = [running_size(s.text) if s.role == "body" else 0 for s in segments]
    total, seen, out = sum(sizes), 0, []
    for size in sizes:
        out.append(total > 0 and seen >= min(COMMENTS_AFTER_SHARE * total, COMMENTS_AFTER_CHARS))
        seen += size
    return out


def comments_start(segments: list[Segment]) -> int:
    """Index of the line that opens the readers' comments, else len(segments): a comments
    heading, a `Jane says:` line, or the header (name, date) of the first comment that has a
    `Reply` under it."""
    enough = _after_enough_text(segments)
    n = len(segments)
    heading, header, control = COMPILED["comments"], COMPILED["comment_header"], COMPILED["comment_action"]
    marker = next((i for i, s in enumerate(segments)
                   if enough[i] and (heading.match(s.text) or header.match(s.text))), n)
    action = next((i for i, s in enumerate(segments[:marker]) if enough[i] and control.match(s.text)), n)
    return min(marker, _first_comment_header(segments, action)) if action < n else marker


def _first_comment_header(segments: list[Segment], action: int) -> int:
    """Walk up from a comment's `Reply` over its text to the short lines (name, date) that head
    it (a header has a date, time or `3 hours ago`); without one close above, the comments
    start at the control itself."""
    i = action
    text_lines = 0
    while i > 0 and is_paragraph_like(segments[i - 1].text) and text_lines < COMMENT_MAX_PARAGRAPHS:
        i -= 1
        text_lines += 1
    header, stamped = 0, False
    while i > 0 and not is_paragraph_like(segments[i - 1].text) and header < COMMENT_HEADER_LINES:
        i -= 1
        header += 1
        stamped = stamped or bool(_DATE.search(segments[i].text) or _TIME.search(segments[i].text)
                                  or _AGO.search(segments[i].text))
    return i if stamped else action


def next_story_start(segments: list[Segment], end: int) -> int:
    """Index of an author line (`By Jane Doe`, `Jane Doe | Nov 19, 2019 9:02 AM`) that comes
    after a good deal of running text: a page that loads the next story under this one
    starts it there. len(segments) when there is none. An embedded post's signature
    (`— Jane (@jane) November 18, 2019`) is part of the article and no such line."""
    seen = 0
    for i, seg in enumerate(segments[:end]):
        t = seg.text
        if seen >= NEXT_STORY_AFTER_CHARS and seg.role == "body" and is_byline(t) and "@" not in t \
                and not t.startswith(("—", "–", "-")):
            return i
        if seg.role == "body":
            seen += running_size(t)
    return len(segments)


def main_block(segments: list[Segment]) -> tuple[int, int] | None:
    """The article's text on a page: the run of lines with the largest total weight (a
    maximum-sum subarray), so menus and lists of links before and after it fall outside,
    and it stops where the comments start; it never runs across the author line of the
    next story. None when the page has no running text at all."""
    best, best_span = 0, None
    total, start = 0, 0
    end = comments_start(segments)
    barrier = next_story_start(segments, end)
    for i, seg in enumerate(segments[:end]):
        if i == barrier:
            total = 0  # the text block never spans two stories
            continue
        w = block_weight(seg)
        if total <= 0:
            total, start = 0, i
        total += w
        if total > best:
            best, best_span = total, (start, i)
    return best_span


def _outside_block(segments: list[Segment], block: tuple[int, int]) -> None:
    """Lines before and after the article's text are page chrome (the title and byline
    before it were found first, and a heading right above the text stays); captions and
    credits keep their roles."""
    first, last = block
    lead = segments[first - 1] if first > 0 else None
    _keep_repeats_inside(segments, block)
    english = english_page(segments)
    for i, seg in enumerate(segments):
        if first <= i <= last or seg.role not in ("body", "heading") or seg is lead and _heading_shaped(seg):
            continue
        if is_foreign_passage(seg, english):
            continue  # a passage in another language is content unless a phrase or structure says not
        if i < first:
            _set(seg, "boilerplate", Code.BEFORE_TEXT_BLOCK, segments[first].seq)
        else:
            _set(seg, "boilerplate", Code.AFTER_TEXT_BLOCK, segments[last].seq)


def english_page(segments: list[Segment]) -> bool:
    """Is this an English page, or one printed in English and another language? English is at
    least this share of its running text (a Korean page with an English menu is not)."""
    size: dict[str, int] = {}
    for seg in segments:
        if seg.lang != "und" and seg.role == "body":
            size[seg.lang] = size.get(seg.lang, 0) + running_size(seg.text)
    total = sum(size.values())
    return total > 0 and size.get("en", 0) >= ENGLISH_PAGE_SHARE * total


def is_foreign_passage(seg: Segment, english: bool) -> bool:
    """A paragraph, quote or headline in another language on an English (or bilingual) news
    page: content (a quote, a statement, its original headline), not chrome by position. A
    label of a word or two (a language switcher's `한국어`) is not a passage, nor a short line
    whose language was guessed with little confidence (langdetect calls `Photo: Reuters`
    German), nor a social feed's item (`RT @party: ...`, a line with handles, tags or links)."""
    return (english and seg.lang not in ("und", "en") and seg.lang_prob >= FOREIGN_PASSAGE_MIN_PROB
            and text_size(seg.text) >= FOREIGN_PASSAGE_MIN_SIZE and words(seg.text) >= FOREIGN_PASSAGE_MIN_WORDS
            and not COMPILED["social_item"].search(seg.text))


def _keep_repeats_inside(segments: list[Segment], block: tuple[int, int]) -> None:
    """A teaser above the article repeats its first paragraph: the copy inside the text block
    is the one to keep, the one outside it is chrome."""
    first, last = block
    position = {s.seq: i for i, s in enumerate(segments)}
    for seg in segments[first : last + 1]:
        r = seg.reason
        if seg.role == "boilerplate" and r is not None and r.code is Code.REPEATS and r.seq in position \
                and is_paragraph_like(seg.text) and not is_boilerplate_phrase(seg.text):
            i = position[r.seq]
            original = segments[i]
            if not first <= i <= last:
                _set(seg, "body", None)
                _set(original, "boilerplate", Code.REPEATS_INSIDE_TEXT, seg.seq)


def _heading_shaped(seg: Segment) -> bool:
    t = seg.text
    return 1 <= words(t) <= HEADING_MAX_WORDS and not t.endswith(_TERMINAL) and not is_byline(t)


def _caption_controls(segments: list[Segment]) -> None:
    """A short `... caption` line next to a caption toggle is a control too (e.g. spun text)."""
    for i, seg in enumerate(segments):
        if seg.role != "boilerplate" or not _CAPTION_CONTROL.match(seg.text):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(segments):
                other = segments[j]
                if other.role == "body" and words(other.text) <= 3 and other.text.lower().endswith("caption"):
                    _set(other, "boilerplate", Code.CAPTION_CONTROL)


def _link_lists(segments: list[Segment]) -> None:
    """Under a label such as `Related stories` or `Don't miss`, the short lines that follow
    (up to the next running text) are links to other stories, wherever the widget sits."""
    n = len(segments)
    i = 0
    while i < n:
        label = segments[i]
        i += 1
        if words(label.text) > 6 or not COMPILED["link_list_label"].match(label.text):
            continue
        if label.role in ("body", "boilerplate"):
            _set(label, "boilerplate", Code.LINK_LIST_LABEL)
        j = i
        while j < n and j - i < LINK_LIST_MAX and _link_item(segments[j]):
            if segments[j].role == "body":
                _set(segments[j], "boilerplate", Code.LINK_LIST, label.seq)
            j += 1
        i = j


def _author_box(segments: list[Segment]) -> None:
    """`About Jane Doe` with a paragraph under it that names her, once the article's text is
    under way: the author's bio box."""
    enough = _after_enough_text(segments)
    for i, (label, bio) in enumerate(zip(segments, segments[1:], strict=False)):
        m = COMPILED["author_box"].match(label.text)
        if m and enough[i] and bio.role == "body" and m.group("name").split()[-1] in bio.text:
            _set(label, "boilerplate", Code.AUTHOR_BOX)
            _set(bio, "boilerplate", Code.AUTHOR_BIO, label.seq)


def _link_item(seg: Segment) -> bool:
    """A line a link list holds: a headline (no sentence) or chrome already known."""
    if seg.role in ("boilerplate", "credit"):
        return True
    t = seg.text
    return (2 <= words(t) <= TITLE_MAX_WORDS and not is_paragraph_like(t) and not is_short_sentence(t)
            and not t.endswith(_CLAUSE_END))


def _breadcrumb_titles(segments: list[Segment]) -> None:
    """`US NewsSouth Korea and ...` followed by the bare title: the glued line is navigation."""
    for i, seg in enumerate(segments[:6]):
        if seg.role != "body":
            continue
        for other in segments[i + 1 : i + 4]:
            t = other.text
            if len(t) >= 20 and len(seg.text) > len(t) and seg.text.endswith(t):
                _set(seg, "boilerplate", Code.GLUED_NAVIGATION, other.seq)
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
            _set(seg, "credit", Code.REPEATS_CREDIT, first.seq)
        else:
            _set(seg, "boilerplate", Code.REPEATS, first.seq)


def _tail(segments: list[Segment]) -> None:
    """After an end-of-article marker in the last part of the page, short lines are chrome."""
    n = len(segments)
    start = None
    enough = _after_enough_text(segments)
    for i, seg in enumerate(segments):
        if i >= n * 0.5 and enough[i] and COMPILED["tail"].match(seg.text):
            start = i
            break
    if start is None:
        return
    marker = segments[start]
    if marker.role != "boilerplate":
        _set(marker, "boilerplate", Code.END_MARKER)
    for seg in segments[start + 1 :]:
        if seg.role not in ("boilerplate", "credit") and words(seg.text) < 25:
            _set(seg, "boilerplate", Code.AFTER_END_MARKER, marker.seq)


def _captions(segments: list[Segment]) -> None:
    for i, seg in enumerate(segments):
        if seg.role != "body":
            continue
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if has_inline_credit(seg.text) and words(seg.text) <= 80:
            _set(seg, "caption", Code.INLINE_CREDIT)
        elif nxt is not None and _code(nxt) is Code.PHOTO_CREDIT and _adjacent(seg, nxt) and words(seg.text) <= 80:
            _set(seg, "caption", Code.FOLLOWED_BY_CREDIT, nxt.seq)


def _above_text(segments: list[Segment], body_start: int) -> list[Segment]:
    """Where the headline and byline are: the first lines of a clean article, or on a page
    with site chrome the few lines right above its text."""
    if body_start <= TITLE_WINDOW:
        return segments[:body_start]
    return segments[body_start - TITLE_WINDOW : body_start]


def _byline(segments: list[Segment], body_start: int) -> None:
    for seg in _above_text(segments, body_start):
        if seg.role == "body" and is_byline(seg.text):
            _set(seg, "byline", Code.BYLINE)
            return


# Reasons that say a line is page furniture whatever its place: never a headline.
_NOT_HEADLINE_CODES = frozenset({
    Code.NO_TEXT, Code.PHOTO_CREDIT, Code.CONTRIBUTION, Code.BOILERPLATE_PHRASE, Code.CAPTION_CONTROL,
    Code.LINK_LIST_LABEL, Code.LINK_LIST, Code.AUTHOR_BOX, Code.AUTHOR_BIO, Code.GLUED_NAVIGATION,
    Code.REPEATS_CREDIT, Code.END_MARKER, Code.AFTER_END_MARKER, Code.INLINE_CREDIT, Code.FOLLOWED_BY_CREDIT,
})
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?:\b|(?=[AaPp][Mm]\b))")
_BARE_BY = frozenset({"by", "von", "por", "par", "bởi", "theo"})
STAMP_MAX_WORDS = 25
TIME_LINE_MAX_WORDS = 6


def is_stamp(text: str) -> bool:
    """A byline or a date line of this story or another (`By Jane Doe - Staff Writer
    2019-11-19T12:48Z`, `Monday 5:30PM`, `Mon 18 Nov 2019 18.54 GMT`, a bare `By`, `Tom Davies
    Associated Press`): what stands under a headline."""
    n = words(text)
    if is_byline(text) or is_date_line(text) or text.strip().lower() in _BARE_BY:
        return True
    if n <= STAMP_MAX_WORDS and COMPILED["byline_prefix"].match(text):
        return True
    if n <= TIME_LINE_MAX_WORDS and _CLOCK.search(text) or n <= STAMP_MAX_WORDS and (
            ends_with_agency(text) or bool(COMPILED["byline_ending"].search(text))):
        return True
    return n <= STAMP_MAX_WORDS - 5 and bool(_DATE.search(text)) and not text.rstrip().endswith(".")


def headline_lines(segments: list[Segment]) -> list[Line]:
    return [Line(s.text, chrome=s.role in ("credit", "caption") or _code(s) in _NOT_HEADLINE_CODES,
                 stamp=s.role == "byline" or is_stamp(s.text), running=running_size(s.text) > 0)
            for s in segments]


def _title(segments: list[Segment], start: int, evidence: Sequence[str] = ()) -> None:
    """The headline (steps/headline.py): the line that stands over the article's text with the
    most evidence for it; none when nothing is credible. On a clean article whose first lines
    are the headline that is the first of them."""
    i = pick_headline(headline_lines(segments), start, evidence)
    if i is None:
        return
    seg = segments[i]
    code = Code.TITLE_FIRST if start <= TITLE_WINDOW and i < 2 else Code.TITLE_EVIDENCE
    _set(seg, "title", code)


def is_date_line(text: str) -> bool:
    """A short line that stamps a date and time or a date and who or where (`Nov 18, 2019 at
    9:24 pm ET`, `Associated Press November 19, 2019`, `Updated : 19 November 2019 | Delhi`):
    the publication line of this or another story, not a sentence of it. A bare date stays
    (a table of fixtures has those)."""
    if words(text) > DATE_LINE_MAX_WORDS or text.endswith(_SHORT_SENTENCE_END[:3]) or not _DATE.search(text):
        return False
    return bool(_TIME.search(text) or _DATE_LINE_SIGN.search(text))


def is_author_line(text: str) -> bool:
    """`By Jane Doe | Example Media`, `By Jane Doe, Staff Writer`: a byline with a second part
    (a bare `By The Numbers` may be a heading)."""
    return is_byline(text) and bool(COMPILED["byline_prefix"].match(text)) and bool(_BYLINE_SEPARATOR.search(text))


def _date_lines(segments: list[Segment]) -> None:
    for seg in segments:
        if seg.role in ("body", "heading") and (is_date_line(seg.text) or is_author_line(seg.text)):
            _set(seg, "boilerplate", Code.DATE_OR_AUTHOR_LINE)


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
        _set(seg, "heading", Code.HEADING)
