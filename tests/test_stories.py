"""Stories (issue 8): same story across sites and rewrites, stable ids, flags, the stories table."""

from __future__ import annotations

import copy
import itertools
import os
import random
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsnorm.document import Article
from newsnorm.runner.execute import RunConfig, execute
from newsnorm.runner.stories_sync import INDEX_DIR, StoriesSync, replace_story_flags
from newsnorm.stories import store as story_store
from newsnorm.stories.fingerprint import fingerprint, number_features, similarity, text_resemblance
from newsnorm.stories.index import StoryIndex
from newsnorm.stories.params import SAME_STORY, SAME_TEXT, STORY_FLAGS
from newsnorm.stories.reference import same_story
from newsnorm.stories.spinner import spin_report
from newsnorm.stories.store import IndexFolder
from newsnorm.warehouse.store import SchemaMismatch, Warehouse

SPUN, PARAPHRASE = "001_f7abd28aa17c3203.txt", "000_06eacf3540ead390.txt"


def _fresh(seed_articles, names=None) -> list[Article]:
    """Copies: assign() writes story_id and flags into the articles it is given."""
    return [copy.deepcopy(seed_articles[n]) for n in (names or sorted(seed_articles))]


def _groups(articles: list[Article], name_of=lambda a: Path(a.source_path).name) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for a in articles:
        by_story.setdefault(a.story_id, set()).add(name_of(a))
    return {frozenset(v) for v in by_story.values()}


def _gold_groups(gold) -> set[frozenset[str]]:
    by_group: dict[str, set[str]] = {}
    for name, g in gold.items():
        by_group.setdefault(g["story_group"], set()).add(name)
    return {frozenset(v) for v in by_group.values()}


def _apply_pending(index: StoryIndex, articles: list[Article]) -> None:
    """What settle() does to stored rows, done to the in-memory articles."""
    for a in articles:
        state = index.pending.get(a.article_id)
        if state:
            a.story_id = state.story_id
            a.flags = sorted((set(a.flags) - STORY_FLAGS) | state.flags)


# -- the seeds against the gold --------------------------------------------------------------
def test_seed_story_ids_are_exactly_the_gold_story_groups(seed_articles, gold):
    arts = _fresh(seed_articles)
    StoryIndex().assign(arts)
    assert _groups(arts) == _gold_groups(gold)
    ids = {Path(a.source_path).name: a.story_id for a in arts}
    assert ids[SPUN] == ids[PARAPHRASE] == min(seed_articles[SPUN].article_id, seed_articles[PARAPHRASE].article_id)


def test_spun_copy_is_flagged_and_the_paraphrase_is_not(seed_articles):
    arts = {Path(a.source_path).name: a for a in _fresh(seed_articles)}
    StoryIndex().assign(list(arts.values()))
    assert "spun_text" in arts[SPUN].flags
    assert [n for n, a in arts.items() if "spun_text" in a.flags] == [SPUN]
    assert not any("syndicated_copy" in a.flags for a in arts.values())  # a paraphrase is no copy


def test_same_story_margin_on_the_seeds(seed_articles, gold):
    """The one same-story pair clears the threshold; every other pair stays well below it."""
    fps = {n: fingerprint(a.text_en) for n, a in seed_articles.items()}
    for a, b in itertools.combinations(sorted(fps), 2):
        s = similarity(fps[a], fps[b])
        if gold[a]["story_group"] == gold[b]["story_group"]:
            assert s >= SAME_STORY + 0.05, (a, b, s)
        else:
            assert s <= SAME_STORY - 0.1, (a, b, s)


@pytest.mark.parametrize("cut", [0, 1, 2, 3, 4])
def test_story_ids_do_not_depend_on_order_or_batches(seed_articles, cut):
    names = sorted(seed_articles)
    expected = None
    for perm in random.Random(cut).sample(list(itertools.permutations(names)), 8):
        arts = _fresh(seed_articles, list(perm))
        index = StoryIndex()
        index.assign(arts[:cut])
        index.assign(arts[cut:])
        _apply_pending(index, arts)
        got = {Path(a.source_path).name: (a.story_id, tuple(a.flags)) for a in arts}
        expected = expected or got
        assert got == expected


