"""A gzip-compressed JSONL or CSV file, decompressed once and handed out in pieces.

A gzip stream cannot be entered in the middle: the line numbers (or CSV rows) of its
second half are known only after inflating its first. So one worker inflates the whole
stream once, in order, and writes it again as pieces of about `piece_bytes` of records
each, cut at record starts (readers/ranges.py finds them), each a small gzip file of its
own (compressed at level 1: the pieces take about the disk of the original). The writer
then hands the pieces to the workers like the ranges of an uncompressed file. A CSV piece
begins with the file's header record, so each reads on its own.

The stream is read with zlib directly: every gzip member in turn (concatenated files, or
appends made with `cat a.gz >> b.gz`), and a stream that is cut short or damaged ends the
last piece at its last whole record, with a BadRecord saying where.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from newsnorm.readers.ranges import CsvCuts, JsonlCuts
from newsnorm.readers.records import BadRecord

READ_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece: its file, the index of its first record (JSONL line, CSV data row) and
    where it lies in the inflated stream (for joining the pieces' reads up)."""

    path: str
    first: int
    start: int
    end: int | None


@dataclass
class Spilled:
    pieces: list[Piece] = field(default_factory=list)
    bad: BadRecord | None = None  # the stream ended early or is damaged here
    lines: int = 0  # JSONL: lines inflated (the next run's first line, for appends)


def _inflate(path: str, start: int):
    """The inflated bytes of every gzip member from byte `start` on, at most READ_BYTES at a
    time (a well-compressed MiB inflates to a hundred); raises EOFError (cut short) or
    OSError (damaged; zlib.error too)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        d = zlib.decompressobj(wbits=31)
        started = False  # the current member has begun
        data = b""
        while True:
            if not data:
                data = fh.read(READ_BYTES)
            if not data:
                if started and not d.eof:
                    if rest := d.flush():
                        yield rest
                    raise EOFError("the gzip stream is cut short")
                return
            out = d.decompress(data, READ_BYTES)
            started = True
            if out:
                yield out
            data = d.unconsumed_tail
            if d.eof:
                rest = d.unused_data
                d, started = zlib.decompressobj(wbits=31), False
                if rest.strip(b"\x00"):
                    if not rest.startswith(b"\x1f\x8b"[:len(rest)]):
                        raise OSError("bytes after a gzip member are not another member")
                    data = rest + data
                else:
                    data = b""


def spill(path: str, fmt: str, folder: Path, piece_bytes: int, start: int = 0, first_line: int = 1) -> Spilled:
    """Inflate `path` (from gzip member offset `start`, its first line `first_line`) into
    pieces in `folder`; never raises for a damaged stream (Spilled.bad says where)."""
    folder.mkdir(parents=True, exist_ok=True)
    cuts = JsonlCuts(piece_bytes) if fmt == "jsonl" else CsvCuts(piece_bytes)
    out = Spilled()
    head = bytearray()  # the stream's first bytes, until the CSV header's end is known
    done = 0  # inflated bytes so far
    tail = b""  # JSONL: a last line without its newline yet, held back
    pieces: list = []  # (writer, piece) of the open piece

    def begin(first: int, at: int) -> None:
        name = folder / f"{len(out.pieces):06d}.{fmt}.gz"
        w = gzip.open(name, "wb", compresslevel=1)  # noqa: SIM115 - closed by close()
        if fmt == "csv" and out.pieces:
            w.write(bytes(head[:cuts.header_end]))
        out.pieces.append(Piece(str(name), first, at, None))
        pieces[:] = [w]

    def close(end: int | None) -> None:
        pieces[0].close()
        last = out.pieces[-1]
        out.pieces[-1] = Piece(last.path, last.first, last.start, end)

    begin(first_line if fmt == "jsonl" else 0, 0)
    seen = 0
    try:
        for chunk in _inflate(path, start):
            if fmt == "csv" and cuts.header_end is None and len(head) < (8 << 20):
                head += chunk
            cuts.feed(chunk)  # a cut is never before `done` (it follows a newline not yet seen)
            data, base = tail + chunk, done - len(tail)
            done += len(chunk)
            at = 0
            for off, first in cuts.cuts[seen:]:
                pieces[0].write(data[at:off - base])
                close(off)
                begin(first_line - 1 + first if fmt == "jsonl" else first, off)
                at = off - base
            seen = len(cuts.cuts)
            keep = len(data) if fmt == "csv" else data.rfind(b"\n", at) + 1 or at
            pieces[0].write(data[at:keep])
            tail = data[keep:] if fmt == "jsonl" else b""
        pieces[0].write(tail)
        close(None)
    except (EOFError, OSError, zlib.error) as exc:
        close(None)  # the held-back part of a line is dropped: reported below
        code = "gzip_truncated" if isinstance(exc, EOFError) else "gzip_damaged"
        if fmt == "jsonl":
            where = first_line - 1 + cuts.lines - tail.count(b"\n")
            out.bad = BadRecord(where + 1, code, f"after line {where}: {exc}")
        else:
            out.bad = BadRecord(None, code, str(exc))
    out.lines = first_line - 1 + cuts.lines if fmt == "jsonl" else 0
    return out
