"""English text for every segment: original, publisher pair, UI glossary, or a translator.

The translator is a seam: anything with `languages()` and `translate(texts, lang)`.
`ArgosTranslator` uses Argos Translate through its own API and is imported lazily, so a
run without foreign text (or without installed packages) never pays for torch.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Protocol

from .data import Article, Segment
from .patterns import UI_GLOSSARY
from .roles import CONTENT_ROLES, strip_inline_credit

log = logging.getLogger(__name__)


class Translator(Protocol):
    def languages(self) -> set[str]: ...

    def translate(self, texts: list[str], lang: str) -> list[str]: ...


class NoTranslator:
    def languages(self) -> set[str]:
        return set()

    def translate(self, texts: list[str], lang: str) -> list[str]:
        raise LookupError(f"no translation model for {lang}")


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


class ArgosTranslator:
    """Argos Translate to English, one call per text (batched CTranslate2 path: issue 3)."""

    def __init__(self, packages_dir: Path | None = None):
        self.packages_dir = packages_dir or argos_packages_dir()
        pkgs = installed_packages(self.packages_dir)
        direct = {p["from_code"] for p in pkgs if p["to_code"] == "en"}
        to_en_via = {p["from_code"]: p["to_code"] for p in pkgs if p["to_code"] != "en"}
        self._langs = direct | {src for src, mid in to_en_via.items() if mid in direct}
        self.packages = [f"{p['from_code']}->{p['to_code']} {p.get('package_version', '?')}" for p in pkgs]

    def languages(self) -> set[str]:
        return set(self._langs)

    def translate(self, texts: list[str], lang: str) -> list[str]:
        os.environ.setdefault("ARGOS_PACKAGES_DIR", str(self.packages_dir))
        from argostranslate import translate as argos_translate

        return [argos_translate.translate(t, lang, "en") for t in texts]


def _english_of(seg: Segment) -> str:
    return strip_inline_credit(seg.text) if seg.role == "caption" else seg.text


def apply_translations(article: Article, translator: Translator, errors: list[str] | None = None) -> None:
    """Fill text_en / translation_source / translation_status on every segment, in place."""
    by_seq = {s.seq: s for s in article.segments}
    langs = translator.languages()
    pending: dict[str, list[Segment]] = {}
    for seg in article.segments:
        seg.text_en, seg.translation_source, seg.translation_status = None, None, "not_needed"
        if seg.lang in ("en", "und"):
            seg.text_en, seg.translation_source = _english_of(seg), "original"
            continue
        if seg.pair_seq is not None and seg.seq < seg.pair_seq:
            seg.text_en = _english_of(by_seq[seg.pair_seq])
            seg.translation_source = seg.translation_status = "publisher"
            continue
        gloss = UI_GLOSSARY.get(seg.lang, {}).get(seg.text.strip().lower())
        if gloss is not None:
            seg.text_en, seg.translation_source, seg.translation_status = gloss, "glossary", "translated"
            continue
        if seg.role not in CONTENT_ROLES:
            continue
        if seg.lang in langs:
            pending.setdefault(seg.lang, []).append(seg)
        else:
            seg.translation_status = "missing_model"
    for lang, segs in pending.items():
        try:
            outs = translator.translate([_english_of(s) for s in segs], lang)
        except Exception as exc:  # one failing language must not stop the article
            for s in segs:
                s.translation_status = "failed"
            if errors is not None:
                errors.append(f"{article.source_path}: {lang} translation failed: {exc}")
            continue
        for s, out in zip(segs, outs, strict=True):
            s.text_en, s.translation_source, s.translation_status = out, "argos", "translated"
