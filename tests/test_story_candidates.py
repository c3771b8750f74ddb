"""The story index finds every article that can pass the pair test (candidates.py), in any order."""

from __future__ import annotations

import random

import numpy as np
import pytest
from storykit import near_threshold_fingerprints

from newsnorm.document import Article
from newsnorm.stories.candidates import Postings, Retrieval, floor_steps, prefix_split, prefix_splits
from newsnorm.stories.fingerprint import N_MINHASH, RARITY_BITS, Fingerprint, feature_key, fingerprint, quantize
from newsnorm.stories.index import StoryIndex
from newsnorm.stories.reference import same_story
from newsnorm.stories.rows import Entry


def test_prefix_splits_of_many_rows_equal_the_split_of_each():
    rng = np.random.default_rng(3)
    rows = [rng.integers(0, 100, n).astype(np.uint8) for n in rng.integers(0, 60, 500)]
    offsets = np.concatenate([[0], np.cumsum([r.size for r in rows])])
    plen, suffix = prefix_splits(np.concatenate(rows), offsets)
    assert [(int(p), int(s)) for p, s in zip(plen, suffix, strict=True)] == [prefix_split(r) for r in rows]
    for r, p, s in zip(rows, plen, suffix, strict=True):
        total = int(r.sum())
        if p:  # the rest weighs less than the floor, the rest from one key earlier does not
            assert s == total - int(r[:p].sum()) < floor_steps(total) <= s + int(r[p - 1])
        else:
            assert total < floor_steps(total)


def test_feature_keys_sort_rarest_first_whatever_the_article():
    rare, name, common = feature_key("t:hanwha"), feature_key("t:trump"), feature_key("t:people")
    assert rare >> (32 - RARITY_BITS) < name >> (32 - RARITY_BITS) < common >> (32 - RARITY_BITS)
    assert feature_key("n:28500") >> (32 - RARITY_BITS) < feature_key("n:2019") >> (32 - RARITY_BITS)
    a = fingerprint("Hanwha Ocean will invest in Philadelphia, the company said. People were pleased.")
    b = fingerprint("People said Hanwha was pleased.")
    assert feature_key("t:hanwha") in a.keys and feature_key("t:hanwha") in b.keys
    assert list(a.keys) == sorted(a.keys)




def test_every_doc_that_passes_is_a_candidate_whatever_the_postings_hold(monkeypatch):
    rng = random.Random(8)
    fps = near_threshold_fingerprints(rng, 400)
    index = StoryIndex()
    for i, fp in enumerate(fps[:300]):
        index.add(Entry(article_id=f"a{i:04d}", content_sha256=str(i), fp=fp))
        if i == 150:
            index.retrieval.rebuild(index)  # half in the merged base, half in the delta
    found = passing = 0
    for fp in fps[300:]:
        cand = set(index.retrieval.candidates(index, fp, -1).tolist())
        for share in (0, 10**9):  # aggregated sparsely, densely: the same docs
            monkeypatch.setattr(Retrieval, "DENSE_SHARE", share)
            assert set(index.retrieval.candidates(index, fp, -1).tolist()) == cand
        monkeypatch.undo()
        truth = {d for d in range(300) if same_story(fp, fps[d])}
        assert truth <= cand
        found, passing = found + len(cand), passing + len(truth)
    assert passing > 300 and found < 0.8 * 300 * 100  # the bounds leave docs out, never a passing one


def test_a_light_article_inside_a_heavy_one_is_found_at_the_edge_of_the_prefix():
    """The tightest case of the bound: a light article whose every key is in a heavy one,
    all sorted after the heavy one's own keys. Their shared weight is just above
    SAME_STORY**2 of the heavy one's mass, so its prefix must reach the shared keys."""
    shift = 32 - RARITY_BITS
    common = [(15 << shift) | i for i in range(6)]
    rare = [(0 << shift) | i for i in range(16)]
    heavy = Fingerprint(np.array(rare + common, np.uint32), np.array([5.0] * 16 + [3.5] * 6, np.float32),
                        np.zeros(N_MINHASH, np.uint32), 0, 100)
    light = Fingerprint(np.array(common, np.uint32), np.full(6, 3.5, np.float32), np.ones(N_MINHASH, np.uint32), 0, 30)
    assert same_story(light, heavy)
    cut, rest = prefix_split(heavy.steps)
    assert cut == 17 and rest < floor_steps(int(heavy.steps.sum())) < rest + 70  # one shared key in the prefix
    index = StoryIndex()
    index.add(Entry(article_id="heavy", content_sha256="h", fp=heavy))
    assert index.retrieval.candidates(index, light, -1).tolist() == [0]
    index.add(Entry(article_id="light", content_sha256="l", fp=light))
    assert index.story_id_of(1) == "heavy"


