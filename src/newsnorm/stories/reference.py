"""Plain per-pair versions of the story decisions the index makes vectorised, from the
columns. Production code never calls these: the tests check the fast code against them.
"""

from __future__ import annotations

from datetime import date

from newsnorm.stories.fingerprint import Fingerprint, shared_mass, similarity, text_resemblance
from newsnorm.stories.params import DAMAGE, MIN_SHARED, MIN_SHINGLES, SAME_STORY, SAME_TEXT
from newsnorm.stories.rows import Entry
from newsnorm.stories.table import representative_reason


def same_story(a: Fingerprint, b: Fingerprint) -> bool:
    """The pair decision (StoryIndex._same_story for many): symmetric, depends on the two texts only."""
    if text_resemblance(a, b) >= SAME_TEXT and min(a.n_shingles, b.n_shingles) >= MIN_SHINGLES:
        return True
    return similarity(a, b) >= SAME_STORY and shared_mass(a, b) >= MIN_SHARED


def original_key(e: Entry) -> tuple:
    """Which of several copies of one text is the original (copies.order_keys, then the id):
    earliest date, then fullest, then smallest id."""
    return (e.published is None, e.published or date.max, -e.fp.n_words, e.article_id)


def syndicated_copies(entries: list[Entry]) -> set[str]:
    """article_ids that repeat the wording of an earlier (or fuller) article of the same story,
    one pair at a time (the index: copies.Copies)."""
    ordered = sorted(entries, key=original_key)
    out = set()
    for i, e in enumerate(ordered):
        if e.fp.n_shingles < MIN_SHINGLES:
            continue
        if any(o.fp.n_shingles >= MIN_SHINGLES and text_resemblance(e.fp, o.fp) >= SAME_TEXT for o in ordered[:i]):
            out.add(e.article_id)
    return out


def damage(e: Entry) -> int:
    return sum(DAMAGE.get(f, 0) for f in e.flags)


def representative(entries: list[Entry]) -> tuple[Entry, str]:
    """The least damaged copy (then the fullest text, then the smallest id), and why (StoryIndex.story_row)."""
    best = min(entries, key=lambda e: (damage(e), -e.fp.n_words, e.article_id))
    return best, representative_reason(best.flags, best.fp.n_words, [e.flags for e in entries if e is not best])

