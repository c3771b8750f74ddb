"""`newsnorm models`: Argos packages, listed and installed (`newsnorm doctor` is newsnorm.doctor).

Offline, Argos' own index calls print a URLError or retry for minutes; so the index and
package downloads go through urllib here with short timeouts (file:// works too, for mirrors
and tests), and a package file is validated before Argos sees it (a zip without
metadata.json would break every later `get_installed_packages()`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from newsnorm.translation.argos import argos_packages_dir, installed_packages, package_id, plan_routes

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
LANG_NAMES = {"ko": "Korean", "vi": "Vietnamese", "ja": "Japanese", "zh": "Chinese", "fr": "French",
              "de": "German", "es": "Spanish", "id": "Indonesian", "th": "Thai", "ru": "Russian"}
INDEX_TIMEOUT = 5.0
DOWNLOAD_TIMEOUT = 60.0  # per socket operation, not for the whole (100 MB) download


def index_url() -> str:
    return os.environ.get("ARGOS_PACKAGE_INDEX", DEFAULT_INDEX) + "index.json"


def fetch_index(timeout: float = INDEX_TIMEOUT) -> list[dict] | None:
    """The Argos package index, or None when it cannot be reached quickly."""
    try:
        with urllib.request.urlopen(index_url(), timeout=timeout) as resp:
            index = json.loads(resp.read())
        return index if isinstance(index, list) else None
    except Exception:
        return None


def validate_package(path: Path) -> dict:
    """Check a .argosmodel before installing; returns its metadata (plus `_folder`) or raises ValueError."""
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            metas = [n for n in names if n.count("/") == 1 and n.endswith("/metadata.json")]
            if len(metas) != 1:
                raise ValueError(f"{path}: not an Argos package (no <folder>/metadata.json inside)")
            root = metas[0].split("/")[0]
            if any(not n.startswith(f"{root}/") or ".." in n.split("/") for n in names):
                raise ValueError(f"{path}: not an Argos package (files outside its folder {root}/)")
            meta = json.loads(zf.read(metas[0]))
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not an Argos package ({exc})") from exc
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: metadata.json is not an object")
    if not any(n.startswith(f"{root}/model/") for n in names):
        raise ValueError(f"{path}: not an Argos package (no model/ folder)")
    if f"{root}/sentencepiece.model" not in names and f"{root}/bpe.model" not in names:
        raise ValueError(f"{path}: not an Argos package (no sentencepiece.model or bpe.model)")
    for key in ("from_code", "to_code"):
        if not meta.get(key):
            raise ValueError(f"{path}: metadata.json lacks {key}")
    if meta.get("type", "translate") != "translate":
        raise ValueError(f"{path}: a {meta.get('type')!r} package, not a translation package")
    meta["_folder"] = root
    return meta


def _say(console, text: str) -> None:
    """One message, one line: no wrapping at the terminal width (greppable, copy-pasteable fixes)."""
    console.print(text, soft_wrap=True)


def _describe(p: dict) -> str:
    fixture = "  [TEST FIXTURE, not a translation model]" if p.get("test_fixture") else ""
    return (f"{p['from_code']} -> {p['to_code']}  version {p.get('package_version', '?')}  "
            f"{_size(Path(p['path']))}  {p['path']}{fixture}")


def _size(path: Path) -> str:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return f"{total / 1e6:.1f} MB" if total >= 1e5 else f"{total / 1e3:.0f} kB"


def list_models(console) -> int:
    root = argos_packages_dir()
    pkgs = installed_packages(root)
    _say(console, f"packages folder: {root}")
    if not pkgs:
        _say(console, "no Argos packages installed")
    for p in pkgs:
        _say(console, f"  {_describe(p)}")
    for lang, legs in sorted(plan_routes(pkgs).items()):
        if len(legs) > 1:
            _say(console, f"  {lang} -> en through a pivot: {' then '.join(package_id(p) for p in legs)}")
    index = fetch_index()
    if index is None:
        _say(console, f"package index: not reachable ({index_url()}); offline installs: "
                      "newsnorm models install --from FILE.argosmodel")
    else:
        to_en = sorted({(p["from_code"], p.get("package_version", "?")) for p in index
                        if p.get("to_code") == "en" and p.get("from_code")})
        _say(console, "index offers -> en: " + ", ".join(f"{c} ({v})" for c, v in to_en))
    return 0


def install(langs: list[str], from_files: list[str] | None, console) -> int:
    root = argos_packages_dir()
    if from_files:
        try:  # all or nothing: every file is checked before the first is installed
            metas = [validate_package(Path(f)) for f in from_files]
        except ValueError as exc:
            _say(console, f"[red]error[/] {exc}")
            return 2
        for f, meta in zip(from_files, metas, strict=True):
            _install_file(Path(f), meta, root, console)
        return 0
    if not langs:
        _say(console, "[red]error[/] name languages (newsnorm models install ko vi) or a file (--from FILE)")
        return 2
    index = fetch_index()
    if index is None:
        _say(console, f"[red]error[/] the Argos package index is not reachable ({index_url()}); offline? "
                      "Download the .argosmodel elsewhere and run: newsnorm models install --from FILE.argosmodel")
        return 2
    status = 0
    for lang in langs:
        status = max(status, _install_from_index(lang, index, root, console))
    return status


def _install_from_index(lang: str, index: list[dict], root: Path, console) -> int:
    found = [p for p in index if p.get("from_code") == lang and p.get("to_code") == "en" and p.get("links")]
    if not found:
        _say(console, f"[red]error[/] the Argos index has no {lang}->en package "
                      f"(see what it offers: newsnorm models list)")
        return 2
    entry = max(found, key=lambda p: _version_key(p.get("package_version", "")))
    have = [p for p in installed_packages(root) if p["from_code"] == lang and p["to_code"] == "en"]
    if any(p.get("package_version") == entry.get("package_version") for p in have):
        _say(console, f"{lang} -> en {entry.get('package_version')} is already installed")
        return 0
    _say(console, f"downloading {lang} -> en {entry.get('package_version', '?')} ({entry['links'][0]}) ...")
    with tempfile.TemporaryDirectory(prefix="newsnorm-download-") as tmp:
        dest = Path(tmp) / f"translate-{lang}_en.argosmodel"
        error = _download(entry["links"], dest)
        if error:
            _say(console, f"[red]error[/] download of {lang}->en failed: {error}; "
                          "or download it elsewhere and run: newsnorm models install --from FILE.argosmodel")
            return 2
        try:
            meta = validate_package(dest)
        except ValueError as exc:
            _say(console, f"[red]error[/] the downloaded file is not usable: {exc}")
            return 2
        _install_file(dest, meta, root, console)
    return 0


def _download(links: list[str], dest: Path) -> str | None:
    """First link that downloads completely; the last error otherwise. The index also lists
    ipfs:// links (and the typo ifps://), which urllib cannot fetch: only http(s) and file."""
    error = "no http(s) link"
    for url in [u for u in links if u.split(":", 1)[0] in ("https", "http", "file")]:
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as resp, dest.open("wb") as out:
                shutil.copyfileobj(resp, out, 1 << 20)
            return None
        except Exception as exc:
            error = f"{url}: {exc}"
    return error


def _install_file(path: Path, meta: dict, root: Path, console) -> None:
    """Install with Argos' own install_from_path; an older copy of the same pair is replaced."""
    from newsnorm.translation.argos_backend import import_argos

    argos = import_argos(root)
    replaced = [p for p in installed_packages(root)
                if p["from_code"] == meta["from_code"] and p["to_code"] == meta["to_code"]
                and Path(p["path"]).name != meta["_folder"]]
    argos.package.install_from_path(path)
    for old in replaced:
        shutil.rmtree(old["path"])
        _say(console, f"removed {Path(old['path']).name} (version {old.get('package_version', '?')}), replaced")
    argos.translate.get_installed_languages.cache_clear()
    fixture = "  [TEST FIXTURE, not a translation model]" if meta.get("test_fixture") else ""
    _say(console, f"installed {meta['from_code']} -> {meta['to_code']} (version {meta.get('package_version', '?')}, "
                  f"{_size(root / meta['_folder'])}) into {root / meta['_folder']}{fixture}")


def _version_key(version: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in version.replace("-", ".").split("."))
