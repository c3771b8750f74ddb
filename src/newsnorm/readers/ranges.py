"""Where a large container can be cut into ranges that workers read on their own.

A range is a byte range `[start, end)` of the file whose `start` is a record's first byte
(and the record's index there: a JSONL line number, a CSV data row), so a worker can read
it with no knowledge of the bytes before. The cut points depend on the file's bytes and the
range size only, never on the number of workers, so the rows a run writes do not either.

- uncompressed JSONL: the first line start after every `every` bytes (`JsonlCuts`);
- uncompressed CSV: the first record start outside quotes (a quoted field may hold
  newlines), with the data row it begins (`CsvCuts`); a file with a lone carriage return
  outside quotes is not cut (the csv module would end a row there);
- uncompressed WARC: record starts found by hopping WARC headers by Content-Length
  (`WarcCuts`); where a header does not parse, no later cut is made;
- .warc.gz: each record is a gzip member of its own; a worker finds the first member
  starting at or after a cut itself (`gzip_member_at`), so finding the cuts needs no
  decompression: every worker of the file agrees on where each range begins;
- Parquet: groups of row groups (`parquet_ranges`), from the file's footer.

Each `*Cuts` is fed the file's bytes in order (the writer's one hashing read of a changed
container) and keeps only the cut points and a record count.
"""

from __future__ import annotations

import re
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
_CONTENT_LENGTH = re.compile(rb"\r\nContent-Length:[ \t]*(\d+)", re.IGNORECASE)
MAX_WARC_HEADER = 1 << 16


class JsonlCuts:
    """Line starts after every `every` bytes, with their 1-based line numbers."""

    def __init__(self, every: int):
        self.every, self.target, self.done, self.lines = every, every, 0, 0
        self.cuts: list[tuple[int, int]] = []

    def feed(self, chunk: bytes) -> None:
        while self.target < self.done + len(chunk):
            at = chunk.find(b"\n", max(0, self.target - self.done))
            if at < 0:
                break  # the next line starts in a later chunk
            self.cuts.append((self.done + at + 1, self.lines + chunk.count(b"\n", 0, at + 1) + 1))
            self.target = self.done + at + 1 + self.every
        self.lines += chunk.count(b"\n")
        self.done += len(chunk)
        self.last = chunk[-1:]

    last = b"\n"

    @property
    def records(self) -> int:
        """Lines (a last line without its newline counts): records, blank lines aside."""
        return self.lines + (self.last != b"\n")

    def result(self) -> tuple[tuple[int, int], ...]:
        return tuple((off, n) for off, n in self.cuts if off < self.done)


class CsvCuts:
    """Record starts outside quotes after every `every` bytes, with the 0-based data row
    (as csv.DictReader counts: blank lines are no rows, the header is none) they begin."""

    def __init__(self, every: int):
        self.every, self.target, self.done = every, every, 0
        self.quoted = False  # inside a quoted field
        self.filled = False  # the current record has content (a quote, or a byte not \r)
        self.rows = 0  # non-blank records ended so far (the header counts)
        self.carry = b""  # a \r at a chunk's end, whose \n may start the next chunk
        self.unsafe = False
        self.header_end: int | None = None  # where the header record ends
        self.cuts: list[tuple[int, int]] = []

    def feed(self, chunk: bytes) -> None:
        if self.unsafe:
            return
        data, base = self.carry + chunk, self.done - len(self.carry)
        self.done += len(chunk)
        self.carry = b""
        if data.endswith(b"\r"):
            data, self.carry = data[:-1], b"\r"
        pos = base
        parts = data.split(b'"')
        for i, part in enumerate(parts):
            if i:
                self.quoted = not self.quoted  # the quote before this part
                self.filled = True
            if not self.quoted:
                self._outside(part, pos)
                if self.unsafe:
                    return
            pos += len(part) + 1

    def _outside(self, part: bytes, pos: int) -> None:
        if part.count(b"\r") != part.count(b"\r\n"):
            self.unsafe = True  # a lone \r ends a row for the csv module: do not cut this file
            self.cuts.clear()
            return
        start = 0
        while (nl := part.find(b"\n", start)) >= 0:
            if self.filled or part[start:nl].strip(b"\r"):
                self.rows += 1
                if self.rows == 1:
                    self.header_end = pos + nl + 1
            elif self.rows == 0:
                self.unsafe = True  # a blank first line: DictReader takes it as an empty header
                self.cuts.clear()
                return
            self.filled = False
            end = pos + nl + 1
            if end >= self.target and self.rows > 1:
                self.cuts.append((end, self.rows - 1))
                self.target = end + self.every
            start = nl + 1
        if part[start:].strip(b"\r"):
            self.filled = True

    @property
    def records(self) -> int:
        return max(0, self.rows - 1 + (1 if self.filled else 0))

    def result(self) -> tuple[tuple[int, int], ...]:
        if self.unsafe or self.quoted:
            return ()  # ends inside quotes: damaged, read whole so the reader reports it
        return tuple((off, n) for off, n in self.cuts if off < self.done)