# -- fingerprints and the spinner detector ------------------------------------------------------
def test_figures_are_normalized_across_spellings():
    a = number_features("Seoul pledged $350 billion; tariffs fell from 25% to fifteen percent for 28,500 troops.")
    b = number_features("A 350 billion dollar pledge, tariffs of 25 per cent cut to 15%, and 28500 soldiers.")
    assert {"n:3.5e+11", "n:25%", "n:15%", "n:28500"} <= a.keys() & b.keys()


def test_spinner_report_names_the_substitutions():
    r = spin_report("Officials at the White Home said the assume tank would take a position moderately than wait.")
    assert {"white home", "assume tank", "take a position", "moderately than"} <= set(r.hits)
    assert r.words == 16 and r.spun
    assert not spin_report("Officials at the White House said the think tank would invest rather than wait.").hits


# -- index mechanics ---------------------------------------------------------------------------
def _art(aid: str, text: str) -> Article:
    return Article(article_id=aid, source_path=aid, content_sha256=aid, segments=[], text_en=text)


FACTS_A = ("Mayor Orlena Vaskuti said Brindle Harbor Shipping will spend $412 million on the Kestrow terminal, "
           "hiring 3,750 dockworkers by 2027 after a 38% rise in cargo at Tamsvik port.")
FACTS_B = ("Health minister Idrana Pellowe announced 9,420 new beds at the Qualmont clinic network, "
           "a $86 million plan after Zorvath fever cases rose 61% across Hennisberg province.")


def test_a_bridging_article_merges_two_stories_and_relabels_stored_rows():
    a = _art("b" * 16, FACTS_A + " Unions in Tamsvik welcomed the Kestrow plan.")
    b = _art("a" * 16, FACTS_B + " Doctors in Hennisberg welcomed the Qualmont plan.")
    index = StoryIndex()
    index.assign([a, b])
    assert a.story_id != b.story_id
    bridge = _art("c" * 16, FACTS_A + " " + FACTS_B)
    index.assign([bridge])
    assert bridge.story_id == "a" * 16
    assert index.pending == {"b" * 16: index.pending["b" * 16]} and index.pending["b" * 16].story_id == "a" * 16
    index.remove("c" * 16)  # the bridge goes: the two stories part again
    index.sync()
    assert index.story_id_of(index.doc_of["b" * 16]) == "b" * 16


def test_a_verbatim_copy_is_flagged_syndicated_once(seed_articles):
    original = copy.deepcopy(seed_articles[PARAPHRASE])
    copy_ = copy.deepcopy(original)
    copy_.article_id, copy_.source_path = "f" * 16, "elsewhere/000.txt"
    copy_.text_en = original.text_en.rsplit("\n\n", 1)[0]  # the same text, its last paragraph cut
    StoryIndex().assign([copy_, original])
    assert copy_.story_id == original.story_id
    assert "syndicated_copy" in copy_.flags and "syndicated_copy" not in original.flags


# -- the warehouse ------------------------------------------------------------------------------
@pytest.fixture
def corpus(tmp_path, seeds_dir):
    d = tmp_path / "in"
    shutil.copytree(seeds_dir, d)
    return d


def _run(inputs, wh):
    return execute(RunConfig(inputs=[str(i) for i in inputs], warehouse=str(wh)))


def _stored(wh) -> dict[str, tuple[str, tuple[str, ...]]]:
    rows = duckdb.sql(f"select source_path, story_id, flags from read_parquet('{wh}/articles/**/*.parquet')").fetchall()
    return {Path(p).name: (sid, tuple(f)) for p, sid, f in rows}


def test_incremental_runs_in_any_order_give_the_ids_of_one_run(corpus, tmp_path):
    names = sorted(p.name for p in corpus.iterdir())
    _run([corpus], tmp_path / "once")
    once = _stored(tmp_path / "once")
    for first in ([SPUN, names[4]], [PARAPHRASE, names[3], names[2]]):
        wh = tmp_path / ("inc-" + first[0][:3])
        _run([corpus / n for n in first], wh)
        _run([corpus], wh)
        assert _stored(wh) == once
    assert sum(once[SPUN][0] == v[0] for v in once.values()) == 2


