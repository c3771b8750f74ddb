"""Which indexed articles could be in the same story as a new one: all of them, whatever came before.

The pair test (StoryIndex.same_story_docs, reference.same_story) says "copy" when the
shorter wording is mostly found in the longer (text_resemblance >= SAME_TEXT, both texts
>= MIN_SHINGLES shingles) and "related" when the feature overlap is large (similarity >=
SAME_STORY and shared weight >= MIN_SHARED). Stories are the connected components of that
test, so they are a function of the set of articles only if retrieval finds *every* doc
that passes: a cap on long posting lists, or the best N of a ranking, skips different docs
in different orders. Two exact filters replace them; nothing is capped:

- related, by prefix filtering. Feature keys sort rarest first (fingerprint.feature_key).
  A related pair shares at least max(MIN_SHARED, SAME_STORY**2 * mass) of either one's
  weight (shared >= SAME_STORY * sqrt(ma * mb) and shared <= mb give mb >= SAME_STORY**2 * ma,
  hence shared >= SAME_STORY**2 * ma). Cut each article's keys where the rest weighs less
  than that floor: the rest alone cannot reach it, so the first key the pair shares is in
  both prefixes. Docs are filed under their prefix; a newcomer looks up all its keys, and
  (its weight on the keys found) + (the doc's suffix weight) bounds the shared weight from
  above: a doc whose bound misses the test cannot pass it.
- copy, by MinHash slots. A resemblance above 0 needs an equal slot, so docs with enough
  shingles are filed under their N_MINHASH (slot, value) pairs, hashed to 32 bits (a
  collision only adds a candidate). The number of slots found bounds the resemblance.

The bounds are computed with a small slack in the docs' favour (float rounding never
drops a doc); the exact test decides. `Postings` is one inverted index (key -> docs);
`Retrieval` holds the two and links a newcomer to one passing doc per story.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np

from newsnorm.perf.columns import sorted_unique
from newsnorm.stories.fingerprint import (
    N_MINHASH,
    WEIGHT_SCALE,
    Fingerprint,
    similarity_many,
    text_resemblance_many,
)
from newsnorm.stories.params import LINK_BLOCK, MIN_SHARED, MIN_SHINGLES, SAME_STORY, SAME_TEXT

if TYPE_CHECKING:
    from newsnorm.stories.index import StoryIndex

_SLACK = 1 - 1e-9
_SLOT_SALT = np.arange(N_MINHASH, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def floor_steps(mass_steps: np.ndarray | int) -> np.ndarray | float:
    """The least weight (in steps) a related partner shares with an article of this mass."""
    return np.maximum(MIN_SHARED * WEIGHT_SCALE, SAME_STORY ** 2 * np.asarray(mass_steps, np.float64)) * _SLACK


def prefix_split(steps: np.ndarray) -> tuple[int, int]:
    """(prefix length, weight of the keys after it) of one article's weight steps in key order."""
    total = int(steps.sum(dtype=np.int64))
    floor = float(floor_steps(total))
    if total < floor:
        return 0, total  # too light to be related to anything: only a copy can link it
    rest = total - np.cumsum(steps, dtype=np.int64)
    cut = int(np.argmax(rest < floor))  # rest[-1] == 0 < floor: always found
    return cut + 1, int(rest[cut])


