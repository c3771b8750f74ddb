"""What the warehouse holds for each article, held column-wise for a whole run (store.Warehouse.index)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass

from newsnorm.perf.columns import Interned, Strings


@dataclass(slots=True)
class Stored:
    """What the warehouse holds for one article: enough to plan a run without reading text."""

    article_id: str
    part: int
    content_sha256: str
    pipeline_version: str
    flags: list[str]
    langs: list[str]


class StoredIndex(MutableMapping[str, Stored]):
    """source_path -> Stored, held column-wise (columns.py): the writer keeps one entry per
    article for a whole run, and a Stored object with its strings and lists cost ~800 bytes.
    A Stored is made when one is read; a replaced or removed row stays behind, unused."""

    def __init__(self) -> None:
        self._row: dict[str, int] = {}
        self._article_id: list[str] = []
        self._part = array("i")
        self._sha = Strings()
        self._version = Interned()
        self._flags = Interned()  # tuples
        self._langs = Interned()  # tuples
        self._sizes: dict[int, int] = {}  # part -> rows it holds

    def __len__(self) -> int:
        return len(self._row)

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __contains__(self, path: object) -> bool:
        return path in self._row

    def __getitem__(self, path: str) -> Stored:
        r = self._row[path]
        return Stored(self._article_id[r], self._part[r], self._sha[r] or "", self._version[r],
                      list(self._flags[r]), list(self._langs[r]))

    def __setitem__(self, path: str, s: Stored) -> None:
        self.add(path, s.article_id, s.part, s.content_sha256, s.pipeline_version, s.flags, s.langs)

    def add(self, path: str, article_id: str, part: int, sha: str, version: str, flags: list[str],
            langs: list[str]) -> None:
        if path in self._row:
            del self[path]
        self._row[path] = len(self._article_id)
        self._article_id.append(article_id)
        self._part.append(part)
        self._sha.append(sha)
        self._version.append(version)
        self._flags.append(tuple(flags))
        self._langs.append(tuple(langs))
        self._sizes[part] = self._sizes.get(part, 0) + 1

    def __delitem__(self, path: str) -> None:
        part = self._part[self._row.pop(path)]
        self._sizes[part] -= 1

    def part_sizes(self) -> dict[int, int]:
        """Part -> rows it holds."""
        return {p: n for p, n in self._sizes.items() if n}

    def parts_flagged(self, flag: str) -> set[int]:
        codes = {c for c, flags in enumerate(self._flags.values) if flag in flags}
        fc, part = self._flags.codes, self._part
        return {part[r] for r in self._row.values() if fc[r] in codes} if codes else set()

    def parts_of(self, article_ids: set[str]) -> set[int | None]:
        """The parts holding these articles; None among them if one of them is not indexed."""
        ids, part, found = self._article_id, self._part, set()
        parts: set[int | None] = set()
        for r in self._row.values():
            if ids[r] in article_ids:
                parts.add(part[r])
                found.add(ids[r])
        if len(found) < len(article_ids):
            parts.add(None)
        return parts
