"""English text for every segment: original, publisher pair, UI glossary, or a translator.

The translator is a seam, the `Translator` protocol (newsnorm.translation.protocol, with
`NoTranslator` for no package installed): the step calls every method it names and probes
for nothing. The Argos translator and package discovery are in
`newsnorm.translation.argos` (metadata only until a text
misses the cache; Argos itself, about 2.3 s to import with torch, loads on first use).

`translate_articles` works on a whole batch of articles: identical texts are translated once,
the cache is asked first, and each language goes to the translator in one call (one
CTranslate2 call per package leg). A failure isolates the failing texts: they get
`translation_status = failed`, everything else goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from newsnorm.document import Article, Segment
from newsnorm.steps.patterns import UI_GLOSSARY
from newsnorm.steps.roles_data import CONTENT_ROLES
from newsnorm.steps.text import strip_inline_credit
from newsnorm.translation.cache import CacheEntry, TranslationCache, text_key
from newsnorm.translation.protocol import Translator

log = logging.getLogger(__name__)


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
        if seg.pair_seq is not None and by_seq[seg.pair_seq].lang == "en":  # its English, before or after it
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
    for lang, by_text in pending.items():
        model = translator.model_id(lang)
        cached = cache.lookup(lang, model, by_text) if cache is not None and model else {}
        for text, en in cached.items():
            _fill(by_text[text], en)
            report.counts["cache"] += len(by_text[text])
        todo = [t for t in by_text if t not in cached]
        if not todo:
            continue
        calls0 = translator.calls
        done, failed = _translate_isolating(translator, todo, lang)
        report.texts += len(todo)
        report.calls += translator.calls - calls0
        model = translator.model_id(lang)  # the route that actually translated
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
        route = translator.route(lang)
        if len(route) > 2:
            report.routes[lang] = "->".join(route)
    return report


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
