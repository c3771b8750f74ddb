"""An HTML page as lines of text, one per block, with what the markup says about each.

The page is cut by its block structure: a new line starts before and after each block
element and at each <br> (as a naive scraper flattens a page, so the text classifier sees
the text it was built for), and the line's index in that flattened text is the segment's
`line_start`. Beside each line goes a `LineHint` (its block tag, the page region it sits
in, the share of it that is link text, whether it is inside the page's marked article),
and beside the page its `PageEvidence` (<title>, og:*, JSON-LD, canonical, lang).
"""

from __future__ import annotations

import json

import lxml.html
from lxml import etree

from newsnorm.readers import html_patterns as hp
from newsnorm.readers.records import LineHint, Page, PageEvidence


class HtmlError(ValueError):
    """The bytes hold no HTML document lxml can parse."""


def parse(html: str) -> etree._Element:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlError(str(exc) or "no document") from exc


def page_from_html(html: str) -> Page:
    root = parse(html)
    lines, hints, has_article = _flatten(root)
    evidence = _evidence(root)
    return Page("\n".join(lines), hints, evidence, has_article)


# -- flattening ----------------------------------------------------------------------------
def _names(el: etree._Element) -> tuple[list[str], list[str]]:
    """Class and id tokens, and their parts split at - and _ (an embed's names say nothing)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    tokens = [t for t in raw.split() if not hp.EMBED_NAME.search(t)]
    parts = [p for t in tokens for p in t.replace("_", "-").split("-") if p and p != t]
    return tokens, parts


def _zone_of(el: etree._Element, tag: str) -> str | None:
    zone = hp.ZONE_BY_TAG.get(tag)
    if zone:
        return zone
    role = (el.get("role") or "").lower()
    if role in hp.ZONE_BY_ROLE:
        return hp.ZONE_BY_ROLE[role]
    tokens, parts = _names(el)
    for code, pattern in hp.ZONE_BY_NAME:
        if any(pattern.match(n) for n in tokens):
            return code
    for code, pattern in hp.ZONE_BY_NAME_PART:
        if any(pattern.match(n) for n in parts):
            return code
    return None


def _is_article(el: etree._Element, tag: str) -> bool:
    if tag in hp.ARTICLE_TAGS or el.get("itemprop") in hp.ARTICLE_ITEMPROPS:
        return True
    cls = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    return any(hp.ARTICLE_NAMES.match(c) for c in cls)


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


class _Lines:
    """Accumulates text pieces into lines with their hints."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.hints: list[LineHint] = []
        self.buf: list[str] = []
        self.link_chars = 0
        self.hint: LineHint | None = None

    def add(self, text: str, in_link: bool, tag: str, zone: tuple[str, int] | None, marks: tuple[int, ...]) \
            -> None:
        if not text:
            return
        if self.hint is None and text.strip():
            self.hint = LineHint(tag, zone[0] if zone else None, zone[1] if zone else -1, 0.0, marks)
        self.buf.append(text)
        if in_link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        if not self.buf:
            return
        line = hp.WHITESPACE.sub(" ", "".join(self.buf)).strip()
        if line and self.hint is not None:
            self.hint.link_share = min(1.0, self.link_chars / len(line))
            self.lines.append(line)
            self.hints.append(self.hint)
        self.buf, self.link_chars, self.hint = [], 0, None


