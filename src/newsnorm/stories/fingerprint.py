"""What an article says, reduced to features that survive paraphrase, spinning and translation.

A rewrite changes words; it rarely changes the facts. So a story fingerprint is the set of
an article's *specific* terms, each weighted by how surprising it is:

- numbers, normalized (`$350 billion` = `350bn` = 3.5e11; `fifteen%` = `15 percent` = 15%):
  a spinner or a translator keeps figures, and a figure like 28,500 is rare in general text;
- names (capitalized mid-sentence: `Hanwha`, `Sung-lac`, `Philadelphia`), weighted up;
- rarer content words (`shipbuilder`, `semiconductors`), lightly stemmed.

Weights come from a static English word-frequency table (wordfreq's Zipf scale: "the" 7.7,
"trump" 4.9, "hanwha" 1.7), not from the warehouse, so the similarity of two articles is a
pure function of the two texts: the same pairs match whatever the ingestion order, which
is what keeps story ids stable. Common words (Zipf above WORD_MAX_ZIPF) carry no weight.

The fingerprint also carries a MinHash of word 5-shingles, to tell a copy of the same
text (syndication) from another article about the same story.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newsnorm.perf.columns import sorted_unique
from newsnorm.perf.word_frequency import WORD_CACHE, zipf  # wordfreq's English Zipf frequency, held compactly
from newsnorm.stories.fingerprint_data import ENTITY_STOPWORDS, NUMBER_WORDS, SCALE_WORDS, WEIGHTS

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_SENTENCE_END = re.compile(r"[.!?:;\"“”—–\-\n(\[]\s*$")
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>US\$|\$|€|£|¥|₩)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b)|[\s-](?P<scale>" + "|".join(SCALE_WORDS) + r")\b)?",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(  # run on lower-cased text: case-sensitive matching is 3x faster here
    r"\b(?P<tens>" + "|".join(w for w, v in NUMBER_WORDS.items() if v >= 20 and v % 10 == 0) + r")"
    r"(?:[-\s](?P<unit>" + "|".join(w for w, v in NUMBER_WORDS.items() if v < 10) + r"))?\b"
    r"|\b(?P<word>" + "|".join(NUMBER_WORDS) + r")\b",
)
_DIGIT = re.compile(r"\d")
_NUMBER_LEAD = 4  # most characters before a figure's first digit: a currency ("US$") and a space
_SPELLED_PCT = re.compile(r"\s?(%|percent\b|per cent\b)", re.IGNORECASE)
_SHINGLE = 5
N_MINHASH = 64
FINGERPRINT_VERSION = "2"  # bump when features or weights change: saved indexes are then rebuilt
WEIGHT_SCALE = 20  # weights are stored as uint8 steps of 1/20


@dataclass(slots=True)
class Fingerprint:
    """Sorted unique feature hashes with their weights, plus a MinHash of the raw wording."""

    keys: np.ndarray      # uint32, sorted, unique
    weights: np.ndarray   # float32, aligned with keys
    minhash: np.ndarray   # uint32[N_MINHASH]
    n_shingles: int
    n_words: int
    _steps: np.ndarray | None = field(default=None, repr=False, compare=False)
    _mass: float | None = field(default=None, repr=False, compare=False)

    @property
    def steps(self) -> np.ndarray:
        """The weights as whole steps of 1/WEIGHT_SCALE (uint8): sums of these are exact, in any order."""
        if self._steps is None:
            self._steps = np.rint(self.weights * WEIGHT_SCALE).astype(np.uint8)
        return self._steps

    @property
    def mass(self) -> float:
        if self._mass is None:
            self._mass = int(self.steps.sum(dtype=np.int64)) / WEIGHT_SCALE
        return self._mass


# -- numbers -----------------------------------------------------------------------------
def _canonical(value: float) -> str:
    """Whole numbers as written (2019, 28500); big or fractional ones to four significant digits."""
    if value.is_integer() and value < 1e7:
        return str(int(value))
    return f"{value:.4g}"


def _number_weight(value: float, raw: str, pct: bool, scaled: bool, currency: bool) -> float:
    if pct:
        return WEIGHTS["number_pct"]
    if scaled or currency or ("." in raw and value >= 10):
        return WEIGHTS["number_amount"]
    if value.is_integer() and 1900 <= value <= 2100 and "," not in raw:
        return WEIGHTS["number_year"]
    if value >= 100:
        return WEIGHTS["number_specific"]
    return WEIGHTS["number_small"] if value >= 10 else 0.0


def number_features(text: str) -> dict[str, float]:
    """Normalized figures with a weight by how specific the figure is."""
    out: dict[str, float] = {}
    for m in _number_matches(text):
        raw = m.group("num")
        value = float(raw.replace(",", ""))
        scale = (m.group("scale") or "").lower()
        value *= SCALE_WORDS.get(scale, 1.0)
        pct = bool(m.group("pct"))
        w = _number_weight(value, raw, pct, bool(scale), bool(m.group("cur")))
        if w > 0:
            key = "n:" + _canonical(value) + ("%" if pct else "")
            out[key] = max(out.get(key, 0.0), w)
    lower = text.lower()
    for m in _NUMBER_WORD.finditer(lower):
        if m.group("word"):
            value = NUMBER_WORDS[m.group("word")]
        else:
            value = NUMBER_WORDS[m.group("tens")] + NUMBER_WORDS.get(m.group("unit") or "", 0)
        pct = bool(_SPELLED_PCT.match(lower, m.end()))
        w = WEIGHTS["number_pct"] if pct else (WEIGHTS["number_small"] if value >= 10 else 0.0)
        if w > 0:
            key = "n:" + _canonical(float(value)) + ("%" if pct else "")
            out[key] = max(out.get(key, 0.0), w)
    return out


def _number_matches(text: str):
    """`_NUMBER.finditer(text)`, skipping to the next digit instead of trying every position.

    Exact: a match holds a digit and starts at most _NUMBER_LEAD characters before its first
    one, so no match starts before (the next digit) - _NUMBER_LEAD; and `search` from a
    position still sees the characters before it (the look-behind)."""
    pos = 0
    while True:
        digit = _DIGIT.search(text, pos)
        if digit is None:
            return
        m = _NUMBER.search(text, max(pos, digit.start() - _NUMBER_LEAD))
        if m is None:
            return
        yield m
        pos = m.end()


# -- terms -------------------------------------------------------------------------------
def stem(word: str) -> str:
    """A crude, deterministic suffix strip so investment/investments and talks/talk agree."""
    for suffix in ("ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


_STARTERS = frozenset(".!?:;\"“”—–-\n([")


def _title_case(words: list[str]) -> bool:
    long = [w for w in words if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.6 * len(long)


def _term_features(text: str, frequency: Callable[[str], float]) -> tuple[dict[str, float], list[str]]:
    """Names and rarer content words, weighted by surprise (names count more), and every
    word of the text in order (the MinHash shingles them). `frequency` maps a word to its
    Zipf frequency; the stories benchmark swaps it to measure what the table is worth."""
    names: set[str] = set()
    words: list[str] = []
    for line in text.split("\n"):
        line_words = _WORD.findall(line)
        words.extend(line_words)
        if not line_words or _title_case(line_words):
            continue
        capitals = [i for i, word in enumerate(line_words) if word[0].isupper()]
        seps: list[str] = []
        for i in capitals:
            word = line_words[i]
            if word.lower() not in ENTITY_STOPWORDS:
                seps = seps or _WORD.split(line)  # the text between words, once per line
                if not _starts_sentence(seps, i):
                    names.add(_key(word))
    return _weigh(words, names, frequency), words


def _starts_sentence(seps: list[str], i: int) -> bool:
    """Does word i start a sentence (`seps`: the line split at its words)? Capitals there
    say nothing about names.

    Yes when the last non-space character of the three before it closes a sentence or
    opens a quote or bracket, or when nothing is before it. A word ends in a letter, so
    only the separator before the word matters (its last three characters).
    """
    tail = seps[i][-3:].rstrip()
    return (i == 0 and not seps[0]) or (tail != "" and tail[-1] in _STARTERS)


def _weigh(words: list[str], names: set[str], frequency: Callable[[str], float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for word in dict.fromkeys(words):  # each distinct word once: it always gives the same feature
        term = _term(word)
        if term is None:
            continue
        key, k = term
        z = frequency(key)
        if key in names:
            w = WEIGHTS["name"] * min(WEIGHTS["max_surprise"], max(0.5, WEIGHTS["name_max_zipf"] - z))
        elif z <= WEIGHTS["word_max_zipf"]:
            w = min(WEIGHTS["max_surprise"], WEIGHTS["word_max_zipf"] + 1.0 - z)
        else:
            continue
        out[k] = max(out.get(k, 0.0), w)
    return out


@lru_cache(maxsize=WORD_CACHE)
def _term(word: str) -> tuple[str, str] | None:
    """(key, feature name) of a word that can be a feature, else None: one lookup per word."""
    key = _key(word)
    if len(key) < 3 or key in ENTITY_STOPWORDS:
        return None
    return key, "t:" + stem(key)


@lru_cache(maxsize=WORD_CACHE)
def _key(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower().replace("’", "'"))


# -- hashing -----------------------------------------------------------------------------
RARITY_BITS = 4  # a feature key's top bits: how common the feature is (0 rarest), so sorted keys go rarest first
_LOW_BITS = (1 << (32 - RARITY_BITS)) - 1
_STEM_FORMS = ("", "s", "es", "ed", "ing", "ings", "ment", "ments")  # words a stem can come from (see stem)


@lru_cache(maxsize=WORD_CACHE)
def feature_key(name: str) -> int:
    """A feature's 32-bit key: its rarity class in the top RARITY_BITS, a CRC-32 of its name below.

    Sorting keys then orders every article's features the same way, rarest first, which
    the story index's exact candidate search needs (candidates.py): the key is a function
    of the feature's name alone, whatever weight the feature has in one article.
    """
    return rarity_class(name) << (32 - RARITY_BITS) | (zlib.crc32(name.encode("utf-8")) & _LOW_BITS)


def rarity_class(name: str) -> int:
    """0 (rare) .. 15 (common), from the name only: figures by kind, words by Zipf frequency."""
    kind, _, body = name.partition(":")
    if kind == "n":
        if body.endswith("%"):
            return 2
        value = float(body)
        if "." in body or "e" in body or value >= 10_000:
            return 0
        if value.is_integer() and 1900 <= value <= 2100:
            return 9
        return 1 if value >= 100 else 12
    z = max(zipf(body + end) for end in _STEM_FORMS)
    if body.endswith("y"):
        z = max(z, zipf(body[:-1] + "ies"))
    return min((1 << RARITY_BITS) - 1, int(z * 2))


def _minhash_params() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20251124)  # fixed: signatures must compare across runs
    a = rng.integers(1, 2**63, size=N_MINHASH, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=N_MINHASH, dtype=np.uint64)
    return a, b


_MH_A, _MH_B = _minhash_params()


def minhash(words: list[str]) -> tuple[np.ndarray, int]:
    """MinHash of word 5-shingles (multiply-shift hashing): estimates Jaccard of wordings."""
    if any(" " in w for w in words):  # not words of one text: shingle them one by one
        grams = [" ".join(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))] if words else []
        return _signature([zlib.crc32(g.encode("utf-8")) for g in grams])
    return _minhash_joined(" ".join(words))


def _minhash_joined(joined: str) -> tuple[np.ndarray, int]:
    """`minhash(joined.split(" "))` for words without spaces, joined by single spaces.

    A shingle's hash is the CRC-32 of its words joined by spaces, taken as a slice of the
    whole text encoded once: word boundaries are the space bytes (the same bytes as
    joining each shingle, without a string per shingle)."""
    if not joined:
        return _signature([])
    data = joined.encode("utf-8")
    bounds = np.flatnonzero(np.frombuffer(data, np.uint8) == 32)  # the spaces between words
    if bounds.size + 1 < _SHINGLE:
        return _signature([zlib.crc32(data)])
    starts = np.concatenate([[0], bounds + 1, [len(data) + 1]])  # word i: data[starts[i]:starts[i + 1] - 1]
    view, crc32 = memoryview(data), zlib.crc32
    spans = zip(starts[:-_SHINGLE].tolist(), (starts[_SHINGLE:] - 1).tolist(), strict=True)
    return _signature([crc32(view[a:b]) for a, b in spans])


def _signature(crcs: list[int]) -> tuple[np.ndarray, int]:
    if not crcs:
        return np.full(N_MINHASH, 0xFFFFFFFF, dtype=np.uint32), 0
    x = sorted_unique(np.array(crcs, dtype=np.uint64))
    h = np.multiply.outer(x, _MH_A)  # wraps modulo 2**64, as intended
    h += _MH_B
    h >>= np.uint64(32)
    return h.min(axis=0).astype(np.uint32), int(x.size)


def quantize(weights: np.ndarray) -> np.ndarray:
    """Weights in steps of 1/WEIGHT_SCALE, so a fingerprint read back from disk scores the same."""
    return (np.clip(np.round(weights * WEIGHT_SCALE), 0, 255) / WEIGHT_SCALE).astype(np.float32)


def fingerprint(text: str, frequency: Callable[[str], float] = zipf) -> Fingerprint:
    feats, words = _term_features(text, frequency)
    feats.update(number_features(text))
    items = {}
    for k, w in feats.items():
        h = feature_key(k)
        items[h] = max(items.get(h, 0.0), w)
    keys = np.fromiter(sorted(items), dtype=np.uint32, count=len(items))
    weights = quantize(np.fromiter((items[int(k)] for k in keys), dtype=np.float32, count=len(items)))
    mh, n_sh = _minhash_joined(" ".join(words).lower())  # spaces bound the case rules: as word by word
    return Fingerprint(keys, weights, mh, n_sh, len(words))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Weighted overlap of the two feature sets over the geometric mean of their masses.

    Symmetric and order-free. The geometric mean (not the union) keeps a truncated copy
    close to its full version: half the features shared scores 0.71, not 0.5.
    """
    shared = shared_mass(a, b)
    denom = math.sqrt(a.mass * b.mass)
    return shared / denom if denom else 0.0


