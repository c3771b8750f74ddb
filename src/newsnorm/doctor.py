"""`newsnorm doctor`: what is installed, what a warehouse waits for, and how to fix it.

Its own module, not part of translation/: besides the Argos packages it reads the
warehouse (languages still waiting for a model) and the translation cache.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path

from newsnorm.translation.argos import argos_packages_dir, installed_packages, plan_routes
from newsnorm.translation.cache import TranslationCache, cache_path
from newsnorm.translation.packages import LANG_NAMES, _describe, _say


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def splitter_status(pkg_path: Path, from_code: str, chunk_type: str) -> tuple[str, bool]:
    """(what splits this package's sentences, whether that works offline) under ARGOS_CHUNK_TYPE."""
    has = {name for name in ("minisbd", "stanza", "spacy") if (pkg_path / name).is_dir()}
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "argos-translate"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".local" / "cache") / "argos-translate"
    if chunk_type == "SPACY":
        if "spacy" in has:
            return "spaCy pipeline inside the package (offline)", True
        if (cache / "spacy" / "senter" / "model").exists():  # Argos' own test (it makes the folder anyway)
            return "spaCy xx_sent_ud_sm cached in " + str(cache / "spacy") + " (offline)", True
        return "spaCy xx_sent_ud_sm, downloaded at first use (fails offline)", False
    if chunk_type == "STANZA" or (chunk_type in ("DEFAULT", "ARGOSTRANSLATE") and "stanza" in has
                                  and "minisbd" not in has):
        if "stanza" in has:
            return ("Stanza model inside the package (Stanza asks the network for resources.json "
                    "each time a package loads: offline, set ARGOS_CHUNK_TYPE=SPACY)"), False
        return "Stanza, downloaded at first use (fails offline)", False
    if "minisbd" in has:
        return "MiniSBD model inside the package (offline)", True
    if chunk_type in ("DEFAULT", "ARGOSTRANSLATE") and "spacy" in has:
        return ("spaCy pipeline inside the package (newsnorm uses it offline; Argos' own translate() "
                "needs ARGOS_CHUNK_TYPE=SPACY)"), True
    if (data / "minisbd" / f"{from_code}.onnx").is_file():
        return f"MiniSBD model cached in {data / 'minisbd'} (offline)", True
    return "MiniSBD model, downloaded at first use (fails offline)", False


def doctor(warehouse: Path, console) -> int:
    _say(console, f"python {platform.python_version()} ({platform.machine()})")
    for dist in ("newsnorm", "argostranslate", "ctranslate2", "sentencepiece", "spacy", "stanza", "torch",
                 "langdetect", "polars", "pyarrow", "duckdb", "prefect", "prefect-dask", "ftfy"):
        _say(console, f"  {dist:15} {_version(dist)}")
    root = argos_packages_dir()
    chunk_type = os.environ.get("ARGOS_CHUNK_TYPE", "DEFAULT").upper()
    pkgs = installed_packages(root)
    _say(console, f"Argos packages in {root}: {len(pkgs)}   (ARGOS_CHUNK_TYPE={chunk_type})")
    for p in pkgs:
        _say(console, f"  {_describe(p)}")
        splitter, offline = splitter_status(Path(p["path"]), p["from_code"], chunk_type)
        _say(console, f"      sentence splitter: {splitter}" if offline else
                      f"      [yellow]sentence splitter[/]: {splitter}")
    broken = [d for d in sorted(root.iterdir()) if d.is_dir() and not (d / "metadata.json").is_file()] \
        if root.is_dir() else []
    for d in broken:
        _say(console, f"  [red]broken[/] {d}: no metadata.json, so Argos fails to list packages; "
                      f"fix: remove that folder, then reinstall the package")
    routes = plan_routes(pkgs)
    for lang, legs in sorted(routes.items()):
        kind = "direct" if len(legs) == 1 else "pivot " + "->".join([lang] + [leg["to_code"] for leg in legs])
        _say(console, f"  {LANG_NAMES.get(lang, lang)} ({lang}) -> en: {kind}")
    cache = TranslationCache(cache_path(warehouse))
    stats = cache.stats()
    if stats:
        _say(console, f"translation cache {cache.path}: " + ", ".join(f"{m} {n}" for m, n in sorted(stats.items())))
    seen = _warehouse_langs(warehouse)
    if seen is None:
        _say(console, f"warehouse {warehouse}: none yet")
        return 0
    waiting = sorted(lang for lang in seen if lang in routes)
    missing = sorted(lang for lang in seen if lang not in routes)
    if not missing and not waiting:
        _say(console, f"warehouse {warehouse}: no segment is waiting for a translation model")
    for lang in waiting:
        _say(console, f"{LANG_NAMES.get(lang, lang)} ({lang}): {seen[lang]} segment(s) waiting, and a package is "
                      f"installed now; fix: newsnorm run  (the next run backfills them)")
    for lang in missing:
        _say(console, f"[yellow]missing[/] {LANG_NAMES.get(lang, lang)} ({lang}) seen in {seen[lang]} segment(s) "
                      f"without a translation model; fix: newsnorm models install {lang}"
                      f"   (offline: newsnorm models install --from translate-{lang}_en.argosmodel)")
    return 0


def _warehouse_langs(warehouse: Path) -> dict[str, int] | None:
    """Languages with segments still waiting for a model (translation_status = missing_model)."""
    if not (warehouse / "segments").is_dir():
        return None
    from newsnorm.warehouse.query import connect

    con = connect(warehouse)
    rows = con.sql("select lang, count(*) from segments where translation_status = 'missing_model' "
                   "group by lang").fetchall()
    return dict(rows)
