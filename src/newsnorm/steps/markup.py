"""What an HTML page's markup adds to the roles the text classifier finds.

The classifier (roles.py) decides from the text alone and stays the core. Markup comes in
twice. Before it: lines the markup places in page chrome (navigation, footer, comments,
share and related-story regions, lines that are all link text) and, when the page marks
its article (<article>, itemprop=articleBody, class=article-body ...), running text
outside that mark, are set aside as boilerplate, and the classifier sees the rest. After
it: a <figcaption> is a caption, an <h2>-<h6> a heading, an <h1> that repeats the page's
own title the title. Markup is often missing or wrong, so it is checked against the text:
a region holding most of the page's running text is not believed, nor an article mark
holding little of it; with no believed markup the classifier sees every line.
"""

from __future__ import annotations

from newsnorm.document import Segment
from newsnorm.reasons import Code, reason
from newsnorm.steps.text import is_paragraph_like, words

# The reason a line in each kind of page region gets (zones: readers/html_patterns.py).
ZONE_CODES = {
    "nav": Code.MARKUP_NAV, "breadcrumb": Code.MARKUP_NAV, "header": Code.MARKUP_NAV,
    "footer": Code.MARKUP_FOOTER, "comments": Code.MARKUP_COMMENTS, "related": Code.MARKUP_RELATED,
    "share": Code.MARKUP_WIDGET, "newsletter": Code.MARKUP_WIDGET, "ad": Code.MARKUP_WIDGET,
    "cookie": Code.MARKUP_WIDGET, "aside": Code.MARKUP_ASIDE, "form": Code.MARKUP_ASIDE,
    "dialog": Code.MARKUP_ASIDE, "tags": Code.MARKUP_ASIDE, "author_bio": Code.MARKUP_ASIDE,
}
# The classifier's reasons for setting a line outside its text block, which the article mark may undo.
AFTER_BLOCK = frozenset({Code.AFTER_TEXT_BLOCK, Code.AFTER_END_MARKER})
BEFORE_BLOCK = frozenset({Code.BEFORE_TEXT_BLOCK})

CHROME_ZONES = frozenset(ZONE_CODES)
# A region holding more than this share of the page's running text is not believed.
ZONE_MAX_SHARE = 0.3
# An article mark is believed when it holds at least this share of the running text.
ARTICLE_MIN_SHARE = 0.5
LINK_LINE_SHARE = 0.8
# Below this share of the classifier's body inside the believed article mark, the mark wins.
CLASSIFIER_MIN_SHARE = 0.5
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
HEADING_MAX_WORDS = 20
_ALL_HEADINGS = HEADING_TAGS | {"h1"}
TEASER_RUN = 3  # this many headings in a row with no text between them are a list of other stories


def _hint_of(segments: list[Segment], hints: list) -> list:
    return [hints[s.line_start] if s.line_start < len(hints) else None for s in segments]


def _running(seg: Segment) -> int:
    return len(seg.text) if is_paragraph_like(seg.text) else 0


def _body(seg: Segment) -> int:
    return len(seg.text) if seg.role == "body" else 0


def _zone_totals(segments: list[Segment], hint_of: list, size, keep=None) -> dict[int, int]:
    per_zone: dict[int, int] = {}
    for i, (s, h) in enumerate(zip(segments, hint_of, strict=True)):
        if h is not None and h.zone in CHROME_ZONES and (keep is None or keep[i]):
            per_zone[h.zone_id] = per_zone.get(h.zone_id, 0) + size(s)
    return per_zone


def believed_article(segments: list[Segment], hint_of: list) -> int | None:
    """The article mark holding the most running text, if it holds most of the page's
    (chrome regions outside it not counted); among marks holding as much, the outermost."""
    total = 0
    per_mark: dict[int, int] = {}
    for s, h in zip(segments, hint_of, strict=True):
        if h is None or h.zone in CHROME_ZONES and not h.marks:
            continue
        n = _running(s)
        total += n
        for m in h.marks:
            per_mark[m] = per_mark.get(m, 0) + n
    if not per_mark or not total:
        return None
    best = max(per_mark, key=lambda m: (per_mark[m], -m))
    return best if per_mark[best] >= ARTICLE_MIN_SHARE * total else None


def believed_zones(segments: list[Segment], hint_of: list, inside: list[bool] | None) -> set[int]:
    """Chrome regions (by element) that hold little of the article: of the believed
    article mark's running text when there is one, else of what the classifier kept. One
    holding much of it is misnamed (a wrapper named `related` around the story)."""
    if inside is not None:
        total = sum(_running(s) for s, i in zip(segments, inside, strict=True) if i)
        per_zone = _zone_totals(segments, hint_of, _running, inside)
        zones = _zone_totals(segments, hint_of, _running)
    else:
        total = sum(_body(s) for s in segments)
        per_zone = zones = _zone_totals(segments, hint_of, _body)
    return {z for z in zones if per_zone.get(z, 0) <= ZONE_MAX_SHARE * total}


