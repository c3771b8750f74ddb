"""Source files as streams of records, and a record as a RawArticle.

Formats, chosen by extension (or forced): `.txt` (one article), `.html`/`.htm` (one
page), `.warc`/`.warc.gz` (response records holding HTML, WET `conversion` records as
text; request, metadata, revisit and non-HTML records are skipped and counted),
`.jsonl`/`.jsonl.gz`/`.json` (one record per line, or a JSON array), `.parquet`, `.csv`.
Every container is read as a stream: a record at a time, never the whole file.

Position of a record (`source_record`): the 1-based line of a JSONL file, the index of an
item of a JSON array, the byte offset of a WARC record (of its gzip member in a
.warc.gz), the 0-based data row of a Parquet or CSV file; None for a one-article file.

Identity (`record_key`): a record's own id, else its url, else its position, so the same
record keeps its article id across runs; `runner.work.article_id_for` hashes it with the path.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from newsnorm.document import RawArticle
from newsnorm.readers import fields as F
from newsnorm.readers.charset import decode_html
from newsnorm.readers.formats import CONTAINERS, FORMATS, format_of  # noqa: F401 - re-exported
from newsnorm.readers.html import HtmlError, page_from_html
from newsnorm.readers.ingest import IngestError, check_text, decode, normalize
from newsnorm.readers.records import BadRecord, Record

TABLE_BATCH_ROWS = 256
csv.field_size_limit(1 << 30)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read inputs: a forced format (else by extension) and the field names."""

    format: str | None = None
    names: F.FieldNames = field(default_factory=F.FieldNames)


def is_gzip(path: str) -> bool:
    return path.lower().endswith(".gz")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_key(rec: Record) -> str:
    """What identifies a record inside its file across runs (the rule in docs/inputs.md)."""
    if rec.record_id:
        return f"id:{rec.record_id}"
    if rec.url:
        return f"url:{rec.url}"
    return f"pos:{rec.position}"


