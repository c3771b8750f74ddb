"""Reading the warehouse: one consistent set of table files, for DuckDB, Polars and `newsnorm query`.

`view(wh)` takes the published read snapshot (published.py): immutable file versions that a
run never rewrites, so reads made from one view never fail and never mix versions while a
run writes, for `published.GRACE_SECONDS` after a newer snapshot replaced it (take a new view
for later reads). A warehouse written before snapshots existed is read from its table files
as they are (safe between runs; its next run publishes a snapshot).

    from newsnorm.warehouse.query import view
    v = view("warehouse")
    articles, segments = v.scan("articles"), v.scan("segments")     # Polars LazyFrames
    con = v.connect()                                               # DuckDB, one view per table
    v.files("segments")                                             # for read_parquet([...]) anywhere
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newsnorm.warehouse import check, published
from newsnorm.warehouse.store import TABLES


@dataclass(frozen=True, slots=True)
class View:
    """The files of every table at one committed state; `generation` 0: no snapshot (table files)."""

    root: Path
    tables: dict[str, list[str]]
    generation: int

    def files(self, table: str) -> list[str]:
        if table not in TABLES:
            raise KeyError(f"no table {table!r}; the tables are {', '.join(TABLES)}")
        return list(self.tables.get(table, []))

    def scan(self, table: str):
        """A Polars LazyFrame over this view's files of `table`."""
        import polars as pl

        files = self.files(table)
        if not files:
            raise FileNotFoundError(f"{self.root} has no {table} table yet (run `newsnorm run` first)")
        return pl.scan_parquet(files, hive_partitioning=False)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with one view per table, named as in the warehouse contract."""
        con = duckdb.connect()
        for table in TABLES:
            mine = [f.replace("'", "''") for f in self.files(table)]
            if not mine and TABLES[table] is None:
                continue
            if not mine:
                con.sql(f"create view {table} as select * from ({_empty(table)})")
                continue
            listed = ", ".join(f"'{f}'" for f in mine)
            con.sql(f"create view {table} as select * from read_parquet([{listed}], hive_partitioning=false)")
        return con


def view(warehouse: str | Path = "warehouse") -> View:
    """The warehouse's published snapshot (see the module docstring)."""
    root = Path(warehouse).absolute()
    if not (root / "articles").is_dir():
        raise FileNotFoundError(f"no warehouse at {root} (run `newsnorm run` first, or pass --warehouse)")
    snap = published.load(root)
    tables: dict[str, list[str]] = {}
    if snap is not None:
        for table in TABLES:
            tables[table] = [str(p) for p in snap.paths(table)]
        return View(root, tables, snap.generation)
    # the files listed, not a glob: a warehouse path may hold glob characters ([, *, ?)
    for rel in check.table_files(root):
        tables.setdefault(rel.split("/")[0], []).append(str(root / rel))
    return View(root, tables, 0)


def scan(table: str, warehouse: str | Path = "warehouse"):
    """One table as a Polars LazyFrame from the current snapshot. To read two tables at one
    state (articles with their segments), take one `view` and scan both from it."""
    return view(warehouse).scan(table)


def connect(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    """DuckDB over the current snapshot, one view per table."""
    return view(warehouse).connect()


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
