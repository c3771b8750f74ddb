"""The seeds against the hand-made gold annotations (the contract of issue #2)."""

from __future__ import annotations

import re

import pytest

from newsnorm.steps.roles_data import REMOVED_ROLES

VI_OR_KO = re.compile(r"[\uac00-\ud7a3]|[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]")


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _lines(seeds_dir, name):
    return (seeds_dir / name).read_text(encoding="utf-8").split("\n")


def test_every_annotated_line_is_one_segment_and_no_blank_line_is(seed_articles, gold):
    for name, g in gold.items():
        starts = [s.line_start for s in seed_articles[name].segments]
        assert len(starts) == len(set(starts)), name
        assert sorted(starts) == sorted(int(i) for i in g["lines"]), name


def test_language_of_every_line(seed_articles, gold, seeds_dir):
    wrong = []
    for name, g in gold.items():
        by_line = {s.line_start: s for s in seed_articles[name].segments}
        raw = _lines(seeds_dir, name)
        for i, want in g["lines"].items():
            seg = by_line[int(i)]
            few_letters = sum(ch.isalpha() for ch in raw[int(i)]) < 3
            if not (seg.lang == want["lang"] or (seg.lang == "und" and few_letters)):
                wrong.append((name, i, seg.lang, want["lang"], seg.text[:40]))
    assert not wrong


def test_roles_and_kept_vs_removed(seed_articles, gold):
    total = role_ok = keep_ok = 0
    for name, g in gold.items():
        by_line = {s.line_start: s for s in seed_articles[name].segments}
        for i, want in g["lines"].items():
            seg = by_line[int(i)]
            total += 1
            role_ok += seg.role in want["roles"]
            keep_ok += (seg.role not in REMOVED_ROLES) == (want["roles"][0] not in REMOVED_ROLES)
    assert role_ok >= 0.97 * total, f"roles {role_ok}/{total}"
    assert keep_ok >= 0.99 * total, f"kept {keep_ok}/{total}"


@pytest.mark.parametrize("field", ["title", "author"])
def test_title_and_author(seed_articles, gold, field):
    for name, g in gold.items():
        got = getattr(seed_articles[name], field)
        assert (_norm(got) == _norm(g[field])) if g[field] else got is None, (name, got)


def test_site_name(seed_articles, gold):
    for name, g in gold.items():
        got = seed_articles[name].site_name
        assert (got in g["site_name"]) if g["site_name"] else got is None, (name, got)


def test_publisher_pairs_and_captions_once(seed_articles, gold, seeds_dir):
    pairs = 0
    for name, g in gold.items():
        art = seed_articles[name]
        by_line = {s.line_start: s for s in art.segments}
        raw = _lines(seeds_dir, name)
        for fi, ei in g.get("publisher_pairs", []):
            f, e = by_line[fi], by_line[ei]
            assert f.translation_source == "publisher" and f.pair_seq == e.seq and e.pair_seq == f.seq
            assert f.text_en and not VI_OR_KO.search(f.text_en)
            if g["lines"][str(ei)]["roles"][0] == "caption":
                core = _norm(raw[ei]).split(" Photo:")[0]
                assert art.text_en.count(core[:50]) == 1
            pairs += 1
        for _i, j in g.get("duplicate_lines", []):
            assert art.text_en.count(_norm(raw[j])[:40]) <= 1
    assert pairs == 5


def test_text_en_has_no_korean_or_vietnamese(seed_articles):
    for name, art in seed_articles.items():
        assert art.text_en, name
        assert not VI_OR_KO.search(art.text_en.lower()), name


def test_text_en_is_reading_order_without_removed_lines(seed_articles):
    art = seed_articles["000_06eacf3540ead390.txt"]
    assert art.text_en.startswith(art.title)
    assert "appeared first on" not in art.text_en
    assert "Leave a Reply" not in art.text_en
    body = [s.text for s in art.segments if s.role == "body"]
    positions = [art.text_en.index(b) for b in body]
    assert positions == sorted(positions)


def test_corrupted_date_flag_and_no_date(seed_articles):
    art = seed_articles["003_9fda92332fd92a4c.txt"]
    assert "corrupted_date" in art.flags
    assert art.published is None
    assert "DNUM_" not in art.text_en
    assert all("corrupted_date" not in a.flags for n, a in seed_articles.items() if not n.startswith("003"))


def test_dateline(seed_articles):
    assert seed_articles["001_f7abd28aa17c3203.txt"].dateline == "SEOUL, South Korea"
    assert seed_articles["000_06eacf3540ead390.txt"].dateline is None


def test_every_removed_segment_has_a_reason(seed_articles):
    for art in seed_articles.values():
        for s in art.segments:
            if s.role != "body":
                assert s.reason, (art.source_path, s.line_start, s.role)