def record_hash(rec: Record) -> str:
    """What a record's rows are made from: its content and every field that reaches them
    (position, id, url, crawl time, title, date, site, language, the HTTP charset). A
    record whose text is the same but whose title or url changed is processed again."""
    parts = (rec.sha256, rec.position, rec.record_id, rec.url, rec.fetched_at, rec.title, rec.published,
             rec.site_name, rec.lang, rec.http_charset)
    return sha256_hex("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))


# -- one record -> RawArticle -----------------------------------------------------------
def _looks_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype", "<html", "<?xml")) or "<body" in head or "<p>" in head or "<div" in head


def text_article(path: str, data: bytes) -> RawArticle:
    text, _ = decode(data)
    check_text(text)
    return RawArticle(path=path, sha256=sha256_hex(data), text=normalize(text), size=len(data))


def html_article(path: str, data: bytes, http_charset: str | None = None) -> RawArticle:
    """An HTML page as a RawArticle: its flattened text, line hints and page evidence."""
    if not data.strip():
        raise IngestError("empty file: 0 bytes" if not data else "empty file: whitespace only")
    html, codec, rule = decode_html(data, http_charset)
    try:
        page = page_from_html(html)
    except HtmlError as exc:
        raise IngestError(f"the HTML cannot be parsed ({exc})") from exc
    if not any(ch.isalpha() for ch in page.text):
        raise IngestError(f"the HTML yields no text ({len(data)} bytes of markup, read as {codec})")
    page.evidence.encoding, page.evidence.encoding_rule = codec, rule
    text = normalize(page.text)
    return RawArticle(path=path, sha256=sha256_hex(data), text=text, size=len(data), page=page.evidence,
                      hints=page.hints, has_article_mark=page.has_article_mark)


def parse_time(value: object) -> datetime | None:
    """A crawl time as given (ISO 8601, WARC-Date), in UTC; None when unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    return t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)


def article_from_record(path: str, rec: Record) -> RawArticle:
    """Decode a record's HTML or text; raises IngestError with the reason."""
    if rec.html is not None:
        raw = html_article(path, rec.html, rec.http_charset)
    else:
        data = (rec.text or "").encode("utf-8")
        if not rec.text or not rec.text.strip():
            raise IngestError("the record's text is empty")
        check_text(rec.text)
        raw = RawArticle(path=path, sha256=sha256_hex(data), text=normalize(rec.text), size=len(data))
    raw.source_record = rec.position
    raw.record_key = None if rec.position is None else record_key(rec)
    raw.url = rec.url or (raw.page.canonical_url if raw.page is not None else None)
    raw.fetched_at = parse_time(rec.fetched_at)
    given = {k: v for k, v in (("title", rec.title), ("published", rec.published), ("site_name", rec.site_name),
                               ("lang", rec.lang)) if v}
    raw.fields = given or None
    return raw


# -- containers -> records ----------------------------------------------------------------
def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip()
    return text or None


def record_from_row(row: dict, position: int | None, names: F.FieldNames, raw_bytes: bytes | None = None) \
        -> Record | BadRecord:
    """A record from a dict of fields (JSONL, JSON array item, Parquet or CSV row)."""
    html = F.pick(row, names.html)
    text = F.pick(row, names.text)
    if isinstance(html, str) and not _looks_html(html) and text is None:
        html, text = None, html  # a 'raw_content' that is plain text
    if html is None and text is None:
        return BadRecord(position, "no_content", "/".join(names.text[:4] + names.html[:2]),
                         sha256_hex(raw_bytes) if raw_bytes else "", len(raw_bytes or b""))
    content = html if html is not None else text
    data = content if isinstance(content, bytes) else str(content).encode("utf-8")
    return Record(
        position=position, sha256=sha256_hex(data),  # of the content: the same page hashes alike in any container
        text=None if html is not None else (content.decode("utf-8", "replace") if isinstance(content, bytes)
                                             else str(content)),
        html=data if html is not None else None,
        record_id=_str(F.pick(row, names.id)), url=_str(F.pick(row, names.url)),
        fetched_at=_str(F.pick(row, F.FETCHED)), title=_str(F.pick(row, F.TITLE)),
        published=_str(F.pick(row, F.PUBLISHED)), site_name=_str(F.pick(row, F.SITE)),
        lang=_str(F.pick(row, F.LANG)), size=len(raw_bytes if raw_bytes is not None else data),
    )


def _open(path: str, start: int = 0) -> io.BufferedIOBase:
    """The file's bytes from `start` on (a .gz inflated from the gzip member at `start`)."""
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    fh.seek(start)
    return gzip.GzipFile(fileobj=fh) if is_gzip(path) else fh


def _gzip_bad(exc: Exception, where: str) -> str:
    return "gzip_truncated" if isinstance(exc, EOFError) else "gzip_damaged"


def iter_jsonl(path: str, names: F.FieldNames, start: int = 0, first_line: int = 1, tell: dict | None = None,
               end: int | None = None) -> Iterator[Record | BadRecord]:
    """One record per line; `start` is a byte offset at a line start (of a gzip member in a
    .gz), and lines starting at or after `end` are left to another reader (a range of an
    uncompressed file). `tell["next_line"]` is kept at the line after the last one read."""
    line_no = first_line - 1
    pos = start
    tell = tell if tell is not None else {}
    tell["next_line"] = first_line
    with _open(path, start) as fh:
        try:
            for line in fh:
                if end is not None and pos >= end:
                    break
                pos += len(line)
                line_no += 1
                tell["next_line"] = line_no + 1
                if not line.strip():
                    continue
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    yield BadRecord(line_no, "json_malformed", str(exc).split(":")[0][:120], sha256_hex(line),
                                    len(line))
                    continue
                if not isinstance(row, dict):
                    yield BadRecord(line_no, "json_not_object", f"a JSON {type(row).__name__}", sha256_hex(line),
                                    len(line))
                    continue
                yield record_from_row(row, line_no, names, line)
        except (EOFError, OSError, zlib.error) as exc:
            yield BadRecord(line_no + 1, _gzip_bad(exc, "line"), f"after line {line_no}: {exc}")


def iter_json(path: str, names: F.FieldNames) -> Iterator[Record | BadRecord]:
    """A JSON array of records (or one object, or JSON Lines misnamed .json)."""
    with _open(path) as fh:
        try:
            data = fh.read()
        except (EOFError, OSError, zlib.error) as exc:
            yield BadRecord(None, _gzip_bad(exc, ""), str(exc))
            return
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        if data.lstrip().startswith(b"{"):  # JSON Lines in a .json file
            yield from iter_jsonl(path, names)
            return
        yield BadRecord(None, "json_malformed", "the file is neither a JSON array nor JSON Lines",
                        sha256_hex(data), len(data))
        return
    items = doc if isinstance(doc, list) else [doc]
    for i, row in enumerate(items):
        raw = orjson.dumps(row, option=orjson.OPT_SORT_KEYS)
        if not isinstance(row, dict):
            yield BadRecord(i, "json_not_object", f"a JSON {type(row).__name__}", sha256_hex(raw), len(raw))
        else:
            yield record_from_row(row, i, names, raw)


def iter_table_rows(path: str, fmt: str, names: F.FieldNames, start: int = 0, end: int | None = None,
                    first_row: int = 0, groups: tuple[int, ...] | None = None) -> Iterator[Record | BadRecord]:
    """Rows of a Parquet file (only row groups `groups`, whose first row is `first_row`,
    when given) or a CSV file (only the bytes `[start, end)`, a range starting at data row
    `first_row`: readers/ranges.py finds where)."""
    if fmt == "parquet":
        yield from _iter_parquet(path, names, first_row, groups)
    else:
        yield from _iter_csv(path, names, start, end, first_row)


def _row_bytes(row: dict) -> bytes:
    return orjson.dumps({str(k): (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()},
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY, default=str)


def _iter_parquet(path: str, names: F.FieldNames, first_row: int, groups: tuple[int, ...] | None) \
        -> Iterator[Record | BadRecord]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        batches = pf.iter_batches(batch_size=TABLE_BATCH_ROWS, row_groups=list(groups) if groups else None)
        row_no = first_row - 1
        for batch in batches:
            for row in batch.to_pylist():
                row_no += 1
                yield record_from_row(row, row_no, names, _row_bytes(row))
    except Exception as exc:  # pyarrow raises many kinds for a damaged file
        yield BadRecord(None, "table_unreadable", f"{type(exc).__name__}: {exc}"[:300])


class _Slice(io.RawIOBase):
    """The bytes `[start, end)` of an open file, as a stream of their own."""

    def __init__(self, fh: io.BufferedIOBase, start: int, end: int | None):
        fh.seek(start)
        self.fh, self.left = fh, None if end is None else end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        want = len(buf) if self.left is None else min(len(buf), self.left)
        data = self.fh.read(want)
        buf[:len(data)] = data
        if self.left is not None:
            self.left -= len(data)
        return len(data)


def _csv_header(path: str) -> list[str]:
    with _open(path) as fh:
        return next(csv.reader(io.TextIOWrapper(fh, encoding="utf-8", errors="strict", newline="")), [])


def _iter_csv(path: str, names: F.FieldNames, start: int, end: int | None, first_row: int) \
        -> Iterator[Record | BadRecord]:
    row_no = first_row - 1
    try:
        header = _csv_header(path) if start else None
        with _open(path) as fh:
            stream = io.BufferedReader(_Slice(fh, start, end)) if start or end is not None else fh
            text = io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="")
            reader = csv.DictReader(text, fieldnames=header)
            for row in reader:
                row_no += 1
                if None in row:  # more cells than header names
                    yield BadRecord(row_no, "csv_malformed", f"{len(row[None])} cell(s) beyond the header")
                    continue
                yield record_from_row(row, row_no, names, _row_bytes(row))
    except UnicodeDecodeError as exc:
        yield BadRecord(row_no + 1, "undecodable", f"the CSV is not UTF-8 (byte 0x{exc.object[exc.start]:02x})")
    except (csv.Error, EOFError, OSError, zlib.error) as exc:
        yield BadRecord(row_no + 1, "csv_malformed", str(exc))


def count_skip(skipped: Counter | None, code: str) -> None:
    if skipped is not None:
        skipped[code] += 1


def iter_records(path: str, fmt: str, opts: ReadOptions, skipped: Counter | None = None, start: int = 0,
                 first_line: int | None = None, tell: dict | None = None, end: int | None = None,
                 groups: tuple[int, ...] | None = None) -> Iterator[Record | BadRecord]:
    """The records of a container, or of one range of it, streamed: `[start, end)` in bytes
    (JSONL, CSV, WARC), or Parquet row groups `groups`; `first_line` is the index of the
    range's first record (JSONL line, default 1; CSV or Parquet row, default 0). Skipped WARC records are counted
    in `skipped`; `tell` receives where a JSONL read stopped."""
    if fmt == "jsonl":
        yield from iter_jsonl(path, opts.names, start, 1 if first_line is None else first_line, tell, end)
    elif fmt == "json":
        yield from iter_json(path, opts.names)
    elif fmt in ("parquet", "csv"):
        yield from iter_table_rows(path, fmt, opts.names, start, end, first_line or 0, groups)
    elif fmt == "warc":
        from newsnorm.readers.warc import iter_warc

        yield from iter_warc(path, skipped, start, end)
    else:
        raise ValueError(f"not a container format: {fmt}")
