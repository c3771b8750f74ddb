"""A run's settings, defined once: name, default, bounds and help text of each.

`RunSettings` is what a run is given (runner.execute calls it RunConfig). The command
line's flags (cli.py) and the Prefect flow's parameters (orchestrate/flow.py) are derived
from its fields, so a default or a bound is stated here and nowhere else; tests/test_settings.py
walks every field and checks the three agree. Light: the CLI reads it before anything heavy.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any

from newsnorm.runner.batching import CHUNK_FILES

BATCH_FILES = 200  # files per Prefect task (runner/batching.py explains the cut)
FLUSH_ARTICLES = 500  # processed articles between two writes of the warehouse
MAX_BYTES = 20 * 1024 * 1024  # larger inputs are quarantined
LOCK_TIMEOUT = 60.0  # seconds a run waits for another run to release the warehouse


def _setting(default: Any = MISSING, help: str = "", *, flag: bool = True, **bounds: Any) -> Any:
    """A field of RunSettings: its default, its help text (a template: {default}, {mib} and
    {chunk} are filled in), whether the CLI has a flag for it, and its pydantic bounds
    (ge, le, min_length) for the flow's parameters."""
    return field(default=default, metadata={"help": help, "flag": flag, "bounds": bounds})


@dataclass(frozen=True)
class RunSettings:
    """What a run is asked to do; the same for `newsnorm run`, the flow and plain Python."""

    inputs: list[str] = _setting(help="files or folders (default: seeds/)", flag=False, min_length=1)
    warehouse: str = _setting("warehouse", "output folder (default: warehouse/)")
    batch_size: int = _setting(BATCH_FILES, "files per Prefect task (default {default}); workers take them "
                                            "{chunk} at a time", ge=1, le=100_000)
    max_bytes: int = _setting(MAX_BYTES, "quarantine inputs larger than this (default {mib} MiB)", ge=1)
    packages_dir: str | None = _setting(None, "Argos packages folder (env ARGOS_PACKAGES_DIR; default Argos' own)")
    lock_timeout: float = _setting(LOCK_TIMEOUT, "seconds to wait for another run to release the warehouse "
                                                 "(default {default:g})", ge=0)
    strict: bool = _setting(False, "fail the run (exit 1) if any input is quarantined")
    prune_missing: bool = _setting(False, "delete articles whose source file, or record of a container, is no "
                                          "longer among the inputs")
    flush_every: int = _setting(FLUSH_ARTICLES, "write the warehouse every N processed articles (default {default})",
                                ge=1)
    format: str | None = _setting(None, "read every input as this format: txt, html, warc, jsonl, json, parquet "
                                        "or csv (default: by extension)")
    text_field: str | None = _setting(None, "the record field holding the article text (JSONL, JSON, Parquet, "
                                            "CSV; default: text, content, maintext, body, ...)")
    html_field: str | None = _setting(None, "the record field holding the page HTML (default: html, raw_html, "
                                            "raw_content)")
    url_field: str | None = _setting(None, "the record field holding the url (default: url, link, source_url)")
    id_field: str | None = _setting(None, "the record field holding the record's id (default: id, doc_id)")


def setting(name: str) -> Field:
    """The dataclass field `name` of RunSettings (KeyError if there is none)."""
    return {f.name: f for f in fields(RunSettings)}[name]


def default(name: str) -> Any:
    """The default of setting `name`."""
    value = setting(name).default
    if value is MISSING:
        raise KeyError(f"setting {name!r} has no default")
    return value


def bounds(name: str) -> dict[str, Any]:
    """The pydantic bounds of setting `name` (e.g. {'ge': 1}), for `Field(**bounds(name))`."""
    return dict(setting(name).metadata["bounds"])


def help_text(name: str) -> str:
    """The help text of setting `name`, its default filled in."""
    f = setting(name)
    value = None if f.default is MISSING else f.default
    mib = value // (1024 * 1024) if isinstance(value, int) and not isinstance(value, bool) else None
    return f.metadata["help"].format(default=value, mib=mib, chunk=CHUNK_FILES)


def flag_names() -> list[str]:
    """The settings the command line has a flag for (`--batch-size` for batch_size), in field order."""
    return [f.name for f in fields(RunSettings) if f.metadata["flag"]]
