"""Containers at scale: a WARC of 50,000 records and a JSONL of 200,000, read as streams.

Each container is written to a temporary folder, then read in a fresh child process:
every record is decoded into a RawArticle (HTML pages decoded, parsed and cut into lines
with their hints; JSONL text normalised) and dropped, as a worker does before the steps.
The child prints records per second and its peak RSS; the same is done for 3,000 records
of each, so the figures show whether memory grows with the container.

The steps after reading (language, roles, translation) cost the same per article whatever
the container; their memory is measured by benchmarks/run.py.

    python benchmarks/inputs_scale.py [--warc 50000] [--jsonl 200000] [--small 3000] [--keep DIR]
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


def child(path: str) -> None:
    """Read every record of `path` into a RawArticle and drop it; print one JSON line."""
    from collections import Counter

    from newsnorm.readers.containers import ReadOptions, article_from_record, format_of, iter_records
    from newsnorm.readers.records import BadRecord

    t0 = time.perf_counter()
    n = bad = chars = 0
    skipped: Counter = Counter()
    for rec in iter_records(path, format_of(path), ReadOptions(), skipped):
        if isinstance(rec, BadRecord):
            bad += 1
            continue
        raw = article_from_record(path, rec)
        n += 1
        chars += len(raw.text)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": n, "bad": bad, "skipped": sum(skipped.values()), "seconds": seconds,
                      "peak_mib": peak, "chars": chars}))


def measure(path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warc", type=int, default=50_000)
    ap.add_argument("--jsonl", type=int, default=200_000)
    ap.add_argument("--small", type=int, default=3_000)
    ap.add_argument("--keep", help="write the containers here (default: a temporary folder)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'container':<28}{'records':>9}{'MiB on disk':>13}{'records/s':>11}{'peak RSS MiB':>14}")
        for kind, writer, sizes in (("warc.gz", write_warc, (args.small, args.warc)),
                                    ("jsonl.gz", write_jsonl, (args.small, args.jsonl))):
            for n in sizes:
                path = folder / f"scale_{n}.{kind}"
                if not path.exists():
                    writer(path, n)
                r = measure(path)
                print(f"{path.name:<28}{r['records']:>9,}{path.stat().st_size / 2**20:>13.1f}"
                      f"{r['records'] / r['seconds']:>11.0f}{r['peak_mib']:>14.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
