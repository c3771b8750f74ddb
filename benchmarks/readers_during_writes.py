"""Readers in a loop while a run writes: reads and failures per read form.

Builds a warehouse from the first `--seed-articles` generated articles, then starts
`newsnorm run` over all `--articles` of them and, beside it, one process per read form that
reads the warehouse in a loop until the run ends. Every read checks what a reader must see:
no article twice, and exactly the segments its articles count (sum of n_segments = segment
rows; none without its article). Prints reads, failures (an error or a crash) and violations
per form, and the run's time.

Forms (`--forms`, comma-separated):
  view-polars   newsnorm.warehouse.query.view(wh).scan("articles"/"segments")   (documented)
  view-duckdb   newsnorm.warehouse.query.view(wh).connect()                      (documented)
  query-cli     newsnorm query "..." --format json                               (documented)
  glob-polars   pl.scan_parquet("wh/<table>/**/*.parquet")             (safe between runs only)
  glob-duckdb   read_parquet('wh/<table>/**/*.parquet', hive_partitioning=true)  (likewise)

    python benchmarks/readers_during_writes.py --articles 20000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCUMENTED = ("view-polars", "view-duckdb", "query-cli")
GLOBS = ("glob-polars", "glob-duckdb")

COUNTS = ("select (select count(*) from {A}) as n, (select count(distinct article_id) from {A}) as ids, "
          "(select coalesce(sum(n_segments), 0) from {A}) as want, (select count(*) from {S}) as segs, "
          "(select count(*) from {S} s anti join {A} a using (article_id)) as orphans")
COUNTS_SQL = COUNTS.format(A="articles", S="segments")


def _duck_counts(con, arts: str, segs: str) -> tuple[int, ...]:
    return tuple(int(x) for x in con.sql(COUNTS.format(A=arts, S=segs)).fetchall()[0])


def _polars_counts(a, s) -> tuple[int, ...]:
    import polars as pl

    qa = a.select(pl.len().alias("n"), pl.col("article_id").n_unique().alias("ids"),
                  pl.col("n_segments").sum().alias("want"))
    qs = s.select(pl.len().alias("segs"))
    qo = s.select("article_id").join(a.select("article_id"), on="article_id", how="anti").select(pl.len())
    ra, rs, ro = pl.collect_all([qa, qs, qo])
    return (ra["n"][0], ra["ids"][0], ra["want"][0] or 0, rs["segs"][0], ro.item())


def read_once(form: str, wh: Path) -> tuple[int, int, int, int, int]:
    """(articles, distinct ids, sum of n_segments, segment rows, segments without their article)."""
    if form == "view-polars":
        from newsnorm.warehouse.query import view

        v = view(wh)
        return _polars_counts(v.scan("articles"), v.scan("segments"))
    if form == "glob-polars":
        import polars as pl

        return _polars_counts(*(pl.scan_parquet(f"{wh}/{t}/**/*.parquet") for t in ("articles", "segments")))
    if form == "view-duckdb":
        from newsnorm.warehouse.query import view

        return _duck_counts(view(wh).connect(), "articles", "segments")  # type: ignore[return-value]
    if form == "glob-duckdb":
        import duckdb

        arts, segs = (f"read_parquet('{wh}/{t}/**/*.parquet', hive_partitioning=true)"
                      for t in ("articles", "segments"))
        return _duck_counts(duckdb.connect(), arts, segs)  # type: ignore[return-value]
    if form == "query-cli":
        out = subprocess.run([sys.executable, "-m", "newsnorm.cli", "query", COUNTS_SQL, "--warehouse", str(wh),
                              "--format", "json"], capture_output=True, text=True, timeout=300)
        if out.returncode:
            raise RuntimeError(f"exit {out.returncode}: {(out.stderr or out.stdout).strip()[-300:]}")
        row = json.loads(out.stdout)[0]
        return tuple(int(row[k]) for k in ("n", "ids", "want", "segs", "orphans"))  # type: ignore[return-value]
    raise ValueError(f"unknown form {form}")


def reader(form: str, wh: Path, stop: Path, out: Path) -> None:
    """Read until `stop` exists (then once more); write the tally to `out`."""
    reads = failures = violations = 0
    last_n = 0
    errors: list[str] = []
    final = False
    while True:
        final = stop.exists()
        try:
            n, ids, want, segs, orphans = read_once(form, wh)
            reads += 1
            bad = []
            if ids != n:
                bad.append(f"{n - ids} article(s) twice")
            if want != segs or orphans:
                bad.append(f"{segs} segments for {want} counted, {orphans} without their article")
            if n < last_n:
                bad.append(f"articles went from {last_n} to {n}")
            last_n = max(last_n, n)
            if bad:
                violations += 1
                errors.append("; ".join(bad))
        except BaseException as exc:  # noqa: BLE001  Polars panics are BaseException: a failed read all the same
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures += 1
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
        if final:
            break
    out.write_text(json.dumps({"form": form, "reads": reads, "failures": failures, "violations": violations,
                               "last_articles": last_n, "errors": errors[:20]}))


def run(articles: int, seed_articles: int, forms: list[str], work: Path, corpus: Path | None = None,
        nice: int = 10) -> dict:
    """The whole measurement (see the module docstring); returns the tallies by form."""
    from benchmarks.corpus import generate

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(work / "prefect-home")
    if corpus is None:
        corpus = work / "corpus"
        generate(corpus, articles)
    first = work / "first"
    first.mkdir(exist_ok=True)
    for p in sorted(corpus.rglob("*.txt"))[:seed_articles]:
        shutil.copy(p, first / p.name)
    wh = work / "wh"
    cli = [sys.executable, "-m", "newsnorm.cli"]
    subprocess.run([*cli, "run", str(first), "--warehouse", str(wh)], env=env, check=True,
                   capture_output=True, text=True, timeout=1800)
    stop = work / "stop"
    stop.unlink(missing_ok=True)
    readers = {f: subprocess.Popen([sys.executable, __file__, "--reader", f, "--warehouse", str(wh), "--stop",
                                    str(stop), "--out", str(work / f"{f}.json"), "--nice", str(nice)], env=env,
                                   stderr=subprocess.DEVNULL)  # a glob reader's Rust panics: counted, not shown
               for f in forms}
    t0 = time.monotonic()
    log = work / "run.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([*cli, "run", str(corpus), "--warehouse", str(wh)], env=env, stdout=fh,
                                stderr=subprocess.STDOUT)
        peak = 0
        while proc.poll() is None:  # the versions kept for readers: their peak size on disk
            peak = max(peak, _versions_bytes(wh))
            time.sleep(1.0)
    seconds = time.monotonic() - t0
    stop.touch()
    for p in readers.values():
        p.wait(timeout=600)
    tallies = {f: json.loads((work / f"{f}.json").read_text()) for f in forms}
    return {"run_exit": proc.returncode, "run_seconds": round(seconds, 1), "run_tail": log.read_text()[-400:],
            "versions_peak": peak, "tables": _tables_bytes(wh), "forms": tallies}


def _versions_bytes(wh: Path) -> int:
    """Bytes held only by superseded versions (a current version shares its inode with the table file)."""
    n = 0
    with contextlib.suppress(OSError):
        for e in os.scandir(wh / ".versions"):
            with contextlib.suppress(OSError):
                st = e.stat()
                if st.st_nlink == 1:
                    n += st.st_size
    return n


def _tables_bytes(wh: Path) -> int:
    return sum(p.stat().st_size for t in ("articles", "segments", "runs", "quarantine", "stories")
               for p in (wh / t).rglob("*.parquet"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--seed-articles", type=int, default=200, help="articles in the warehouse before the run")
    ap.add_argument("--forms", default=",".join(DOCUMENTED + GLOBS))
    ap.add_argument("--corpus", type=Path, help="an existing corpus (benchmarks/corpus.py) instead of a new one")
    ap.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the reader processes (default 10)")
    ap.add_argument("--reader", help=argparse.SUPPRESS)
    ap.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reader:
        os.nice(args.nice)  # the run keeps most of the machine: it is the run's speed that reads must not cost
        reader(args.reader, args.warehouse, args.stop, args.out)
        return
    forms = [f for f in args.forms.split(",") if f]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        res = run(args.articles, args.seed_articles, forms, work, args.corpus, args.nice)
    print(f"run of {args.articles} articles: exit {res['run_exit']}, {res['run_seconds']} s; superseded versions "
          f"kept for readers peaked at {res['versions_peak'] / 2**20:.1f} MiB "
          f"(tables: {res['tables'] / 2**20:.1f} MiB)")
    print(f"{'form':<14}{'reads':>8}{'failures':>10}{'violations':>12}")
    for f, t in res["forms"].items():
        print(f"{f:<14}{t['reads']:>8}{t['failures']:>10}{t['violations']:>12}")
        for e in sorted(set(t["errors"]))[:5]:
            print(f"    {e}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
