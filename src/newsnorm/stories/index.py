"""Stories: one id per real-world story, across sites, languages and rewrites.

Two articles report the same story when their fingerprints (fingerprint.py: figures,
names, rarer words, weighted by general English rarity) overlap enough. The decision is a
pure function of the two texts, so the set of same-story pairs does not depend on the
order articles arrive in. A story is a connected component of that pair graph, and its id
is the smallest article_id among its members: the same files give the same ids in any
order, re-run or not. The price is that an article bridging two stories merges them (the
merged story takes the smaller id) and that a story's id moves when a member with a
smaller article_id joins: `StoryIndex` reports such changes for rows already written.

New articles are compared with an inverted index, never with every article: the index
finds every indexed article that can pass the pair test, whatever was indexed before or
when (candidates.py: prefix filtering over rarest-first feature keys, MinHash slots for
copies; nothing capped), and within one story tests them only until one passes (a link
to one member joins the story). So the partition is the components of the pair test over
the set of articles: the same for any ingestion order and batch size, for a grown index and
one built at once. A removal re-tests the rest of its story (`_relink`): the links kept are
enough to hold a story together, not every passing pair. The index is saved in a folder it is given
(store.py) and is a cache: it can always be rebuilt from `articles.text_en`.

This module is the coordinator: the fields are held column-wise (columns.py: per field
one buffer for all articles, numbered by doc in the order they were added; no Python
object per article), stories are a partition of docs (groups.py), copy flags are kept
by copies.py, thresholds are named in params.py. An `Entry` (rows.py) is made on demand
where one article is needed whole. The per-pair versions of the decisions made here
vectorised live in reference.py, for the tests.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np

from newsnorm.document import Article
from newsnorm.perf.columns import Interned, Links, Ragged, Strings, sorted_unique
from newsnorm.stories.candidates import Retrieval, pair_test, prefix_splits
from newsnorm.stories.copies import Copies, order_keys
from newsnorm.stories.fingerprint import (
    N_MINHASH,
    WEIGHT_SCALE,
    Fingerprint,
)
from newsnorm.stories.groups import Groups
from newsnorm.stories.params import (
    DAMAGE,
    LINK_BLOCK,
    STORY_FLAGS,
)
from newsnorm.stories.rows import EPOCH, NO_TIME, Columns, Entry, StoryState, entry_for, micros
from newsnorm.stories.table import representative_reason
from newsnorm.stories.written import FLAGSETS, SPUN, SYNDICATED, Written

_NO_KEYS, _NO_WEIGHTS = np.empty(0, np.uint32), np.empty(0, np.float32)


class StoryIndex:
    """All indexed articles, their same-story links, and the story each belongs to.

    Doc numbers are positions in append order; a replaced article gets a new doc and its
    old one stays, dead. Every field is a column indexed by doc (see columns.py).
    """

    def __init__(self) -> None:
        self.article_ids: list[str] = []       # by doc (the same str objects as doc_of's keys)
        self.doc_of: dict[str, int] = {}      # live docs only
        self._sha = Strings()
        self._site = Interned()
        self._outlet = Interned()             # url host, else site name (rows.outlet_of)
        self._title = Strings()
        self._published = array("i")          # date ordinal, 0 = none
        self._first_seen = array("q")         # microseconds since the epoch (UTC), NO_TIME = none
        self._flags = Interned()              # sorted tuple of the article's own flags
        self._damage_by_code: list[int] = []  # damage() of each distinct flag tuple
        self._alive = bytearray()
        self._n_words = array("i")
        self._fp = Ragged(np.uint32, np.uint8)  # fingerprint keys and weight steps
        self._mass = np.empty(1024, np.float64)  # by doc, for vectorized scoring: fingerprint mass,
        self._minhash = np.empty((1024, N_MINHASH), np.uint32)  # MinHash rows,
        self._nsh = np.empty(1024, np.int64)  # shingle counts,
        self._copies = Copies()                # by doc: order key, copy flag and story label as of the last sync
        self._links = Links()
        self.retrieval = Retrieval()           # which docs a newcomer is tested with (candidates.py)
        self._split: set[int] = set()          # members of stories that lost one: re-tested at the regroup
        self._groups = Groups()                # docs partitioned into stories (union-find)
        self._written_rows = Written()         # what the articles table holds (story id and flags)
        self._removed: list[int] = []          # docs removed whose links are not cut yet
        self.pending: dict[str, StoryState] = {}  # stored articles whose row must change
        self._dirty: set[int] = set()          # docs whose index row must be saved
        self.touched: set[int] = set()        # docs whose story may have changed since the last sync
        self._regroup_needed = False
        self._resync_all = False              # copies: recompute every touched story whole
        # candidates: docs that may pass; compared: pair tests run; grown: stories synced by their newcomers
        self.stats = {"compared": 0, "candidates": 0, "grown": 0}

    def __len__(self) -> int:
        return len(self.doc_of)

    @property
    def n_docs(self) -> int:
        return len(self.article_ids)

    @property
    def dirty(self) -> set[int]:
        """Docs whose saved row must change. A removal's story is re-tested first (`_regroup`):
        the links that hold the rest of it together are saved with it."""
        self._cut_removed()
        if self._regroup_needed:
            self._regroup()
        return self._dirty

    @dirty.setter
    def dirty(self, docs: set[int]) -> None:
        self._cut_removed()
        self._dirty = docs

    @classmethod
    def from_columns(cls, cols: Columns, src: np.ndarray, dst: np.ndarray) -> StoryIndex:
        """An index from saved rows and their links as doc-number pairs (saved on one end or
        both; each kept once here), without re-comparing anything.

        Consumes `cols`: each field is dropped once copied (a 100,000-article load held the
        columns and the index side by side; see store.IndexFolder.read)."""
        index = cls()
        n = len(cols.article_id)
        index._reserve(max(1024, n + n // 4))
        for doc, aid in enumerate(cols.article_id):
            index.doc_of[aid] = doc
        index.article_ids, cols.article_id = list(cols.article_id), []
        index._sha.extend(cols.content_sha256)
        index._title.extend(cols.title)
        for site, flags, outlet in zip(cols.site_name, cols.flags, cols.outlet, strict=True):
            index._site.append(site)
            index._outlet.append(outlet)
            index._flags.append(tuple(flags))
        index._published.extend(d.toordinal() if d else 0 for d in cols.published)
        index._first_seen.extend(micros(t) for t in cols.first_seen)
        cols.content_sha256 = cols.title = cols.site_name = cols.flags = cols.published = cols.first_seen = []
        cols.outlet = []
        index._alive.extend(b"\x01" * n)
        index._n_words.extend(np.asarray(cols.n_words, np.int64).tolist())
        index._fp.extend(cols.key_offsets, cols.keys, cols.steps)
        index._mass[:n] = _row_sums(cols.steps, cols.key_offsets) / WEIGHT_SCALE
        index._nsh[:n] = cols.n_shingles
        index.retrieval.suffix[:n] = prefix_splits(cols.steps, np.asarray(cols.key_offsets, np.int64))[1]
        index._minhash[:n] = cols.minhash
        cols.keys, cols.steps, cols.minhash = _NO_KEYS, np.empty(0, np.uint8), np.empty((0, N_MINHASH), np.uint32)
        index._copies.order[:n] = order_keys(np.array(index._published, np.int64), np.array(index._n_words, np.int64))
        pairs = np.maximum(src, dst).astype(np.int64)
        pairs *= max(n, 1)
        pairs += np.minimum(src, dst)
        pairs = sorted_unique(pairs)
        lo = (pairs % max(n, 1)).astype(np.int32)
        bounds = np.searchsorted(pairs, np.arange(n + 1, dtype=np.int64) * max(n, 1))  # rows of the newer doc
        del pairs
        for doc in range(n):
            index._links.append(lo[bounds[doc]:bounds[doc + 1]])
            index._new_doc_state(doc)
        del lo, bounds
        index._regroup()
        index.touched = set()
        index.retrieval.rebuild(index)
        return index

    # -- building ------------------------------------------------------------------------
    def add(self, entry: Entry) -> int:
        """Index one article (replacing an older version of it) and link it to its story."""
        aid = entry.article_id
        first_seen = entry.first_seen
        old = self.doc_of.get(aid)
        if old is not None:
            seen = self._first_seen[old]
            first_seen = first_seen if seen == NO_TIME else EPOCH + timedelta(microseconds=seen)
            self.remove(aid)
        doc = self.n_docs
        fp = entry.fp
        self._append(aid, entry.content_sha256, entry.site_name, entry.title, entry.published, first_seen,
                     entry.flags, fp, entry.outlet)
        self._mass[doc], self._nsh[doc], self._minhash[doc] = fp.mass, fp.n_shingles, fp.minhash
        self._copies.order[doc] = order_keys(np.int64(self._published[doc]), np.int64(fp.n_words))
        orphan = self._written_rows.orphans.pop(aid, None)
        if orphan is not None:
            self._set_written(doc, orphan)
        neighbours = self.retrieval.neighbours(self, fp, doc, stale=self._regroup_needed)
        self._links.append(np.array(neighbours, np.int32))
        for other in neighbours:
            self._groups.union(doc, other, self.article_ids)
        self.retrieval.file(self, doc, fp)
        self._dirty.add(doc)
        self.touched.add(doc)
        return doc

    def _append(self, aid: str, sha: str, site: str | None, title: str | None, published: date | None,
                first_seen: datetime | None, flags: list[str], fp: Fingerprint, outlet: str | None = None) -> None:
        doc = self.n_docs
        self.article_ids.append(aid)
        self.doc_of[aid] = doc
        self._sha.append(sha)
        self._site.append(site)
        self._outlet.append(outlet)
        self._title.append(title)
        self._published.append(published.toordinal() if published else 0)
        self._first_seen.append(micros(first_seen))
        self._flags.append(tuple(flags))
        self._alive.append(1)
        self._n_words.append(fp.n_words)
        self._fp.append(fp.keys, fp.steps)
        if doc >= self._mass.size:
            self._reserve(self._mass.size + self._mass.size // 4)  # a quarter more: see Growing
        self._new_doc_state(doc)

    def _new_doc_state(self, doc: int) -> None:
        """A new doc is its own story (union-find root, circular member list of one), not yet written."""
        self._groups.append(doc)
        self._written_rows.new_doc()
        self._copies.new_doc(doc)

    def _reserve(self, size: int) -> None:
        self._mass = np.resize(self._mass, size)
        self._nsh = np.resize(self._nsh, size)
        self.retrieval.reserve(size)
        self._minhash = np.resize(self._minhash, (size, N_MINHASH))
        self._copies.reserve(size)

    def remove(self, article_id: str) -> None:
        """Forget an article; its former neighbours may now form separate stories."""
        doc = self.doc_of.pop(article_id, None)
        if doc is None:
            return
        self._alive[doc] = 0
        self._split.update(self._groups.component(self._groups.find(doc)))
        state = self._written(doc)
        if state is not None:
            self._written_rows.orphans[article_id] = state
        self._removed.append(doc)
        self._dirty.add(doc)
        self._regroup_needed = True

    def _cut_removed(self) -> None:
        """Cut the links of removed docs (one scan for all removals since the last call)."""
        if not self._removed:
            return
        for other in self._links.cut(self._removed):
            self._dirty.add(other)
            self.touched.add(other)
        self._removed = []

    def same_story_docs(self, a: Fingerprint, docs: np.ndarray) -> list[bool]:
        """`same_story(a, fingerprint of d)` for these docs, read from the columns (same numbers)."""
        pos, lengths = self._fp.gather(docs)
        keys, steps = self._fp.columns[0].view()[pos], self._fp.columns[1].view()[pos]
        return pair_test(a, keys, steps, lengths, self._mass[docs], self._minhash[docs], self._nsh[docs]).tolist()

    # -- one article, materialised -------------------------------------------------------
    def fingerprint_of(self, doc: int, features: bool = True) -> Fingerprint:
        """The doc's fingerprint (`features` False: without keys and weights, cheaper)."""
        if not features:
            return Fingerprint(_NO_KEYS, _NO_WEIGHTS, self._minhash[doc], int(self._nsh[doc]), self._n_words[doc],
                               _mass=float(self._mass[doc]))
        steps = self._fp.row(doc, 1)
        return Fingerprint(self._fp.row(doc, 0), steps.astype(np.float32) / WEIGHT_SCALE, self._minhash[doc],
                           int(self._nsh[doc]), self._n_words[doc], _steps=steps, _mass=float(self._mass[doc]))

    def entry(self, doc: int, links: bool = False, features: bool = True) -> Entry:
        """What the index holds of one doc as an Entry (`links`: found by a scan of all links;
        `features` False: a fingerprint without keys and weights)."""
        if links:
            self._cut_removed()
        seen, pub = self._first_seen[doc], self._published[doc]
        return Entry(
            article_id=self.article_ids[doc], content_sha256=self.sha_of(doc), fp=self.fingerprint_of(doc, features),
            site_name=self._site[doc], title=self._title[doc], published=date.fromordinal(pub) if pub else None,
            first_seen=None if seen == NO_TIME else EPOCH + timedelta(microseconds=seen),
            flags=list(self._flags[doc]), links=self._links.of(doc) if links else [], alive=bool(self._alive[doc]),
            outlet=self._outlet[doc],
        )

    @property
    def entries(self) -> _Entries:
        """Every doc as an Entry, links included, made on access: for tests and tools only."""
        return _Entries(self)

    def is_alive(self, doc: int) -> bool:
        return bool(self._alive[doc])

    def down_links(self, doc: int) -> list[int]:
        """This doc's live links to older docs: together they record every link once."""
        self._cut_removed()
        return self._links.down(doc).tolist()

    def sha_of(self, doc: int) -> str:
        return self._sha[doc] or ""

    def to_columns(self, docs: list[int]) -> Columns:
        """These docs' rows, the way `from_columns` takes them back."""
        rows = np.array(docs, np.int64)
        pos, lengths = self._fp.gather(rows)
        seen = [self._first_seen[d] for d in docs]
        return Columns(
            article_id=[self.article_ids[d] for d in docs], content_sha256=[self.sha_of(d) for d in docs],
            site_name=[self._site[d] for d in docs], title=[self._title[d] for d in docs],
            published=[date.fromordinal(p) if p else None for p in (self._published[d] for d in docs)],
            first_seen=[None if t == NO_TIME else EPOCH + timedelta(microseconds=t) for t in seen],
            flags=[list(self._flags[d]) for d in docs], outlet=[self._outlet[d] for d in docs],
            n_words=np.array([self._n_words[d] for d in docs], np.int32),
            n_shingles=self._nsh[rows].astype(np.int32), key_offsets=np.concatenate([[0], np.cumsum(lengths)]),
            keys=self._fp.columns[0].view()[pos], steps=self._fp.columns[1].view()[pos], minhash=self._minhash[rows],
        )

    def story_row(self, docs: list[int]) -> dict:
        """One story's row of the stories table but its id and members (see `representative`),
        read from the columns: no Entry per member."""
        ids, nw, codes, values = self.article_ids, self._n_words, self._flags.codes, self._flags.values
        hurt = self._damage_by_code
        while len(hurt) < len(values):
            hurt.append(sum(DAMAGE.get(f, 0) for f in values[len(hurt)]))
        best = min(docs, key=lambda d: (hurt[codes[d]], -nw[d], ids[d]))
        sites = sorted({s for s in (self._site[d] for d in docs) if s})
        seen = [t for t in (self._first_seen[d] for d in docs) if t != NO_TIME]
        published = [p for p in (self._published[d] for d in docs) if p]
        return {
            "n_copies": len(docs), "n_sites": len(sites), "sites": sites,
            "first_seen": EPOCH + timedelta(microseconds=min(seen)) if seen else None,
            "first_published": date.fromordinal(min(published)) if published else None,
            "last_published": date.fromordinal(max(published)) if published else None,
            "n_outlets": len({o for o in (self._outlet[d] for d in docs) if o}),
            "representative_id": ids[best], "representative_title": self._title[best],
            "representative_reason": representative_reason(values[codes[best]], nw[best],
                                             [values[codes[d]] for d in docs if d != best]),
        }

    # -- components ----------------------------------------------------------------------
    def _regroup(self) -> None:
        """Recompute components from the links after removals (one may have split a story)."""
        self._cut_removed()
        n = self.n_docs
        hi, lo = self._links.pairs()
        self._groups = Groups.from_pairs(n, hi, lo, self.article_ids)
        self.retrieval.stories_split()
        del hi, lo
        self._relink(sorted(d for d in self._split if self._alive[d]))
        self._split = set()
        alive = self._alive
        self.touched.update(d for d in range(n) if alive[d])
        self._regroup_needed = False
        self._resync_all = True

    def _relink(self, docs: list[int]) -> None:
        """Link these docs (the rest of stories that lost a member) wherever the pair test
        joins them: the links kept held their story together through the removed doc, and
        any passing pair among the rest may have had no link of its own. Each doc is tested
        against the earlier ones, one passing doc per story, as `Retrieval.neighbours` does."""
        groups, ids = self._groups, self.article_ids
        for i, d in enumerate(docs[1:], start=1):
            earlier = np.array(docs[:i], np.int64)
            roots = groups.roots_of(earlier)
            own = groups.find(d)
            fp = None
            for root in sorted(set(roots.tolist()) - {own}):
                members = earlier[roots == root]
                fp = fp or self.fingerprint_of(d)
                for lo in range(0, members.size, LINK_BLOCK):
                    block = members[lo:lo + LINK_BLOCK]
                    self.stats["compared"] += int(block.size)
                    ok = np.flatnonzero(self.same_story_docs(fp, block))
                    if ok.size:
                        self._links.add(d, int(block[ok[0]]))
                        groups.union(d, int(block[ok[0]]), ids)
                        self._dirty.add(d)
                        break

    def story_id_of(self, doc: int) -> str:
        return self.article_ids[self._groups.label_of(doc)]

    def members(self, docs: Iterable[int]) -> dict[int, list[int]]:
        """Root -> alive members, for the components containing these docs."""
        out = {}
        alive = self._alive
        groups = self._groups
        for r in {groups.find(d) for d in docs}:
            live = sorted(d for d in groups.component(r) if alive[d])
            if live:
                out[r] = live
        return out

    def components(self) -> dict[int, list[int]]:
        return self.members(self._groups.roots())

    # -- what the articles table holds ---------------------------------------------------
    def _written(self, doc: int) -> StoryState | None:
        return self._written_rows.get(doc, self.article_ids)

    def _set_written(self, doc: int, state: StoryState) -> None:
        self._written_rows.set(doc, state, self.doc_of)

    def set_written(self, article_id: str, state: StoryState) -> None:
        """The articles table holds this state for this article."""
        doc = self.doc_of.get(article_id)
        if doc is None:
            self._written_rows.orphans[article_id] = state
        else:
            self._set_written(doc, state)

    @property
    def written(self) -> dict[str, StoryState]:
        """What the articles table holds, by article_id (built on demand: for tests and tools)."""
        out = dict(self._written_rows.orphans)
        for aid, doc in self.doc_of.items():
            state = self._written(doc)
            if state is not None:
                out[aid] = state
        return out

    # -- the run's entry points ----------------------------------------------------------
    def assign(self, articles: list[Article], now: datetime | None = None) -> None:
        """Index these articles and set their story_id and story flags (in place).

        Articles already in the warehouse whose story id or story flags change as a
        consequence (a merge, a new smallest member, a new original) land in `pending`.
        """
        now = now or datetime.now(UTC)
        for art in articles:
            self.add(entry_for(art, now))
        states = self.sync()
        for art in articles:
            state = states[art.article_id]
            art.story_id = state.story_id
            art.flags = sorted((set(art.flags) - STORY_FLAGS) | state.flags)
            self.set_written(art.article_id, state)
            self.pending.pop(art.article_id, None)

    def reconcile(self, ids: list[str], shas: list[str], story_ids: list[str | None], flags: list[list[str] | None],
                  fetch: Callable[[list[str]], list[Entry]]) -> None:
        """Bring a loaded index in line with the stored articles rows (the commit record; columns
        article_id, content_sha256, story_id, flags): entries whose article did not land (or changed
        since) are dropped, articles the index lacks are indexed from `fetch(their ids)`, and rows
        whose story_id or story flags disagree are queued in `pending`."""
        sha = dict(zip(ids, shas, strict=True))
        for aid in [a for a, d in self.doc_of.items() if sha.get(a) != self.sha_of(d)]:
            self.remove(aid)
        missing = sorted(set(sha) - set(self.doc_of))
        if missing:
            for entry in fetch(missing):
                self.add(entry)
        for aid, sid, fl in zip(ids, story_ids, flags, strict=True):
            self.set_written(aid, StoryState(sid or "", frozenset(set(fl or []) & STORY_FLAGS)))
        self.touched = set(self.doc_of.values())
        self.sync()

    def sync(self) -> dict[str, StoryState]:
        """Recompute the touched stories; queue stored articles whose state changed.

        Returns the states of the docs whose state was recomputed: every doc added since
        the last sync among them. A story that only grew keeps its other members' states
        unless its id changed or a newcomer made one of them a copy (see `Copies.update`).
        """
        self._cut_removed()
        if self._regroup_needed:
            self._regroup()
        whole, self._resync_all = self._resync_all, False
        states: dict[str, StoryState] = {}
        spun_codes = {c for c, f in enumerate(self._flags.values) if "spun_text" in f}
        flag_codes, ids, copies = self._flags.codes, self.article_ids, self._copies
        for root, docs in sorted(self.members(self.touched).items()):
            label = self._groups.label[root]
            redo, grown = copies.update(docs, label, whole, self._nsh, self._minhash, ids)
            self.stats["grown"] += grown
            is_copy = copies.is_copy
            sid = ids[label]
            for d in redo:
                bits = (flag_codes[d] in spun_codes) * SPUN | int(is_copy[d]) * SYNDICATED
                state = StoryState(sid, FLAGSETS[bits])
                states[ids[d]] = state
                old = self._written(d)
                if old is not None and old != state:
                    self.pending[ids[d]] = state
                else:
                    self.pending.pop(ids[d], None)
        self.touched = set()
        return states

    def mark_written(self, updates: dict[str, StoryState]) -> None:
        """The warehouse now holds these states."""
        for aid, state in updates.items():
            self.set_written(aid, state)
            self.pending.pop(aid, None)


class _Entries(Sequence[Entry]):
    """A read-only view of an index's docs as Entry objects (each made when read)."""

    def __init__(self, index: StoryIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.n_docs

    def __getitem__(self, doc):  # Sequence's int-or-slice signature
        if isinstance(doc, slice):
            return [self[d] for d in range(*doc.indices(len(self)))]
        if doc < 0:
            doc += len(self)
        if not 0 <= doc < len(self):
            raise IndexError(doc)
        return self._index.entry(doc, links=True)


def _row_sums(values: np.ndarray, offsets: np.ndarray, rows: int = 1 << 13) -> np.ndarray:
    """Sum of each CSR row as int64 (an empty row: 0), `rows` rows at a time: no int64 copy
    or owner array as long as all the values."""
    out = np.zeros(offsets.size - 1, np.int64)
    for lo in range(0, out.size, rows):
        offs = offsets[lo:lo + rows + 1]
        filled = np.flatnonzero(np.diff(offs) > 0)
        if filled.size:
            chunk = values[offs[0]:offs[-1]].astype(np.int64)
            out[lo + filled] = np.add.reduceat(chunk, offs[filled] - offs[0])
    return out
