"""DuckDB over the warehouse: one view per table, named as in the warehouse contract."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from newsnorm.warehouse.store import TABLES


def connect(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    root = Path(warehouse).absolute()
    if not (root / "articles").is_dir():
        raise FileNotFoundError(f"no warehouse at {root} (run `newsnorm run` first, or pass --warehouse)")
    con = duckdb.connect()
    for table in TABLES:
        glob = str(root / table / "**" / "*.parquet").replace("'", "''")
        drop = " exclude (part)" if table in ("articles", "segments") else ""
        con.sql(f"create view {table} as select *{drop} from read_parquet('{glob}', hive_partitioning=true)")
    return con


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
