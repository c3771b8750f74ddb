"""DuckDB over the warehouse: one view per table, named as in the warehouse contract."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from newsnorm.warehouse import check
from newsnorm.warehouse.store import TABLES


def connect(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    root = Path(warehouse).absolute()
    if not (root / "articles").is_dir():
        raise FileNotFoundError(f"no warehouse at {root} (run `newsnorm run` first, or pass --warehouse)")
    con = duckdb.connect()
    files = check.table_files(root)
    for table in TABLES:
        # the files listed, not a glob: a warehouse path may hold glob characters ([, *, ?)
        mine = [str(root / rel).replace("'", "''") for rel in files if rel.split("/")[0] == table]
        if not mine and TABLES[table] is None:
            continue
        if not mine:
            con.sql(f"create view {table} as select * from ({_empty(table)})")
            continue
        listed = ", ".join(f"'{f}'" for f in mine)
        drop = " exclude (part)" if table in ("articles", "segments") else ""
        con.sql(f"create view {table} as select *{drop} from read_parquet([{listed}], hive_partitioning=true)")
    return con


def _empty(table: str) -> str:
    cols = ", ".join(f"null::{_DUCK.get(str(f.type), 'varchar')} as \"{f.name}\"" for f in TABLES[table])
    return f"select {cols} limit 0"


_DUCK = {"int32": "integer", "int64": "bigint", "double": "double", "date32[day]": "date",
         "timestamp[us, tz=UTC]": "timestamptz", "bool": "boolean", "list<item: string>": "varchar[]"}


def explain_failure(warehouse: str | Path, exc: Exception) -> str:
    """A query that failed on the warehouse's files: name the damaged file and the repair."""
    from newsnorm.warehouse.manifest import Manifest, ManifestDamaged

    root = Path(warehouse).absolute()
    rels = check.table_files(root)
    try:
        manifest = Manifest.load(root)
    except ManifestDamaged:
        manifest = None
    problems = (check.verify(root, manifest) if manifest else []) + check.readable(root, rels, whole=False)
    if not problems:
        return str(exc)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{problems[0].render(root)}{more}; fix with `newsnorm repair --warehouse {root}`"


def render(rel: duckdb.DuckDBPyRelation, fmt: str, console) -> None:
    cols = rel.columns
    rows = rel.fetchall()
    if fmt == "json":
        console.print_json(json.dumps([dict(zip(cols, r, strict=True)) for r in rows], default=str))
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        w.writerows(rows)
        console.out(buf.getvalue(), end="")
    else:
        from rich.table import Table

        table = Table(*cols)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        console.print(table)
        console.print(f"{len(rows)} row(s)")
