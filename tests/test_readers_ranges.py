"""Containers cut into ranges (readers/ranges.py): the ranges' records, read each on its
own, are exactly the records of the whole file, in order, for any range size."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsnorm.readers.containers import ReadOptions, iter_records
from newsnorm.readers.ranges import CsvCuts, cutter, even_cuts, gzip_member_at, parquet_ranges
from newsnorm.readers.records import BadRecord


def _key(rec) -> tuple:
    if isinstance(rec, BadRecord):
        return ("bad", rec.position, rec.code)
    return (rec.position, rec.sha256, rec.url, rec.record_id, rec.title)


def _whole(path: Path, fmt: str) -> tuple[list, Counter]:
    skipped: Counter = Counter()
    return [_key(r) for r in iter_records(str(path), fmt, ReadOptions(), skipped)], skipped


def _cuts(path: Path, fmt: str, every: int) -> tuple:
    data = path.read_bytes()
    if fmt == "warc" and path.name.endswith(".gz"):
        return even_cuts(len(data), every)
    c = cutter(fmt, False, every)
    for i in range(0, len(data), 1000):  # fed in pieces, as the writer's hashing read does
        c.feed(data[i:i + 1000])
    return c.result()


def _ranged(path: Path, fmt: str, every: int) -> tuple[list, Counter, int]:
    cuts = _cuts(path, fmt, every)
    starts = [(0, 1 if fmt == "jsonl" else 0), *cuts]
    ends = [off for off, _ in cuts] + [None]
    out: list = []
    skipped: Counter = Counter()
    for (start, first), end in zip(starts, ends, strict=True):
        out += [_key(r) for r in iter_records(str(path), fmt, ReadOptions(), skipped, start, first, None, end)]
    return out, skipped, len(starts)


def _rows(n: int) -> list[dict]:
    texts = ['plain text', 'with "quotes" inside', 'two\nlines', 'a comma, here', 'crlf\r\nin a field',
             'ünïcödé — text', '""', 'x' * 700]
    return [{"id": f"r{i}", "url": f"https://e.org/{i}", "title": f"T {i}", "text": f"Story {i}: {texts[i % 8]}"}
            for i in range(n)]


def _csv(path: Path, rows: list[dict], lineterminator: str = "\r\n", blank_every: int = 0) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator=lineterminator)
    w.writeheader()
    for i, row in enumerate(rows):
        w.writerow(row)
        if blank_every and i % blank_every == 0:
            buf.write(lineterminator)  # a blank line: no row for the csv module
    path.write_bytes(buf.getvalue().encode("utf-8"))


@pytest.mark.parametrize("terminator,blank", [("\r\n", 0), ("\n", 0), ("\n", 5), ("\r\n", 3)])
def test_csv_ranges_equal_the_whole_file(tmp_path, terminator, blank):
    p = tmp_path / "t.csv"
    _csv(p, _rows(120), terminator, blank)
    whole, _ = _whole(p, "csv")
    assert len(whole) == 120 and [k[0] for k in whole] == list(range(120))
    for every in (1, 97, 500, 4000, 10**9):
        ranged, _, n = _ranged(p, "csv", every)
        assert ranged == whole, every
        if every < 4000:
            assert n > 5  # really cut
    c = CsvCuts(100)
    c.feed(p.read_bytes())
    assert c.records == 120


def test_csv_with_a_lone_carriage_return_is_not_cut(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b"id,text\r\n" + b"".join(b"%d,row %d\r" % (i, i) for i in range(50)))
    assert _cuts(p, "csv", 10) == ()
    assert len(_whole(p, "csv")[0]) == 50


def test_csv_cut_between_a_quote_and_its_newline(tmp_path):
    """Quote parity and a CRLF split over the hashing read's pieces still cut at row starts."""
    p = tmp_path / "t.csv"
    _csv(p, _rows(40))
    data = p.read_bytes()
    for piece in (1, 2, 3, 7):
        c = cutter("csv", False, 50)
        for i in range(0, len(data), piece):
            c.feed(data[i:i + piece])
        assert c.result() == _cuts(p, "csv", 50)


def _warc(path: Path, gz: bool, n: int) -> None:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(n):
            url = f"https://e.org/{i}"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            ctype = "image/png" if i % 7 == 3 else "text/html; charset=utf-8"
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            body = f"<html><body><h1>Story {i}</h1><p>{'text ' * (i % 40)}</p></body></html>".encode()
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))


@pytest.mark.parametrize("gz", [False, True])
def test_warc_ranges_equal_the_whole_file(tmp_path, gz):
    p = tmp_path / ("t.warc.gz" if gz else "t.warc")
    _warc(p, gz, 60)
    whole, skipped = _whole(p, "warc")
    assert len(whole) == 60 - 9 and skipped["warc_request"] == 60
    for every in (1, 300, 2000, 10**9):
        ranged, rskipped, n = _ranged(p, "warc", every)
        assert ranged == whole, every
        assert rskipped == skipped
        if every <= 2000:
            assert n > 5


def test_warc_gz_member_search_skips_false_magic(tmp_path):
    """Gzip magic bytes that start no WARC member (inside compressed data) are passed over."""
    p = tmp_path / "t.warc.gz"
    _warc(p, True, 5)
    data = p.read_bytes()
    fake = b"\x1f\x8b\x08" + b"\x00" * 20
    q = tmp_path / "u.warc.gz"
    members = []
    with p.open("rb") as fh:
        at = 0
        while (at := gzip_member_at(fh, at + 1 if members else 0)) is not None:
            members.append(at)
    assert len(members) == 11 and members[0] == 0
    # a gzip member that holds no WARC record is not taken for a record's start
    other = gzip.compress(b"not a WARC record")
    q.write_bytes(data[:members[4]] + other + data[members[4]:])
    with q.open("rb") as fh:
        assert gzip_member_at(fh, members[3] + 1) == members[4] + len(other)
    r = tmp_path / "v.warc"
    r.write_bytes(fake + data)
    with r.open("rb") as fh:
        assert gzip_member_at(fh, 1) == len(fake)