def prefix_splits(steps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`prefix_split` of every CSR row at once: (prefix lengths, suffix weights)."""
    n = offsets.size - 1
    lengths = np.diff(offsets)
    if not steps.size:
        return np.zeros(n, np.int64), np.zeros(n, np.int64)
    csum = np.cumsum(steps, dtype=np.int64)
    before = np.concatenate([[0], csum])[offsets[:-1]]
    total = np.concatenate([[0], csum])[offsets[1:]] - before
    floor = floor_steps(total)
    row = np.repeat(np.arange(n), lengths)
    rest = total[row] - (csum - before[row])
    hit = np.flatnonzero(rest < floor[row])  # ascending, so rows ascending too
    first = np.full(n, -1, np.int64)
    if hit.size:
        r = row[hit]
        starts = np.flatnonzero(np.concatenate([[True], r[1:] != r[:-1]]))
        first[r[starts]] = hit[starts]  # each row's first position below its floor
    heavy = (total >= floor) & (first >= 0)
    plen = np.where(heavy, first - offsets[:-1] + 1, 0)
    suffix = np.where(heavy, rest[np.maximum(first, 0)] if rest.size else 0, total)
    return plen.astype(np.int64), suffix.astype(np.int64)


def slot_keys(minhash: np.ndarray, n_shingles: int) -> np.ndarray:
    """The retrieval keys of a text's MinHash slots (none when too short to be a copy)."""
    if n_shingles < MIN_SHINGLES:
        return np.empty(0, np.uint32)
    h = (minhash.astype(np.uint64) ^ _SLOT_SALT) * _MIX
    return (h >> np.uint64(32)).astype(np.uint32)


def pair_test(a: Fingerprint, keys: np.ndarray, steps: np.ndarray, lengths: np.ndarray, masses: np.ndarray,
              minhashes: np.ndarray, n_shingles: np.ndarray) -> np.ndarray:
    """bool per row: the pair test of `a` with each row, given column-wise (each row's keys and
    weight steps concatenated, `lengths` per row; mass, MinHash row, shingle count). One
    function for every index, wherever it keeps its rows (memory or disk): one decision."""
    copy = text_resemblance_many(a, minhashes, n_shingles) >= SAME_TEXT
    copy &= np.minimum(a.n_shingles, n_shingles) >= MIN_SHINGLES
    shared = np.zeros(lengths.size, np.float64)
    if a.keys.size:
        owner = np.repeat(np.arange(lengths.size), lengths)
        at = np.minimum(np.searchsorted(a.keys, keys), a.keys.size - 1)
        hit = a.keys[at] == keys
        shared = np.bincount(owner[hit], weights=np.minimum(a.steps[at[hit]], steps[hit]),
                             minlength=lengths.size) / WEIGHT_SCALE
    related = (similarity_many(a, [], shared, masses) >= SAME_STORY) & (shared >= MIN_SHARED)
    return copy | related


def may_pass(found_steps: np.ndarray, found_keys: np.ndarray, found_slots: np.ndarray, mass_steps: int,
             n_shingles: int, masses: np.ndarray, suffix: np.ndarray, shingles: np.ndarray) -> np.ndarray:
    """bool per candidate doc: can it pass the pair test with the newcomer?

    Per doc: `found_steps`, the newcomer's weight (steps) on the keys found in the doc's
    prefix; `found_keys`, how many; `found_slots`, how many of its slot keys the newcomer's
    found; `masses`, `suffix`, `shingles`: its fingerprint mass and suffix weight (steps)
    and shingle count. `mass_steps`, `n_shingles`: the newcomer's."""
    bound = found_steps + suffix
    need = np.maximum(MIN_SHARED * WEIGHT_SCALE, SAME_STORY * np.sqrt(mass_steps * masses)) * _SLACK
    related = (found_keys > 0) & (bound >= need)
    if n_shingles < MIN_SHINGLES:
        return related
    j = np.minimum(found_slots, N_MINHASH) / N_MINHASH
    inter = j * (n_shingles + shingles) / (1.0 + j)
    copy = (found_slots > 0) & (shingles >= MIN_SHINGLES) & \
        (inter >= SAME_TEXT * np.minimum(n_shingles, np.maximum(shingles, 1)) * _SLACK)
    return related | copy


class Postings:
    """Key -> doc numbers: a sorted numpy base plus a dict for docs added since the last merge.

    The base (keys, offsets, docs) is rebuilt every MERGE_EVERY new docs; the dict holds small
    arrays for the docs added since. Every list is read whole: which docs a lookup returns
    never depends on when the base was last rebuilt or on how many docs came before (a cap on
    long lists did, and made the stories depend on the ingestion order)."""

    MERGE_EVERY = 20_000

    def __init__(self) -> None:
        self.keys = np.empty(0, np.uint32)
        self.ptr = np.zeros(1, np.int64)
        self.docs = np.empty(0, np.int32)
        self.delta: dict[int, array] = {}  # array('i'): read as numpy without a copy
        self.delta_docs = 0

    def rebuild(self, keys: np.ndarray, offsets: np.ndarray, alive: np.ndarray) -> None:
        """From every live doc's keys (`keys`: all docs' keys in doc order, doc d's at
        offsets[d]:offsets[d + 1]).

        This runs at 100,000s of articles and its temporaries were the writer's peak, so the
        key space is done in slices of about SLICE postings: each slice is one in-place sort
        of (key << 32 | doc), the order a stable argsort by key gives.
        """
        n_slices = 1 << max(0, int(np.ceil(np.log2(max(keys.size, 1) / self.SLICE))))
        shift = np.uint32(32 - int(np.log2(n_slices))) if n_slices > 1 else None
        all_alive = bool(alive.all())
        out_keys, out_counts, out_docs = [], [], []
        for piece in range(n_slices):
            pos = self._slice_positions(keys, shift, piece)
            doc = np.searchsorted(offsets, pos, side="right") - 1
            if not all_alive:
                live = alive[doc]
                pos, doc = pos[live], doc[live]
            pairs = keys[pos].astype(np.uint64) << np.uint64(32) | doc.astype(np.uint64)
            del pos, doc
            pairs.sort()
            halves = pairs.view(np.uint32).reshape(-1, 2)  # little-endian: [doc, key]
            k, d = halves[:, 1], halves[:, 0]
            starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]])) if k.size else np.empty(0, np.int64)
            out_keys.append(k[starts])
            out_docs.append(d.astype(np.int32))
            out_counts.append(np.diff(np.append(starts, k.size)))
        counts = np.concatenate(out_counts) if out_counts else np.empty(0, np.int64)
        if not counts.size:
            self.__init__()
            return
        self.keys, self.docs = np.concatenate(out_keys), np.concatenate(out_docs)
        self.ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.delta, self.delta_docs = {}, 0

    SLICE = 1 << 19  # postings per slice of the key space at a rebuild

    @staticmethod
    def _slice_positions(keys: np.ndarray, shift: np.uint32 | None, piece: int) -> np.ndarray:
        """Positions of the keys whose top bits are `piece`, read a chunk at a time."""
        if shift is None:
            return np.arange(keys.size, dtype=np.int64)
        chunk = 1 << 20
        found = [np.flatnonzero((keys[c:c + chunk] >> shift) == piece) + c for c in range(0, keys.size, chunk)]
        return np.concatenate(found) if found else np.empty(0, np.int64)

    def add(self, doc: int, keys: np.ndarray) -> None:
        for k in keys.tolist():
            posting = self.delta.get(k)
            if posting is None:
                posting = self.delta[k] = array("i")
            posting.append(doc)
        self.delta_docs += 1

    def lookup(self, keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(doc numbers, weight of the key looked up) for every posting of these keys.

        A doc filed under several of the keys comes once per key (the caller sums)."""
        parts_d: list[np.ndarray] = []
        lens: list[np.ndarray] = []
        ws: list[np.ndarray] = []
        if self.keys.size:
            idx = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            hit = np.flatnonzero(self.keys[idx] == keys)
            s, e = self.ptr[idx[hit]], self.ptr[idx[hit] + 1]
            n = e - s
            ok = n > 0
            if ok.any():
                s, n = s[ok], n[ok]
                total = int(n.sum())
                parts_d.append(self.docs[np.arange(total) + np.repeat(s - (np.cumsum(n) - n), n)])
                lens.append(n)
                ws.append(weights[hit[ok]])
        if self.delta:
            d_lens, d_w = [], []
            for i, k in enumerate(keys.tolist()):
                extra = self.delta.get(k)
                if extra:
                    parts_d.append(np.frombuffer(extra, np.int32))
                    d_lens.append(len(extra))
                    d_w.append(i)
            if d_lens:
                lens.append(np.array(d_lens, np.int64))
                ws.append(weights[d_w])
        if not parts_d:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        w = np.repeat(np.concatenate(ws).astype(np.float32), np.concatenate(lens))
        return np.concatenate(parts_d), w

    # -- one list at a time (the index's shortcut for long lists of one story) ------------
    def _base_span(self, key: int) -> tuple[int, int]:
        if not self.keys.size:
            return 0, 0
        i = int(np.searchsorted(self.keys, np.uint32(key)))
        if i >= self.keys.size or int(self.keys[i]) != key:
            return 0, 0
        return int(self.ptr[i]), int(self.ptr[i + 1])

    def tail(self, key: int, start: int) -> np.ndarray:
        """The key's docs from position `start` on (a list is its docs in doc order)."""
        s, e = self._base_span(key)
        extra = self.delta.get(key)
        more = np.frombuffer(extra, np.int32) if extra else np.empty(0, np.int32)
        if start >= e - s:
            return more[start - (e - s):]
        return np.concatenate([self.docs[s + start:e], more])

    def ends(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(length, newest doc or -1) of each key's list."""
        length = np.zeros(keys.size, np.int64)
        last = np.full(keys.size, -1, np.int64)
        if self.keys.size and keys.size:
            idx = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            hit = np.flatnonzero(self.keys[idx] == keys)
            s, e = self.ptr[idx[hit]], self.ptr[idx[hit] + 1]
            length[hit] = e - s
            filled = e > s
            last[hit[filled]] = self.docs[e[filled] - 1]
        if self.delta:
            for i, k in enumerate(keys.tolist()):
                extra = self.delta.get(k)
                if extra:
                    length[i] += len(extra)
                    last[i] = extra[-1]
        return length, last


class Retrieval:
    """The story index's two inverted indexes and how a newcomer finds the docs to test.

    Feature keys -> docs filed under their prefix; MinHash slot keys -> docs (copies). Holds
    per doc the weight after its prefix (`suffix`). The index (`ix`) lends its columns, its
    groups and its pair test."""

    DENSE_SHARE = 4  # postings found, times this, at least the docs indexed: aggregate densely (same result)
    LONG_LIST = 256  # lists at least this long are summarised: are all their docs one story?

    def __init__(self) -> None:
        self.postings = Postings()
        self.slots = Postings()
        self.suffix = np.empty(1024, np.int64)
        self._one_story: tuple[dict, dict] = ({}, {})  # per postings: key -> (doc, n): first n docs in doc's story

    def reserve(self, size: int) -> None:
        self.suffix = np.resize(self.suffix, size)

    def stories_split(self) -> None:
        """Stories were regrouped: what was one story may not be."""
        self._one_story = ({}, {})

    def file(self, ix: StoryIndex, doc: int, fp: Fingerprint) -> None:
        """File a new doc (after its neighbours were found) under its prefix and slot keys."""
        cut, self.suffix[doc] = prefix_split(fp.steps)
        self.postings.add(doc, fp.keys[:cut])
        self.slots.add(doc, slot_keys(fp.minhash, fp.n_shingles))
        if self.postings.delta_docs >= Postings.MERGE_EVERY:
            self.rebuild(ix)

    def rebuild(self, ix: StoryIndex) -> None:
        """Both inverted indexes from the index's columns: each live doc under its prefix and slot keys."""
        offsets = np.frombuffer(ix._fp.offsets, np.int64).copy()
        alive = np.frombuffer(ix._alive, np.uint8).astype(bool)
        keys, steps = ix._fp.columns[0].view(), ix._fp.columns[1].view()
        plen = prefix_splits(steps, offsets)[0]
        row = np.repeat(np.arange(plen.size), np.diff(offsets))
        in_prefix = np.arange(keys.size) - offsets[:-1][row] < plen[row]
        del row
        self._one_story = ({}, {})  # list positions change (dead docs go)
        self.postings.rebuild(keys[in_prefix], np.concatenate([[0], np.cumsum(plen)]), alive)
        del in_prefix
        n = ix.n_docs
        filed = ix._nsh[:n] >= MIN_SHINGLES
        slot_rows = [slot_keys(ix._minhash[d], int(ix._nsh[d])) for d in np.flatnonzero(filed).tolist()]
        flat = np.concatenate(slot_rows) if slot_rows else np.empty(0, np.uint32)
        self.slots.rebuild(flat, np.concatenate([[0], np.cumsum(np.where(filed, N_MINHASH, 0))]), alive)

    def neighbours(self, ix: StoryIndex, fp: Fingerprint, doc: int, stale: bool = False) -> list[int]:
        """One indexed doc per story this article joins (every doc that can pass is found).

        Candidates are grouped by story and tested LINK_BLOCK at a time until one passes: a
        link to one member joins the story. First the newest doc of each of the article's
        lists is tested: an article of a large story joins it at once, and its long lists
        that hold that story only are then not read (`_one_story_roots`). `stale`: the
        stories await a regroup (a removal): every candidate is tested, every passing one linked."""
        skeys = slot_keys(fp.minhash, fp.n_shingles)
        if stale:
            cand = self.candidates(ix, fp, doc, fp.keys, skeys)
            ix.stats["candidates"] += int(cand.size)
            ix.stats["compared"] += int(cand.size)
            return cand[np.array(ix.same_story_docs(fp, cand), bool)].tolist() if cand.size else []
        f_len, f_last = self.postings.ends(fp.keys)
        s_len, s_last = self.slots.ends(skeys)
        fkeys, links, joined = fp.keys, [], np.empty(0, np.int64)
        if max(f_len.max(initial=0), s_len.max(initial=0)) >= self.LONG_LIST:
            probe = sorted_unique(np.concatenate([f_last, s_last]))
            probe = probe[probe >= 0]
            probe = probe[(np.frombuffer(ix._alive, np.uint8)[probe] == 1) & (probe != doc)]
            ix.stats["compared"] += int(probe.size)
            passing = probe[np.array(ix.same_story_docs(fp, probe), bool)] if probe.size else probe
            joined, first = np.unique(ix._groups.roots_of(passing), return_index=True)
            links = passing[first].tolist()  # one passing doc per story (the oldest of them)
        if joined.size:  # long lists of joined stories only are not read
            fkeys = fkeys[~np.isin(self._one_story_roots(ix, 0, fkeys, f_len), joined)]
            skeys = skeys[~np.isin(self._one_story_roots(ix, 1, skeys, s_len), joined)]
        cand = self.candidates(ix, fp, doc, fkeys, skeys)
        ix.stats["candidates"] += int(cand.size)
        return links + self._link_by_story(ix, fp, cand, joined)

    def _link_by_story(self, ix: StoryIndex, fp: Fingerprint, cand: np.ndarray, joined: np.ndarray) -> list[int]:
        """One passing doc of each story among `cand` but the `joined` ones (tested a block at a time)."""
        if not cand.size:
            return []
        roots = ix._groups.roots_of(cand)
        keep = ~np.isin(roots, joined)
        cand, roots = cand[keep], roots[keep]
        order = np.lexsort((cand, roots))
        cand, roots = cand[order], roots[order]
        starts = np.flatnonzero(np.concatenate([[True], roots[1:] != roots[:-1]]))
        links = []
        for s, e in zip(starts.tolist(), np.append(starts[1:], cand.size).tolist(), strict=True):
            for lo in range(s, e, LINK_BLOCK):
                block = cand[lo:min(e, lo + LINK_BLOCK)]
                ix.stats["compared"] += int(block.size)
                ok = np.flatnonzero(ix.same_story_docs(fp, block))
                if ok.size:
                    links.append(int(block[ok[0]]))
                    break
        return links

    def _one_story_roots(self, ix: StoryIndex, which: int, keys: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Per key, the story root of its list when every doc of it is in one story, else -1.

        Kept per key and extended by the docs added since (stories only merge until a
        regroup, which clears it, as does a rebuild of the postings): an article's long
        lists cost O(1 + new docs) each, not their length."""
        postings, seen = (self.postings, self.slots)[which], self._one_story[which]
        out = np.full(keys.size, -1, np.int64)
        todo, firsts, tails = [], [], []
        for i in np.flatnonzero(lengths >= self.LONG_LIST).tolist():
            k, n = int(keys[i]), int(lengths[i])
            d0, covered = seen.get(k, (None, 0))
            if d0 == -1 or covered > n:  # several stories (they stay apart until a regroup)
                continue
            tail = postings.tail(k, covered)
            todo.append(i)
            firsts.append(int(tail[0]) if d0 is None else d0)
            tails.append(tail)
        if not todo:
            return out
        root = ix._groups.roots_of(np.array(firsts, np.int64))
        owner = np.repeat(np.arange(len(todo)), [t.size for t in tails])
        apart = np.bincount(owner, weights=ix._groups.roots_of(np.concatenate(tails)) != root[owner],
                            minlength=len(todo)) > 0
        for j, i in enumerate(todo):
            k, n = int(keys[i]), int(lengths[i])
            seen[k] = (-1, n) if apart[j] else (firsts[j], n)
            if not apart[j]:
                out[i] = root[j]
        return out

    def candidates(self, ix: StoryIndex, fp: Fingerprint, doc: int, fkeys: np.ndarray | None = None,
                   skeys: np.ndarray | None = None) -> np.ndarray:
        """Live docs other than `doc` that may pass the pair test with `fp`: all of them, but
        those only in the lists of keys left out of `fkeys` and `skeys` (feature and slot
        keys; default: all the article's)."""
        fkeys = fp.keys if fkeys is None else fkeys
        skeys = slot_keys(fp.minhash, fp.n_shingles) if skeys is None else skeys
        weights = fp.steps[np.searchsorted(fp.keys, fkeys)].astype(np.float64)
        feat_docs, feat_steps = self.postings.lookup(fkeys, weights)
        slot_docs = self.slots.lookup(skeys, np.zeros(skeys.size))[0] if skeys.size else skeys[:0].astype(np.int32)
        found = np.concatenate([feat_docs, slot_docs])
        if not found.size:
            return np.empty(0, np.int64)
        if found.size * self.DENSE_SHARE >= ix.n_docs:  # many postings: counting over all docs is cheaper
            n = ix.n_docs
            steps, keys = np.bincount(feat_docs, feat_steps, n), np.bincount(feat_docs, minlength=n)
            slots = np.bincount(slot_docs, minlength=n)
            cand = np.flatnonzero((keys > 0) | (slots > 0))
            steps, keys, slots = steps[cand], keys[cand], slots[cand]
        else:
            cand = sorted_unique(found.astype(np.int64))
            at = np.searchsorted(cand, feat_docs)
            steps, keys = np.bincount(at, feat_steps, cand.size), np.bincount(at, minlength=cand.size)
            slots = np.bincount(np.searchsorted(cand, slot_docs), minlength=cand.size)
        ok = may_pass(steps, keys, slots, int(fp.steps.sum(dtype=np.int64)), fp.n_shingles,
                      np.rint(ix._mass[cand] * WEIGHT_SCALE), self.suffix[cand], ix._nsh[cand])
        cand = cand[ok]
        alive = np.frombuffer(ix._alive, np.uint8)
        return cand[(alive[cand] == 1) & (cand != doc)]