def shared_mass(a: Fingerprint, b: Fingerprint) -> float:
    """Sum over shared features of the smaller weight (exact: counted in weight steps)."""
    _, ia, ib = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    return int(np.minimum(a.steps[ia], b.steps[ib]).sum(dtype=np.int64)) / WEIGHT_SCALE


def text_resemblance(a: Fingerprint, b: Fingerprint) -> float:
    """Share of the shorter wording found in the longer one (MinHash estimate)."""
    if not a.n_shingles or not b.n_shingles:
        return 0.0
    j = float(np.mean(a.minhash == b.minhash))
    inter = j * (a.n_shingles + b.n_shingles) / (1.0 + j)
    return min(1.0, inter / min(a.n_shingles, b.n_shingles))


# -- one against many: the same numbers as the pair functions above, in one numpy pass ------
def text_resemblance_many(a: Fingerprint, minhashes: np.ndarray, n_shingles: np.ndarray) -> np.ndarray:
    """`text_resemblance(a, b)` for every b given by its MinHash row and shingle count."""
    return text_resemblance_matrix(a.minhash[None, :], np.array([a.n_shingles], np.int64),
                                   minhashes, n_shingles)[0]


def text_resemblance_matrix(minhash_a: np.ndarray, n_a: np.ndarray, minhash_b: np.ndarray,
                            n_b: np.ndarray) -> np.ndarray:
    """`text_resemblance` of every row of a against every row of b: float64[len(a), len(b)]."""
    out = np.zeros((n_a.size, n_b.size), np.float64)
    ra, rb = np.flatnonzero(n_a > 0), np.flatnonzero(n_b > 0)
    if not ra.size or not rb.size:
        return out
    na, nb = n_a[ra][:, None], n_b[rb][None, :]
    j = (minhash_a[ra][:, None, :] == minhash_b[rb][None, :, :]).sum(axis=2) / N_MINHASH
    inter = j * (na + nb) / (1.0 + j)
    out[np.ix_(ra, rb)] = np.minimum(1.0, inter / np.minimum(na, nb))
    return out


def shared_mass_many(a: Fingerprint, others: list[Fingerprint]) -> np.ndarray:
    """`shared_mass(a, b)` for every b in `others`."""
    if not others or not a.keys.size:
        return np.zeros(len(others), np.float64)
    keys = np.concatenate([b.keys for b in others])
    steps = np.concatenate([b.steps for b in others])
    owner = np.repeat(np.arange(len(others)), [b.keys.size for b in others])
    pos = np.minimum(np.searchsorted(a.keys, keys), a.keys.size - 1)
    hit = a.keys[pos] == keys
    shared = np.bincount(owner[hit], weights=np.minimum(a.steps[pos[hit]], steps[hit]), minlength=len(others))
    return shared / WEIGHT_SCALE


def similarity_many(a: Fingerprint, others: list[Fingerprint], shared: np.ndarray,
                    masses: np.ndarray | None = None) -> np.ndarray:
    """`similarity(a, b)` for every b in `others`, given their `shared_mass_many` (and masses)."""
    if masses is None:
        masses = np.array([b.mass for b in others], np.float64)
    denom = np.sqrt(a.mass * masses)
    return np.divide(shared, denom, out=np.zeros_like(shared), where=denom > 0)
