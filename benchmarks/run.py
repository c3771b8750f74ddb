"""Throughput benchmark: newsnorm against the naive script on one generated corpus.

    python benchmarks/run.py [--articles 3000] [--workers N] [--out benchmarks/out]

Prints, in one go: articles per second for the naive script and for `newsnorm run`
(end to end, Prefect start-up included), their ratio, the fixed start-up (a run over an
empty folder), an unchanged re-run, (re-run - empty) / (full - empty), peak memory of
each process tree, and the share of lines that reached langdetect.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class _Tree:
    """Resident memory of a process and all its descendants, from /proc, cheaply enough to
    sample often: each process's parent is read once, and only the tree's own processes'
    memory is read at each sample (the sampler runs beside the benchmark on the same cores)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.parent: dict[int, int] = {}

    def rss_kib(self) -> int:
        pids = {int(n) for n in os.listdir("/proc") if n.isdigit()}
        for gone in self.parent.keys() - pids:
            del self.parent[gone]
        for pid in pids - self.parent.keys():
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    self.parent[pid] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
        children: dict[int, list[int]] = {}
        for pid, ppid in self.parent.items():
            children.setdefault(ppid, []).append(pid)
        total, stack = 0, [self.root]
        while stack:
            p = stack.pop()
            try:
                with open(f"/proc/{p}/statm") as fh:
                    total += int(fh.read().split()[1]) * _PAGE_KIB
            except (OSError, IndexError, ValueError):
                pass
            stack.extend(children.get(p, []))
        return total


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time, peak resident memory of the whole process tree (KiB), stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    tree = _Tree(proc.pid)

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree.rss_kib())
            stop.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    stop.set()
    t.join()
    dt = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return dt, peak, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--skip-naive", action="store_true", help="reuse nothing; just skip the baseline")
    args = ap.parse_args()

    out = args.out.absolute()
    shutil.rmtree(out, ignore_errors=True)
    corpus, empty, wh = out / "corpus", out / "empty", out / "warehouse"
    empty.mkdir(parents=True)
    t0 = time.perf_counter()
    generate(corpus, args.articles, seed=1)
    print(f"corpus: {args.articles} articles generated in {time.perf_counter() - t0:.1f} s ({corpus})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(out / "prefect-home")
    env["ARGOS_PACKAGES_DIR"] = str(out / "no-argos-packages")  # no translation models installed
    nn = [sys.executable, "-m", "newsnorm.cli", "run", "--warehouse", str(wh)]
    if args.workers:
        nn += ["--workers", str(args.workers)]

    rows = []
    if not args.skip_naive:
        t_naive, m_naive, _ = timed([sys.executable, str(ROOT / "benchmarks" / "naive.py"), str(corpus),
                                     str(out / "naive.parquet")], env)
        rows.append(("naive script", t_naive, m_naive))
    timed(nn + [str(empty)], env)  # first run in a new PREFECT_HOME creates Prefect's database
    t_empty, m_empty, _ = timed(nn + [str(empty)], env)
    shutil.rmtree(wh, ignore_errors=True)
    t_full, m_full, full_out = timed(nn + [str(corpus)], env)
    t_rerun, m_rerun, rerun_out = timed(nn + [str(corpus)], env)
    rows += [("newsnorm, empty input", t_empty, m_empty), ("newsnorm, full run", t_full, m_full),
             ("newsnorm, unchanged re-run", t_rerun, m_rerun)]

    import duckdb

    ld = duckdb.sql(f"select lines_langid, lines_langdetect, files_written from "
                    f"read_parquet('{wh}/runs/*.parquet') order by started_at limit 1").fetchall()[0]

    print()
    print(f"{'':28} {'seconds':>8} {'articles/s':>11} {'peak RSS MiB':>13}")
    for name, secs, kib in rows:
        rate = args.articles / secs if "empty" not in name else float("nan")
        print(f"{name:28} {secs:8.2f} {rate:11.1f} {kib / 1024:13.0f}")
    print()
    summary = {
        "articles": args.articles,
        "newsnorm_articles_per_s": round(args.articles / t_full, 1),
        "fixed_startup_s": round(t_empty, 2),
        "processing_articles_per_s_above_startup": round(args.articles / max(t_full - t_empty, 1e-9), 1),
        "rerun_share_above_startup": round((t_rerun - t_empty) / max(t_full - t_empty, 1e-9), 3),
        "peak_rss_mib": round(max(m_full, m_rerun) / 1024),
        "langdetect_share": round(ld[1] / max(ld[0], 1), 4),
        "written": ld[2],
    }
    if not args.skip_naive:
        summary["naive_articles_per_s"] = round(args.articles / t_naive, 1)
        summary["speedup_vs_naive"] = round(t_naive / t_full, 2)
    print(json.dumps(summary, indent=2))
    print(f"(self: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB)")


if __name__ == "__main__":
    main()
