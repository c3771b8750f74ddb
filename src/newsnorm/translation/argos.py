"""Argos Translate as the translate step's `Translator`, and the installed packages it uses.

Package discovery reads metadata.json files only, without importing argostranslate (and
torch): a run decides what is translatable, and keys its cache, before any model loads.
The engine itself (batched CTranslate2 calls) is `argos_backend`, loaded on first translate.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsnorm.translation.protocol import NoTranslator, Translator


def argos_packages_dir() -> Path:
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "argos-translate" / "packages"


def installed_packages(packages_dir: Path | None = None) -> list[dict]:
    """Read installed Argos packages' metadata without importing argostranslate (and torch)."""
    root = packages_dir or argos_packages_dir()
    out = []
    if not root.is_dir():
        return out
    for meta in sorted(root.glob("*/metadata.json")):
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if info.get("type", "translate") == "translate" and info.get("from_code") and info.get("to_code"):
            info["path"] = str(meta.parent)
            out.append(info)
    return out


def package_id(pkg: dict) -> str:
    """Package name and version, as the cache keys them (same form as ArgosEngine.model_id)."""
    return f"{Path(pkg['path']).name}@{pkg.get('package_version', '')}"


def plan_routes(pkgs: list[dict], to: str = "en") -> dict[str, list[dict]]:
    """lang -> packages leading to English: a direct package, else one pivot X->Y->en.

    Argos composes pivots itself at translation time; this prediction (from metadata, no
    import) decides which languages are translatable and keys cache lookups. Argos' actual
    route is what translates, and new cache entries are keyed by it.
    """
    by_from: dict[str, list[dict]] = {}
    for p in pkgs:
        by_from.setdefault(p["from_code"], []).append(p)
    routes: dict[str, list[dict]] = {}
    for src, ps in by_from.items():
        if src == to:
            continue
        direct = [p for p in ps if p["to_code"] == to]
        if direct:
            routes[src] = direct[:1]
            continue
        for p in ps:
            onward = [q for q in by_from.get(p["to_code"], []) if q["to_code"] == to]
            if onward:
                routes[src] = [p, onward[0]]
                break
    return routes


class ArgosTranslator:
    """Argos Translate to English, batched (see argos_backend); metadata only until it translates."""

    def __init__(self, packages_dir: Path | None = None):
        self.packages_dir = Path(packages_dir or argos_packages_dir()).absolute()
        pkgs = installed_packages(self.packages_dir)
        self._routes = plan_routes(pkgs)
        self._actual: dict[str, tuple[list[str], str]] = {}
        self.packages = [f"{p['from_code']}->{p['to_code']} {p.get('package_version', '?')}" for p in pkgs]
        self.calls = 0  # CTranslate2 calls made through this translator

    def languages(self) -> set[str]:
        return set(self._routes)

    def route(self, lang: str) -> list[str]:
        if lang in self._actual:
            return self._actual[lang][0]
        legs = self._routes.get(lang, [])
        return [lang] + [p["to_code"] for p in legs] if legs else []

    def model_id(self, lang: str) -> str | None:
        if lang in self._actual:
            return self._actual[lang][1]
        legs = self._routes.get(lang)
        return ">".join(package_id(p) for p in legs) if legs else None

    def translate(self, texts: list[str], lang: str) -> list[str]:
        from newsnorm.translation.argos_backend import engine_for

        engine = engine_for(self.packages_dir)
        before = engine.calls
        out = engine.translate(texts, lang)
        self.calls += engine.calls - before
        self._actual[lang] = (engine.route(lang), engine.model_id(lang))
        return out




def make_translator(packages_dir: str | None) -> Translator:
    """Argos over the packages installed in `packages_dir` (or Argos' own), or no translator at all."""
    root = Path(packages_dir) if packages_dir else argos_packages_dir()
    return ArgosTranslator(root) if installed_packages(root) else NoTranslator()
