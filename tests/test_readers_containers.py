"""Containers as streams of records: JSONL, JSON, CSV, Parquet and WARC files, written for real."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsnorm.readers import reasons
from newsnorm.readers.containers import (
    ReadOptions,
    article_from_record,
    format_of,
    iter_records,
    record_key,
)
from newsnorm.readers.fields import FieldNames
from newsnorm.readers.ingest import IngestError
from newsnorm.readers.records import BadRecord, Record

PAGE = (Path(__file__).parent / "data" / "html" / "article.html").read_bytes()
TEXT = "A headline for the test\n\nThe first paragraph of the story has enough words to be a paragraph of text."


def _records(path: Path, fmt: str | None = None, opts: ReadOptions | None = None, skipped: Counter | None = None):
    return list(iter_records(str(path), fmt or format_of(str(path)), opts or ReadOptions(), skipped))


def test_format_by_extension():
    assert [format_of(n) for n in ("a.txt", "b.HTML", "c.htm", "d.warc.gz", "e.jsonl.gz", "f.json", "g.parquet",
                                   "h.csv", "i.unknown")] == \
        ["txt", "html", "html", "warc", "jsonl", "json", "parquet", "csv", "txt"]
    assert format_of("x.txt", "jsonl") == "jsonl"


def test_jsonl_records_bad_lines_and_positions(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": TEXT, "url": "https://e.org/1", "title": "T", "date": "2025-01-02"}),
        "",
        '{"id": "a2", "text": "unterminated',
        json.dumps({"id": "a3", "headline": "no body here"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"html": PAGE.decode(), "link": "https://e.org/page"}),
    ]
    p = tmp_path / "day.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _records(p)
    assert [(type(r).__name__, r.position) for r in out] == [
        ("Record", 1), ("BadRecord", 3), ("BadRecord", 4), ("BadRecord", 5), ("Record", 6)]
    assert [r.code for r in out if isinstance(r, BadRecord)] == ["json_malformed", "no_content", "json_not_object"]
    first, page = out[0], out[-1]
    assert (first.record_id, first.url, first.title, first.published) == ("a1", "https://e.org/1", "T", "2025-01-02")
    assert page.html is not None and page.url == "https://e.org/page"
    assert record_key(first) == "id:a1" and record_key(page) == "url:https://e.org/page"
    msg = reasons.render(out[2].code, out[2].detail, "jsonl", out[2].position)
    assert msg.startswith("line 4: neither text nor HTML") and "--text-field" in msg


def test_field_names_can_be_given(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps({"story": TEXT, "permalink": "https://e.org/s", "key": "k9", "text": "other"}) + "\n")
    rec = _records(p, opts=ReadOptions(names=FieldNames.with_overrides(text="story", url="permalink", id="key")))[0]
    assert (rec.text, rec.url, rec.record_id) == (TEXT, "https://e.org/s", "k9")


def test_truncated_gzip_keeps_the_records_before(tmp_path):
    body = "".join(json.dumps({"id": f"r{i}", "text": TEXT + f" Number {i}."}) + "\n" for i in range(400))
    data = gzip.compress(body.encode())
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) * 2 // 3])
    out = _records(p)
    good = [r for r in out if isinstance(r, Record)]
    assert 0 < len(good) < 400 and [r.position for r in good] == list(range(1, len(good) + 1))
    assert isinstance(out[-1], BadRecord) and out[-1].code == "gzip_truncated"


def test_json_array_csv_and_parquet(tmp_path):
    rows = [{"id": "x1", "content": TEXT, "source_url": "https://e.org/x1"},
            {"id": "x2", "content": TEXT + " Second.", "source_url": "https://e.org/x2"}]
    (tmp_path / "a.json").write_text(json.dumps(rows))
    with (tmp_path / "a.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "content", "source_url"])
        w.writeheader()
        w.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet")
    for name in ("a.json", "a.csv", "a.parquet"):
        out = _records(tmp_path / name)
        assert [(r.position, r.record_id, r.url, r.text) for r in out] == [
            (0, "x1", "https://e.org/x1", TEXT), (1, "x2", "https://e.org/x2", TEXT + " Second.")], name


def test_the_same_row_hashes_alike_in_csv_and_parquet(tmp_path):
    rows = [{"id": "x1", "text": TEXT}]
    with (tmp_path / "a.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "text"])
        w.writeheader()
        w.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet")
    assert _records(tmp_path / "a.csv")[0].sha256 == _records(tmp_path / "a.parquet")[0].sha256


def test_damaged_parquet_is_one_bad_record(tmp_path):
    p = tmp_path / "bad.parquet"
    p.write_bytes(b"PAR1 this is not a parquet file PAR1")
    out = _records(p)
    assert len(out) == 1 and out[0].code == "table_unreadable"


def _warc(path: Path, gz: bool) -> list[int]:
    """A real WARC: warcinfo, request+response per page, an image, a revisit, a metadata and a WET record."""
    offsets = []
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record("x.warc", {"software": "test"}))
        for i, (ctype, body) in enumerate([("text/html; charset=utf-8", PAGE), ("image/png", b"\x89PNG...."),
                                           ("text/html", "<p>Caf\u00e9 na\u00efve Seoul text here.</p>".encode())]):
            url = f"https://e.org/{i}"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            offsets.append(fh.tell())
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))
        w.write_record(w.create_warc_record("https://e.org/0", "metadata", payload=io.BytesIO(b"k: v")))
        w.write_record(w.create_revisit_record("https://e.org/0", "sha1:AAAA", "https://e.org/0",
                                               "2025-01-01T00:00:00Z"))
        offsets.append(fh.tell())
        w.write_record(w.create_warc_record("https://e.org/wet", "conversion", payload=io.BytesIO(TEXT.encode()),
                                            warc_content_type="text/plain"))
    return offsets


@pytest.mark.parametrize("gz", [False, True])
def test_warc_records_and_skips(tmp_path, gz):
    p = tmp_path / ("c.warc.gz" if gz else "c.warc")
    offsets = _warc(p, gz)
    skipped: Counter = Counter()
    out = _records(p, skipped=skipped)
    assert all(isinstance(r, Record) for r in out)
    assert [r.position for r in out] == [offsets[0], offsets[2], offsets[3]]
    page, latin, wet = out
    assert page.html == PAGE and page.http_charset == "utf-8" and page.url == "https://e.org/0"
    assert page.fetched_at and page.fetched_at.startswith("20")
    assert latin.html is not None and wet.text == TEXT and wet.html is None
    assert skipped == Counter({"warc_request": 3, "warc_warcinfo": 1, "warc_metadata": 1, "warc_revisit": 1,
                               "warc_not_html": 1})
    raw = article_from_record(str(p), page)
    assert raw.source_record == offsets[0] and raw.url == "https://e.org/0" and raw.fetched_at is not None


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_is_reported_after_the_records_before(tmp_path, gz):
    p = tmp_path / ("c.warc.gz" if gz else "c.warc")
    offsets = _warc(p, gz)
    data = p.read_bytes()
    p.write_bytes(data[: offsets[0] + (len(PAGE) // 2 if not gz else 200)])
    out = _records(p)
    assert isinstance(out[-1], BadRecord) and out[-1].code in ("warc_damaged", "gzip_truncated")
    assert out[-1].position == offsets[0]


def test_record_without_text_is_an_ingest_error():
    with pytest.raises(IngestError):
        article_from_record("x.jsonl", Record(position=1, sha256="0", text="   "))
    with pytest.raises(IngestError, match="yields no text"):
        article_from_record("x.jsonl", Record(position=2, sha256="0", html=b"<html><body><img src=x></body></html>"))
