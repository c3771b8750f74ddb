"""Stories as a partition of docs: union-find with a circular member list and a label per group.

A group's label is the doc whose article_id is smallest among its members (the story id).
Doc numbers are positions; the caller says how article ids compare (`ids`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

from newsnorm.stories.params import UNION_CHUNK


class Groups:
    """Union-find over docs 0..n-1 (dead docs included: the caller filters members)."""

    def __init__(self, n: int = 0) -> None:
        self.parent = array("i", range(n))     # union-find over docs
        self.size = array("i", [1]) * n        # by root: docs in the group (dead ones too)
        self.next = array("i", range(n))       # circular list of each group's docs
        self.label = array("i", range(n))      # by root: the doc whose article_id is the story id

    def append(self, doc: int) -> None:
        """A new doc is its own group (a circular member list of one)."""
        self.parent.append(doc)
        self.size.append(1)
        self.next.append(doc)
        self.label.append(doc)

    def find(self, d: int) -> int:
        parent = self.parent
        root = d
        while parent[root] != root:
            root = parent[root]
        while parent[d] != root:
            parent[d], d = root, parent[d]
        return root

    def union(self, a: int, b: int, ids: Sequence[str]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        size = self.size
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        size[ra] += size[rb]
        nxt = self.next
        nxt[ra], nxt[rb] = nxt[rb], nxt[ra]  # splice the two circular member lists
        la, lb = self.label[ra], self.label[rb]
        if ids[lb] < ids[la]:
            self.label[ra] = lb

    @classmethod
    def from_pairs(cls, n: int, hi: np.ndarray, lo: np.ndarray, ids: Sequence[str]) -> Groups:
        """The groups of n docs linked by these pairs."""
        groups = cls(n)
        for s in range(0, hi.size, UNION_CHUNK):  # millions of links: never all as Python ints at once
            for a, b in zip(hi[s:s + UNION_CHUNK].tolist(), lo[s:s + UNION_CHUNK].tolist(), strict=True):
                groups.union(a, b, ids)
        return groups

    def roots_of(self, docs: np.ndarray) -> np.ndarray:
        """`find` of many docs at once (int64; no path compression: read only)."""
        parent = np.frombuffer(self.parent, np.int32)
        roots = parent[docs]
        while True:
            up = parent[roots]
            if (up == roots).all():
                return roots.astype(np.int64)
            roots = up

    def label_of(self, doc: int) -> int:
        return self.label[self.find(doc)]

    def component(self, root: int) -> list[int]:
        out, d, nxt = [root], self.next[root], self.next
        while d != root:
            out.append(d)
            d = nxt[d]
        return out

    def roots(self) -> list[int]:
        parent = self.parent
        return [d for d in range(len(parent)) if parent[d] == d]
