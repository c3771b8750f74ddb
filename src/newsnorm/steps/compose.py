"""The article's English text: content segments in reading order, each once."""

from __future__ import annotations

from newsnorm.document import Article
from newsnorm.steps.roles_data import CONTENT_ROLES
from newsnorm.steps.text import norm_key


def compose_text_en(article: Article, roles: frozenset[str] | set[str] = CONTENT_ROLES) -> str:
    """Title, headings, body and captions in English; no boilerplate, credits or repeats.
    (`roles` narrows it: benchmarks score the body without the title the step found.)

    The foreign half of a publisher pair contributes nothing (its English half is there);
    a segment still waiting for a translation model is left out until a backfill.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for seg in article.segments:
        if seg.role not in roles or not seg.text_en:
            continue
        if seg.translation_source == "publisher":
            continue
        key = norm_key(seg.text_en)
        if key in seen:
            continue
        seen.add(key)
        parts.append(seg.text_en)
    return "\n\n".join(parts)
