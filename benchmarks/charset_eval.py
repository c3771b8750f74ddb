"""How the HTML reader decides a page's charset, measured on real pages with wrong labels.

The 181 benchmark pages (`../shared/eval/boilerplate/html`, UTF-8) are turned into the
cases archives hold: as stored; UTF-8 bytes labelled ISO-8859-1 (in <meta> or only in the
HTTP header); re-encoded to windows-1252 and labelled so; re-encoded to windows-1252 but
still labelled UTF-8 (only pages whose text fits windows-1252). A page is right when its
decoded text equals the original. Printed per case: pages, right, and the rules used
(readers/charset.py RULES), beside a plain decoder that believes the label.

    python benchmarks/charset_eval.py [--data DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

from newsnorm.readers.charset import decode_html, normalise_label

ROOT = Path(__file__).resolve().parent.parent
_META = re.compile(rb"""(<meta[^>]+charset\s*=\s*["']?\s*)([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)


def relabel(data: bytes, label: str) -> bytes:
    out, n = _META.subn(lambda m: m.group(1) + label.encode(), data, count=1)
    return out if n else b'<meta charset="' + label.encode() + b'">' + data


def believe_label(data: bytes, http: str | None) -> str:
    m = _META.search(data[:4096])
    codec = normalise_label(http) or normalise_label(m.group(2).decode() if m else None) or "utf-8"
    return data.decode(codec, errors="replace")


def cases(html: str):
    utf8 = html.encode("utf-8")
    yield "utf-8 as stored", utf8, None, html
    latin = relabel(utf8, "iso-8859-1")
    yield "utf-8, <meta> says iso-8859-1", latin, None, latin.decode("utf-8")
    yield "utf-8, HTTP says iso-8859-1", utf8, "iso-8859-1", html
    try:
        cp = relabel(html.encode("cp1252"), "windows-1252")
    except UnicodeEncodeError:
        return
    expected = cp.decode("cp1252")
    yield "windows-1252, labelled so", cp, None, expected
    lying = relabel(html.encode("cp1252"), "utf-8")
    yield "windows-1252, <meta> says utf-8", lying, None, lying.decode("cp1252")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.environ.get("NEWSNORM_BOILERPLATE")
                    or str(ROOT.parent / "shared" / "eval" / "boilerplate"))
    args = ap.parse_args(argv)
    folder = Path(args.data) / "html"
    if not folder.is_dir():
        print(f"no pages at {folder}", file=sys.stderr)
        return 2
    stats: dict[str, Counter] = {}
    t0 = time.perf_counter()
    n = 0
    for p in sorted(folder.glob("*.html.gz")):
        html = gzip.decompress(p.read_bytes()).decode("utf-8")
        for name, data, http, expected in cases(html):
            text, _, rule = decode_html(data, http)
            c = stats.setdefault(name, Counter())
            c["pages"] += 1
            c["right"] += text == expected
            c["label_right"] += believe_label(data, http) == expected
            c[f"rule:{rule}"] += 1
            n += 1
    print(f"{n} decodings in {time.perf_counter() - t0:.1f} s")
    print(f"{'case':<36}{'pages':>6}{'right':>7}{'label only':>12}  rules")
    for name, c in stats.items():
        rules = ", ".join(f"{k[5:]} {v}" for k, v in sorted(c.items()) if k.startswith("rule:"))
        print(f"{name:<36}{c['pages']:>6}{c['right']:>7}{c['label_right']:>12}  {rules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
