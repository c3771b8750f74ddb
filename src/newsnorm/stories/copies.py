"""Syndicated-copy tracking: which members of a story repeat the wording of an earlier or
fuller one, kept up to date as stories grow.

Of several copies of one text the original is the earliest dated, then the fullest, then
the smallest article_id (`order_keys` holds all but the id as one int64). A doc with fewer
than MIN_SHINGLES shingles is nobody's copy or original.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from newsnorm.stories.fingerprint import Fingerprint, text_resemblance_many, text_resemblance_matrix
from newsnorm.stories.params import COPY_BLOCK, MIN_SHINGLES, PAIR_CELLS, SAME_TEXT

_FAR = date.max.toordinal()
_NO_KEYS, _NO_WEIGHTS = np.empty(0, np.uint32), np.empty(0, np.float32)


def order_keys(published: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """The original-first order but the article_id, as one int64 (undated last, then date, then longest first)."""
    return ((published == 0).astype(np.int64) << 54) | (np.where(published == 0, _FAR, published) << 32) \
        | ((1 << 31) - 1 - n_words)


def copy_positions(minhashes: np.ndarray, n_sh: np.ndarray) -> list[int]:
    """Positions (in original-first order) of copies of an earlier text: MinHash rows and shingle counts."""
    copies = []
    for i, n in enumerate(n_sh.tolist()):
        if n < MIN_SHINGLES:
            continue
        probe = Fingerprint(_NO_KEYS, _NO_WEIGHTS, minhashes[i], n, 0)
        for lo in range(0, i, COPY_BLOCK):  # earlier copies, a block at a time: most copies are found early
            hi = min(i, lo + COPY_BLOCK)
            similar = text_resemblance_many(probe, minhashes[lo:hi], n_sh[lo:hi]) >= SAME_TEXT
            if (similar & (n_sh[lo:hi] >= MIN_SHINGLES)).any():
                copies.append(i)
                break
    return copies


class Copies:
    """Per doc: its original-first order key, whether it is a copy (as of the last sync),
    and the label of its story then (-1: never synced). The text columns (MinHash rows,
    shingle counts, article ids) are the index's, handed in per call."""

    def __init__(self, size: int = 1024) -> None:
        self.order = np.empty(size, np.int64)
        self.is_copy = np.empty(size, np.uint8)
        self.synced_label = np.empty(size, np.int32)

    def reserve(self, size: int) -> None:
        self.order = np.resize(self.order, size)
        self.is_copy = np.resize(self.is_copy, size)
        self.synced_label = np.resize(self.synced_label, size)

    def new_doc(self, doc: int) -> None:
        self.is_copy[doc] = 0
        self.synced_label[doc] = -1

    def update(self, docs: list[int], label: int, whole: bool, nsh: np.ndarray, minhash: np.ndarray,
               ids: Sequence[str]) -> tuple[list[int], bool]:
        """Bring the copy flags of one story up to date; return the docs whose state may have
        changed, and whether only the newcomers were compared (the story grew).

        Since the last sync a story without removals (a removal regroups: `whole`) only
        grew: its largest part synced then, with one label, is exact as of then.
        """
        mem = np.array(docs, np.int64)
        before = self.synced_label[mem]
        base_label = -1
        if not whole and (before >= 0).any():
            labels, counts = np.unique(before[before >= 0], return_counts=True)
            base_label = int(labels[np.argmax(counts)])
        in_base = before == base_label
        n_base = int(in_base.sum()) if base_label >= 0 else 0
        if n_base * 2 <= mem.size:  # mostly new: the whole story at once is cheaper
            self.is_copy[mem] = 0
            self.is_copy[sorted(self._copies(docs, nsh, minhash, ids))] = 1
            self.synced_label[mem] = label
            return docs, False
        fresh, base = mem[~in_base], mem[in_base]
        flipped = self._grown_copies(fresh, base, nsh, minhash, ids)
        self.synced_label[mem] = label
        if label != base_label:  # a new story id: every member's row changes
            return docs, True
        return sorted(fresh.tolist() + flipped.tolist()), True

    def _grown_copies(self, fresh: np.ndarray, base: np.ndarray, nsh: np.ndarray, minhash: np.ndarray,
                      ids: Sequence[str]) -> np.ndarray:
        """Copy flags after `fresh` docs joined a story whose `base` flags were exact: a copy
        stays one; an original becomes one only through a fresh doc ordered before it; each
        fresh doc is compared with everything ordered before it. The same flags as `_copies`
        on the whole story (the relation is symmetric). Returns the base docs that became copies."""
        is_copy = self.is_copy
        is_copy[fresh] = 0
        fresh, base = fresh[nsh[fresh] >= MIN_SHINGLES], base[nsh[base] >= MIN_SHINGLES]
        if not fresh.size:
            return fresh
        originals, copies = base[is_copy[base] == 0], base[is_copy[base] == 1]
        found = np.zeros(fresh.size, bool)
        flipped = originals[:0]
        if originals.size:
            similar = _similar(fresh, originals, nsh, minhash)
            earlier = self._before(originals, fresh, ids)
            found = (similar & earlier).any(axis=1)
            flipped = originals[(similar & ~earlier).any(axis=0)]
            is_copy[flipped] = 1
        others = np.concatenate([fresh, copies])  # fresh first: a new text's copies often come together
        for f in fresh[~found].tolist():
            cand = others[self._before(others, np.array([f]), ids)[0]]
            for lo in range(0, cand.size, COPY_BLOCK):
                if _similar(np.array([f]), cand[lo:lo + COPY_BLOCK], nsh, minhash)[0].any():
                    is_copy[f] = 1
                    break
        is_copy[fresh[found]] = 1
        return flipped

    def _before(self, a: np.ndarray, b: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """bool[len(b), len(a)]: a[j] is ordered before b[i] (order key, then article_id; itself: not)."""
        ka, kb = self.order[a][None, :], self.order[b][:, None]
        out = ka < kb
        for i, j in zip(*np.nonzero(ka == kb), strict=True):
            out[i, j] = ids[a[j]] < ids[b[i]]
        return out

    def _copies(self, docs: list[int], nsh: np.ndarray, minhash: np.ndarray, ids: Sequence[str]) -> set[int]:
        """The docs among these (one story) that repeat the wording of an earlier or fuller one."""
        if len(docs) < 2:
            return set()
        keys = self.order[docs].tolist()
        ordered = [d for _, _, d in sorted(zip(keys, (ids[d] for d in docs), docs, strict=True))]
        rows = np.array(ordered, np.int64)
        return {ordered[i] for i in copy_positions(minhash[rows], nsh[rows])}


def _similar(a: np.ndarray, b: np.ndarray, nsh: np.ndarray, minhash: np.ndarray) -> np.ndarray:
    """bool[len(a), len(b)]: text_resemblance >= SAME_TEXT, a block of rows at a time."""
    out = np.empty((a.size, b.size), bool)
    if not b.size:
        return out
    nb, mb = nsh[b], minhash[b]
    step = max(1, PAIR_CELLS // b.size)
    for s in range(0, a.size, step):
        rows = a[s:s + step]
        out[s:s + step] = text_resemblance_matrix(minhash[rows], nsh[rows], mb, nb) >= SAME_TEXT
    return out