def test_rerun_writes_nothing_and_a_lost_index_is_rebuilt_identically(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    before = _stored(wh)
    index_dir = wh / INDEX_DIR
    parts = sorted(index_dir.iterdir())
    assert _run([corpus], wh).articles_written == 0
    assert sorted(index_dir.iterdir()) == parts
    shutil.rmtree(index_dir)
    _run([corpus], wh)
    assert _stored(wh) == before
    assert len(list(index_dir.glob("part-*.parquet"))) == 1


def test_loaded_index_answers_like_the_one_built_in_memory(seed_articles, tmp_path):
    names = sorted(seed_articles)
    built = StoryIndex()
    built.assign(_fresh(seed_articles, names[:3]))
    _folder(tmp_path).save(built)
    loaded = _folder(tmp_path).read()
    late_built, late_loaded = _fresh(seed_articles, names[3:]), _fresh(seed_articles, names[3:])
    built.assign(late_built)
    loaded.assign(late_loaded)
    assert [(a.story_id, a.flags) for a in late_built] == [(a.story_id, a.flags) for a in late_loaded]
    assert built.pending == loaded.pending
    assert _links(built) == _links(loaded)


def _folder(tmp_path) -> IndexFolder:
    return IndexFolder(tmp_path / "index", tmp_path / "tmp")


def _links(index: StoryIndex) -> dict[str, set[str]]:
    return {e.article_id: {index.entries[o].article_id for o in e.links} for e in index.entries if e.alive}


def test_stale_story_ids_in_articles_are_repaired(corpus, tmp_path):
    """A crash after the index was saved but before stored rows were relabelled heals on the next run."""
    wh = tmp_path / "wh"
    _run([corpus], wh)
    before = _stored(wh)
    w = Warehouse(wh)
    w.update_article_columns({aid: {"story_id": "stale", "flags": []} for aid in _ids(w)},
                             combine={"flags": replace_story_flags})
    assert {v[0] for v in _stored(wh).values()} == {"stale"}
    _run([corpus], wh)
    assert _stored(wh) == before


def _ids(w: Warehouse) -> list[str]:
    return w.read("articles", columns=["article_id"]).column("article_id").to_pylist()


def test_stories_table_counts_copies_and_names_the_least_damaged_one(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    con = duckdb.connect()
    rows = con.sql(f"""
        select s.n_copies, s.sites, a.source_path, s.representative_reason
        from read_parquet('{wh}/stories/*.parquet') s
        join read_parquet('{wh}/articles/**/*.parquet') a on a.article_id = s.representative_id
        order by s.n_copies desc, a.source_path""").fetchall()
    assert [r[0] for r in rows] == [2, 1, 1, 1]
    n, sites, path, reason = rows[0]
    assert sorted(sites) == ["NPR", "Real News Now"]
    assert path.endswith(PARAPHRASE) and reason.startswith("no damage flags") and "spun_text" in reason
    # the index is no table: none of its files is read by a table glob
    for table in ("articles", "segments", "runs", "quarantine", "stories"):
        files = {p.parent.name for p in (wh / table).rglob("*.parquet")}
        assert INDEX_DIR not in files


# -- the benchmark, small -----------------------------------------------------------------------
@pytest.mark.slow
def test_benchmark_precision_and_recall_at_least_095():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import stories_eval as bench

    rng = random.Random(5)
    items = bench.build_corpus(rng, per_seed=15, n_topics=12, stories_per_topic=6, singles=80, real=None)
    articles = bench.to_articles(items)
    order = list(range(len(articles)))
    rng.shuffle(order)
    pred = bench.assign_all(articles, order)
    p, r, *_ = bench.pair_scores([label for _, label, _ in items], [pred[a.article_id] for a in articles])
    assert p >= 0.95 and r >= 0.95, (p, r)


def test_pruning_a_member_relabels_the_rest_of_its_story(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    (corpus / SPUN).unlink()
    execute(RunConfig(inputs=[str(corpus)], warehouse=str(wh), prune_missing=True))
    ids = {Path(p).name: (aid, sid) for p, aid, sid in duckdb.sql(
        f"select source_path, article_id, story_id from read_parquet('{wh}/articles/**/*.parquet')").fetchall()}
    assert SPUN not in ids and all(aid == sid for aid, sid in ids.values())
    n = duckdb.sql(f"select count(*), max(n_copies) from read_parquet('{wh}/stories/*.parquet')").fetchall()[0]
    assert n == (4, 1)


def test_vectorized_decisions_equal_the_pair_functions(seed_articles):
    """The index scores candidates in one numpy pass, from its columns; it must decide exactly as
    the pair functions (reference.py)."""
    import numpy as np

    from newsnorm.stories.fingerprint import (
        shared_mass,
        shared_mass_many,
        similarity_many,
        text_resemblance,
        text_resemblance_many,
    )
    from newsnorm.stories.reference import same_story
    from newsnorm.stories.rows import Entry

    rng = random.Random(7)
    texts = [a.text_en for a in seed_articles.values()]
    for t in list(texts):  # truncations and shuffles: partial copies, borderline overlaps
        lines = t.split("\n")
        for _ in range(6):
            rng.shuffle(lines)
            texts.append("\n".join(lines[: rng.randint(1, len(lines))]))
    texts += ["", "too short"]
    fps = [fingerprint(t) for t in texts]
    minhashes, n_sh = np.stack([f.minhash for f in fps]), np.array([f.n_shingles for f in fps])
    index = StoryIndex()
    for i, fp in enumerate(fps):
        index.add(Entry(article_id=f"{i:016x}", content_sha256="", fp=fp))
    docs = np.arange(len(fps), dtype=np.int64)
    decided = 0
    for a in fps:
        shared = shared_mass_many(a, fps)
        assert text_resemblance_many(a, minhashes, n_sh).tolist() == [text_resemblance(a, b) for b in fps]
        assert shared.tolist() == [shared_mass(a, b) for b in fps]
        assert similarity_many(a, fps, shared).tolist() == [similarity(a, b) for b in fps]
        many = index.same_story_docs(a, docs)
        assert many == [same_story(a, b) for b in fps]
        decided += sum(many)
    assert len(fps) < decided < len(fps) ** 2  # both answers occur


def test_a_stories_table_left_behind_by_a_crash_is_rebuilt(corpus, tmp_path):
    """During a run the stories table is rebuilt at most every STORIES_EVERY_S; if a run dies
    after saving index parts but before the table, the next run sees the table is older and rebuilds it."""
    wh = tmp_path / "wh"
    _run([corpus], wh)
    path = Warehouse(wh).path("stories")
    good = pq.read_table(path)
    i = good.schema.get_field_index("n_copies")
    stale = good.set_column(i, "n_copies", pa.array([0] * good.num_rows, good.schema.field(i).type))
    Warehouse(wh)._write(path, stale, "stories")  # as many rows as stories, but from an earlier flush
    newest = sorted((wh / INDEX_DIR).glob("part-*.parquet"))[-1]
    os.utime(newest)  # the dead run saved index parts after the last completed run ...
    os.utime(path, (newest.stat().st_mtime - 60, newest.stat().st_mtime - 60))  # ... but not the table
    _run([corpus], wh)
    assert pq.read_table(path).equals(good)
    mtime = path.stat().st_mtime_ns
    _run([corpus], wh)  # unchanged now: the table is not written again
    assert path.stat().st_mtime_ns == mtime


def test_a_stories_table_with_other_columns_is_refused_with_a_clear_message(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    path = Warehouse(wh).path("stories")
    t = pq.read_table(path)
    pq.write_table(t.drop_columns(["sites"]).replace_schema_metadata(t.schema.metadata), path)
    with pytest.raises(SchemaMismatch, match="has columns"):
        _run([corpus], wh)


def test_an_unchanged_rerun_does_not_load_the_story_index(corpus, tmp_path, monkeypatch):
    wh = tmp_path / "wh"
    _run([corpus], wh)

    def refuse(_sync):
        raise AssertionError("story index loaded")

    monkeypatch.setattr(StoriesSync, "_load", refuse)
    _run([corpus], wh)  # nothing written since the last completed run: no load
    os.utime(Warehouse(wh).path("articles", 0))  # a write after it (a run that died, say)
    with pytest.raises(AssertionError, match="story index loaded"):
        _run([corpus], wh)


# -- the column-wise index ------------------------------------------------------------------------
def test_stories_synced_batch_by_batch_end_as_one_sync_of_everything(seed_articles):
    """Copy flags are updated from the newcomers of each sync and only changed rows are
    reported (pending): after many small batches, removals and re-adds, every article holds
    what one sync over all of them gives."""
    rng = random.Random(5)
    arts = []
    for i, a in enumerate(_variants(seed_articles)):
        arts.append(a)
        if i % 3 == 0:  # exact copies: ties in the original order; dates: earlier copies arriving later
            twin = copy.deepcopy(a)
            twin.article_id = twin.source_path = f"w{i:03d}"
            arts.append(twin)
    for a in arts:
        a.published = rng.choice([None, date(2026, 1, 1), date(2026, 1, 2)])
    grown = 0
    for _ in range(4):
        order = copy.deepcopy(arts)
        rng.shuffle(order)
        index, live = StoryIndex(), {}
        while order:
            k = rng.randint(1, 6)
            batch, order = order[:k], order[k:]
            index.assign(batch)
            live.update((a.article_id, a) for a in batch)
            if rng.random() < 0.15:
                gone = rng.choice(sorted(live))
                index.remove(gone)
                del live[gone]
                index.sync()
            _apply_pending(index, list(live.values()))
            index.mark_written(dict(index.pending))
        once = copy.deepcopy(list(live.values()))
        StoryIndex().assign(once)
        assert {a.article_id: (a.story_id, a.flags) for a in live.values()} == \
            {a.article_id: (a.story_id, a.flags) for a in once}
        assert sum("syndicated_copy" in a.flags for a in once) > 10
        grown += index.stats["grown"]
    assert grown > 20  # the incremental path ran, not only whole-story recomputes


def _paragraph(k: int) -> str:
    r = random.Random(k)
    words = ["Vaskuti", "Brindle", "harbor", "Kestrow", "terminal", "Tamsvik", "cargo", "dockworkers", "Orlena",
             "council", "budget", "Pellowe", "Qualmont", "port", "shipping", "million", "river", "bridge"]
    return " ".join(r.choice(words) + (str(r.randint(1, 99)) if r.random() < 0.2 else "") for _ in range(30)) + "."


def test_a_newcomer_copying_only_a_copy_is_a_copy():
    """C repeats B's wording, B repeats A's, C is too far from A: C is found a copy through
    B, a copy already flagged in an earlier sync."""
    p, q, r = ([_paragraph(base + i) for i in range(n)] for base, n in ((0, 20), (100, 3), (200, 3)))
    a, b, c = (_art(aid, "\n".join(lines)) for aid, lines in
               (("a" * 16, p), ("b" * 16, p[:17] + q), ("c" * 16, p[3:17] + q + r)))
    for day, art in enumerate((a, b, c), start=1):
        art.published = date(2026, 1, day)
    fa, fb, fc = (fingerprint(x.text_en) for x in (a, b, c))
    assert text_resemblance(fb, fa) >= SAME_TEXT > text_resemblance(fc, fa) and text_resemblance(fc, fb) >= SAME_TEXT
    index = StoryIndex()
    index.assign([a, b])
    index.assign([c])
    assert index.stats["grown"] == 1
    assert "syndicated_copy" in b.flags and "syndicated_copy" in c.flags and "syndicated_copy" not in a.flags


def _variants(seed_articles) -> list[Article]:
    """Each seed and five shuffled, truncated copies of it: many links, several stories."""
    rng = random.Random(11)
    texts = []
    for name in sorted(seed_articles):
        lines = seed_articles[name].text_en.split("\n")
        texts.append(seed_articles[name].text_en)
        for _ in range(5):
            rng.shuffle(lines)
            texts.append("\n".join(lines[: rng.randint(1, len(lines))]))
    return [_art(f"v{(i * 37) % len(texts):03d}", t) for i, t in enumerate(texts)]


# Every doc's story id on _variants, as the index gave them when it compared each newcomer
# with its best candidates only (the partition is the same: here no candidate was left out).
OLD_IDS = ["v000"] * 4 + ["v028", "v005"] + ["v000"] * 6 + ["v001"] * 6 + ["v004"] * 6 + ["v002", "v025"] + ["v002"] * 4


def _pair_components(fps: list, upto: int) -> list[int]:
    """Union-find roots of docs 0..upto-1 under the reference pair test, over every pair."""
    parent = list(range(upto))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in itertools.combinations(range(upto), 2):
        if same_story(fps[a], fps[b]):
            parent[find(a)] = find(b)
    return [find(x) for x in range(upto)]


def test_stories_are_the_components_of_the_pair_test_with_one_link_per_story_joined(seed_articles):
    index = StoryIndex()
    index.assign(_variants(seed_articles))
    fps = [index.fingerprint_of(d) for d in range(index.n_docs)]
    assert [index.story_id_of(d) for d in range(index.n_docs)] == OLD_IDS
    roots = _pair_components(fps, index.n_docs)
    assert len({(roots[d], index.story_id_of(d)) for d in range(index.n_docs)}) == len(set(roots))
    linked = 0
    for d in range(index.n_docs):
        down = index.down_links(d)
        linked += len(down)
        assert all(same_story(fps[d], fps[o]) for o in down)  # a link is a passing pair
        before = _pair_components(fps, d)  # the stories when d came: one link into each it joined
        assert len({before[o] for o in down}) == len(down)
        joined = {before[o] for o in range(d) if same_story(fps[d], fps[o])}
        assert {before[o] for o in down} == joined
    assert linked < sum(same_story(fps[a], fps[b]) for a, b in itertools.combinations(range(index.n_docs), 2))
    entry = index.entries[10]  # an Entry made on demand: links both ways
    ups = [d for d in range(index.n_docs) if 10 in index.down_links(d)]
    assert sorted(entry.links) == sorted(index.down_links(10) + ups) and entry.fp.mass == index.fingerprint_of(10).mass


def _state(index: StoryIndex) -> tuple:
    docs = [d for d in range(index.n_docs) if index.is_alive(d)]
    cols = index.to_columns(docs)
    rows = sorted(zip(cols.article_id, cols.content_sha256, cols.site_name, cols.title, cols.published,
                      cols.first_seen, map(tuple, cols.flags), cols.n_words.tolist(), cols.n_shingles.tolist(),
                      map(bytes, cols.minhash), strict=True))
    fps = {index.article_ids[d]: (index.fingerprint_of(d).keys.tolist(), index.fingerprint_of(d).steps.tolist())
           for d in docs}
    ids = {index.article_ids[d]: index.story_id_of(d) for d in docs}
    return rows, fps, ids, _links(index)


def test_a_saved_index_reloads_to_the_same_state(seed_articles, tmp_path):
    arts = _variants(seed_articles)
    for i, a in enumerate(arts):
        a.title, a.site_name = (f"Title {i} — ü" if i % 3 else None), ("NPR" if i % 2 else None)
        a.published = None if i % 4 == 0 else date(2025, 1 + i % 12, 1)
    index = StoryIndex()
    index.assign(arts[:20], now=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    index.assign(arts[20:])
    index.remove(arts[7].article_id)  # a tombstone, and links cut from both ends
    index.sync()
    _folder(tmp_path).save(index)
    loaded = _folder(tmp_path).read()
    assert _state(loaded) == _state(index)


def test_a_base_written_in_slices_reloads_to_the_same_state(seed_articles, tmp_path, monkeypatch):
    index = StoryIndex()
    index.assign(_variants(seed_articles))
    index.remove(index.article_ids[4])
    index.sync()
    monkeypatch.setattr(story_store, "BASE_SLICE", 7)
    monkeypatch.setattr(IndexFolder, "_compact_due", lambda self, since_base: True)
    folder = _folder(tmp_path)
    folder.save(index)
    part = folder.parts()[-1]
    assert pq.ParquetFile(part).metadata.num_row_groups == -(-len(index) // 7) > 1
    assert folder.info(part)[0]  # a base
    assert _state(_folder(tmp_path).read()) == _state(index)


def test_an_index_in_several_parts_without_superseded_rows_reloads(seed_articles, tmp_path):
    arts = _variants(seed_articles)
    index = StoryIndex()
    for part in (arts[:10], arts[10:25], arts[25:]):  # one new part per save, nothing replaced
        index.assign(part)
        _folder(tmp_path).save(index)
    assert len(_folder(tmp_path).parts()) == 3
    assert _state(_folder(tmp_path).read()) == _state(index)


def test_links_saved_on_both_ends_or_twice_load_once(seed_articles, tmp_path):
    index = StoryIndex()
    index.assign(_variants(seed_articles))
    cols = index.to_columns(list(range(index.n_docs)))
    hi, lo = index._links.pairs()
    twice = StoryIndex.from_columns(cols, np.concatenate([hi, lo, hi]), np.concatenate([lo, hi, lo]))
    assert _links(twice) == _links(index) and twice._links.pairs()[0].size == hi.size


def test_a_replaced_article_keeps_its_first_seen_and_written_state(seed_articles):
    arts = _variants(seed_articles)
    index = StoryIndex()
    first = datetime(2026, 1, 1, tzinfo=UTC)
    index.assign(arts, now=first)
    changed = copy.deepcopy(arts[3])
    changed.content_sha256 = "changed"
    index.assign([changed], now=datetime(2026, 2, 1, tzinfo=UTC))
    doc = index.doc_of[changed.article_id]
    assert not index.is_alive(3) and doc == len(arts)
    assert index.entry(doc).first_seen == first and index.sha_of(doc) == "changed"
    assert index.written[changed.article_id].story_id == changed.story_id == OLD_IDS[3]
    assert index._written(doc) == index.written[changed.article_id]


def test_copy_flags_kept_batch_by_batch_equal_the_pair_reference(seed_articles):
    """Copies.update (vectorised, from newcomers only) flags exactly the docs the plain pair
    version (reference.syndicated_copies) finds in each whole story."""
    from newsnorm.stories.reference import syndicated_copies

    arts = _variants(seed_articles)
    rng = random.Random(3)
    arts += [_art(f"w{i:03d}", "\n".join(a.text_en.split("\n")[:-1]) or a.text_en) for i, a in enumerate(arts[:12])]
    rng.shuffle(arts)
    index = StoryIndex()
    for lo in range(0, len(arts), 7):
        index.assign(arts[lo:lo + 7])
        index.mark_written(dict(index.pending))
    flagged = {a for a, s in index.written.items() if "syndicated_copy" in s.flags}
    expected = set()
    for docs in index.components().values():
        expected |= syndicated_copies([index.entry(d) for d in docs])
    assert flagged == expected and len(expected) >= 5


def test_a_story_row_read_from_columns_names_the_representative_of_its_entries(seed_articles):
    from newsnorm.stories.reference import representative

    arts = _variants(seed_articles)
    for i, a in enumerate(arts):
        a.flags = [["corrupted_token"], [], ["no_title", "duplicate_caption"], ["translation_failed"]][i % 4]
        a.site_name = f"site{i % 3}"
    index = StoryIndex()
    index.assign(arts)
    for docs in index.components().values():
        row = index.story_row(docs)
        best, reason = representative([index.entry(d) for d in docs])
        assert (row["representative_id"], row["representative_reason"]) == (best.article_id, reason)
        assert row["sites"] == sorted({index.entry(d).site_name for d in docs}) and row["n_copies"] == len(docs)
