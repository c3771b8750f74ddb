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
from dataclasses import dataclass
from functools import lru_cache

from .spinner_data import SPUN_PHRASES

MIN_DISTINCT = 3          # distinct substitutions before we call it spun
MIN_PER_1000_WORDS = 2.0  # and at least this density, so one long article is not flagged on chance hits
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(slots=True)
class SpinReport:
    hits: list[str]
    words: int

    @property
    def per_1000_words(self) -> float:
        return 1000.0 * len(self.hits) / self.words if self.words else 0.0

    @property
    def spun(self) -> bool:
        return len(self.hits) >= MIN_DISTINCT and self.per_1000_words >= MIN_PER_1000_WORDS


_PHRASE_TEXT: list[tuple[str, str]] = [(spun, " ".join(spun.lower().split())) for spun in SPUN_PHRASES]


@lru_cache(maxsize=1024)
def _pattern(phrases: frozenset[str]) -> re.Pattern[str]:
    ordered = [spun for spun in SPUN_PHRASES if spun in phrases]  # the data's order, not a set's
    alternatives = sorted((re.escape(spun).replace(r"\ ", r"\s+") for spun in ordered), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def spin_report(text: str) -> SpinReport:
    """Distinct spinner substitutions found in the text (case-insensitive, whole words).

    Only phrases found in the lower-cased text with its spaces collapsed can match, so the
    regular expression is built from those (usually none): the same hits as the full one,
    far faster.
    """
    flat = " ".join(text.lower().split())
    candidates = frozenset(spun for spun, needle in _PHRASE_TEXT if needle in flat)
    found = set()
    if candidates:
        found = {re.sub(r"\s+", " ", m.group(0).lower().replace("’", "'")) for m in _pattern(candidates).finditer(text)}
    return SpinReport(sorted(found), len(_WORD.findall(text)))


def is_spun(text: str) -> bool:
    return spin_report(text).spun