class WarcCuts:
    """Record starts of an uncompressed WARC after every `every` bytes, found by reading
    each header and skipping its block by Content-Length (plus the closing CRLF CRLF)."""

    def __init__(self, every: int):
        self.every, self.target, self.done = every, every, 0
        self.next_at = 0  # where the next record starts
        self.head = b""  # the header being collected
        self.count = 0
        self.broken = False
        self.cuts: list[tuple[int, int]] = []

    def feed(self, chunk: bytes) -> None:
        base = self.done
        self.done += len(chunk)
        while not self.broken and self.next_at < self.done:
            at = max(0, self.next_at - base) if not self.head else 0
            self.head += chunk[at:at + MAX_WARC_HEADER]
            if not self.head.startswith(b"WARC/"[:len(self.head)]):
                self.broken = True
                return
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) >= MAX_WARC_HEADER:
                    self.broken = True
                return  # the header goes on in the next chunk
            m = _CONTENT_LENGTH.search(self.head, 0, end + 2)
            if m is None:
                self.broken = True
                return
            start = self.next_at
            if start >= self.target and start > 0:
                self.cuts.append((start, 0))
                self.target = start + self.every
            self.count += 1
            self.next_at = start + end + 4 + int(m.group(1)) + 4
            self.head = b""

    @property
    def records(self) -> int:
        return self.count

    def result(self) -> tuple[tuple[int, int], ...]:
        return tuple((off, n) for off, n in self.cuts if off < self.done)


def cutter(fmt: str, gz: bool, every: int) -> JsonlCuts | CsvCuts | WarcCuts | None:
    """The cut finder for a container read by byte ranges; None when it is read whole (or,
    for .warc.gz, cut without looking: `even_cuts`)."""
    if gz or not every:
        return None
    return {"jsonl": JsonlCuts, "csv": CsvCuts, "warc": WarcCuts}.get(fmt, lambda _: None)(every)


def even_cuts(size: int, every: int) -> tuple[tuple[int, int], ...]:
    """Cuts of a .warc.gz every `every` bytes: each range starts at the first gzip member
    at or after its cut (`gzip_member_at`), found by the worker that reads it."""
    return tuple((off, 0) for off in range(every, size, every)) if every else ()


def gzip_member_at(fh: BinaryIO, offset: int, limit: int | None = None) -> int | None:
    """The offset of the first gzip member that starts at or after `offset` and holds a
    WARC record (it inflates to bytes beginning 'WARC/'); None when there is none before
    `limit` (or the end). The same answer for every caller: how ranges of a .warc.gz agree."""
    if offset == 0:
        return 0
    pos = offset
    tail = b""
    while limit is None or pos < limit:
        fh.seek(pos)
        block = fh.read(1 << 16)
        if not block:
            return None
        data = tail + block
        base = pos - len(tail)
        i = data.find(GZIP_MAGIC)
        while i >= 0:
            at = base + i
            if at >= offset and (limit is None or at < limit) and _holds_warc(fh, at):
                return at
            i = data.find(GZIP_MAGIC, i + 1)
        tail = data[-2:]
        pos += len(block)
    return None


def _holds_warc(fh: BinaryIO, at: int) -> bool:
    fh.seek(at)
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(fh.read(4096), 8)
    except zlib.error:
        return False
    return out.startswith(b"WARC/")


def parquet_ranges(path: str, rows_per_range: int) -> list[tuple[int, tuple[int, ...], int]] | None:
    """(first row, row groups, rows) of consecutive row groups of about `rows_per_range`
    rows; None when the footer cannot be read (the reader then reports the file)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # pyarrow raises many kinds for a damaged file
        return None
    out: list[tuple[int, tuple[int, ...], int]] = []
    first, groups, rows, total = 0, [], 0, 0
    for g in range(meta.num_row_groups):
        n = meta.row_group(g).num_rows
        if groups and rows + n > rows_per_range:
            out.append((first, tuple(groups), rows))
            first, groups, rows = total, [], 0
        groups.append(g)
        rows += n
        total += n
    if groups or not out:
        out.append((first, tuple(groups), rows))
    return out
