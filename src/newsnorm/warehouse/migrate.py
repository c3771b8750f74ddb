"""Upgrading a warehouse written by an earlier schema version, keeping its rows.

Version 1 -> 2 (inputs beyond plain text): articles gain `source_record`, `url` and
`fetched_at`, quarantine gains `source_record`. Every row of a version 1 warehouse came
from a one-article text file, so the new columns are null for them, as a run of this
version would write. Tables whose columns did not change are rewritten with the new
version mark only. Each file is rewritten atomically by the caller, one at a time: a run
interrupted in between finds the rest still at version 1 and upgrades it then.
"""

from __future__ import annotations

import pyarrow as pa

# version -> {table: columns added in the next version}
ADDED = {
    "1": {
        "articles": ("source_record", "url", "fetched_at"),
        "quarantine": ("source_record",),
    },
}


def can_upgrade(version: str, table: str, names: list[str], target: pa.Schema) -> bool:
    """Whether a file of `table` at `version` with columns `names` upgrades to `target`."""
    if version not in ADDED:
        return False
    added = ADDED[version].get(table, ())
    return sorted(names) == sorted(n for n in target.names if n not in added)


def upgrade(table: pa.Table, name: str, version: str, target: pa.Schema) -> pa.Table:
    """The same rows with the added columns (null) and the target's column order."""
    added = ADDED[version].get(name, ())
    columns = []
    for f in target:
        if f.name in added:
            columns.append(pa.nulls(table.num_rows, f.type))
        else:
            columns.append(table.column(f.name).cast(f.type))
    return pa.table(columns, schema=target.remove_metadata())
