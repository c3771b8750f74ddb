"""Helpers of the fault suite (tests/test_faults_*.py): real runs in child processes, a kill
at a chosen write, and the tables compared with a clean run's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
from conftest import subprocess_env

BOOKKEEPING = ["run_id", "ingested_at", "first_seen"]

# A plain run (no Prefect) in a child process. KILL_AT: SIGKILL the child just before its
# k-th atomic rename into the warehouse (every file newsnorm writes ends with one), or just
# after it ("after"). PART_CAPACITY: small parts, so a small corpus spans several.
_CHILD = r"""
import json, os, signal, sys
cfg = json.loads(sys.argv[1])
kill_at, when, log = cfg.pop("kill_at", None), cfg.pop("kill_when", "before"), cfg.pop("log", None)
capacity = cfg.pop("part_capacity", None)
import newsnorm.warehouse.store as store
if capacity:
    store.PART_CAPACITY = capacity
wh = os.path.abspath(cfg["warehouse"])
real_replace, seen = os.replace, [0]
def replace(src, dst, *a, **k):
    inside = os.path.abspath(os.fspath(dst)).startswith(wh + os.sep)
    if inside:
        seen[0] += 1
        if log:
            with open(log, "a") as fh:
                fh.write(os.path.relpath(os.fspath(dst), wh) + "\n")
        if seen[0] == kill_at and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, *a, **k)
    if inside and seen[0] == kill_at and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from newsnorm.runner.execute import RunConfig, execute
s = execute(RunConfig(**cfg))
print(json.dumps({"status": s.status, "warnings": s.warnings, "written": s.articles_written}))
"""


def plain_run(tmp: Path, inputs: list[Path], wh: Path, **cfg) -> subprocess.CompletedProcess:
    cfg = {"inputs": [str(i) for i in inputs], "warehouse": str(wh), **cfg}
    return subprocess.run([sys.executable, "-c", _CHILD, json.dumps(cfg)], env=subprocess_env(tmp),
                          capture_output=True, text=True, timeout=600)


def cli(tmp: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsnorm.cli", *args], env=subprocess_env(tmp),
                          capture_output=True, text=True, timeout=timeout)


def table(wh: Path, name: str) -> pl.DataFrame:
    """A table's rows as a reader sees them, without bookkeeping columns, in a fixed order."""
    files = sorted(str(p) for p in (wh / name).rglob("*.parquet"))
    df = pl.concat([pl.read_parquet(f, hive_partitioning=False) for f in files], how="vertical")
    keys = {"segments": ["article_id", "seq"], "stories": ["story_id"], "quarantine": ["source_path"],
            "runs": ["started_at"]}.get(name, ["article_id"])
    return df.drop(BOOKKEEPING, strict=False).sort(keys)


def differences(a: Path, b: Path, names=("articles", "segments", "stories")) -> dict[str, str]:
    """Tables of two warehouses that differ, with how."""
    out = {}
    for name in names:
        x, y = table(a, name), table(b, name)
        if x.shape != y.shape:
            out[name] = f"shape {x.shape} != {y.shape}"
            continue
        for c in x.columns:
            u, v = x[c], y[c]
            if isinstance(u.dtype, pl.List):
                u, v = u.list.join("|"), v.list.join("|")
            diff = u.ne_missing(v)
            if diff.any():
                out[name] = f"{c}: {diff.sum()} rows differ"
                break
    return out
