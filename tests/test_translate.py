"""Translation with real Argos Translate: the fixture packages, batching, pivots, cache, backfill, failures.

The packages in tests/fixtures/argos are genuine Argos packages with tiny models that memorised
a few phrase pairs (scripts/build_argos_fixture.py); they are installed with Argos' own
install_from_path into each test's temporary packages folder. Nothing here mocks Argos.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from newsnorm.runner.execute import RunConfig, execute
from newsnorm.runner.work import process_batch
from newsnorm.steps.translate import translate_articles
from newsnorm.translation.argos import ArgosTranslator
from newsnorm.translation.cache import TranslationCache, cache_path
from newsnorm.translation.protocol import NoTranslator

ARGOS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "argos"
STRAY = Path(__file__).resolve().parent / "data" / "stray_foreign.txt"
VI_PARA = "Hai nước sẽ tiếp tục đàm phán vào năm tới. Người dân Seoul theo dõi sát sao cuộc đàm phán."
VI_EN = "The two countries will continue negotiating next year. People in Seoul are following the talks closely."
KO_EN = "South Korea and the US plan to continue the cost-sharing talks. The next meeting will be held in Seoul."


def _phrases(name: str) -> list[tuple[str, str]]:
    with zipfile.ZipFile(ARGOS_FIXTURES / f"translate-{name}-fixture.argosmodel") as zf:
        meta = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("/metadata.json")))
    return [tuple(p) for p in meta["phrase_pairs"]]


@pytest.fixture
def ct2_calls(monkeypatch):
    """Count translate_batch calls on every CTranslate2 model loaded from now on (a real subclass)."""
    import ctranslate2

    calls: list[int] = []

    class Counting(ctranslate2.Translator):
        def translate_batch(self, source, *args, **kwargs):
            calls.append(len(source))
            return super().translate_batch(source, *args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", Counting)
    return calls


def _batch(paths: list[Path], packages_dir: Path, cache: Path | None = None):
    return process_batch([str(p) for p in paths], ArgosTranslator(packages_dir), cache_path=cache and str(cache))


def test_fixture_packages_say_they_are_test_fixtures():
    from newsnorm.translation.packages import validate_package

    for name in ("vi_en", "ko_en", "ja_vi"):
        path = ARGOS_FIXTURES / f"translate-{name}-fixture.argosmodel"
        meta = validate_package(path)
        assert "TEST FIXTURE" in meta["description"] and "NOT a translation model" in meta["description"]
        assert meta["test_fixture"] is True and path.stat().st_size < 300_000
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        for part in ("metadata.json", "sentencepiece.model", "model/model.bin", "spacy/config.cfg", "README.md"):
            assert f"translate-{name}-fixture/{part}" in names


def test_argos_translate_and_the_batched_path_agree_on_the_fixtures(install_argos_fixtures, ct2_calls):
    from argostranslate import translate as argos_translate

    from newsnorm.translation.argos_backend import engine_for

    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    for name, lang in (("vi_en", "vi"), ("ko_en", "ko")):
        pairs = _phrases(name)
        ct2_calls.clear()
        assert [argos_translate.translate(src, lang, "en") for src, _ in pairs] == [en for _, en in pairs]
        assert len(ct2_calls) == len(pairs)  # Argos: one CTranslate2 call per paragraph
        ct2_calls.clear()
        assert engine_for(packages_dir).translate([src for src, _ in pairs], lang) == [en for _, en in pairs]
        assert ct2_calls == [len(pairs)]  # batched: all sentences in one call


def test_stray_vietnamese_and_korean_paragraphs_are_translated_in_reading_order(install_argos_fixtures):
    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    result = _batch([STRAY], packages_dir)
    assert result.errors == [] and not result.quarantined
    (art,) = result.articles
    foreign = [(s.line_start, s.lang, s.translation_source, s.translation_status, s.text_en)
               for s in art.segments if s.lang not in ("en", "und")]
    assert foreign == [(6, "vi", "argos", "translated", VI_EN), (10, "ko", "argos", "translated", KO_EN)]
    assert art.text_en.split("\n\n") == [
        "Seoul and Washington Resume Defense Cost Talks",
        art.segments[2].text,
        VI_EN,
        art.segments[4].text,
        KO_EN,
        art.segments[6].text,
    ]
    assert "missing_translation_model" not in art.flags
    assert result.translation.by_source() == {"argos": 2}
    assert (result.translation.texts, result.translation.calls) == (2, 2)  # one call per language


def test_publisher_pairs_of_the_seeds_still_use_the_publishers_english(install_argos_fixtures, seeds_dir, gold,
                                                                       ct2_calls):
    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    result = _batch(sorted(seeds_dir.glob("*.txt")), packages_dir)
    by_name = {Path(a.source_path).name: a for a in result.articles}
    vi = [s for s in by_name["003_9fda92332fd92a4c.txt"].segments if s.lang == "vi"]
    assert len(vi) == 5 and {(s.translation_source, s.translation_status) for s in vi} == {("publisher", "publisher")}
    segs = by_name["003_9fda92332fd92a4c.txt"].segments
    assert all(s.text_en == segs[s.pair_seq].text_en for s in vi)
    assert not any(s.translation_source == "argos" for a in result.articles for s in a.segments)
    assert ct2_calls == [] and result.translation.texts == 0


def test_many_segments_of_many_articles_go_to_ctranslate2_in_one_call_per_language(
        install_argos_fixtures, tmp_path, ct2_calls):
    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    vi, ko = _phrases("vi_en"), _phrases("ko_en")
    paths = []
    for i in range(12):  # 12 articles, 24 foreign paragraphs, 12 distinct texts per language
        p = tmp_path / f"a{i:02d}.txt"
        p.write_text(f"Story number {i} about the alliance and its costs\n\n"
                     f"{vi[i % 3][0]} {vi[(i + 1) % 3][0]}\n\n"
                     f"The talks will go on, officials from both governments said on Tuesday.\n\n"
                     f"{ko[i % 3][0]} {ko[(i // 3) % 3][0]}\n", encoding="utf-8")
        paths.append(p)
    result = _batch(paths, packages_dir)
    assert result.errors == []
    assert sorted(ct2_calls) == [6, 18]  # two calls in all, one per language: 3 vi and 9 ko paragraphs
    segs = [s for a in result.articles for s in a.segments if s.lang in ("vi", "ko")]
    assert len(segs) == 24 and all(s.translation_source == "argos" for s in segs)
    ko_en = dict(_phrases("ko_en"))
    first = result.articles[4].segments[3]  # ko[1] then ko[1]: the same sentence twice in one paragraph
    assert first.text_en == f"{ko_en[ko[1][0]]} {ko_en[ko[1][0]]}"
    assert result.translation.by_source() == {"argos": 24}
    assert result.translation.texts == 3 + 9  # deduplicated: 3 distinct vi paragraphs, 9 distinct ko
    assert len(result.translation.new) == 12


def test_pivot_through_vietnamese_uses_argos_own_route_and_is_recorded(install_argos_fixtures, tmp_path):
    from argostranslate import translate as argos_translate

    packages_dir = install_argos_fixtures("vi_en", "ja_vi")
    ((ja, vi),) = _phrases("ja_vi")
    en = dict(_phrases("vi_en"))[vi]
    assert argos_translate.translate(ja, "ja", "en") == en  # Argos composes ja->vi->en itself
    article = tmp_path / "ja.txt"
    article.write_text(f"Tokyo watches the alliance talks closely\n\n{ja}\n\nThe talks resume next month.\n",
                       encoding="utf-8")
    translator = ArgosTranslator(packages_dir)
    assert translator.languages() == {"vi", "ja"}
    result = process_batch([str(article)], translator)
    seg = result.articles[0].segments[1]
    assert (seg.lang, seg.translation_source, seg.text_en) == ("ja", "argos", en)
    assert result.translation.routes == {"ja": "ja->vi->en"}
    assert result.translation.new[0].model == "translate-ja_vi-fixture@0.1>translate-vi_en-fixture@0.1"
    assert "ja translated through a pivot, ja->vi->en" in result.translation.notes()[0]


def _run(inputs: Path, wh: Path, packages_dir: Path):
    return execute(RunConfig(inputs=[str(inputs)], warehouse=str(wh), packages_dir=str(packages_dir)))


def test_missing_model_then_backfill_then_nothing_then_cache(install_argos_fixtures, tmp_path, seeds_dir, ct2_calls):
    inputs = tmp_path / "in"
    shutil.copytree(seeds_dir, inputs)
    shutil.copy(STRAY, inputs / "stray.txt")
    wh, packages_dir = tmp_path / "wh", Path(os.environ["ARGOS_PACKAGES_DIR"])

    def stray_rows():
        return duckdb.sql(
            f"select s.line_start, s.translation_source, s.translation_status, s.text_en, a.flags, a.text_en "
            f"from read_parquet('{wh}/segments/**/*.parquet') s "
            f"join read_parquet('{wh}/articles/**/*.parquet') a using (article_id) "
            f"where a.source_path like '%stray.txt' and s.lang in ('vi', 'ko') order by s.seq").fetchall()

    one = _run(inputs, wh, packages_dir)  # no packages installed
    assert one.status == "completed" and one.articles_written == 6
    assert one.missing_models == {"vi": 1, "ko": 1}
    assert any("newsnorm models install ko" in w for w in one.warnings)
    rows = stray_rows()
    assert [r[:4] for r in rows] == [(6, None, "missing_model", None), (10, None, "missing_model", None)]
    assert "missing_translation_model" in rows[0][4] and "Hai nước" not in rows[0][5]

    install_argos_fixtures("vi_en", "ko_en")
    two = _run(inputs, wh, packages_dir)
    assert (two.files_backfilled, two.articles_written, two.files_unchanged) == (1, 1, 5)
    assert [r[:4] for r in stray_rows()] == [(6, "argos", "translated", VI_EN), (10, "argos", "translated", KO_EN)]
    flags, text_en = stray_rows()[0][4:]
    assert "missing_translation_model" not in flags and VI_EN in text_en and KO_EN in text_en
    assert (two.translation.texts, two.cache_stored) == (2, 2)

    three = _run(inputs, wh, packages_dir)
    assert (three.articles_written, three.files_unchanged) == (0, 6)
    assert (three.translation.texts, three.translation.calls) == (0, 0)

    # The file changes (not its foreign text): reprocessed, translations come from the cache.
    calls_before = len(ct2_calls)
    (inputs / "stray.txt").write_text(STRAY.read_text(encoding="utf-8") + "\nA last English line was added.\n",
                                      encoding="utf-8")
    four = _run(inputs, wh, packages_dir)
    assert four.articles_written == 1 and four.translation.texts == 0 and len(ct2_calls) == calls_before
    assert [r[:4] for r in stray_rows()] == [(6, "argos", "translated", VI_EN), (10, "argos", "translated", KO_EN)]

    runs = duckdb.sql(f"select translations from read_parquet('{wh}/runs/*.parquet') order by started_at").fetchall()
    assert [json.loads(r[0]) for r in runs] == [
        {"glossary": 2, "missing_model": 2, "publisher": 5},
        {"argos": 2},
        {},
        {"cache": 2},
    ]
    cache = cache_path(wh)
    assert cache == wh / ".cache" / "translations.sqlite" and cache.is_file()
    assert TranslationCache(cache).stats() == {"translate-ko_en-fixture@0.1": 1, "translate-vi_en-fixture@0.1": 1}
    from newsnorm.warehouse.store import TABLES

    assert all(cache not in wh.glob(f"{table}/**/*") for table in TABLES)


def test_a_broken_package_fails_its_segments_only_and_the_run_goes_on(install_argos_fixtures, tmp_path):
    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    (packages_dir / "translate-vi_en-fixture" / "model" / "model.bin").write_bytes(b"not a model")
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(STRAY, inputs / "stray.txt")
    summary = _run(inputs, tmp_path / "wh", packages_dir)
    assert summary.status == "completed" and summary.articles_written == 1
    assert summary.translations == {"argos": 1, "failed": 1}
    assert any(w.startswith("translation error: vi translation failed for 1 segment(s)") and "stray.txt:7" in w
               for w in summary.warnings), summary.warnings
    rows = duckdb.sql(f"select lang, translation_status, text_en "
                      f"from read_parquet('{tmp_path}/wh/segments/**/*.parquet') "
                      f"where lang in ('vi', 'ko') order by seq").fetchall()
    assert rows == [("vi", "failed", None), ("ko", "translated", KO_EN)]
    flags = duckdb.sql(f"select flags from read_parquet('{tmp_path}/wh/articles/**/*.parquet')").fetchall()[0][0]
    assert "translation_failed" in flags


class _OneBadText:
    """A translator (our seam, not Argos) that fails on one text, as a model can on odd input."""

    packages: list[str] = []
    calls = 0

    def __init__(self, bad: str):
        self.bad, self.seen = bad, []

    def model_id(self, lang: str) -> str | None:
        return None  # no cache key: every text goes to translate()

    def route(self, lang: str) -> list[str]:
        return [lang, "en"]

    def languages(self) -> set[str]:
        return {"vi", "ko"}

    def translate(self, texts: list[str], lang: str) -> list[str]:
        self.seen.append(len(texts))
        if self.bad in texts:
            raise RuntimeError("decoder blew up")
        return [f"EN({t[:8]})" for t in texts]


def test_one_failing_text_fails_only_its_segments(tmp_path):
    from newsnorm.readers.ingest import read_article
    from newsnorm.runner.work import analyse_text

    extra = tmp_path / "two.txt"
    extra.write_text(f"A title for the second story here\n\n{VI_PARA}\n\n"
                     "Chi phí quốc phòng tăng mạnh trong năm nay, theo các quan chức.\n\n"
                     "The talks will continue next year, officials in both capitals said on Friday.\n",
                     encoding="utf-8")
    articles = [analyse_text(read_article(p, 1 << 20)) for p in (STRAY, extra)]
    translator, errors = _OneBadText(VI_PARA), []
    report = translate_articles(articles, translator, errors)
    statuses = [(s.lang, s.translation_status) for a in articles for s in a.segments if s.lang in ("vi", "ko")]
    assert statuses == [("vi", "failed"), ("ko", "translated"), ("vi", "failed"), ("vi", "translated")]
    assert report.by_source() == {"argos": 2, "failed": 2}
    assert len(errors) == 1 and "vi translation failed for 2 segment(s)" in errors[0] and "decoder blew up" in errors[0]
    assert translator.seen == [2, 1, 1, 1]  # vi batch failed, then one by one; ko in one call


def test_no_translator_marks_missing_model_and_keeps_the_original():
    from newsnorm.readers.ingest import read_article
    from newsnorm.runner.work import analyse_text

    art = analyse_text(read_article(STRAY, 1 << 20))
    report = translate_articles([art], NoTranslator())
    assert report.by_source() == {"missing_model": 2}
    assert [s.text for s in art.segments if s.translation_status == "missing_model"][0] == VI_PARA


def test_a_text_is_translated_once_per_run_even_across_batches(install_argos_fixtures, tmp_path):
    """Sequential batches: what batch 1 translated is in the cache (written by execute) before batch 2 reads it."""
    packages_dir = install_argos_fixtures("vi_en", "ko_en")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(STRAY, inputs / name)
    summary = execute(RunConfig(inputs=[str(inputs)], warehouse=str(tmp_path / "wh"), batch_size=1,
                                packages_dir=str(packages_dir)))
    assert summary.translations == {"argos": 2, "cache": 2}
    assert (summary.translation.texts, summary.translation.calls, summary.cache_stored) == (2, 2, 2)


def test_backfill_only_for_languages_that_became_translatable(install_argos_fixtures, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(STRAY, inputs / "stray.txt")
    wh, packages_dir = tmp_path / "wh", Path(os.environ["ARGOS_PACKAGES_DIR"])
    _run(inputs, wh, packages_dir)  # nothing installed: vi and ko both wait
    install_argos_fixtures("vi_en")
    two = _run(inputs, wh, packages_dir)
    assert (two.files_backfilled, two.articles_written) == (1, 1)  # vi can now be translated
    assert two.missing_models == {"ko": 1}
    parts = {p: p.stat().st_mtime_ns for p in (wh / "articles").rglob("*.parquet")}
    three = _run(inputs, wh, packages_dir)  # ko still has no model: nothing to backfill, nothing written
    assert (three.files_backfilled, three.files_unchanged, three.articles_written) == (0, 1, 0)
    assert {p: p.stat().st_mtime_ns for p in (wh / "articles").rglob("*.parquet")} == parts
