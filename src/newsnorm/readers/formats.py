"""Which reader an input file gets: by its extension (a trailing .gz looked through), or forced.

Light on purpose: the command line checks --format before anything heavy is imported.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = ("txt", "html", "warc", "jsonl", "json", "parquet", "csv")
CONTAINERS = frozenset({"warc", "jsonl", "json", "parquet", "csv"})
_BY_SUFFIX = {".txt": "txt", ".html": "html", ".htm": "html", ".xhtml": "html", ".warc": "warc",
              ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".csv": "csv"}


def format_of(path: str, forced: str | None = None) -> str:
    if forced:
        return forced
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _BY_SUFFIX.get(Path(name).suffix, "txt")
