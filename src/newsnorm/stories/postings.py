"""Feature -> doc numbers: which indexed articles share a fingerprint feature (stories.py).

A sorted numpy base (keys, offsets, docs) rebuilt every MERGE_EVERY new docs, plus a dict
of small arrays for the docs added since. The rebuild schedule, the cap and the order of
the docs returned are part of the story decisions (they choose the candidates), so they
must not change without a reason.
"""

from __future__ import annotations

from array import array

import numpy as np

POSTING_CAP = 2000         # longer posting lists are skipped at retrieval (not at scoring)


class Postings:
    """Feature -> doc numbers: a sorted numpy base plus a dict for docs added since the last merge."""

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
            counts = np.diff(np.append(starts, k.size))
            # A list longer than POSTING_CAP is never read (see lookup): keep its key, drop its
            # docs. On a large corpus these common features are most of the postings' memory.
            capped = counts > POSTING_CAP
            out_keys.append(k[starts])
            out_docs.append(d[np.repeat(~capped, counts)].astype(np.int32) if capped.any() else d.astype(np.int32))
            out_counts.append(np.where(capped, 0, counts))
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
        """(doc numbers, weight of the shared feature) for every posting of these keys, capped."""
        parts_d: list[np.ndarray] = []
        lens: list[np.ndarray] = []
        ws: list[np.ndarray] = []
        if self.keys.size:
            idx = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
            hit = np.flatnonzero(self.keys[idx] == keys)
            s, e = self.ptr[idx[hit]], self.ptr[idx[hit] + 1]
            n = e - s
            ok = (n > 0) & (n <= POSTING_CAP)
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
                if extra and len(extra) <= POSTING_CAP:
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
