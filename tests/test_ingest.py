from __future__ import annotations

import codecs
import unicodedata

import pytest

from newsnorm.readers.ingest import IngestError, decode, ingest_bytes, read_article

TEXT = "Seoul’s “summit” — café\nSecond line"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: recognised by its NUL pattern
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1252"],
)
def test_encodings_decode_to_the_same_text(data):
    assert ingest_bytes("x.txt", data).text == TEXT


def test_mojibake_is_repaired_and_curly_quotes_kept():
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252, as browsers decode it)

    broken = TEXT.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8")  # read as cp1252, saved again
    assert ingest_bytes("x.txt", broken).text == TEXT


def test_crlf_nfc_and_no_break_spaces():
    raw = "Cafe\u0301 news\r\n\u00a0\u00a0\r\nnext\u00a0line\r".encode()
    text = ingest_bytes("x.txt", raw).text
    assert text == "Café news\n  \nnext line\n"
    assert unicodedata.is_normalized("NFC", text)
    assert text.count("\n") == 3  # line numbers stay those of the source file


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \n\r\n\t ", "empty"),
        (b"\x00" * 4096, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)), "binary"),
        (bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20, "undecodable"),
        (b"12345 67890\n---\n", "no letters"),
        (b"text\x01\x02\x03\x04\x05\x06 more\x07\x08" * 10, "binary"),
    ],
    ids=["zero-bytes", "whitespace", "nul-filled", "png", "undecodable", "no-letters", "controls"],
)
def test_bad_inputs_raise_with_a_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        ingest_bytes("bad.bin", data)


def test_too_large_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("word " * 1000)
    with pytest.raises(IngestError, match="too large"):
        read_article(p, max_bytes=100)


def test_decode_reports_encoding():
    assert decode("Xin chào".encode())[1] == "utf-8"
    assert decode("caf\xe9".encode("cp1252"))[1] == "cp1252"
