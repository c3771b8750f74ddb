"""Stories and the warehouse, joined for one run: the only place that reads articles rows for
the story index, hands them to it, and writes its updates back ("rows in, updates out").

    wh/.story_index/   the index's folder (newsnorm.stories.store.IndexFolder; temp files in wh/.tmp)
    wh/stories/        the stories table (schema and rows: newsnorm.stories.table)

The index is saved before the articles it describes are written. Loading reconciles it
with the articles table, which is the commit record (StoryIndex.reconcile), so a crash
anywhere, an older warehouse without an index, or a deleted index all heal on the next run.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsnorm.atomic import atomic_write_bytes
from newsnorm.document import Article
from newsnorm.stories.index import StoryIndex
from newsnorm.stories.params import STORY_FLAGS
from newsnorm.stories.rows import STORED_COLUMNS, Entry, stored_entries
from newsnorm.stories.store import IndexFolder
from newsnorm.stories.table import NAME, STORIES, stories_table
from newsnorm.warehouse.store import SCHEMA_VERSION, Warehouse

INDEX_DIR = ".story_index"
STORIES_EVERY_S = 30.0  # the stories table is rebuilt whole: during a run, at most this often
_SETTLED = "settled"


def replace_story_flags(old, new) -> list[str]:
    """A stored row's flags with the story flags replaced (the other flags are not the index's)."""
    return sorted((set(old or []) - STORY_FLAGS) | set(new))


class StoriesSync:
    """The story index of one warehouse during one run (created by the run, inside its lock):
    loaded on first use, reconciled with the articles table, saved after each change."""

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.folder = IndexFolder(wh.root / INDEX_DIR, wh.tmp, {b"newsnorm.schema_version": SCHEMA_VERSION.encode()})
        self._index: StoryIndex | None = None
        self._stories_at: float | None = None  # when the stories table was last written (monotonic)
        self._stories_stale = True  # the stories table must be rewritten
        wh.ensure_table(NAME, STORIES)
        # a stories table that is not the one the last run committed (damage): rebuilt this run
        self._damaged = wh.path(NAME).relative_to(wh.root).as_posix() in wh.damaged_derived

    @property
    def index(self) -> StoryIndex:
        """The reconciled index of this warehouse, loaded once per run."""
        if self._index is None:
            index = self._load()
            path, parts = self.wh.path(NAME), self.folder.parts()
            # an index part newer than the stories table: a run died between the two writes
            self._stories_stale = self._damaged or not path.exists() or \
                bool(parts) and parts[-1].stat().st_mtime > path.stat().st_mtime
            self._index = index
        return self._index

    def _load(self) -> StoryIndex:
        """The saved index, reconciled with the articles table.

        Entries that disagree with the articles table (saved before a crash kept their rows
        from landing, or damage) make the saved index untrusted as a whole: dropping them one
        by one left another grouping than a clean run (1,000 articles, a crash after the first
        index part and before the first rows: 6 stories instead of 5, 200 story ids differing;
        3,000: 262 instead of 5), so it is rebuilt from the stored articles, as when it is lost.
        """
        index = self.folder.read()
        stored = self.wh.read("articles", columns=["article_id", "content_sha256", "story_id", "flags"])
        sha = dict(zip(stored.column("article_id").to_pylist(), stored.column("content_sha256").to_pylist(),
                       strict=True))
        if any(sha.get(a) != index.sha_of(d) for a, d in index.doc_of.items()):
            index = self.folder.discard()
        index.reconcile(*(stored.column(c).to_pylist() for c in ("article_id", "content_sha256", "story_id", "flags")),
                        fetch=self._stored_entries)
        return index

    def _stored_entries(self, ids: list[str]) -> list[Entry]:
        t = self.wh.read("articles", columns=STORED_COLUMNS)
        t = t.filter(pc.is_in(t.column("article_id"), value_set=pa.array(ids, pa.string())))
        return stored_entries(t.to_pylist())

    def prepare(self, articles: list[Article]) -> None:
        """Before a batch is written: set story_id and story flags, save the index and the stories table."""
        index = self.index
        index.assign(articles)
        self._save(index)

    def settle(self, final: bool = False) -> None:
        """After a batch is written (and, `final`, at the end of a run): relabel stored articles
        whose story changed; save the index, and the stories table when due.

        A final settle of a run that wrote nothing is skipped when the warehouse is as the last
        completed run left it (see `_settled`): an unchanged re-run never loads the index.
        """
        if final and self._index is None and not self._damaged and self._settled():
            return
        index = self.index
        updates = dict(index.pending)
        if updates:
            self.wh.update_article_columns(
                {a: {"story_id": s.story_id, "flags": sorted(s.flags)} for a, s in updates.items()},
                combine={"flags": replace_story_flags})
            index.mark_written(updates)
        self._save(index, final)
        if final:
            self._mark_settled()

    def _state(self) -> tuple[str, int]:
        """The files a settle depends on: their names, and the newest modification time."""
        wh = self.wh
        files = [*(wh.path("articles", p) for p in wh.parts()), *self.folder.parts(), wh.path(NAME)]
        present = [f for f in files if f.exists()]
        names = "\n".join(str(f.relative_to(wh.root)) for f in present)
        return names, max((f.stat().st_mtime_ns for f in present), default=0)

    def _settled(self) -> bool:
        """True when a completed run's final settle was the last write: the marker it left names
        the same files, and is strictly newer than each (a coarse clock errs towards loading)."""
        marker = self.folder.folder / _SETTLED
        try:
            names, newest = self._state()
            return marker.read_text() == names and marker.stat().st_mtime_ns > newest
        except OSError:
            return False

    def _mark_settled(self) -> None:
        atomic_write_bytes(self.folder.folder / _SETTLED, self._state()[0].encode(), self.wh.tmp, durable=False)

    def _save(self, index: StoryIndex, final: bool = False) -> None:
        """Save the index's changes; rebuild the stories table at the end of a run, and during
        one at most every STORIES_EVERY_S (it is O(all stories); a crash meanwhile leaves it
        behind the articles table until the next run, which finds that out and rebuilds it)."""
        if self.folder.save(index):
            self._stories_stale = True
        last = self._stories_at
        if not final and last is not None and time.monotonic() - last < STORIES_EVERY_S:
            return
        path = self.wh.path(NAME)
        rows = pq.ParquetFile(path).metadata.num_rows if path.exists() else -1
        if self._stories_stale or rows != len(index.components()):
            self.wh.write_table(NAME, stories_table(index))
            self._stories_stale = False
        self._stories_at = time.monotonic()