def test_warc_header_that_does_not_parse_stops_cutting(tmp_path):
    p = tmp_path / "t.warc"
    _warc(p, False, 20)
    data = p.read_bytes()
    cuts = _cuts(p, "warc", 200)
    assert cuts and all(data[off:off + 5] == b"WARC/" for off, _ in cuts)
    broken = data.replace(b"Content-Length", b"Content-Lengthx", 1)
    q = tmp_path / "b.warc"
    q.write_bytes(broken)
    assert _cuts(q, "warc", 200) == ()


def test_jsonl_ranges_equal_the_whole_file(tmp_path):
    p = tmp_path / "t.jsonl"
    lines = [orjson.dumps(r) for r in _rows(80)]
    lines[10] = b"{not json"
    lines[20] = b""
    p.write_bytes(b"\n".join(lines) + b"\n")
    whole, _ = _whole(p, "jsonl")
    for every in (1, 333, 10**9):
        assert _ranged(p, "jsonl", every)[0] == whole


def test_parquet_row_group_ranges(tmp_path):
    p = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(_rows(100)), p, row_group_size=7)
    whole, _ = _whole(p, "parquet")
    for rows in (1, 10, 30, 10**6):
        ranges = parquet_ranges(str(p), rows)
        out = []
        assert sum(n for _, _, n in ranges) == 100
        for first, groups, _ in ranges:
            out += [_key(r) for r in iter_records(str(p), "parquet", ReadOptions(), None, 0, first, None, None,
                                                  groups)]
        assert out == whole, rows
    assert len(parquet_ranges(str(p), 30)) == 4  # groups of 28 rows (4 groups of 7), the rest
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    assert parquet_ranges(str(bad), 10) is None


def test_gzip_jsonl_is_not_cut():
    assert cutter("jsonl", True, 10) is None and cutter("parquet", False, 10) is None


def test_gzip_write_helper_roundtrip(tmp_path):
    """The .jsonl.gz reader still reads a whole stream (no ranges)."""
    p = tmp_path / "t.jsonl.gz"
    with gzip.open(p, "wb") as fh:
        fh.write(b"".join(orjson.dumps(r) + b"\n" for r in _rows(10)))
    assert len(_whole(p, "jsonl")[0]) == 10


def _read_pieces(spilled, fmt: str) -> list:
    out: list = []
    for piece in spilled.pieces:
        out += [_key(r) for r in iter_records(piece.path, fmt, ReadOptions(), None, 0, piece.first)]
    return out


@pytest.mark.parametrize("members", [1, 3])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_gzip_stream_spilled_into_pieces_reads_as_the_whole(tmp_path, fmt, members):
    from newsnorm.readers.spill import spill

    rows = _rows(150)
    plain = tmp_path / f"plain.{fmt}"
    if fmt == "csv":
        _csv(plain, rows, "\r\n", 4)
    else:
        lines = [orjson.dumps(r) for r in rows]
        lines[7] = b"{broken"
        plain.write_bytes(b"\n".join(lines) + b"\n")
    data = plain.read_bytes()
    p = tmp_path / f"t.{fmt}.gz"
    step = -(-len(data) // members)
    if fmt == "csv" and members > 1:  # members split anywhere, even inside a quoted field
        pass
    p.write_bytes(b"".join(gzip.compress(data[i:i + step]) for i in range(0, len(data), step)))
    whole, _ = _whole(plain, fmt)
    assert _whole(p, fmt)[0] == whole
    for every in (1, 200, 3000, 10**9):
        s = spill(str(p), fmt, tmp_path / f"s{every}", every)
        assert s.bad is None
        assert _read_pieces(s, fmt) == whole, every
        assert len(s.pieces) > 3 or every >= 3000
        starts = [q.start for q in s.pieces]
        assert starts[0] == 0 and [q.end for q in s.pieces] == starts[1:] + [None]
    if fmt == "jsonl":
        assert s.lines == 150


def test_gzip_stream_cut_short_keeps_the_lines_before(tmp_path):
    from newsnorm.readers.spill import spill

    lines = b"".join(orjson.dumps(r) + b"\n" for r in _rows(200))
    p = tmp_path / "t.jsonl.gz"
    full = gzip.compress(lines)
    p.write_bytes(full[:len(full) // 2])
    s = spill(str(p), "jsonl", tmp_path / "s", 500)
    got = _read_pieces(s, "jsonl")
    assert s.bad is not None and s.bad.code == "gzip_truncated"
    assert [k[0] for k in got] == list(range(1, len(got) + 1)) and 20 < len(got) < 200
    assert s.bad.position == len(got) + 1


def test_inflating_holds_a_bounded_piece_however_well_it_compresses(tmp_path):
    from newsnorm.readers.spill import READ_BYTES, _inflate

    p = tmp_path / "t.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"text": "aaaa"}\n' * (3 * READ_BYTES // 17 * 10), compresslevel=9))
    assert p.stat().st_size < READ_BYTES  # one read of the file inflates to 30 of them
    sizes = [len(b) for b in _inflate(str(p), 0)]
    assert max(sizes) <= READ_BYTES and sum(sizes) == 17 * (3 * READ_BYTES // 17 * 10)
