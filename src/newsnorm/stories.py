"""Stories: one id per real-world story, across sites, languages and rewrites.

Two articles report the same story when their fingerprints (fingerprint.py: figures,
names, rarer words, weighted by general English rarity) overlap enough. The decision is a
pure function of the two texts, so the set of same-story pairs does not depend on the
order articles arrive in. A story is a connected component of that pair graph, and its id
is the smallest article_id among its members: the same files give the same ids in any
order, re-run or not. The price is that an article bridging two stories merges them (the
merged story takes the smaller id) and that a story's id moves when a member with a
smaller article_id joins: `StoryIndex` reports such changes for rows already written.

New articles are compared with an inverted index over their rarer features, never with
every article: each feature's posting list is read only up to POSTING_CAP entries (a
feature in thousands of articles tells no story apart), and only the best TOP_CANDIDATES
are scored exactly. The index lives in the warehouse (story_store.py) and is a cache:
it can always be rebuilt from `articles.text_en`.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np

from .data import Article
from .fingerprint import (
    N_MINHASH,
    Fingerprint,
    fingerprint,
    shared_mass,
    shared_mass_many,
    similarity,
    similarity_many,
    text_resemblance,
    text_resemblance_many,
)
from .spinner import is_spun

SAME_STORY = 0.45          # similarity at or above which two articles report the same story
MIN_SHARED = 12.0          # ... and they must share at least this much feature weight
SAME_TEXT = 0.8            # share of the shorter wording found in the longer: a syndicated copy
POSTING_CAP = 2000         # longer posting lists are skipped at retrieval (not at scoring)
TOP_CANDIDATES = 64        # candidates scored exactly per new article
STORY_FLAGS = frozenset({"spun_text", "syndicated_copy"})

# How much each flag damages a copy when choosing a story's representative (data, not code).
DAMAGE: dict[str, int] = {
    "spun_text": 100, "missing_translation_model": 40, "translation_failed": 40, "corrupted_token": 10,
    "no_title": 5, "corrupted_date": 3, "duplicate_caption": 1,
}


@dataclass(slots=True)
class Entry:
    """What the index keeps of one article: enough to match, group and pick a representative."""

    article_id: str
    content_sha256: str
    fp: Fingerprint
    site_name: str | None = None
    title: str | None = None
    published: date | None = None
    first_seen: datetime | None = None
    flags: list[str] = field(default_factory=list)  # the article's own flags, spun_text included
    links: array = field(default_factory=lambda: array("i"))  # same-story neighbours (doc numbers);
    # array('i'), not a set: 4 bytes a link instead of ~40, and an article can have hundreds
    alive: bool = True


@dataclass(slots=True)
class StoryState:
    """What the articles table should hold for one article."""

    story_id: str
    flags: frozenset[str]  # the subset of STORY_FLAGS that applies


class _Postings:
    """Feature -> doc numbers: a sorted numpy base plus a dict for docs added since the last merge."""

    MERGE_EVERY = 20_000

    def __init__(self) -> None:
        self.keys = np.empty(0, np.uint32)
        self.ptr = np.zeros(1, np.int64)
        self.docs = np.empty(0, np.int32)
        self.delta: dict[int, array] = {}  # array('i'): read as numpy without a copy
        self.delta_docs = 0

    def rebuild(self, entries: list[Entry]) -> None:
        alive = [(d, e.fp.keys) for d, e in enumerate(entries) if e.alive and e.fp.keys.size]
        if not alive:
            self.__init__()
            return
        keys = np.concatenate([k for _, k in alive])
        docs = np.concatenate([np.full(k.size, d, np.int32) for d, k in alive])
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        ukeys, starts, counts = np.unique(keys, return_index=True, return_counts=True)
        # A list longer than POSTING_CAP is never read (see lookup): keep its key, drop its
        # docs. On a large corpus these common features are most of the postings' memory.
        capped = counts > POSTING_CAP
        if capped.any():
            keep = np.repeat(~capped, counts)
            docs = docs[keep]
            counts = np.where(capped, 0, counts)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.keys, self.docs = ukeys, docs
        self.ptr = np.append(starts, docs.size).astype(np.int64)
        self.delta, self.delta_docs = {}, 0

    def add(self, doc: int, keys: np.ndarray) -> None:
        for k in keys.tolist():
            posting = self.delta.get(k)
            if posting is None:
                posting = self.delta[k] = array("i")
            posting.append(doc)
        self.delta_docs += 1

    def lookup(self, keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(doc numbers, weight of the shared feature) for every posting of these keys, capped."""
        parts_d: list[np.ndarray] = []
        parts_w: list[np.ndarray] = []
        if self.keys.size:
            idx = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            for i in np.flatnonzero(self.keys[idx] == keys).tolist():
                s, e = int(self.ptr[idx[i]]), int(self.ptr[idx[i] + 1])
                if 0 < e - s <= POSTING_CAP:
                    parts_d.append(self.docs[s:e])
                    parts_w.append(np.full(e - s, weights[i], np.float32))
        for i, k in enumerate(keys.tolist()):
            extra = self.delta.get(k)
            if extra and len(extra) <= POSTING_CAP:
                parts_d.append(np.frombuffer(extra, np.int32))
                parts_w.append(np.full(len(extra), weights[i], np.float32))
        if not parts_d:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        return np.concatenate(parts_d), np.concatenate(parts_w)