def _story_ids(fps: list[Fingerprint], order: list[int], batch: int) -> dict[str, str]:
    index = StoryIndex()
    arts = [Article(article_id=f"a{i:04d}", source_path=str(i), content_sha256=str(i), segments=[], text_en="",
                    story_features=(fps[i], False)) for i in order]
    for s in range(0, len(arts), batch):
        index.assign(arts[s:s + batch])
    return {a.article_id: index.pending[a.article_id].story_id if a.article_id in index.pending else a.story_id
            for a in arts}


def test_story_ids_of_synthetic_fingerprints_do_not_depend_on_order_or_batch_size():
    fps = near_threshold_fingerprints(random.Random(2), 600)
    order = list(range(len(fps)))
    expected = _story_ids(fps, order, 600)
    assert 1 < len(set(expected.values())) < len(fps)
    for seed, batch in ((1, 600), (2, 37), (3, 1)):
        random.Random(seed).shuffle(order)
        assert _story_ids(fps, order, batch) == expected


def _fp(keys: list[str], weight: float = 3.0) -> Fingerprint:
    ks = np.array(sorted({feature_key(k) for k in keys}), np.uint32)
    return Fingerprint(ks, quantize(np.full(ks.size, weight, np.float32)), np.arange(N_MINHASH, dtype=np.uint32), 0, 50)


def test_removing_the_doc_a_story_was_linked_through_keeps_the_pairs_that_still_pass():
    """a, b, c pass pairwise; b and c each link only to a (one link per story). With a gone,
    b and c still pass: one story. d passed only with a: its own story."""
    core = [f"t:k{i}" for i in range(12)]
    a, b, c = _fp(core + ["t:x1"]), _fp(core + ["t:x2"]), _fp(core + ["t:x3"])
    d = _fp(core[:5] + ["t:x1"] + [f"t:d{i}" for i in range(7)])
    assert same_story(b, c) and same_story(a, d) and not same_story(b, d) and not same_story(c, d)
    index = StoryIndex()
    for aid, fp in (("a", a), ("b", b), ("c", c), ("d", d)):
        index.add(Entry(article_id=aid, content_sha256=aid, fp=fp))
    assert index.down_links(2) == [0] and index.down_links(3) == [0]
    index.sync()
    index.remove("a")
    index.sync()
    ids = {aid: index.story_id_of(doc) for aid, doc in index.doc_of.items()}
    assert ids == {"b": "b", "c": "b", "d": "d"}


@pytest.mark.parametrize("long_list", [2, Retrieval.LONG_LIST])
def test_the_partition_is_the_components_of_the_pair_test_with_or_without_the_long_list_shortcut(
        monkeypatch, long_list):
    """Lists of one story are skipped once a newcomer joined it (`_one_story_roots`): with the
    shortcut on every list, the stories are still exactly the brute-force components."""
    fps = near_threshold_fingerprints(random.Random(4), 300)
    parent = list(range(len(fps)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a in range(len(fps)):
        for b in range(a):
            if same_story(fps[a], fps[b]):
                parent[find(a)] = find(b)
    groups: dict[int, set[str]] = {}
    for d in range(len(fps)):
        groups.setdefault(find(d), set()).add(f"a{d:04d}")
    monkeypatch.setattr(Retrieval, "LONG_LIST", long_list)
    got = _story_ids(fps, list(range(len(fps))), 50)
    by_story: dict[str, set[str]] = {}
    for aid, sid in got.items():
        by_story.setdefault(sid, set()).add(aid)
    assert {frozenset(g) for g in by_story.values()} == {frozenset(g) for g in groups.values()}


def test_postings_rebuilt_in_slices_equal_a_plain_inverted_index(monkeypatch):
    """The rebuild sorts the key space a slice at a time (memory): the lists must be each
    key's live docs in order, long ones whole (a cap made the stories depend on the order)."""
    rng = np.random.default_rng(5)
    vocabulary = rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32)
    common = np.uint32(2**31 + 7)  # in almost every doc
    rows = [np.unique(np.append(rng.choice(vocabulary, n), common)) if n else np.empty(0, np.uint32)
            for n in rng.integers(0, 40, 3000)]
    keys = np.concatenate(rows).astype(np.uint32)
    lengths = np.array([r.size for r in rows])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    alive = rng.random(lengths.size) > 0.1
    expected: dict[int, list[int]] = {}
    for d in np.flatnonzero(alive).tolist():
        for k in keys[offsets[d]:offsets[d + 1]].tolist():
            expected.setdefault(k, []).append(d)
    for slice_size in (1 << 19, 1000):
        monkeypatch.setattr(Postings, "SLICE", slice_size)
        p = Postings()
        p.rebuild(keys, offsets, alive)
        got = {k: p.docs[p.ptr[i]:p.ptr[i + 1]].tolist() for i, k in enumerate(p.keys.tolist())}
        assert got == expected
    assert len(got[int(common)]) > 2000

