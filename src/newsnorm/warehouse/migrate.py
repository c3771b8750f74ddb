"""Upgrading a warehouse written by an earlier schema version, keeping its rows.

Version 1 -> 2 (inputs beyond plain text): articles gain `source_record`, `url` and
`fetched_at`, quarantine gains `source_record`. Every row of a version 1 warehouse came
from a one-article text file, so the new columns are null for them, as a run of this
version would write. Tables whose columns did not change are rewritten with the new
version mark only. Each file is rewritten atomically by the caller, one at a time: a run
interrupted in between finds the rest still at version 1 and upgrades it then.

Version 2 -> 3: stories gain `last_published` and `n_outlets`. The stories table is derived
(rebuilt whole from the story index), so it is upgraded to an empty table: the run rebuilds
it with real values, where null columns would have stayed until the stories next changed.
An older warehouse gains every column added since its version, in one rewrite.

Version 3 -> 4: articles gain `record_sha256` (null: a container's stored records are read
again once when their container changes, then skipped by it), runs gain `records_read` and
`records_unchanged` (null for the runs before).
"""

from __future__ import annotations

import pyarrow as pa

# version -> {table: columns added in the next version}
ADDED = {
    "1": {
        "articles": ("source_record", "url", "fetched_at"),
        "quarantine": ("source_record",),
    },
    "2": {
        "stories": ("last_published", "n_outlets"),
    },
    "3": {
        "articles": ("record_sha256",),
        "runs": ("records_read", "records_unchanged"),
    },
}
DERIVED = frozenset({"stories"})  # rebuilt by the run from other tables: upgraded empty


def _added_since(version: str, table: str) -> tuple[str, ...]:
    """Columns of `table` added after `version`, through every later version."""
    versions = sorted(ADDED, key=int)
    return tuple(c for v in versions[versions.index(version):] for c in ADDED[v].get(table, ()))


def can_upgrade(version: str, table: str, names: list[str], target: pa.Schema) -> bool:
    """Whether a file of `table` at `version` with columns `names` upgrades to `target`."""
    if version not in ADDED:
        return False
    added = _added_since(version, table)
    return sorted(names) == sorted(n for n in target.names if n not in added)


def upgrade(table: pa.Table, name: str, version: str, target: pa.Schema) -> pa.Table:
    """The same rows with the added columns (null) and the target's column order; a derived
    table that gained columns comes back empty, for the run to rebuild."""
    added = _added_since(version, name)
    if name in DERIVED and added:
        return target.remove_metadata().empty_table()
    columns = []
    for f in target:
        if f.name in added:
            columns.append(pa.nulls(table.num_rows, f.type))
        else:
            columns.append(table.column(f.name).cast(f.type))
    return pa.table(columns, schema=target.remove_metadata())
