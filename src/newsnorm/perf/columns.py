"""Column containers: one buffer per field, not one object per article.

The writer keeps two per-article indexes for a whole run: the story index (stories.py)
and the warehouse's source_path index (warehouse.py). A Python object per article (a
dataclass, its numpy arrays, strings, lists and dict slots) costs hundreds of bytes to
kilobytes: a numpy array alone carries about 100 bytes of header. At 100,000 articles that
was most of the writer's memory. These containers keep each field of every article in one
growing buffer, so an article costs little more than its payload.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable

import numpy as np


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """`np.unique(x)` by sorting: numpy 2.4's unique (hash-based) took 19 µs for 300 values
    and 2.5 s for 4 million here, against 3 µs and 0.04 s. Sorts `x` in place."""
    x.sort()
    if x.size < 2:
        return x
    keep = np.empty(x.size, bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


class Growing:
    """A numpy array with amortised appends. `view()` is the used part.

    Capacity grows by a quarter, not double: at 100,000 articles the spare room of a
    doubled buffer would be as large as the data.
    """

    def __init__(self, dtype: type | np.dtype, width: int = 0) -> None:
        self._shape_tail = (width,) if width else ()
        self._buf = np.empty((16, *self._shape_tail), dtype)
        self.size = 0

    def _reserve(self, size: int) -> None:
        if size > self._buf.shape[0]:
            cap = max(size, self._buf.shape[0] + self._buf.shape[0] // 4 + 16)
            buf = np.empty((cap, *self._shape_tail), self._buf.dtype)
            buf[: self.size] = self._buf[: self.size]
            self._buf = buf

    def append(self, value: object) -> None:
        self._reserve(self.size + 1)
        self._buf[self.size] = value
        self.size += 1

    def extend(self, values: np.ndarray) -> None:
        n = len(values)
        self._reserve(self.size + n)
        self._buf[self.size: self.size + n] = values
        self.size += n

    def view(self) -> np.ndarray:
        """The used part, without a copy: valid until the next append."""
        return self._buf[: self.size]

    def __len__(self) -> int:
        return self.size


class Ragged:
    """Rows of variable length (CSR): row i is values[offsets[i]:offsets[i+1]].

    Several value columns can share the offsets (a fingerprint's keys and weight steps).
    """

    def __init__(self, *dtypes: type | np.dtype) -> None:
        self.columns = [Growing(dt) for dt in dtypes]
        self.offsets = array("q", [0])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def append(self, *values: np.ndarray) -> None:
        for col, v in zip(self.columns, values, strict=True):
            col.extend(v)
        self.offsets.append(self.offsets[-1] + len(values[0]))

    def extend(self, offsets: np.ndarray, *values: np.ndarray) -> None:
        """Many rows at once: `offsets` (rows + 1, from 0) into the flat `values`."""
        base = self.offsets[-1]
        for col, v in zip(self.columns, values, strict=True):
            col.extend(v)
        self.offsets.extend((np.asarray(offsets[1:], np.int64) + base).tolist())

    def row(self, i: int, column: int = 0) -> np.ndarray:
        return self.columns[column].view()[self.offsets[i]: self.offsets[i + 1]]

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(flat positions of these rows' values, in row order; lengths of the rows)."""
        offs = np.frombuffer(self.offsets, np.int64)
        starts, lengths = offs[rows], offs[rows + 1] - offs[rows]
        total = int(lengths.sum())
        if not total:
            return np.empty(0, np.int64), lengths
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return np.arange(total, dtype=np.int64) + shift, lengths


class Strings:
    """Optional strings packed as UTF-8 in one buffer (8 bytes of offset each, not a str object)."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("q")
        self._null = bytearray()

    def __len__(self) -> int:
        return len(self._ends)

    def append(self, s: str | None) -> None:
        if s is not None:
            self._data += s.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))
        self._null.append(s is None)

    def extend(self, values: Iterable[str | None]) -> None:
        for s in values:
            self.append(s)

    def __getitem__(self, i: int) -> str | None:
        if self._null[i]:
            return None
        start = self._ends[i - 1] if i else 0
        return self._data[start: self._ends[i]].decode("utf-8", "surrogatepass")


class Interned:
    """Values from a small set (site names, flag lists): one int32 code per row."""

    def __init__(self) -> None:
        self.values: list[Hashable] = []
        self._code: dict[Hashable, int] = {}
        self.codes = array("i")

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: Hashable) -> int:
        c = self._code.get(value)
        if c is None:
            c = self._code[value] = len(self.values)
            self.values.append(value)
        return c

    def append(self, value: Hashable) -> None:
        self.codes.append(self.code(value))

    def __getitem__(self, i: int) -> Hashable:
        return self.values[self.codes[i]]


class Links:
    """Same-story links, each kept once, in the row of its newer doc.

    A doc only ever links to docs indexed before it, so a new doc's links are one appended
    row of older doc numbers (4 bytes a link, no per-doc object). The other direction is
    found by a scan, needed only when a doc is removed (rare) or the graph is regrouped.
    A removed link is overwritten with -1. A link made later (a story re-tested after a
    removal) goes to `extra`, by its newer doc; a saved index reloads it into the rows.
    """

    def __init__(self) -> None:
        self.rows = Ragged(np.int32)
        self.extra: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def append(self, older: np.ndarray) -> None:
        self.rows.append(np.asarray(older, np.int32))

    def add(self, newer: int, older: int) -> None:
        """One more link, after both docs were appended."""
        self.extra.setdefault(newer, []).append(older)

    def down(self, doc: int) -> np.ndarray:
        """Live links of this doc to older docs."""
        row = self.rows.row(doc)
        row = row[row >= 0]
        more = self.extra.get(doc)
        return np.concatenate([row, np.array(more, np.int32)]) if more else row

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(newer, older) doc numbers of every live link, ordered by the newer doc."""
        lo = self.rows.columns[0].view()
        offs = np.frombuffer(self.rows.offsets, np.int64)
        hi = np.repeat(np.arange(len(offs) - 1, dtype=np.int32), np.diff(offs))
        live = lo >= 0
        hi, lo = hi[live], lo[live].copy()
        if not self.extra:
            return hi, lo
        more = sorted((a, b) for a, olders in self.extra.items() for b in olders)
        hi = np.concatenate([hi, np.array([a for a, _ in more], np.int32)])
        lo = np.concatenate([lo, np.array([b for _, b in more], np.int32)])
        order = np.argsort(hi, kind="stable")
        return hi[order], lo[order]

    def of(self, doc: int) -> list[int]:
        """All live links of one doc (older ones, then newer ones): a scan, for tests and tools."""
        hi, lo = self.pairs()
        return self.down(doc).tolist() + hi[lo == doc].tolist()

    def cut(self, docs: list[int]) -> set[int]:
        """Remove every link touching these docs; return the docs they linked to."""
        lo = self.rows.columns[0].view()
        offs = np.frombuffer(self.rows.offsets, np.int64)
        gone = np.zeros(len(offs) - 1, bool)
        gone[docs] = True
        up = np.flatnonzero((lo >= 0) & gone[np.maximum(lo, 0)])  # links from newer docs
        others = set((np.searchsorted(offs, up, side="right") - 1).tolist())
        lo[up] = -1
        for d in docs:
            s, e = int(offs[d]), int(offs[d + 1])
            row = lo[s:e]
            others.update(row[row >= 0].tolist())
            row[:] = -1
        del offs
        gone_set = set(docs)
        for newer in list(self.extra):
            olders = self.extra[newer]
            if newer in gone_set:
                others.update(olders)
                del self.extra[newer]
            elif gone_set.intersection(olders):
                others.add(newer)
                self.extra[newer] = [b for b in olders if b not in gone_set]
        return others - gone_set
