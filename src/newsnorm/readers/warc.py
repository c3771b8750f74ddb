"""WARC files (.warc, .warc.gz) as a stream of records, with FastWARC.

`response` records holding HTML become HTML records (the HTTP header's charset goes
with them), WET `conversion` records become text records, and a `resource` record of
HTML is read as a page. `request`, `metadata`, `warcinfo`, `revisit` records and
responses that are not HTML (images, scripts, errors) are skipped and counted by kind.
A record's position is its byte offset in the file (of its gzip member in a .warc.gz).

FastWARC, like warcio, ends quietly at a cut-off file; a record whose block is shorter
than its Content-Length, or a .warc.gz whose last gzip member does not end, is reported
here as damaged, after the records before it.
"""

from __future__ import annotations

import os
import re
import zlib
from collections import Counter
from collections.abc import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

from newsnorm.readers.ranges import gzip_member_at
from newsnorm.readers.records import BadRecord, Record

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
TAIL_CHECK_BYTES = 64 * 1024 * 1024


def _split_http(block: bytes) -> tuple[int, dict[str, str], bytes] | None:
    """(status, headers lower-cased, body) of an HTTP response block; None if it is not one."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
    if end < 0 or not block.startswith(b"HTTP/"):
        return None
    head = block[:end].decode("iso-8859-1").splitlines()
    try:
        status = int(head[0].split()[1])
    except (IndexError, ValueError):
        status = 0
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, block[end + sep:]


def _dechunk(body: bytes) -> bytes:
    out, i = [], 0
    while i < len(body):
        eol = body.find(b"\r\n", i)
        if eol < 0:
            break
        try:
            size = int(body[i:eol].split(b";")[0], 16)
        except ValueError:
            return body  # not chunked after all
        if size == 0:
            break
        out.append(body[eol + 2: eol + 2 + size])
        i = eol + 2 + size + 2
    return b"".join(out)


def _decode_body(headers: dict[str, str], body: bytes) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    coding = headers.get("content-encoding", "").lower().strip()
    try:
        if coding in ("gzip", "x-gzip"):
            return zlib.decompress(body, wbits=47)
        if coding == "deflate":
            return zlib.decompress(body)
        if coding == "br":
            import brotli

            return brotli.decompress(body)
    except (zlib.error, ImportError, Exception):  # brotli raises its own error type
        return body  # many archives store the body already decoded while keeping the header
    return body


def _gzip_tail_ends(path: str, offset: int) -> bool:
    """Does the gzip member starting at `offset` (the last record's) end inside the file?"""
    size = os.path.getsize(path)
    if size - offset > TAIL_CHECK_BYTES:
        return True  # too large to check cheaply; the length check covers the record itself
    with open(path, "rb") as fh:
        fh.seek(offset)
        d = zlib.decompressobj(wbits=31)
        try:
            d.decompress(fh.read())
        except zlib.error:
            return False
        return d.eof


def iter_warc(path: str, skipped: Counter | None = None, start: int = 0,
              end: int | None = None) -> Iterator[Record | BadRecord]:
    """The records starting in `[start, end)` (`end` None: to the file's end). In a .warc.gz
    both bounds move on to the first gzip member at or after them (readers/ranges.py), so
    the ranges of one file share its records out exactly, each to one range."""
    gz = path.lower().endswith(".gz")
    last = None
    with open(path, "rb") as fh:
        if gz and start:
            found = gzip_member_at(fh, start)
            if found is None:
                return  # no record starts in this range: the range before reads to the end
            start = found
        if gz and end is not None:
            end = gzip_member_at(fh, end)
        fh.seek(start)
        for r in ArchiveIterator(fh, parse_http=False):
            pos = r.stream_pos
            if end is not None and pos >= end:
                return  # the next range's first record
            last = pos
            yield from _record(r, pos, skipped)
            if _cut_short(r):
                yield BadRecord(pos, "warc_damaged", f"record block of {r.reader.tell()} bytes, Content-Length "
                                                     f"says {r.content_length}")
                return
    if gz and end is None and last is not None and not _gzip_tail_ends(path, last):
        yield BadRecord(last, "gzip_truncated", "the last gzip member does not end")
    elif gz and last is None and start == 0 and os.path.getsize(path) > 0 and not _gzip_tail_ends(path, 0):
        yield BadRecord(0, "gzip_damaged", "no WARC record could be read")


def _cut_short(r) -> bool:
    return r.reader.tell() < r.content_length


def _record(r, pos: int, skipped: Counter | None) -> Iterator[Record | BadRecord]:
    kind = r.record_type
    if kind not in (WarcRecordType.response, WarcRecordType.conversion, WarcRecordType.resource):
        if skipped is not None:
            skipped[f"warc_{str(kind).rsplit('.', 1)[-1]}"] += 1
        r.reader.consume()
        return
    block = r.reader.read()
    if len(block) < r.content_length:
        return  # iter_warc reports it
    url = r.headers.get("WARC-Target-URI") or None
    date = r.headers.get("WARC-Date") or None
    if kind == WarcRecordType.conversion:
        text = block.decode("utf-8", "replace")
        yield Record(pos, _sha(block), text=text, url=url, fetched_at=date, size=len(block))
        return
    if kind == WarcRecordType.response:
        http = _split_http(block)
        if http is None:
            yield BadRecord(pos, "warc_damaged", "a response record without an HTTP header", _sha(block),
                            len(block))
            return
        status, headers, body = http
        ctype = headers.get("content-type", "").lower()
        if not ctype.startswith(_HTML_TYPES) or not 200 <= status < 300:
            if skipped is not None:
                skipped["warc_not_html" if status < 300 else "warc_not_ok"] += 1
            return
        body = _decode_body(headers, body)
        m = _CHARSET.search(ctype)
        yield Record(pos, _sha(body), html=body, http_charset=m.group(1) if m else None, url=url,
                     fetched_at=date, size=len(body))
    else:  # resource: the block is the document itself
        ctype = (r.headers.get("Content-Type") or "").lower()
        if not ctype.startswith(_HTML_TYPES):
            if skipped is not None:
                skipped["warc_not_html"] += 1
            return
        m = _CHARSET.search(ctype)
        yield Record(pos, _sha(block), html=block, http_charset=m.group(1) if m else None, url=url,
                     fetched_at=date, size=len(block))


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
