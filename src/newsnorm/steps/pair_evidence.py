"""How much a foreign paragraph and an English one look like the same text, without a model.

Evidence that survives translation: the length ratio for the script (Korean says in fewer
characters what English says), numbers (`14%`, `2019`, `1,000`), words kept in Latin letters
(`AMLO`, `HIV`, a Vietnamese text's `Warren`), names transliterated into Hangul (`워렌` for
`Warren`, compared by their consonants), and punctuation that a translator keeps (quotes,
brackets, a question). Part of the align step; tables in patterns/pairing.py (PAIRING).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from newsnorm.steps.patterns import PAIRING

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
_EN_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")
_CJK = ("ko", "ja", "zh")

# Hangul initial and final consonants as sound classes shared with English spelling.
_INITIAL = "KKNTTRMPPSSxJJJKTPH"  # ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ (ㅇ silent at the start)
_FINAL = ["", "K", "K", "K", "N", "N", "N", "T", "R", "R", "R", "R", "R", "R", "R", "R", "M", "P", "P", "T", "T",
          "N", "T", "T", "K", "T", "P", "T"]
_EN_DIGRAPH = {"ph": "P", "th": "T", "sh": "S", "ch": "J", "ck": "K", "ng": "N", "qu": "K"}
_EN_LETTER = {"b": "P", "p": "P", "f": "P", "v": "P", "c": "K", "k": "K", "g": "K", "q": "K", "d": "T", "t": "T",
              "s": "S", "z": "J", "j": "J", "l": "R", "r": "R", "m": "M", "n": "N", "h": "H", "x": "KS"}


def _collapse(classes: list[str]) -> str:
    out: list[str] = []
    for c in "".join(classes):
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=8192)
def hangul_skeleton(word: str) -> str:
    """`워렌` -> `RN`: the consonant classes of a Hangul word (a silent ㅇ and vowels dropped)."""
    out = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, final = code // 588, code % 28
        if _INITIAL[initial] != "x":
            out.append(_INITIAL[initial])
        out.append(_FINAL[final])
    return _collapse(out)


@lru_cache(maxsize=8192)
def english_skeleton(word: str) -> str:
    """`Warren` -> `RN`: the consonant classes of an English word (vowels, w, y dropped)."""
    w = word.lower()
    out = []
    i = 0
    while i < len(w):
        if w[i : i + 2] in _EN_DIGRAPH:
            out.append(_EN_DIGRAPH[w[i : i + 2]])
            i += 2
        else:
            out.append(_EN_LETTER.get(w[i], ""))
            i += 1
    return _collapse(out)


# A number written with a scale word, in each language's way: `£120 million`, `2.4bn`,
# `1억 2천만` (1 x 10^8 + 2 x 10^3 x 10^4), `240만`, `1,2 triệu` (a Vietnamese decimal comma).
_SCALED = {
    "en": re.compile(r"(\d+(?:[.,]\d+)*)\s?(million|billion|trillion|thousand|mn|bn|m|k)\b", re.IGNORECASE),
    "vi": re.compile(r"(\d+(?:[.,]\d+)*)\s?(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)", re.IGNORECASE),
}
_KO_NUMBER = re.compile(r"(?:\s?\d+(?:[.,]\d+)*\s?(?:조|억|만|천|백)|(?<=[조억만천백])\s?(?:만|억))+")
_KO_PART = re.compile(r"(\d+(?:[.,]\d+)*)?\s?(조|억|만|천|백)")
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12, "nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
          "백": 1e2, "천": 1e3, "만": 1e4, "억": 1e8, "조": 1e12}
_KO_LARGE = ("만", "억", "조")


def _value(digits: str, decimal_comma: bool) -> float:
    if decimal_comma:
        return float(digits.replace(".", "").replace(",", "."))
    return float(digits.replace(",", ""))


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _korean_value(text: str) -> float:
    """`1억 2천만` -> 120000000: small units add up inside a section a large unit multiplies."""
    total = section = 0.0
    for m in _KO_PART.finditer(text):
        n = _value(m.group(1), False) if m.group(1) else None
        unit = _SCALE[m.group(2)]
        if m.group(2) in _KO_LARGE:
            section += n if n is not None else 0.0
            total += (section or 1.0) * unit
            section = 0.0
        else:
            section += (n if n is not None else 1.0) * unit
    return total + section


def numbers(text: str, lang: str = "en") -> set[str]:
    """The numbers a text states, written the plain way (`1,000` -> `1000`; `82만` -> `820000`;
    `£120 million` and `1억 2천만` -> `120000000`). A number with a scale word counts once,
    as its value, not also as its digits."""
    out = {_plain(_korean_value(m.group())) for m in _KO_NUMBER.finditer(text)}
    text = _KO_NUMBER.sub(" ", text)
    scaled = _SCALED.get(lang, _SCALED["en"])
    for m in scaled.finditer(text):
        try:
            out.add(_plain(_value(m.group(1), lang == "vi") * _SCALE[m.group(2).lower()]))
        except ValueError:
            continue
    text = scaled.sub(" ", text)
    out |= {re.sub(r"[.,]", "", n).lstrip("0") or "0" for n in _NUMBER.findall(text)}
    return out


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def latin_words(text: str, lang: str) -> set[str]:
    """Words written in Latin letters that a translation into English keeps: in a Korean text
    any; in a Vietnamese (Latin-script) text the capitalised ones with no Vietnamese marks
    that are not one syllable of Vietnamese (`Warren`, `AMLO`, not `Trong`)."""
    found = {w.lower() for w in _LATIN.findall(text)}
    if lang in _CJK:
        return {w for w in found if len(w) >= 2}
    out = set()
    for w in _LATIN.findall(text):
        if w.isascii() and w[:1].isupper() and len(w) >= 3 and w.lower() not in PAIRING["vi_ascii_syllables"]:
            out.add(w.lower())
    return out


def transliterated(foreign: str, english: str) -> int:
    """Hangul words whose consonants spell a capitalised English word of the candidate: the
    same consonant classes, or one starting the other when both have at least
    `name_prefix_min` (a two-consonant Korean word starts too many English names). A name
    spelt out in Hangul has about a consonant class per syllable."""
    names = {english_skeleton(w) for w in _EN_NAME.findall(english)}
    names = {s for s in names if len(s) >= 2}
    if not names:
        return 0
    hits, prefix = 0, PAIRING["name_prefix_min"]
    for word in set(_HANGUL_WORD.findall(foreign)):
        sk = hangul_skeleton(word)
        if len(sk) < len(word) - PAIRING["name_syllable_slack"]:
            continue  # mostly vowels (`이어가기로`: KR): a Korean word, not a spelt-out name
        if len(sk) >= 2 and any(n == sk or min(len(n), len(sk)) >= prefix and (sk.startswith(n) or n.startswith(sk))
                                for n in names):
            hits += 1
    return hits


def _signs(text: str) -> tuple[bool, ...]:
    return tuple(any(c in text for c in group) for group in PAIRING["kept_punctuation"])


def length_z(foreign: str, lang: str, english: str) -> float:
    """How far the length ratio is from the script's, in spreads for a text this long: a short
    line's ratio varies more (`Try love.` for `Hãy yêu thương.`), so its spread is wider
    (variance = floor² + per_char / characters)."""
    mean, floor, per_char = PAIRING["length_log_ratio"].get(lang, PAIRING["length_log_ratio"]["latin"])
    ratio = math.log(max(1, len(english)) / max(1, len(foreign)))
    return abs(ratio - mean) / math.sqrt(floor * floor + per_char / max(1, len(foreign)))


def score(foreign: str, lang: str, english: str) -> float:
    """Log-odds-like evidence that `english` renders `foreign` (positive: likely)."""
    w = PAIRING["weights"]
    z = length_z(foreign, lang, english)
    s = w["length"] * (1.0 - z)
    nf, ne = numbers(foreign, lang), numbers(english)
    if nf or ne:
        shared = len(nf & ne)
        s += w["number_shared"] * shared - w["number_missing"] * len(nf ^ ne)
    lf = latin_words(foreign, lang)
    if lf:
        el = english.lower()
        hit = sum(1 for x in lf if x in el)
        s += w["latin_shared"] * hit - w["latin_missing"] * (len(lf) - hit)
    if lang == "ko":
        s += w["transliterated"] * min(3, transliterated(foreign, english))
    sf, se = _signs(_strip_marks(foreign)), _signs(english)
    s -= w["punctuation_differs"] * sum(a != b for a, b in zip(sf, se, strict=True))
    return s
