"""What the articles table holds for each indexed article (story id and story flags), as the
index last wrote or read it: the index compares recomputed states with this to know which
stored rows must change (`StoryIndex.pending`).

Kept by doc number, compactly: a story id is the doc whose article_id it is (or a string
no indexed article has), story flags are two bits.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence

from newsnorm.stories.rows import StoryState

SPUN, SYNDICATED = 1, 2  # story flags as bits
FLAGSETS = [frozenset(), frozenset({"spun_text"}), frozenset({"syndicated_copy"}),
            frozenset({"spun_text", "syndicated_copy"})]
_NOT_WRITTEN, _OTHER_ID = -1, -2  # written story id: no row yet / a string no indexed article has


def bits(flags: frozenset[str] | set[str]) -> int:
    return ("spun_text" in flags) * SPUN | ("syndicated_copy" in flags) * SYNDICATED


class Written:
    """The stored story state by doc, and by article_id for stored articles not indexed now (orphans)."""

    def __init__(self) -> None:
        self._sid = array("i")                  # story id as a doc number (or _OTHER_ID, _NOT_WRITTEN)
        self._other: dict[int, str] = {}        # ... the string, for _OTHER_ID
        self._flags = bytearray()               # story flags as bits
        self.orphans: dict[str, StoryState] = {}  # written states of articles not indexed now

    def new_doc(self) -> None:
        self._sid.append(_NOT_WRITTEN)
        self._flags.append(0)

    def get(self, doc: int, ids: Sequence[str]) -> StoryState | None:
        sid = self._sid[doc]
        if sid == _NOT_WRITTEN:
            return None
        return StoryState(self._other[doc] if sid == _OTHER_ID else ids[sid], FLAGSETS[self._flags[doc]])

    def set(self, doc: int, state: StoryState, doc_of: Mapping[str, int]) -> None:
        sid = doc_of.get(state.story_id)
        self._other.pop(doc, None)
        if sid is None:
            sid = _OTHER_ID
            self._other[doc] = state.story_id
        self._sid[doc] = sid
        self._flags[doc] = bits(state.flags)
