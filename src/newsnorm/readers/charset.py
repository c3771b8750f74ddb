"""Bytes of an HTML page to text, the way archives need it.

Order: a byte-order mark; the charset of the HTTP header (a WARC response) or of the
page's own <meta>; then detection. Crawled pages often declare a charset their bytes do
not follow, so a declaration is checked against the bytes: non-ASCII bytes that are valid
UTF-8 are read as UTF-8 whatever the label says (a legacy code page almost never yields
valid multi-byte UTF-8 by chance), and a label whose codec fails on the bytes is
overruled by detection. ISO-8859-1 and US-ASCII labels mean windows-1252, as in browsers.
Each decision is returned as a code (RULES) so a run can count how it decided.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

RULES = ("bom", "declared", "utf8_over_label", "utf8", "detected", "fallback_cp1252")
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: these labels are decoded as windows-1252 by every browser.
_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso8859-1", "iso_8859-1",
              "windows-1252", "cp1252", "x-cp1252"}
SNIFF_BYTES = 16 * 1024  # real pages put <meta charset> after kilobytes of scripts
DETECT_BYTES = 64 * 1024


def meta_charset(data: bytes) -> str | None:
    m = _META.search(data[:SNIFF_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def normalise_label(label: str | None) -> str | None:
    """A charset label as a Python codec name, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes):
    """charset-normalizer's best guess; on a tie (same chaos and coherence, as short Latin
    text often gives), windows-1252, the web's most common legacy code page."""
    results = list(from_bytes(data))
    if not results:
        return None
    best = results[0]
    for m in results:
        if (m.chaos, m.coherence) == (best.chaos, best.coherence) and codecs.lookup(m.encoding).name == "cp1252":
            return m
    return best


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str, str]:
    """Return (text, codec, rule). Never raises: the last resort decodes cp1252 with
    replacement characters (a page always yields text; check_text judges it afterwards)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            if text is not None:
                return text, codec, "bom"
    declared = normalise_label(http_charset) or normalise_label(meta_charset(data))
    ascii_only = data.isascii()
    if not ascii_only and declared not in ("utf-8", None):
        text = _strict(data, "utf-8")
        if text is not None:
            return text, "utf-8", "utf8_over_label"
    if declared:
        text = _strict(data, declared)
        if text is not None:
            return text, declared, "declared"
    elif ascii_only or (text := _strict(data, "utf-8")) is not None:
        return data.decode("utf-8"), "utf-8", "utf8"
    best = _detect(data[:DETECT_BYTES])
    if best is not None:
        text = _strict(data, best.encoding)
        if text is not None:
            return text, codecs.lookup(best.encoding).name, "detected"
    return data.decode("cp1252", errors="replace"), "cp1252", "fallback_cp1252"
