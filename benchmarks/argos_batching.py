#!/usr/bin/env python
"""Argos' translate() (one CTranslate2 call per paragraph) against newsnorm's batched path.

Runs on the test-fixture packages (tiny models: per-call overhead dominates, so this measures
what batching saves in calls and Python work, not what a 100 MB model spends on arithmetic).
Both paths must give identical text; the script checks it.

    python benchmarks/argos_batching.py [--segments 20 100 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "argos"


def _setup() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="newsnorm-bench-"))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(tmp / var.lower())
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"  # the fixtures split sentences with their own spaCy pipeline
    os.environ["ARGOS_PACKAGES_DIR"] = str(tmp / "packages")
    sys.path.insert(0, str(ROOT / "src"))
    from newsnorm.translation.argos_backend import import_argos

    argos = import_argos(tmp / "packages")
    for name in ("vi_en", "ko_en"):
        argos.package.install_from_path(FIXTURES / f"translate-{name}-fixture.argosmodel")
    return tmp / "packages"


def _sources(name: str) -> list[str]:
    import json

    with zipfile.ZipFile(FIXTURES / f"translate-{name}-fixture.argosmodel") as zf:
        meta = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("/metadata.json")))
    return [src for src, _ in meta["phrase_pairs"]]


def segments(n: int, sentences: list[str], rng: random.Random) -> list[str]:
    """n paragraphs of 1-3 known sentences, no two neighbours equal (Argos caches the previous call)."""
    out: list[str] = []
    while len(out) < n:
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
        if not out or out[-1] != text:
            out.append(text)
    return out


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, nargs="+", default=[3, 20, 100, 500])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    packages = _setup()
    import ctranslate2
    from argostranslate import translate as argos_translate

    from newsnorm.translation import argos_backend

    calls: list[int] = []

    class Counting(ctranslate2.Translator):
        def translate_batch(self, source, *a, **k):
            calls.append(len(source))
            return super().translate_batch(source, *a, **k)

    ctranslate2.Translator = Counting
    engine = argos_backend.engine_for(packages)
    rng = random.Random(7)
    print("| lang | segments | sentences | Argos translate(): s (calls) | batched, tokens/batch 32: s (calls) "
          "| batched, 2048: s (calls) | speed-up (2048) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for lang, name in (("vi", "vi_en"), ("ko", "ko_en")):
        sources = _sources(name)
        warm = " ".join(sources)  # load the model once, outside the timings, with a text not measured
        argos_translate.translate(warm, lang, "en")  # (Argos caches the paragraphs of its last call)
        engine.translate([warm], lang)
        for n in args.segments:
            texts = segments(n, sources, rng) if n != len(sources) else sources
            n_sent = sum(t.count(".") for t in texts)
            calls.clear()
            def one_by_one(texts=texts, lang=lang):
                return [argos_translate.translate(t, lang, "en") for t in texts]

            t_argos, out_argos = _best(one_by_one, args.repeat)
            c_argos = len(calls) // args.repeat
            row = []
            out_fast = None
            for tokens in (32, 2048):
                argos_backend.BATCH_TOKENS = tokens
                calls.clear()
                t_fast, out_fast = _best(lambda texts=texts, lang=lang: engine.translate(texts, lang), args.repeat)
                row.append((t_fast, len(calls) // args.repeat))
            if out_fast != out_argos:
                raise SystemExit(f"{lang} n={n}: the batched path differs from Argos' translate()")
            print(f"| {lang} | {n} | {n_sent} | {t_argos:.3f} ({c_argos}) | {row[0][0]:.3f} ({row[0][1]}) "
                  f"| {row[1][0]:.3f} ({row[1][1]}) | {t_argos / row[1][0]:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
