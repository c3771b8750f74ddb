"""Metadata a page or record states about itself, used where the text gave none.

The metadata step reads title, site, author and date off the text; this step only fills
the gaps it left, from the record's own fields (a JSONL `title`, `published`, `site`)
and then the page's markup (og:title, JSON-LD headline/author/datePublished,
og:site_name, article:published_time). What the text says is never overwritten, with one
exception (`correct_title`): a title that is the site's own name, or one that no markup
supports where two of the page's statements agree on a line of the text, gives way.
"""

from __future__ import annotations

import re
from datetime import date

from newsnorm.document import Article
from newsnorm.reasons import Code, reason
from newsnorm.steps.roles_data import CONTENT_ROLES

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
MAX_AUTHORS = 3
# Where a <title> joins the article's title and the site's name ("Story | Site", "Story - Site").
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|»|·)\s+")
# Two statements agree when one contains the other and the shorter has at least this many characters.
MIN_TITLE_CHARS = 10


def parse_iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def title_parts(title: str | None) -> tuple[str | None, list[str]]:
    """A <title>'s article part (its longest piece) and the rest (the site's name)."""
    if not title:
        return None, []
    pieces = [p for p in _TITLE_SEPARATOR.split(title) if p.strip()]
    if len(pieces) < 2:
        return title, []
    main = max(pieces, key=len)
    return main, [p for p in pieces if p is not main]


def _agree(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_TITLE_CHARS and short in long


def page_title_claim(page: object) -> str | None:
    """The title two independent statements of the page agree on (JSON-LD headline, og:title,
    the <title>'s article part, an <h1>), in that order of preference; None without agreement."""
    main, _ = title_parts(getattr(page, "title", None))
    sources = [getattr(page, "headline", None), getattr(page, "og_title", None), main,
               *(getattr(page, "h1s", None) or [])[:2]]
    claims = [(i, _norm(t), t) for i, t in enumerate(sources) if t]
    for i, n, text in claims:
        if any(j != i and _agree(n, m) for j, m, _ in claims):
            return text
    return None


def site_names(page: object) -> set[str]:
    _, rest = title_parts(getattr(page, "title", None))
    return {_norm(n) for n in (getattr(page, "site_name", None), *rest) if n}


def correct_title(article: Article) -> None:
    """The text's title gives way to the page's markup, together with the text: when it is the
    site's name (a blog's <h1> is often its name) or no page statement supports it, and two
    statements agree on a title that is a line of the text (or, for a site name, on any title)."""
    page = article.page
    if page is None or article.title is None:
        return
    claim = page_title_claim(page)
    if claim is None:
        return
    current, wanted = _norm(article.title), _norm(claim)
    if current == wanted or _agree(current, wanted):
        return
    is_site = current in site_names(page)
    statements = [_norm(t) for t in (page.headline, page.og_title, title_parts(page.title)[0], *page.h1s) if t]
    if not is_site and any(_agree(current, s) for s in statements):
        return
    lines = [s for s in article.segments if _agree(_norm(s.text), wanted)]
    line = next((s for s in lines if s.role in CONTENT_ROLES), lines[0] if lines else None)
    if line is None and not is_site:
        return  # the markup alone never decides
    for seg in article.segments:
        if seg.role == "title" and seg is not line:
            seg.role, seg.reason = ("boilerplate", reason(Code.MARKUP_SITE_NAME)) if is_site else \
                ("heading", reason(Code.MARKUP_NOT_TITLE))
    if line is not None:
        line.role, line.reason = "title", reason(Code.MARKUP_PAGE_TITLE)
        article.title = line.text if len(_norm(line.text)) >= len(wanted) else claim  # a line cut short
    else:
        article.title = claim


def fill_from_page(article: Article) -> None:
    fields = article.fields or {}
    page = article.page
    correct_title(article)
    if article.title is None:
        article.title = fields.get("title") or (page and (page.headline or page.og_title or page.title)) or None
        if article.title is not None and "no_title" in article.flags:
            article.flags = [f for f in article.flags if f != "no_title"]
    if article.site_name is None:
        article.site_name = fields.get("site_name") or (page and page.site_name) or None
    if article.author is None and page is not None and page.authors:
        article.author = " and ".join(page.authors[:MAX_AUTHORS])
    if article.published is None:
        article.published = parse_iso_date(fields.get("published")) or (
            parse_iso_date(page.published) if page is not None else None)
