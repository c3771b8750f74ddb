"""Bytes to clean text: decode, repair mojibake, normalise line ends, NFC, spaces.

Decoding alone does not reveal binary (a NUL-filled file is valid UTF-8, most random
bytes are valid cp1252), so binary content is detected explicitly and rejected with a
reason the caller records in quarantine.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

import ftfy

from newsnorm.document import RawArticle

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_SPACES = re.compile("[\u00a0\u2007\u202f\u2000-\u200a\u3000]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# C0 controls other than tab/LF/CR/FF, plus DEL; their presence marks binary content.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Sequences that only appear when UTF-8 was read as a single-byte code page.
_MOJIBAKE_HINT = re.compile("[ÃÂâÄÅÆÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


class IngestError(ValueError):
    """The input cannot become article text; the message is the quarantine reason."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by its NUL pattern (ASCII-heavy text has a NUL in every pair)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    n = len(data) // 2
    if odd.count(0) > 0.4 * n and even.count(0) < 0.05 * n:
        codec = "utf-16-le"
    elif even.count(0) > 0.4 * n and odd.count(0) < 0.05 * n:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises IngestError for empty, binary or undecodable bytes."""
    if not data:
        raise IngestError("empty file: 0 bytes")
    if not data.strip(b" \t\r\n\x00"):
        raise IngestError(f"empty file: {len(data)} bytes of whitespace or NUL only")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), codec
            except UnicodeDecodeError as exc:
                raise IngestError(f"undecodable: has a {codec} byte-order mark but invalid {codec} ({exc.reason})") from exc
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "utf-16"
        raise IngestError(f"binary content: {data.count(0)} NUL bytes in {len(data)} bytes")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"undecodable: neither UTF-8, UTF-16 nor Windows-1252 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def normalize(text: str) -> str:
    """Repair mojibake, unify line ends and spaces, NFC. Keeps curly quotes and line count."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_text(
            text,
            uncurl_quotes=False,
            fix_character_width=False,
            fix_latin_ligatures=False,
            fix_line_breaks=False,
            normalization=None,
        )
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def check_text(text: str) -> None:
    """Reject decoded text that is not prose: control characters or no letters at all."""
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 1000):
        raise IngestError(f"binary content: {controls} control characters in {len(text)} characters")
    if not any(ch.isalpha() for ch in text):
        raise IngestError("no text: the file has no letters")


def ingest_bytes(path: str, data: bytes) -> RawArticle:
    text, _ = decode(data)
    check_text(text)
    return RawArticle(path=path, sha256=sha256_hex(data), text=normalize(text), size=len(data))


def read_article(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """Read and decode one file; raises IngestError (with a reason) or OSError."""
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"too large: {size} bytes exceeds the limit of {max_bytes} bytes (--max-bytes)")
    return ingest_bytes(str(path), path.read_bytes())
