"""Containers at scale, shared by workers: a WARC of 50,000 records and a JSONL of 200,000.

Each container is written to a temporary folder, then read in a fresh child process the
way a run reads it: the writing process plans it (hashes it and finds its ranges:
runner/container_plan.py) and hands the ranges to a pool of 1 or 2 worker processes
(`--workers`), which read their records into RawArticles (HTML pages decoded, parsed and
cut into lines with their hints; JSONL text normalised) and send them back, as a run's
workers do before the steps; a .jsonl.gz is first inflated into pieces by one worker.
At most `2 x workers` ranges are in flight, as in a run. The child prints records per
second, the writing process's peak RSS and the largest worker's; the same is done for
3,000 records of each, so the figures show whether memory grows with the container.

The steps after reading (language, roles, translation) cost the same per article whatever
the container; their memory is measured by benchmarks/run.py.

    python benchmarks/inputs_scale.py [--warc 50000] [--jsonl 200000] [--small 3000] [--workers 1 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "tests" / "data" / "html" / "article.html").read_text(encoding="utf-8")
SEED = (ROOT / "seeds" / "000_06eacf3540ead390.txt").read_text(encoding="utf-8")


def _page(i: int) -> bytes:
    return PAGE.replace("<h1>", f"<h1>Number {i}: ").encode("utf-8")


def write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(n):
            url = f"https://news.example.org/{i}"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(_page(i)), http_headers=hh))


def write_jsonl(path: Path, n: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"doc-{i}", "url": f"https://news.example.org/{i}",
                                 "text": f"Number {i}\n\n" + SEED}) + "\n")


def _read(task):
    """One range in a worker: its records as RawArticles, sent back (dropped by the writer)."""
    from newsnorm.runner.containers import read_container
    from newsnorm.runner.work import article_id_for

    read = read_container(task, article_id_for)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return read.raws, read.records, sum(read.skipped.values()), len(read.quarantined), read.pieces, \
        read.next_line, peak


def child(path: str, workers: int) -> None:
    """Plan `path` as a run does, read its ranges on `workers` processes; print one JSON line."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from newsnorm.readers.containers import ReadOptions, format_of
    from newsnorm.runner.batching import Feed
    from newsnorm.runner.container_plan import ContainerPlan, piece_tasks, plan_container
    from newsnorm.runner.containers import ContainerDone

    class Counts:
        files_changed = files_new = files_unchanged = 0

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as spill:
        cplan = ContainerPlan(spill_root=Path(spill))
        tasks = plan_container(path, format_of(path), ReadOptions(), cplan, dict, Counts())
        feed = Feed(tasks, 1)
        n = skipped = bad = ranges = 0
        worker_peak = 0.0
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending: list = []
            while True:
                while len(pending) < 2 * workers and (batch := next(feed, None)) is not None:
                    pending.append((batch[0], pool.submit(_read, batch[0])))
                if not pending:
                    break
                task, future = pending.pop(0)
                raws, records, skip, q, pieces, next_line, peak = future.result()
                ranges += 1
                n += records
                skipped += skip
                bad += q
                worker_peak = max(worker_peak, peak)
                del raws  # what the writer does with them comes after reading: not measured here
                if pieces:
                    done = ContainerDone(task.path, task.fmt, task.start, None, True, [], next_line, 0, 0, False,
                                         pieces, True)
                    feed.add(piece_tasks(done, cplan, ReadOptions()))
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": n, "bad": bad, "skipped": skipped, "seconds": seconds, "ranges": ranges,
                      "writer_mib": peak, "worker_mib": worker_peak}))


def measure(path: Path, workers: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--workers", str(workers)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warc", type=int, default=50_000)
    ap.add_argument("--jsonl", type=int, default=200_000)
    ap.add_argument("--small", type=int, default=3_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--only", choices=["warc", "jsonl"], help="measure one kind of container")
    ap.add_argument("--keep", help="write the containers here (default: a temporary folder)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.workers[0])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'container':<24}{'records':>9}{'MiB on disk':>12}{'ranges':>8}{'workers':>8}{'records/s':>10}"
              f"{'writer MiB':>11}{'worker MiB':>11}")
        for kind, writer, sizes in (("warc.gz", write_warc, (args.small, args.warc)),
                                    ("jsonl.gz", write_jsonl, (args.small, args.jsonl))):
            if args.only and not kind.startswith(args.only):
                continue
            for n in sizes:
                path = folder / f"scale_{n}.{kind}"
                if not path.exists():
                    writer(path, n)
                for workers in args.workers:
                    r = measure(path, workers)
                    print(f"{path.name:<24}{r['records']:>9,}{path.stat().st_size / 2**20:>12.1f}{r['ranges']:>8}"
                          f"{workers:>8}{r['records'] / r['seconds']:>10.0f}{r['writer_mib']:>11.1f}"
                          f"{r['worker_mib']:>11.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
