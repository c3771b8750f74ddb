"""Synonym-spinner damage: text run through a tool that swaps words for "synonyms".

Spinners rewrite frequent phrases and the words inside names with dictionary synonyms,
mechanically: "White House" -> "White Home", "think tank" -> "assume tank", "rather than"
-> "moderately than", "years ago" -> "years in the past". Each swap on its own may
occur in natural English; several distinct ones in one article do not. The detector
counts distinct known substitutions (data in spinner_data.py, each with the phrase it
replaced) and flags an article when there are enough of them for its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsnorm.stories.spinner_data import SPUN_PHRASES

MIN_DISTINCT = 3          # distinct substitutions before we call it spun
MIN_PER_1000_WORDS = 2.0  # and at least this density, so one long article is not flagged on chance hits
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(slots=True)
class SpinReport:
    hits: list[str]
    text: str = field(repr=False)
    _words: int | None = field(default=None, repr=False)

    @property
    def words(self) -> int:
        """Counted on demand: only an article with MIN_DISTINCT hits needs its length."""
        if self._words is None:
            self._words = len(_WORD.findall(self.text))
        return self._words

    @property
    def per_1000_words(self) -> float:
        return 1000.0 * len(self.hits) / self.words if self.words else 0.0

    @property
    def spun(self) -> bool:
        return len(self.hits) >= MIN_DISTINCT and self.per_1000_words >= MIN_PER_1000_WORDS


# (phrase, lower-cased with single spaces), in the order a regex alternation of the phrases
# would try them: longest pattern first (`\s+` for each space), then the data's order.
_PHRASES: list[tuple[str, str]] = sorted(
    ((spun, " ".join(spun.lower().split())) for spun in SPUN_PHRASES),
    key=lambda p: -len(re.escape(p[0]).replace(r"\ ", r"\s+")),
)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def spin_report(text: str) -> SpinReport:
    r"""Distinct spinner substitutions found in the text (case-insensitive, whole words).

    Searched as plain substrings of the lower-cased text with its spaces collapsed, where a
    phrase is a fixed string: every whole-word occurrence of every phrase, then kept left to
    right without overlaps, the longer phrase first where two start together. The same hits
    as `(?<![\w-])(?:phrase|...)(?![\w-])` with IGNORECASE over the text, far faster.
    """
    flat = " ".join(text.lower().split())
    hits: list[tuple[int, int, int, str]] = []
    for rank, (_, needle) in enumerate(_PHRASES):
        at = flat.find(needle)
        while at >= 0:
            end = at + len(needle)
            if (at == 0 or not _word_char(flat[at - 1])) and (end == len(flat) or not _word_char(flat[end])):
                hits.append((at, rank, end, needle))
            at = flat.find(needle, at + 1)
    found, pos = set(), 0
    for at, _, end, needle in sorted(hits):
        if at >= pos:
            found.add(needle.replace("’", "'"))
            pos = end
    return SpinReport(sorted(found), text)


def is_spun(text: str) -> bool:
    return spin_report(text).spun
