"""English text for every segment: original, publisher pair, UI glossary, or a translator.

The translator is a seam: anything with `languages()` and `translate(texts, lang)` (and,
optionally, `model_id(lang)` for the cache and `route(lang)` to report pivots).
`ArgosTranslator` reads package metadata only; Argos itself (about 2.3 s to import, torch
included) is loaded by `argos_backend` when a package is installed and a text misses the cache.

`translate_articles` works on a whole batch of articles: identical texts are translated once,
the cache is asked first, and each language goes to the translator in one call (one
CTranslate2 call per package leg). A failure isolates the failing texts: they get
`translation_status = failed`, everything else goes on.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from newsnorm.document import Article, Segment
from newsnorm.steps.patterns import UI_GLOSSARY
from newsnorm.steps.roles_data import CONTENT_ROLES
from newsnorm.steps.text import strip_inline_credit
from newsnorm.translation.cache import CacheEntry, TranslationCache, text_key

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


@dataclass
class TranslationReport:
    """What the translate step did, per batch; merged per run. Picklable (crosses to the flow)."""

    counts: Counter = field(default_factory=Counter)  # segments: argos, cache, missing_model, failed
    texts: int = 0  # distinct texts sent to the translator
    calls: int = 0  # CTranslate2 translate_batch calls
    new: list[CacheEntry] = field(default_factory=list)  # for the flow process to store
    routes: dict[str, str] = field(default_factory=dict)  # lang -> "ja->vi->en" when pivoted

    def merge(self, other: TranslationReport) -> None:
        self.counts.update(other.counts)
        self.texts += other.texts
        self.calls += other.calls
        self.new.extend(other.new)
        self.routes.update(other.routes)

    def by_source(self) -> dict[str, int]:
        return {k: v for k, v in self.counts.items() if v > 0}

    def notes(self) -> list[str]:
        return [f"{lang} translated through a pivot, {route} (Argos chains two packages: expect lower "
                f"quality than a direct {lang}->en package)" for lang, route in sorted(self.routes.items())]


def _english_of(seg: Segment) -> str:
    return strip_inline_credit(seg.text) if seg.role == "caption" else seg.text


def _assign(article: Article, langs: set[str]) -> list[Segment]:
    """Decide every segment that needs no machine translation; return those that do."""
    by_seq = {s.seq: s for s in article.segments}
    pending = []
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
            pending.append(seg)
        else:
            seg.translation_status = "missing_model"
    return pending


def translate_articles(articles: list[Article], translator: Translator, errors: list[str] | None = None,
                       cache: TranslationCache | None = None) -> TranslationReport:
    """Fill text_en / translation_source / translation_status on every segment of every article."""
    report = TranslationReport()
    langs = translator.languages()
    pending: dict[str, dict[str, list[tuple[Article, Segment]]]] = {}
    for art in articles:
        for seg in _assign(art, langs):
            pending.setdefault(seg.lang, {}).setdefault(_english_of(seg), []).append((art, seg))
        report.counts["missing_model"] += sum(s.translation_status == "missing_model" for s in art.segments)
    model_id = getattr(translator, "model_id", lambda lang: None)
    for lang, by_text in pending.items():
        model = model_id(lang)
        cached = cache.lookup(lang, model, by_text) if cache is not None and model else {}
        for text, en in cached.items():
            _fill(by_text[text], en)
            report.counts["cache"] += len(by_text[text])
        todo = [t for t in by_text if t not in cached]
        if not todo:
            continue
        calls0 = getattr(translator, "calls", 0)
        done, failed = _translate_isolating(translator, todo, lang)
        report.texts += len(todo)
        report.calls += getattr(translator, "calls", 0) - calls0
        model = model_id(lang)  # the route that actually translated
        for text, en in done.items():
            _fill(by_text[text], en)
            report.counts["argos"] += len(by_text[text])
            if model:
                report.new.append(CacheEntry(text_key(text), lang, model, text, en))
        for text in failed:
            for _, seg in by_text[text]:
                seg.translation_status = "failed"
            report.counts["failed"] += len(by_text[text])
        if errors is not None:
            errors.extend(_failure_lines(lang, failed, by_text))
        route = getattr(translator, "route", lambda lang: [])(lang)
        if len(route) > 2:
            report.routes[lang] = "->".join(route)
    return report


def apply_translations(article: Article, translator: Translator, errors: list[str] | None = None,
                       cache: TranslationCache | None = None) -> TranslationReport:
    """One article (the same rules as a batch)."""
    return translate_articles([article], translator, errors, cache)


def _fill(items: list[tuple[Article, Segment]], text_en: str) -> None:
    for _, seg in items:
        seg.text_en, seg.translation_source, seg.translation_status = text_en, "argos", "translated"


def _translate_isolating(translator: Translator, texts: list[str], lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """All texts in one call; if that fails, one by one, so only the failing texts fail."""
    try:
        outs = translator.translate(texts, lang)
        if len(outs) != len(texts):
            raise RuntimeError(f"translator returned {len(outs)} texts for {len(texts)}")
        done, failed = dict(zip(texts, outs, strict=True)), {}
    except Exception as exc:  # any translator error: isolated, reported, never raised
        if len(texts) == 1:
            return {}, {texts[0]: _describe(exc)}
        log.warning("%s: batch of %d texts failed (%s); retrying one by one", lang, len(texts), _describe(exc))
        done, failed = {}, {}
        for text in texts:
            try:
                done[text] = translator.translate([text], lang)[0]
            except Exception as one_exc:
                failed[text] = _describe(one_exc)
    for text in [t for t, en in done.items() if not en.strip()]:
        failed[text] = "the translator returned an empty text"
        del done[text]
    return done, failed


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _failure_lines(lang: str, failed: dict[str, str], by_text: dict[str, list[tuple[Article, Segment]]]) -> list[str]:
    """One line per distinct error, naming where (file, line) the first few failures are."""
    by_error: dict[str, list[str]] = {}
    for text, err in failed.items():
        by_error.setdefault(err, []).extend(f"{a.source_path}:{s.line_start + 1}" for a, s in by_text[text])
    return [f"{lang} translation failed for {len(where)} segment(s) ({', '.join(where[:3])}"
            f"{', ...' if len(where) > 3 else ''}): {err}" for err, where in by_error.items()]


def make_translator(packages_dir: str | None) -> Translator:
    """Argos over the packages installed in `packages_dir` (or Argos' own), or no translator at all."""
    root = Path(packages_dir) if packages_dir else argos_packages_dir()
    return ArgosTranslator(root) if installed_packages(root) else NoTranslator()