class StoryIndex:
    """All indexed articles, their same-story links, and the story each belongs to."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.doc_of: dict[str, int] = {}
        self.postings = _Postings()
        self._parent: list[int] = []
        self._label: dict[int, str] = {}      # root doc -> smallest article_id of its component
        self._members: dict[int, list[int]] = {}  # root doc -> docs of its component (dead ones too)
        self._mass = np.empty(1024, np.float64)  # by doc, for vectorized scoring: fingerprint mass,
        self._minhash = np.empty((1024, N_MINHASH), np.uint32)  # MinHash rows,
        self._nsh = np.empty(1024, np.int64)  # shingle counts
        self.written: dict[str, StoryState] = {}  # what the articles table holds, by article_id
        self.pending: dict[str, StoryState] = {}  # stored articles whose row must change
        self.dirty: set[int] = set()          # docs whose index row must be saved
        self.touched: set[int] = set()        # docs whose story may have changed since the last sync
        self._regroup_needed = False
        self.stats = {"compared": 0, "candidates": 0}
        self.stories_stale = True             # the stories table must be rewritten (story_store)

    def __len__(self) -> int:
        return len(self.doc_of)

    @classmethod
    def from_entries(cls, entries: list[Entry], src: np.ndarray, dst: np.ndarray) -> StoryIndex:
        """An index from saved entries (entry i is doc i) and their links as doc-number pairs
        (saved on one end or both; made symmetric here), without re-comparing anything."""
        index = cls()
        for doc, e in enumerate(entries):
            index.entries.append(e)
            index.doc_of[e.article_id] = doc
        index._grow(max(1024, 2 * len(index.entries)))
        for doc, e in enumerate(index.entries):
            index._set_arrays(doc, e.fp)
        n = len(entries)
        pairs = np.unique(np.concatenate([src * n + dst, dst * n + src])) if n else np.empty(0, np.int64)
        frm, to = pairs // max(n, 1), (pairs % max(n, 1)).astype(np.int32)
        bounds = np.searchsorted(frm, np.arange(n + 1))
        for doc, e in enumerate(index.entries):
            e.links = array("i", to[bounds[doc]:bounds[doc + 1]].tobytes())
        index._regroup()
        index.touched = set()
        index.postings.rebuild(index.entries)
        return index

    # -- building ------------------------------------------------------------------------
    def add(self, entry: Entry) -> int:
        """Index one article (replacing an older version of it) and link it to its story."""
        old = self.doc_of.get(entry.article_id)
        if old is not None:
            entry.first_seen = self.entries[old].first_seen or entry.first_seen
            self.remove(entry.article_id)
        doc = len(self.entries)
        self.entries.append(entry)
        self.doc_of[entry.article_id] = doc
        if doc >= self._mass.size:
            self._grow(2 * self._mass.size)
        self._set_arrays(doc, entry.fp)
        self._parent.append(doc)
        self._label[doc] = entry.article_id
        self._members[doc] = [doc]
        for other in self._neighbours(entry.fp, doc):
            self._link(doc, other)
        self.postings.add(doc, entry.fp.keys)
        if self.postings.delta_docs >= _Postings.MERGE_EVERY:
            self.postings.rebuild(self.entries)
        self.dirty.add(doc)
        self.touched.add(doc)
        return doc

    def _grow(self, size: int) -> None:
        self._mass = np.resize(self._mass, size)
        self._nsh = np.resize(self._nsh, size)
        self._minhash = np.resize(self._minhash, (size, N_MINHASH))

    def _set_arrays(self, doc: int, fp: Fingerprint) -> None:
        self._mass[doc], self._nsh[doc], self._minhash[doc] = fp.mass, fp.n_shingles, fp.minhash

    def remove(self, article_id: str) -> None:
        """Forget an article; its former neighbours may now form separate stories."""
        doc = self.doc_of.pop(article_id, None)
        if doc is None:
            return
        e = self.entries[doc]
        e.alive = False
        for other in e.links:
            with contextlib.suppress(ValueError):
                self.entries[other].links.remove(doc)
            self.dirty.add(other)
            self.touched.add(other)
        e.links = array("i")
        self.dirty.add(doc)
        self._regroup_needed = True

    def _link(self, new: int, old: int) -> None:
        """Link a new doc to one of its distinct neighbours (so no pair is linked twice).

        Only the new doc's saved row must change: the loader makes links symmetric again.
        (A removal, in contrast, rewrites its neighbours' rows: they must forget it.)
        """
        self.entries[new].links.append(old)
        self.entries[old].links.append(new)
        self.dirty.add(new)
        self._union(new, old)

    def _neighbours(self, fp: Fingerprint, doc: int) -> list[int]:
        """Indexed articles that report the same story as this fingerprint (exact test on the best candidates)."""
        docs, weights = self.postings.lookup(fp.keys, fp.weights)
        if not docs.size:
            return []
        cand = np.flatnonzero(np.bincount(docs))
        approx = np.bincount(docs, weights=weights)[cand]
        score = approx / np.sqrt(np.maximum(self._mass[cand] * fp.mass, 1e-9))
        keep = np.flatnonzero((score >= SAME_STORY * 0.5) & (approx >= MIN_SHARED * 0.5))
        keep = keep[np.lexsort((cand[keep], -score[keep]))][:TOP_CANDIDATES]
        self.stats["candidates"] += int(cand.size)
        others = [c for c in cand[keep].tolist() if c != doc and self.entries[c].alive]
        self.stats["compared"] += len(others)
        same = same_story_many(fp, [self.entries[c].fp for c in others],
                               self._minhash[others], self._nsh[others], self._mass[others])
        return [c for c, ok in zip(others, same, strict=True) if ok]

    # -- components ----------------------------------------------------------------------
    def _find(self, d: int) -> int:
        root = d
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[d] != root:
            self._parent[d], d = root, self._parent[d]
        return root

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        self._label[ra] = min(self._label.pop(rb), self._label[ra])

    def _regroup(self) -> None:
        """Recompute components from the links after removals (one may have split a story)."""
        self._parent = list(range(len(self.entries)))
        self._label = {d: e.article_id for d, e in enumerate(self.entries)}
        self._members = {d: [d] for d in range(len(self.entries))}
        for d, e in enumerate(self.entries):
            for o in e.links:
                if o > d:
                    self._union(d, o)
        self.touched.update(d for d, e in enumerate(self.entries) if e.alive)
        self._regroup_needed = False

    def story_id_of(self, doc: int) -> str:
        return self._label[self._find(doc)]

    def members(self, docs: Iterable[int]) -> dict[int, list[int]]:
        """Root -> alive members, for the components containing these docs."""
        out = {}
        for r in {self._find(d) for d in docs}:
            alive = sorted(d for d in self._members[r] if self.entries[d].alive)
            if alive:
                out[r] = alive
        return out

    def components(self) -> dict[int, list[int]]:
        return self.members(self._members)

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
            self.written[art.article_id] = state
            self.pending.pop(art.article_id, None)

    def sync(self) -> dict[str, StoryState]:
        """Recompute the touched stories; queue stored articles whose state changed. Returns the states."""
        if self._regroup_needed:
            self._regroup()
        states: dict[str, StoryState] = {}
        for _, docs in sorted(self.members(self.touched).items()):
            copies = syndicated_copies([self.entries[d] for d in docs])
            for d in docs:
                e = self.entries[d]
                flags = {"spun_text"} & set(e.flags) | ({"syndicated_copy"} if e.article_id in copies else set())
                states[e.article_id] = StoryState(self.story_id_of(d), frozenset(flags))
        self.touched = set()
        for aid, state in states.items():
            if aid in self.written and self.written[aid] != state:
                self.pending[aid] = state
            else:
                self.pending.pop(aid, None)
        return states

    def mark_written(self, updates: dict[str, StoryState]) -> None:
        """The warehouse now holds these states."""
        self.written.update(updates)
        for aid in updates:
            self.pending.pop(aid, None)


# -- decisions ----------------------------------------------------------------------------
def same_story(a: Fingerprint, b: Fingerprint) -> bool:
    """The pair decision: symmetric, depends on the two texts only."""
    if text_resemblance(a, b) >= SAME_TEXT and min(a.n_shingles, b.n_shingles) >= 20:
        return True
    return similarity(a, b) >= SAME_STORY and shared_mass(a, b) >= MIN_SHARED


def same_story_many(a: Fingerprint, others: list[Fingerprint], minhashes: np.ndarray | None = None,
                    n_shingles: np.ndarray | None = None, masses: np.ndarray | None = None) -> list[bool]:
    """`same_story(a, b)` for every b in `others`, in one vectorized pass (same numbers).

    The index passes the others' MinHash rows, shingle counts and masses it keeps in arrays.
    """
    if not others:
        return []
    if minhashes is None or n_shingles is None:
        minhashes = np.stack([b.minhash for b in others])
        n_shingles = np.array([b.n_shingles for b in others], np.int64)
    copy = (text_resemblance_many(a, minhashes, n_shingles) >= SAME_TEXT) & (np.minimum(a.n_shingles, n_shingles) >= 20)
    shared = shared_mass_many(a, others)
    related = (similarity_many(a, others, shared, masses) >= SAME_STORY) & (shared >= MIN_SHARED)
    return (copy | related).tolist()


def story_features(text_en: str) -> tuple[Fingerprint, bool]:
    """What the index needs of an article's text; computed in the workers, in parallel."""
    return fingerprint(text_en), is_spun(text_en)


def entry_for(art: Article, now: datetime) -> Entry:
    fp, spun = art.story_features or story_features(art.text_en)
    flags = [f for f in art.flags if f not in STORY_FLAGS]
    if spun:
        flags.append("spun_text")
    return Entry(
        article_id=art.article_id, content_sha256=art.content_sha256, fp=fp,
        site_name=art.site_name, title=art.title, published=art.published, first_seen=now, flags=sorted(flags),
    )


def _original_key(e: Entry) -> tuple:
    """Which of several copies of one text is the original: earliest date, then fullest, then id."""
    return (e.published is None, e.published or date.max, -e.fp.n_words, e.article_id)


def syndicated_copies(entries: list[Entry]) -> set[str]:
    """article_ids that repeat the wording of an earlier (or fuller) article of the same story."""
    if len(entries) < 2:
        return set()
    ordered = sorted(entries, key=_original_key)
    minhashes = np.stack([e.fp.minhash for e in ordered]) if ordered else np.empty((0, N_MINHASH), np.uint32)
    n_sh = np.array([e.fp.n_shingles for e in ordered], np.int64)
    copies = set()
    for i, e in enumerate(ordered):
        if e.fp.n_shingles < 20:
            continue
        for lo in range(0, i, _BLOCK):  # earlier copies, a block at a time: most copies are found early
            hi = min(i, lo + _BLOCK)
            similar = text_resemblance_many(e.fp, minhashes[lo:hi], n_sh[lo:hi]) >= SAME_TEXT
            if (similar & (n_sh[lo:hi] >= 20)).any():
                copies.add(e.article_id)
                break
    return copies


_BLOCK = 256


def damage(e: Entry) -> int:
    return sum(DAMAGE.get(f, 0) for f in e.flags)


def representative(entries: list[Entry]) -> tuple[Entry, str]:
    """The least damaged copy (then the fullest text, then the smallest id), and why."""
    best = min(entries, key=lambda e: (damage(e), -e.fp.n_words, e.article_id))
    harmed = sorted({f for f in best.flags if f in DAMAGE})
    why = "no damage flags" if not harmed else "least damaged (" + ", ".join(harmed) + ")"
    others = sorted({f for e in entries if e is not best for f in e.flags if f in DAMAGE} - set(harmed))
    reason = f"{why}; {best.fp.n_words} words"
    if len(entries) > 1:
        reason += f"; chosen over {len(entries) - 1} other cop{'y' if len(entries) == 2 else 'ies'}"
        if others:
            reason += " (" + ", ".join(others) + ")"
    return best, reason
