"""The story index on disk (stories/disk/) decides as the in-memory one, survives a reopen and kill -9."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from storykit import near_threshold_fingerprints

from benchmarks.stories_scale import Stream
from newsnorm.stories.disk.index import DiskIndex
from newsnorm.stories.fingerprint import Fingerprint
from newsnorm.stories.index import StoryIndex
from newsnorm.stories.rows import Entry


def _fingerprints() -> list[Fingerprint]:
    stream = Stream(3)
    return [stream.next() for _ in range(1000)] + near_threshold_fingerprints(random.Random(5), 400)


def _memory_ids(fps: list[Fingerprint], ids: list[str]) -> dict[str, str]:
    index = StoryIndex()
    for aid, fp in zip(ids, fps, strict=True):
        index.add(Entry(article_id=aid, content_sha256="", fp=fp))
    return {aid: index.story_id_of(index.doc_of[aid]) for aid in ids}


def _disk_ids(index: DiskIndex, ids: list[str]) -> dict[str, str]:
    return {aid: index.story_id_of(index.db.doc_of(aid)) for aid in ids}


def test_the_disk_index_gives_the_in_memory_story_ids_in_any_order_and_across_reopens(tmp_path):
    fps = _fingerprints()
    ids = [f"a{i:05d}" for i in range(len(fps))]
    order = list(range(len(fps)))
    random.Random(1).shuffle(order)
    expected = _memory_ids([fps[i] for i in order], [ids[i] for i in order])
    n_stories = len(set(expected.values()))
    assert 50 < n_stories < len(fps) - 100  # real stories, and many apart
    index = DiskIndex(tmp_path / "a.sqlite")
    for i in range(len(fps)):  # another order, all in one file
        index.add(ids[i], fps[i])
    assert _disk_ids(index, ids) == expected
    assert index.stats["compared"] < 30 * len(fps)  # candidates, not all pairs
    index.close()
    half = len(order) // 2
    grown = DiskIndex(tmp_path / "b.sqlite")
    for i in order[:half]:
        grown.add(ids[i], fps[i])
    grown.close()
    grown = DiskIndex(tmp_path / "b.sqlite")  # reopened: the stories come back from the links
    assert grown.n_docs == half
    for i in order[half:]:
        grown.add(ids[i], fps[i])
    grown.commit()
    assert _disk_ids(grown, ids) == expected
    assert _disk_ids(DiskIndex(tmp_path / "a.sqlite"), ids) == expected


_WRITER = """
import sys
from benchmarks.stories_scale import Stream
from newsnorm.stories.disk.index import DiskIndex
stream, index = Stream(7), DiskIndex(sys.argv[1])
for i in range(100_000):
    index.add(f"a{i:06d}", stream.next())
    if i % 50 == 49:
        index.commit()
        print(i + 1, flush=True)
"""


def test_a_kill_9_leaves_the_file_as_of_the_last_commit(tmp_path):
    path = tmp_path / "index.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                            env=os.environ)
    committed = 0
    deadline = time.monotonic() + 120
    while committed < 400 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline() or committed)
    time.sleep(random.Random(0).uniform(0.0, 0.05))  # mid-batch: rows of an uncommitted transaction written
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert committed >= 400
    with sqlite3.connect(path) as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    index = DiskIndex(path)
    n = index.n_docs
    assert n % 50 == 0 and n >= committed
    stream = Stream(7)
    fps = [stream.next() for _ in range(n)]
    ids = [f"a{i:06d}" for i in range(n)]
    assert _disk_ids(index, ids) == _memory_ids(fps, ids)
