"""The naive baseline: seeded langdetect on every line, lines written to Parquet with pyarrow.

    python benchmarks/naive.py INPUT_DIR OUT.parquet
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException


def run(inputs: Path, out: Path) -> int:
    DetectorFactory.seed = 0
    paths, nos, texts, langs = [], [], [], []
    files = sorted(p for p in inputs.rglob("*.txt") if p.is_file())
    for f in files:
        for i, line in enumerate(f.read_text(encoding="utf-8", errors="replace").split("\n")):
            if not line.strip():
                continue
            try:
                lang = detect(line)
            except LangDetectException:
                lang = "und"
            paths.append(str(f))
            nos.append(i)
            texts.append(line)
            langs.append(lang)
    pq.write_table(pa.table({"path": paths, "line": nos, "text": texts, "lang": langs}), out)
    return len(files)


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), Path(sys.argv[2])), "files")
