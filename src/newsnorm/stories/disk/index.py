"""The story index kept on disk (db.py), so the writing process's memory does not grow with it.

The decisions are the in-memory StoryIndex's, from the same functions: an article is filed
under its prefix keys and MinHash slot keys (candidates.prefix_split, slot_keys), a newcomer's
candidates are the docs its keys find whose bound can pass (candidates.may_pass), and the exact
test is candidates.pair_test. Every passing story gets one link, so the partition is the
components of the pair test over the set of articles, as in memory, and equal to it.

In memory per article: the union-find (groups.Groups, 16 bytes) and what the candidate filter
reads of every doc a newcomer's lists hold (mass, suffix weight, shingle count: 12 bytes);
fingerprints and posting lists are read from the file when a newcomer needs them. Article ids
are compared (a story's id is its smallest) by reading them back, a few per union.

Not yet here (the in-memory index has them): removal and re-linking, copy flags and the
representative, the stories table, reconciliation with the articles table.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsnorm.stories.candidates import may_pass, pair_test, prefix_split, slot_keys
from newsnorm.stories.disk.db import CACHE_MIB, IndexDB
from newsnorm.stories.fingerprint import WEIGHT_SCALE, Fingerprint
from newsnorm.stories.groups import Groups


class _Ids(Sequence[str]):
    """Article ids by doc, read from the file (recent ones cached): what Groups compares."""

    def __init__(self, db: IndexDB, n: int) -> None:
        self.n = n
        self._get = lru_cache(maxsize=4096)(db.article_id)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, doc):  # Sequence's int-or-slice signature; ints only here
        return self._get(int(doc))


class _Ranks(Sequence[int]):
    """Docs' positions in article_id order: compare as their ids do (a load's unions, without strings)."""

    def __init__(self, db: IndexDB, n: int) -> None:
        self.rank = np.zeros(n, np.int32)
        at = 0
        for docs in db.docs_by_article_id():
            self.rank[docs] = np.arange(at, at + docs.size, dtype=np.int32)
            at += docs.size

    def __len__(self) -> int:
        return self.rank.size

    def __getitem__(self, doc):
        return int(self.rank[doc])


class DiskIndex:
    """Articles added one at a time, each linked to one passing doc per story (see the module doc)."""

    def __init__(self, path: Path | str, cache_mib: int = CACHE_MIB) -> None:
        self.db = IndexDB(path, cache_mib)
        n = self.db.n_docs()
        if n:
            ranks = _Ranks(self.db, n)
            hi = np.concatenate([h for h, _ in self.db.links()] + [np.empty(0, np.int64)])
            lo = np.concatenate([lo for _, lo in self.db.links()] + [np.empty(0, np.int64)])
            self.groups = Groups.from_pairs(n, hi, lo, ranks)
            del hi, lo, ranks
        else:
            self.groups = Groups()
        self.ids = _Ids(self.db, n)
        self._mass, self._suffix, self._nsh = array("I"), array("I"), array("I")
        for mass, suffix, nsh in self.db.all_bounds():
            self._mass.extend(mass.tolist())
            self._suffix.extend(suffix.tolist())
            self._nsh.extend(nsh.tolist())
        self.stats = {"compared": 0, "candidates": 0, "postings": 0}  # postings: list entries read

    @property
    def n_docs(self) -> int:
        return self.ids.n

    def add(self, article_id: str, fp: Fingerprint) -> int:
        """Index one new article; returns its doc number. Written in the open transaction (see `commit`)."""
        if self.db.doc_of(article_id) is not None:
            raise ValueError(f"{article_id!r} is indexed already: replacing an article is not supported on disk yet")
        doc = self.n_docs
        steps = fp.steps
        cut, suffix = prefix_split(steps)
        skeys = slot_keys(fp.minhash, fp.n_shingles)
        links = self._neighbours(fp, skeys)
        mass = int(steps.sum(dtype=np.int64))
        self.db.insert(doc, article_id, mass, suffix, fp.n_shingles, fp.n_words,
                       fp.keys, steps, fp.minhash, fp.keys[:cut], skeys, links)
        self._mass.append(mass)
        self._suffix.append(suffix)
        self._nsh.append(fp.n_shingles)
        self.ids.n += 1
        self.groups.append(doc)
        for other in links:
            self.groups.union(doc, other, self.ids)
        return doc

    def _neighbours(self, fp: Fingerprint, skeys: np.ndarray) -> list[int]:
        """One passing doc of each story the article joins: every doc that can pass is found."""
        fk, fd = self.db.postings("feat", fp.keys)
        _, sd = self.db.postings("slot", skeys)
        cand = np.unique(np.concatenate([fd, sd]))
        self.stats["postings"] += int(fd.size + sd.size)
        if not cand.size:
            return []
        at = np.searchsorted(cand, fd)
        found_steps = np.bincount(at, fp.steps[np.searchsorted(fp.keys, fk)].astype(np.float64), cand.size)
        found_keys = np.bincount(at, minlength=cand.size)
        found_slots = np.bincount(np.searchsorted(cand, sd), minlength=cand.size)
        ok = may_pass(found_steps, found_keys, found_slots, int(fp.steps.sum(dtype=np.int64)), fp.n_shingles,
                      np.frombuffer(self._mass, np.uint32)[cand].astype(np.float64),
                      np.frombuffer(self._suffix, np.uint32)[cand].astype(np.int64),
                      np.frombuffer(self._nsh, np.uint32)[cand].astype(np.int64))
        cand = cand[ok]
        self.stats["candidates"] += int(cand.size)
        if not cand.size:
            return []
        keys, steps, lengths, masses, minhash, shingles = self.db.fingerprints(cand)
        self.stats["compared"] += int(cand.size)
        passing = cand[pair_test(fp, keys, steps, lengths, masses / WEIGHT_SCALE, minhash, shingles)]
        if not passing.size:
            return []
        _, first = np.unique(self.groups.roots_of(passing), return_index=True)
        return passing[first].tolist()  # the oldest passing doc of each story

    def commit(self) -> None:
        """Make what was added durable: the file is as of the last commit, whatever happens after."""
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def story_id_of(self, doc: int) -> str:
        return self.ids[self.groups.label_of(doc)]

    def partition(self) -> list[list[int]]:
        """Every story as its docs, sorted (for tests and tools: reads every root)."""
        return sorted(sorted(self.groups.component(r)) for r in self.groups.roots())
