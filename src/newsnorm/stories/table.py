"""The `stories` table: its schema and its rows, built from the story index.

The warehouse writes this table as it is handed (it knows nothing of stories); the
runner joins the two (runner/stories_sync.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa

from newsnorm.stories.params import DAMAGE

if TYPE_CHECKING:
    from newsnorm.stories.index import StoryIndex

NAME = "stories"

STORIES = pa.schema([
    ("story_id", pa.string()),
    ("n_copies", pa.int32()),
    ("n_sites", pa.int32()),
    ("sites", pa.list_(pa.string())),
    ("first_seen", pa.timestamp("us", tz="UTC")),
    ("first_published", pa.date32()),
    ("representative_id", pa.string()),
    ("representative_title", pa.string()),
    ("representative_reason", pa.string()),
    ("article_ids", pa.list_(pa.string())),
    ("last_published", pa.date32()),
    ("n_outlets", pa.int32()),
])


def stories_table(index: StoryIndex) -> pa.Table:
    """One row per story, built column-wise (at 100,000 articles a dict per row was a peak)."""
    cols: dict[str, list] = {name: [] for name in STORIES.names}
    for story_id, docs in sorted((index.story_id_of(docs[0]), docs) for docs in index.components().values()):
        cols["story_id"].append(story_id)
        for name, value in index.story_row(docs).items():
            cols[name].append(value)
        cols["article_ids"].append(sorted(index.article_ids[d] for d in docs))
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in STORIES}, schema=STORIES)


def representative_reason(best_flags: Iterable[str], n_words: int, others_flags: list[Iterable[str]]) -> str:
    """Why a story's representative was chosen, as a person reads it."""
    harmed = sorted({f for f in best_flags if f in DAMAGE})
    why = "no damage flags" if not harmed else "least damaged (" + ", ".join(harmed) + ")"
    others = sorted({f for flags in others_flags for f in flags if f in DAMAGE} - set(harmed))
    reason = f"{why}; {n_words} words"
    n = len(others_flags) + 1
    if n > 1:
        reason += f"; chosen over {n - 1} other cop{'y' if n == 2 else 'ies'}"
        if others:
            reason += " (" + ", ".join(others) + ")"
    return reason
