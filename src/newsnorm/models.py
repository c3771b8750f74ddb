"""`newsnorm models` and `newsnorm doctor`: Argos packages, installed and missing.

Offline, Argos' own index calls print a URLError or retry for minutes; so reachability is
checked first with a short timeout, and a package file is validated before Argos sees it
(a zip without metadata.json would break every later `get_installed_packages()`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import urllib.request
import zipfile
from pathlib import Path

from .translate import argos_packages_dir, installed_packages

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
LANG_NAMES = {"ko": "Korean", "vi": "Vietnamese", "ja": "Japanese", "zh": "Chinese", "fr": "French",
              "de": "German", "es": "Spanish", "id": "Indonesian", "th": "Thai", "ru": "Russian"}


def index_url() -> str:
    return os.environ.get("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX) + "index.json"


def fetch_index(timeout: float = 5.0) -> list[dict] | None:
    """The Argos package index, or None when it cannot be reached quickly."""
    try:
        with urllib.request.urlopen(index_url(), timeout=timeout) as resp:
            return json.loads(resp.read())
    except Exception:
        return None


def validate_package(path: Path) -> dict:
    """Check a .argosmodel before installing; returns its metadata or raises ValueError."""
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path}: not an Argos package (not a zip archive)")
    with zipfile.ZipFile(path) as zf:
        metas = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
        if len(metas) != 1:
            raise ValueError(f"{path}: not an Argos package (no <folder>/metadata.json inside)")
        meta = json.loads(zf.read(metas[0]))
        root = metas[0].split("/")[0]
        names = set(zf.namelist())
        if not any(n.startswith(f"{root}/model/") for n in names):
            raise ValueError(f"{path}: not an Argos package (no model/ folder)")
    for key in ("from_code", "to_code"):
        if not meta.get(key):
            raise ValueError(f"{path}: metadata.json lacks {key}")
    return meta


def list_models(console) -> int:
    root = argos_packages_dir()
    pkgs = installed_packages(root)
    console.print(f"packages folder: {root}")
    if not pkgs:
        console.print("no Argos packages installed")
    for p in pkgs:
        console.print(f"  {p['from_code']} -> {p['to_code']}  version {p.get('package_version', '?')}  {p['path']}")
    index = fetch_index()
    if index is None:
        console.print(f"package index: not reachable ({index_url()}); offline installs: "
                      "newsnorm models install --from FILE.argosmodel")
    else:
        to_en = sorted({(p["from_code"], p.get("package_version", "?")) for p in index if p.get("to_code") == "en"})
        console.print("index offers ->en: " + ", ".join(f"{c} ({v})" for c, v in to_en))
    return 0


def install(langs: list[str], from_file: str | None, console) -> int:
    root = argos_packages_dir()
    os.environ["ARGOS_PACKAGES_DIR"] = str(root)
    if from_file:
        try:
            meta = validate_package(Path(from_file))
        except ValueError as exc:
            console.print(f"[red]error[/] {exc}")
            return 2
        from argostranslate import package

        package.install_from_path(Path(from_file))
        console.print(f"installed {meta['from_code']} -> {meta['to_code']} "
                      f"(version {meta.get('package_version', '?')}) into {root}")
        return 0
    if not langs:
        console.print("[red]error[/] name languages (newsnorm models install ko vi) or a file (--from FILE)")
        return 2
    index = fetch_index()
    if index is None:
        console.print(f"[red]error[/] the Argos package index is not reachable ({index_url()}); "
                      "download the .argosmodel elsewhere and run: newsnorm models install --from FILE.argosmodel")
        return 2
    from argostranslate import package

    status = 0
    for lang in langs:
        found = [p for p in index if p.get("from_code") == lang and p.get("to_code") == "en"]
        if not found:
            console.print(f"[red]error[/] the index has no {lang}->en package")
            status = 2
            continue
        avail = package.AvailablePackage(found[0])
        console.print(f"downloading {lang}->en {avail.package_version} ...")
        avail.install()
        console.print(f"installed {lang} -> en into {root}")
    return status


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def doctor(warehouse: Path, console) -> int:
    console.print(f"python {platform.python_version()} ({platform.machine()})")
    for dist in ("newsnorm", "argostranslate", "ctranslate2", "langdetect", "polars", "pyarrow", "duckdb",
                 "prefect", "prefect-dask", "torch", "ftfy"):
        console.print(f"  {dist:15} {_version(dist)}")
    root = argos_packages_dir()
    pkgs = installed_packages(root)
    console.print(f"Argos packages in {root}: {len(pkgs)}")
    for p in pkgs:
        splitter = "spacy/" if (Path(p["path"]) / "spacy").is_dir() else (
            "stanza/" if (Path(p["path"]) / "stanza").is_dir() else "none")
        note = "" if splitter != "none" else " (no sentence splitter inside: Argos downloads one at first use, " \
                                             "which fails offline)"
        console.print(f"  {p['from_code']} -> {p['to_code']} {p.get('package_version', '?')} "
                      f"splitter {splitter}{note}")
    if splitter_env := os.environ.get("ARGOS_CHUNK_TYPE"):
        console.print(f"  ARGOS_CHUNK_TYPE={splitter_env}")
    have = {p["from_code"] for p in pkgs if p["to_code"] == "en"}
    seen = _warehouse_langs(warehouse)
    if seen is None:
        console.print(f"warehouse {warehouse}: none yet")
        return 0
    missing = sorted(lang for lang in seen if lang not in ("en", "und") and lang not in have)
    if not missing:
        console.print(f"warehouse {warehouse}: every foreign language seen has a package")
    for lang in missing:
        console.print(f"[yellow]missing[/] {LANG_NAMES.get(lang, lang)} ({lang}) seen in {seen[lang]} segment(s) "
                      f"without a translation model; fix: newsnorm models install {lang}"
                      f"   (offline: newsnorm models install --from translate-{lang}_en.argosmodel)")
    return 0


def _warehouse_langs(warehouse: Path) -> dict[str, int] | None:
    if not (warehouse / "segments").is_dir():
        return None
    from .query import connect

    con = connect(warehouse)
    rows = con.sql("select lang, count(*) from segments where translation_status = 'missing_model' "
                   "group by lang").fetchall()
    return dict(rows)
