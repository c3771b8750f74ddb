"""Patterns as data: boilerplate phrases, credit formats, UI strings per language.

The classifiers in roles.py, align.py and metadata.py read these tables; adding a site's
phrase or a language's UI strings is a data change here, not a logic change there.
Every pattern is matched case-insensitively against a whole segment unless noted.
Split by kind: `lines` (boilerplate, credits, UI strings, language words, COMPILED),
`headline`, `pairing` (publisher pairs) and `metadata` (dates, bylines); this module
re-exports them so a step imports `newsnorm.steps.patterns` alone.
"""

from __future__ import annotations

from newsnorm.steps.patterns.headline import (  # noqa: F401
    BYLINE_ENDINGS,
    HEADLINE,
    NOT_HEADLINE_LINES,
)
from newsnorm.steps.patterns.lines import (  # noqa: F401
    AGENCIES,
    AGENCY_NAMES,
    AUTHOR_BOX,
    BOILERPLATE_LINES,
    BYLINE_PREFIX,
    COMMENT_ACTIONS,
    COMMENT_HEADER,
    COMMENT_MARKERS,
    COMPILED,
    CONTRIBUTION_LINE,
    CONTRIBUTION_NEEDS,
    CORRUPTED_TOKEN,
    CREDIT_INLINE,
    CREDIT_INLINE_COLONS,
    CREDIT_INLINE_ENDS,
    CREDIT_PHRASES,
    CREDIT_WORDS,
    DATELINE_PREFIX,
    ENGLISH_DISTINCTIVE_WORDS,
    ENGLISH_FUNCTION_WORDS,
    FOREIGN_FUNCTION_WORDS,
    LINK_LIST_LABELS,
    NAME_PARTICLES,
    SITE_FROM_LINE,
    SITE_FROM_LINE_NEEDLES,
    SITE_TAG_PREFIX,
    TAIL_MARKERS,
    TEASER_LINE,
    TEASER_NEEDS,
    UI_GLOSSARY,
    VI_LETTERS,
    VI_SYLLABLE,
    _core,
)
from newsnorm.steps.patterns.metadata import (  # noqa: F401
    AUTHOR_PREFIX,
    AUTHOR_STOP_WORDS,
    HEADER_ABOVE,
    HEADER_BELOW,
    HEADER_MAX_WORDS,
    LOOSE_BYLINES,
    MONTH_NAMES,
    PUBLISHED_LABEL,
    RELATIVE_DAYS,
    RELATIVE_FORMS,
    RELATIVE_LINE_WORDS,
    RELATIVE_NUMBER_WORDS,
    RELATIVE_UNITS,
    SOCIAL_ITEM,
    UPDATED_LABEL,
)
from newsnorm.steps.patterns.pairing import (  # noqa: F401
    PAIRING,
)
