"""12,000 seed-like articles: the same stories in any ingestion order and any batch size."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from newsnorm.document import RawArticle
from newsnorm.runner.work import process_text
from newsnorm.stories.index import StoryIndex

N_ARTICLES = 12_000


def _partition(articles, order: list[int], batch: int) -> set[frozenset[str]]:
    index = StoryIndex()
    arts = [articles[i] for i in order]
    for s in range(0, len(arts), batch):
        index.assign(arts[s:s + batch])
    story = {}
    for a in arts:
        state = index.pending.get(a.article_id)
        story[a.article_id] = state.story_id if state else a.story_id
    groups: dict[str, set[str]] = {}
    for aid, sid in story.items():
        groups.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.slow
def test_seed_variants_form_the_gold_stories_in_any_order_and_batch_size(tmp_path, gold, seeds_dir):
    paths = generate(tmp_path / "corpus", N_ARTICLES, seed=0)
    articles = []
    for p in paths:
        data = p.read_bytes()
        articles.append(process_text(RawArticle(path=str(p), sha256=hashlib.sha256(data).hexdigest(),
                                                text=data.decode("utf-8"))))
    # corpus.py writes article i from seed i % 5 (seeds in name order): the gold story of that seed
    seeds = sorted(p.name for p in Path(seeds_dir).glob("*.txt"))
    expected: dict[str, set[str]] = {}
    for i, art in enumerate(articles):
        expected.setdefault(gold[seeds[i % len(seeds)]]["story_group"], set()).add(art.article_id)
    expected_partition = {frozenset(g) for g in expected.values()}
    assert len(expected_partition) == 4

    order = list(range(N_ARTICLES))
    first = _partition(articles, order, N_ARTICLES)
    assert first == expected_partition
    for seed, batch in ((1, 500), (2, 3000)):
        random.Random(seed).shuffle(order)
        assert _partition(articles, order, batch) == first