def _flatten(root: etree._Element) -> tuple[list[str], list[LineHint], bool]:
    out = _Lines()
    # one frame per open element: (block tag for its text, zone, article marks, in_link)
    stack: list[tuple[str, tuple[str, int] | None, tuple[int, ...], bool]] = [("body", None, (), False)]
    skipped: set[etree._Element] = set()
    n_marks = n_zones = 0
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # comment, processing instruction: only their tail is text
            if el.tail:
                block, zone, art, link = stack[-1]
                out.add(el.tail, link, block, zone, art)
            continue
        tag = tag.lower()
        if event == "start":
            if tag in hp.DROP_TAGS or _hidden(el):
                skipped.add(el)
                walker.skip_subtree()
                continue
            block, zone, art, link = stack[-1]
            if tag == "br":
                out.flush()
            is_block = tag in hp.BLOCK_TAGS
            if is_block:
                out.flush()
                block = tag
            code = _zone_of(el, tag)
            if code:  # the innermost region names the line
                zone = (code, n_zones)
                n_zones += 1
            if _is_article(el, tag):
                art = (*art, n_marks)
                n_marks += 1
            link = link or tag == "a"
            stack.append((block, zone, art, link))
            if el.text:
                out.add(el.text, link, block, zone, art)
        else:
            if el in skipped:
                skipped.discard(el)
            else:
                stack.pop()
                if tag in hp.BLOCK_TAGS:
                    out.flush()
            if el.tail:
                block, zone, art, link = stack[-1]
                out.add(el.tail, link, block, zone, art)
    out.flush()
    return out.lines, out.hints, n_marks > 0


# -- evidence ------------------------------------------------------------------------------
def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = hp.WHITESPACE.sub(" ", text).strip()
    return text or None


def _meta(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = _clean(m.get("content"))
        if key and value and key not in out:
            out[key] = value
    return out


def _jsonld_articles(root: etree._Element) -> list[dict]:
    found: list[dict] = []

    def visit(node: object) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in hp.JSONLD_ARTICLE_TYPES for t in types):
                found.append(node)
            if "@graph" in node:
                visit(node["@graph"])

    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            visit(json.loads(script.text.strip().rstrip(";")))
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it is evidence, not a requirement
    # a real article type before a WebPage
    found.sort(key=lambda n: str(n.get("@type")).lower() in ("webpage", "['webpage']"))
    return found


def _names_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [v for v in [_clean(value)] if v]
    if isinstance(value, dict):
        return _names_of(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names_of(v)]
    return []


def _evidence(root: etree._Element) -> PageEvidence:
    meta = _meta(root)
    ev = PageEvidence()
    title = root.find(".//title")
    ev.title = _clean(title.text_content()) if title is not None else None
    ev.og_title = meta.get("og:title") or meta.get("twitter:title")
    ev.h1s = [t for t in (_clean(h.text_content()) for h in root.iter("h1")) if t][:5]
    ev.site_name = meta.get("og:site_name") or meta.get("application-name")
    ev.published = meta.get("article:published_time") or meta.get("datepublished") or meta.get("date")
    ev.modified = meta.get("article:modified_time") or meta.get("datemodified")
    ev.description = meta.get("description") or meta.get("og:description")
    ev.lang = _clean(root.get("lang") or root.get("xml:lang"))
    authors: list[str] = []
    for art in _jsonld_articles(root)[:1]:
        ev.jsonld_type = art.get("@type") if isinstance(art.get("@type"), str) else str(art.get("@type"))
        ev.headline = _clean(art.get("headline")) if isinstance(art.get("headline"), str) else None
        authors.extend(_names_of(art.get("author")))
        if isinstance(art.get("datePublished"), str):
            ev.published = art["datePublished"].strip() or ev.published
        if isinstance(art.get("dateModified"), str):
            ev.modified = ev.modified or art["dateModified"].strip()
        if not ev.site_name:
            names = _names_of(art.get("publisher"))
            ev.site_name = names[0] if names else None
    for key in ("author", "article:author"):
        value = meta.get(key)
        if value and not value.startswith("http"):
            authors.append(value)
    for a in root.iter("a", "link"):
        if "author" in (a.get("rel") or "").lower().split():
            name = _clean(a.text_content()) if a.tag == "a" else None
            if name:
                authors.append(name)
        if a.tag == "link" and "canonical" in (a.get("rel") or "").lower().split() and not ev.canonical_url:
            ev.canonical_url = _clean(a.get("href"))
    ev.canonical_url = ev.canonical_url or meta.get("og:url")
    ev.authors = list(dict.fromkeys(authors))[:10]
    return ev
