"""Why a record could not be read: codes as program state, sentences for people.

A reader records a `BadRecord(code, detail)`; the sentence is rendered from the code only
when the quarantine row is written.
"""

from __future__ import annotations

REASONS = {
    "json_malformed": "not valid JSON ({detail}): fix or remove this record",
    "json_not_object": "not a JSON object ({detail}): each record must be an object of fields",
    "no_content": "neither text nor HTML: no field {detail} (name yours with --text-field or --html-field)",
    "html_no_text": "the HTML yields no text ({detail})",
    "html_unparsable": "the HTML cannot be parsed ({detail})",
    "undecodable": "undecodable ({detail})",
    "gzip_truncated": "the gzip stream ends early ({detail}): the file was cut short; fetch it again, "
                      "the records before this point were read",
    "gzip_damaged": "damaged gzip data ({detail}): the records before this point were read",
    "warc_damaged": "damaged or truncated WARC record ({detail}): the records before this point were read",
    "table_unreadable": "the table cannot be read ({detail})",
    "csv_malformed": "malformed CSV row ({detail})",
    "too_large": "too large: {detail} (--max-bytes)",
}

POSITION_NAMES = {"jsonl": "line", "json": "item", "warc": "byte offset", "parquet": "row", "csv": "row"}


def render(code: str, detail: str = "", fmt: str | None = None, position: int | None = None) -> str:
    text = REASONS.get(code, code + " ({detail})").format(detail=detail or "no detail")
    if position is not None and fmt in POSITION_NAMES:
        return f"{POSITION_NAMES[fmt]} {position}: {text}"
    return text