def apply_markup(segments: list[Segment], hints: list, page: object | None, has_article_mark: bool) -> None:
    """Refine the classifier's roles (in place) where believed markup says otherwise."""
    if not segments or not hints:
        return
    hint_of = _hint_of(segments, hints)
    mark = believed_article(segments, hint_of) if has_article_mark else None
    inside = [h is not None and mark is not None and mark in h.marks for h in hint_of]
    zones = believed_zones(segments, hint_of, inside if mark is not None else None)
    first = inside.index(True) if any(inside) else len(segments)
    last = len(inside) - 1 - inside[::-1].index(True) if any(inside) else -1
    # The classifier's own text block lies mostly outside the believed mark: it chose another
    # block (a footer paragraph, a teaser list), and lines of the mark it put outside come back.
    body = sum(_body(s) for s in segments)
    body_inside = sum(_body(s) for s, i in zip(segments, inside, strict=True) if i)
    restore = AFTER_BLOCK
    if mark is not None and body_inside < CLASSIFIER_MIN_SHARE * body:
        restore = AFTER_BLOCK | BEFORE_BLOCK
    block_end = max((i for i, s in enumerate(segments) if s.role == "body"), default=-1)
    stop = _restore_stop(segments, hint_of, inside, restore, block_end)
    for i, (s, h) in enumerate(zip(segments, hint_of, strict=True)):
        if h is None:
            continue
        if h.zone_id in zones:
            if s.role in ("body", "heading", "title"):
                s.role, s.reason = "boilerplate", reason(ZONE_CODES[h.zone])
        elif h.link_share >= LINK_LINE_SHARE and s.role in ("body", "heading") and not inside[i]:
            s.role, s.reason = "boilerplate", reason(Code.MARKUP_LINKS)
        elif mark is not None and not inside[i] and (i > last or i < first and is_paragraph_like(s.text)):
            if s.role in ("body", "heading"):
                s.role, s.reason = "boilerplate", reason(Code.MARKUP_OUTSIDE_ARTICLE)
        elif inside[i] and i < stop and s.role == "boilerplate" and s.reason is not None \
                and s.reason.code in restore and h.link_share < LINK_LINE_SHARE:
            s.role, s.reason = ("heading" if h.tag in HEADING_TAGS else "body"), reason(Code.MARKUP_INSIDE_ARTICLE)
    after_roles(segments, hints, page)


def _restorable(s: Segment, h, inside: bool, restore: frozenset) -> bool:
    return (inside and h is not None and s.role == "boilerplate" and s.reason is not None
            and s.reason.code in restore and h.link_share < LINK_LINE_SHARE)


def _restore_stop(segments: list[Segment], hint_of: list, inside: list[bool], restore: frozenset,
                  block_end: int) -> int:
    """Where restoring lines after the classifier's text block stops: at a run of
    TEASER_RUN headings with nothing between them. The article mark often wraps the story's
    tail too (a list of other stories' headlines): a story's own headings have text under them."""
    n = len(segments)
    run: list[int] = []
    for i in range(block_end + 1, n):
        s, h = segments[i], hint_of[i]
        if not _restorable(s, h, inside[i], restore):
            continue
        if h.tag in _ALL_HEADINGS and not is_paragraph_like(s.text):
            run.append(i)
            if len(run) >= TEASER_RUN:
                return run[0]
        else:
            run = []
    return n


def after_roles(segments: list[Segment], hints: list, page: object | None) -> None:
    """Captions, headings and the title the markup names, where the classifier kept the line."""
    if not segments or not hints:
        return
    hint_of = _hint_of(segments, hints)
    for s, h in zip(segments, hint_of, strict=True):
        if h is None or s.role != "body":
            continue
        if h.tag == "figcaption":
            s.role, s.reason = "caption", reason(Code.MARKUP_FIGCAPTION)
        elif h.tag in HEADING_TAGS and words(s.text) <= HEADING_MAX_WORDS and not s.text.endswith((".", ",", ";")):
            s.role, s.reason = "heading", reason(Code.MARKUP_HEADING)
    _title(segments, hint_of, page)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _title(segments: list[Segment], hint_of: list, page: object | None) -> None:
    """An <h1> that the page's own og:title, headline or <title> contains is the title."""
    if page is None:
        return
    claims = [_norm(t) for t in (getattr(page, "og_title", None), getattr(page, "headline", None),
                                 getattr(page, "title", None)) if t]
    if not claims:
        return
    for s, h in zip(segments, hint_of, strict=True):
        if h is None or h.tag != "h1" or s.role in ("credit", "byline", "caption"):
            continue
        text = _norm(s.text)
        if len(text) >= 10 and any(text == c or text in c for c in claims):
            for other in segments:
                if other.role == "title" and other is not s:
                    other.role = "caption" if hint_of[segments.index(other)] is not None and \
                        hint_of[segments.index(other)].tag == "figcaption" else \
                        "body" if is_paragraph_like(other.text) else "heading"
                    other.reason = reason(Code.MARKUP_NOT_TITLE)
            s.role, s.reason = "title", reason(Code.MARKUP_TITLE)
            return
