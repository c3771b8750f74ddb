"""Why a segment got its role, as a code (and the line it points to), not as prose.

The steps set and compare codes; the sentence a person reads in `segments.role_reason` is
rendered from `SENTENCES` only where rows are written, so rewording a sentence changes no
decision. A `Reason` is interned (one object per code and seq) and pickles small: every
segment crosses from a pool worker to the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Code(StrEnum):
    """One member per decision that gives a segment its role."""

    # First pass over each line (roles)
    NO_TEXT = "no_text"
    PHOTO_CREDIT = "photo_credit"
    CONTRIBUTION = "contribution"
    BOILERPLATE_PHRASE = "boilerplate_phrase"
    # Structural rules (roles)
    CAPTION_CONTROL = "caption_control"
    LINK_LIST_LABEL = "link_list_label"
    LINK_LIST = "link_list"
    AUTHOR_BOX = "author_box"
    AUTHOR_BIO = "author_bio"
    GLUED_NAVIGATION = "glued_navigation"
    REPEATS = "repeats"
    REPEATS_CREDIT = "repeats_credit"
    REPEATS_INSIDE_TEXT = "repeats_inside_text"
    END_MARKER = "end_marker"
    AFTER_END_MARKER = "after_end_marker"
    INLINE_CREDIT = "inline_credit"
    FOLLOWED_BY_CREDIT = "followed_by_credit"
    BYLINE = "byline"
    TITLE_FIRST = "title_first"
    TITLE_EVIDENCE = "title_evidence"
    BEFORE_TEXT_BLOCK = "before_text_block"
    AFTER_TEXT_BLOCK = "after_text_block"
    DATE_OR_AUTHOR_LINE = "date_or_author_line"
    HEADING = "heading"
    # Publisher pairs (align)
    PUBLISHER_CAPTION_PAIR = "publisher_caption_pair"
    PUBLISHER_PAIR = "publisher_pair"
    # An HTML page's markup (markup)
    MARKUP_NAV = "markup_nav"
    MARKUP_FOOTER = "markup_footer"
    MARKUP_COMMENTS = "markup_comments"
    MARKUP_RELATED = "markup_related"
    MARKUP_WIDGET = "markup_widget"
    MARKUP_ASIDE = "markup_aside"
    MARKUP_LINKS = "markup_links"
    MARKUP_OUTSIDE_ARTICLE = "markup_outside_article"
    MARKUP_INSIDE_ARTICLE = "markup_inside_article"
    MARKUP_FIGCAPTION = "markup_figcaption"
    MARKUP_HEADING = "markup_heading"
    MARKUP_TITLE = "markup_title"
    MARKUP_NOT_TITLE = "markup_not_title"
    MARKUP_SITE_NAME = "markup_site_name"
    MARKUP_PAGE_TITLE = "markup_page_title"


# The sentence stored in `segments.role_reason` for each code; `{seq}` is the line the
# decision points to (the repeated line, the label, the marker, the block's edge, ...).
SENTENCES: dict[Code, str] = {
    Code.NO_TEXT: "no text",
    Code.PHOTO_CREDIT: "photo credit",
    Code.CONTRIBUTION: "contribution line",
    Code.BOILERPLATE_PHRASE: "boilerplate phrase",
    Code.CAPTION_CONTROL: "caption control",
    Code.LINK_LIST_LABEL: "link list label",
    Code.LINK_LIST: "link list (label seq {seq})",
    Code.AUTHOR_BOX: "author box",
    Code.AUTHOR_BIO: "author's bio (seq {seq})",
    Code.GLUED_NAVIGATION: "navigation glued to the title (seq {seq})",
    Code.REPEATS: "repeats seq {seq}",
    Code.REPEATS_CREDIT: "repeats credit seq {seq}",
    Code.REPEATS_INSIDE_TEXT: "repeats seq {seq} inside the article's text",
    Code.END_MARKER: "end-of-article marker",
    Code.AFTER_END_MARKER: "after end-of-article marker (seq {seq})",
    Code.INLINE_CREDIT: "ends with a photo credit",
    Code.FOLLOWED_BY_CREDIT: "followed by credit seq {seq}",
    Code.BYLINE: "author and date line before the body",
    Code.TITLE_FIRST: "first headline-like line before the body",
    Code.TITLE_EVIDENCE: "headline over the article's text (position, byline or date under it, repeats)",
    Code.BEFORE_TEXT_BLOCK: "before the article's text block (seq {seq})",
    Code.AFTER_TEXT_BLOCK: "after the article's text block (seq {seq})",
    Code.DATE_OR_AUTHOR_LINE: "date or author line",
    Code.HEADING: "short unpunctuated line before content",
    Code.PUBLISHER_CAPTION_PAIR: "publisher caption pair",
    Code.PUBLISHER_PAIR: "publisher pair with seq {seq}",
    Code.MARKUP_NAV: "markup: in the page's navigation, menu or breadcrumb",
    Code.MARKUP_FOOTER: "markup: in the page's footer",
    Code.MARKUP_COMMENTS: "markup: in the comment section",
    Code.MARKUP_RELATED: "markup: in a list of related or recommended stories",
    Code.MARKUP_WIDGET: "markup: in a share, newsletter, ad or cookie widget",
    Code.MARKUP_ASIDE: "markup: in a sidebar, form, dialog, tag list or author box",
    Code.MARKUP_LINKS: "markup: link text outside the page's article",
    Code.MARKUP_OUTSIDE_ARTICLE: "markup: outside the page's marked article",
    Code.MARKUP_INSIDE_ARTICLE: "markup: inside the page's marked article",
    Code.MARKUP_FIGCAPTION: "markup: a <figcaption>",
    Code.MARKUP_HEADING: "markup: an <h2>-<h6> heading",
    Code.MARKUP_TITLE: "markup: the <h1> the page's own title names",
    Code.MARKUP_NOT_TITLE: "markup: the page's <h1> is the title, not this line",
    Code.MARKUP_SITE_NAME: "markup: the site's name (og:site_name or the <title>'s suffix), not the article's title",
    Code.MARKUP_PAGE_TITLE: "markup: the title two of the page's own statements agree on",
}

# Codes whose decision points to another line (their sentence names its seq).
WITH_SEQ = frozenset(code for code, sentence in SENTENCES.items() if "{seq}" in sentence)
# A line that copies an earlier one (the copy is the one removed).
REPEAT_CODES = frozenset({Code.REPEATS, Code.REPEATS_CREDIT, Code.REPEATS_INSIDE_TEXT})
LINK_LIST_CODES = frozenset({Code.LINK_LIST_LABEL, Code.LINK_LIST})


@dataclass(frozen=True, slots=True)
class Reason:
    """A decision's code and, for codes in WITH_SEQ, the seq of the line it points to.
    Make one with `reason()` (interned); compare `.code`, never the rendered sentence."""

    code: Code
    seq: int | None = None

    def __reduce__(self) -> tuple:
        """Pickled as a call of the interning `reason` (its cache answers in C on load); the
        code is one enum per stream, and a repeated Reason is a memo reference."""
        return (reason, (self.code,) if self.seq is None else (self.code, self.seq))


@lru_cache(maxsize=65536)
def reason(code: Code, seq: int | None = None) -> Reason:
    """The one Reason for (code, seq); a seq is required exactly for the codes that name a line."""
    if (seq is not None) != (code in WITH_SEQ):
        raise ValueError(f"reason {code!s}: seq {'required' if seq is None else 'not expected'}")
    return Reason(code, seq)


@lru_cache(maxsize=65536)
def _render(r: Reason) -> str:
    return SENTENCES[r.code].format(seq=r.seq)


def render(r: Reason | None) -> str | None:
    """The sentence for `segments.role_reason` (None for no reason)."""
    return None if r is None else _render(r)
