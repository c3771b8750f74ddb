"""Language of each segment: cheap certain evidence first, langdetect only where needed.

langdetect is confidently wrong on short lines (`x` -> so, `Latest` -> fr, `toggle caption`
-> it), and probability thresholds do not catch it. So the order is: script (Hangul is
Korean, kana is Japanese, ...), Vietnamese letters and syllables, English function words,
and only then langdetect (seeded) for longer Latin-script lines. Short lines without
evidence take the language of their neighbours or of the article, unless they carry
another language's function words (then langdetect names that language).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from newsnorm.document import Segment
from newsnorm.steps.patterns import (
    COMPILED,
    ENGLISH_DISTINCTIVE_WORDS,
    ENGLISH_FUNCTION_WORDS,
    FOREIGN_FUNCTION_WORDS,
    NAME_PARTICLES,
    VI_LETTERS,
)
from newsnorm.steps.text import ascii_letters

VI_SPECIFIC = frozenset(VI_LETTERS)
# Tone marks (grave, acute, tilde, hook above, dot below); a Vietnamese syllable has one.
_VI_LETTER = re.compile("[" + re.escape(VI_LETTERS) + "]")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWEL = re.compile(r"[aeiouyăâêôơư]")
_VI_VOWEL_MARK = re.compile(r"[ăâêôơư]")
_NON_ENGLISH_MARKS = frozenset("àâäçéèêëîïôöùûüÿñãõåøæœßáíóúìąćęłńśźżčďěňřšťůž")
# Any other language's function word: one set lookup per word instead of one per language.
_FOREIGN_WORDS = frozenset().union(*FOREIGN_FUNCTION_WORDS.values())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Unicode script of a letter, by code point range; Latin is the default.
_SCRIPT_RANGES: list[tuple[int, int, str]] = [
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x3040, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hangul"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA960, 0xA97F, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFF66, 0xFF9F, "Kana"),
    (0xFFA0, 0xFFDC, "Hangul"),
]
# Scripts that name their language outright.
_SCRIPT_LANG = {"Hangul": "ko", "Kana": "ja", "Thai": "th", "Greek": "el", "Hebrew": "he", "Georgian": "ka"}
# langdetect codes folded to ISO 639-1.
_FOLD = {"zh-cn": "zh", "zh-tw": "zh"}

SHORT_WORDS = 8
# langdetect must be this sure before a short line inside English is called foreign.
SHORT_FOREIGN_PROB = 0.9
# Signs of another language (its function words, letters English does not use) that send a
# short line inside English to langdetect.
FOREIGN_SIGNS = 1
HAN_RUN = 6  # this many Han characters make a line Chinese, unless it is English around a gloss


@dataclass(slots=True)
class LangGuess:
    lang: str
    prob: float
    method: str  # script | diacritics | function-words | langdetect | context | block | none


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    cp = ord(ch)
    for lo, hi, name in _SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name
    return "Latin"


_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")


def script_profile(text: str) -> dict[str, int]:
    """Letters per script. Regex-counted: this runs on every line, so no Python loop over ASCII."""
    latin, n_ascii = ascii_letters(text)
    other = _NON_ASCII_LETTER.findall(text) if n_ascii < len(text) else []
    if not latin and not other:
        return {}
    counts = {"Latin": latin}
    for ch in other:
        s = "Latin" if ch < "\u0250" else _script_of(ch)
        counts[s] = counts.get(s, 0) + 1
    if not counts["Latin"]:
        del counts["Latin"]
    return counts


_factory = None
_factory_lock = threading.Lock()


def _get_factory():
    """One fully loaded langdetect factory per process (langdetect's own global is racy),
    its profiles held sparsely (langdetect_profiles.py: same answers, a third of the memory)."""
    global _factory
    with _factory_lock:
        if _factory is None:
            from langdetect import DetectorFactory

            from newsnorm.perf.langdetect_profiles import SparseDetectorFactory

            DetectorFactory.seed = 0
            factory = SparseDetectorFactory()
            factory.load_profile()
            factory.set_seed(0)
            _factory = factory
    return _factory


def warm_up() -> None:
    """Load langdetect's profiles now (about 0.5 s, mostly in a child process) rather than in the first batch."""
    _get_factory()


def _langdetect_probs(text: str, stats: LangidStats | None) -> list[tuple[str, float]]:
    """Seeded langdetect; identical results in every process and thread. A text seen before
    (a site's repeated line) is answered from a cache: seeded, its answer cannot differ. Counted
    in `stats` either way: the count is of lines that needed langdetect's answer."""
    if stats is not None:
        stats.langdetect_calls += 1
    return list(_detect(text))


LANGDETECT_CACHE = 8192


@lru_cache(maxsize=LANGDETECT_CACHE)
def _detect(text: str) -> tuple[tuple[str, float], ...]:
    detector = _get_factory().create()
    detector.append(text)
    try:
        probs = detector.get_probabilities()
    except Exception:  # LangDetectException: no features in text
        return ()
    out: dict[str, float] = {}
    for p in probs:
        code = _FOLD.get(p.lang, p.lang)
        out[code] = out.get(code, 0.0) + p.prob
    return tuple(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(slots=True)
class LangidStats:
    """Counts a caller passes in and reads back: lines classified, and how many of them reached
    langdetect (the slow path). The run's report and its runs table show them."""

    lines: int = 0
    langdetect_calls: int = 0

    def add(self, other: LangidStats) -> None:
        self.lines += other.lines
        self.langdetect_calls += other.langdetect_calls


def classify(text: str, context: str | None = None, scripts: dict[str, int] | None = None,
             stats: LangidStats | None = None) -> LangGuess:
    """Language of one line. `context` is the article's (or neighbours') language, if known;
    `scripts` its `script_profile`, if the caller has it already; `stats` counts langdetect calls."""
    if scripts is None:
        scripts = script_profile(text)
    letters = sum(scripts.values())
    if letters == 0:
        return LangGuess("und", 0.0, "none")
    guess = _classify_script(text, scripts, letters, stats)
    if guess is not None:
        return guess
    return _classify_latin(text, letters, context, stats)


def _classify_script(text: str, scripts: dict[str, int], letters: int, stats: LangidStats | None,
                     defer: bool = False) -> LangGuess | None:
    """Scripts that name their language; None for Latin-script lines.

    Hangul is Korean even as a minority of the letters (`Haris Alexiou와 함께`): only a long
    line that is plainly English around a Korean gloss stays English.
    """
    hangul = scripts.get("Hangul", 0)
    if hangul and (hangul >= 0.3 * letters or not _english_around_gloss(text)):
        return LangGuess("ko", 1.0, "script")
    kana = scripts.get("Kana", 0)
    if kana and kana + scripts.get("Han", 0) >= 0.3 * letters:
        return LangGuess("ja", 1.0, "script")
    han = scripts.get("Han", 0)
    if han >= 0.3 * letters or (han >= HAN_RUN and not _english_around_gloss(text)):
        return LangGuess("zh", 1.0, "script")
    top_script, top_n = max(scripts.items(), key=lambda kv: (kv[1], kv[0]))
    if top_script == "Latin" or top_n < 0.5 * letters:
        return None
    if top_script in _SCRIPT_LANG:
        return LangGuess(_SCRIPT_LANG[top_script], 1.0, "script")
    if defer:  # detected with the other lines of its script (_block_languages)
        return LangGuess(top_script, 0.0, _DEFERRED)
    probs = _langdetect_probs(text, stats)
    if probs:
        return LangGuess(probs[0][0], round(probs[0][1], 4), "langdetect")
    return LangGuess("und", 0.0, "none")


def _english_around_gloss(text: str) -> bool:
    latin = [w.lower() for w in _WORD.findall(text) if w[0] < "\u0250"]
    return len(latin) >= SHORT_WORDS and is_english(latin)


def is_english(lower: list[str]) -> bool:
    """English by its function words: one distinctive word, and enough of them overall."""
    n = len(lower)
    if not n or ENGLISH_DISTINCTIVE_WORDS.isdisjoint(lower):
        return False
    fw = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, lower))
    return fw >= 0.25 * n and (n < SHORT_WORDS or fw >= 3)


def _strip_tones(word: str) -> tuple[str, int]:
    """The word without Vietnamese tone marks (vowel letters kept), and how many it had."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for ch in decomposed if ch in _TONES)
    base = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", base), tones


@lru_cache(maxsize=65536)
def vi_word_evidence(word: str) -> int:
    """How a word votes on "this line is Vietnamese".

    +1 a Vietnamese word: its own letters, or a lower-case well-formed syllable with a tone
    or vowel mark (`tác`, `năm`); -1 a lower-case word Vietnamese cannot spell (`été`,
    `was`, `the`); 0 either way (names, abbreviations, bare syllables such as `an`, `bay`).
    """
    lower = word.lower()
    if any(ch in VI_SPECIFIC for ch in lower):
        return 1
    if word != lower:
        return 0
    if lower in ENGLISH_DISTINCTIVE_WORDS:
        return -1
    base, tones = _strip_tones(lower)
    if not _VOWEL.search(base):
        return 0
    if tones > 1 or not COMPILED["vi_syllable"].fullmatch(base):
        return -1
    return 1 if tones or _VI_VOWEL_MARK.search(base) else 0


def is_vietnamese(words: list[str], lower: list[str]) -> bool:
    """At least one Vietnamese word, and more of them than words Vietnamese cannot spell
    (`sân bay đã`). With letters only Vietnamese writes, Vietnamese unless the line is
    English by more function words than it has Vietnamese words (`Prime Minister Nguyễn
    Xuân Phúc said on Monday that ...` stays English; `xuất khẩu than` is Vietnamese)."""
    score = [vi_word_evidence(w) for w in words]
    pos = score.count(1)
    if _VI_LETTER.search(" ".join(words)):
        return not (is_english(lower) and sum(w in ENGLISH_FUNCTION_WORDS for w in lower) > pos)
    return pos >= 1 and pos > score.count(-1)


def has_foreign_evidence(words: list[str], lower: list[str]) -> bool:
    """Signs of another language in words written in lower case: its function words, or
    letters English does not use; more of them than distinctive English words (a French
    sentence may cite `The Fools Who Dream`). Names prove nothing (`São Paulo`,
    `Los Angeles`), nor does a particle before one (`de Gaulle`, `van Gogh`)."""
    english = sum(1 for w in lower if w in ENGLISH_DISTINCTIVE_WORDS)
    if english and len(words) < SHORT_WORDS:
        return False
    signs = 0
    for i, w in enumerate(words):
        if not w.islower():
            continue
        particle = w in NAME_PARTICLES and i + 1 < len(words) and words[i + 1][:1].isupper()
        if not particle and w in _FOREIGN_WORDS:
            signs += 1
        if not w.isascii() and not _NON_ENGLISH_MARKS.isdisjoint(w):  # the marks are all non-ASCII
            signs += 1
    return signs >= FOREIGN_SIGNS and signs > english


@dataclass(slots=True)
class _LatinWords:
    """A Latin-script line's words as found and in lower case: the first pass reads them, and
    for a line it leaves undecided the second pass reuses them."""

    text: str
    letters: int
    words: list[str]
    lower: list[str]

    @classmethod
    def of(cls, text: str, letters: int) -> _LatinWords:
        words = _WORD.findall(text)
        return cls(text, letters, words, [w.lower() for w in words])


def _classify_latin(text: str, letters: int, context: str | None, stats: LangidStats | None) -> LangGuess:
    line = _LatinWords.of(text, letters)
    certain = _certain_latin(line)
    if certain is not None:
        return certain
    if context == _FIRST_PASS:  # no certain evidence; decided in context later
        return LangGuess("und", 0.0, "none")
    return _latin_in_context(line, context, stats)


def _certain_latin(line: _LatinWords) -> LangGuess | None:
    """Vietnamese or English by the line's own words; None when they do not say."""
    if not line.text.isascii() and is_vietnamese(line.words, line.lower):  # ASCII has no Vietnamese word
        return LangGuess("vi", 1.0, "diacritics")
    if is_english(line.lower):
        return LangGuess("en", 1.0, "function-words")
    return None


def _latin_in_context(line: _LatinWords, context: str | None, stats: LangidStats | None) -> LangGuess:
    """A Latin-script line without certain evidence of its own, given its context."""
    text, letters, words, lower = line.text, line.letters, line.words, line.lower
    n = len(words)
    if letters < 3:
        return LangGuess(context or "und", 0.5 if context else 0.0, "context" if context else "none")
    if context == "en" or (n < SHORT_WORDS and context):
        return _in_context(text, words, lower, context, n < SHORT_WORDS, stats)
    probs = _langdetect_probs(text, stats)
    if not probs:
        return LangGuess(context or "und", 0.5 if context else 0.0, "context" if context else "none")
    lang, prob = probs[0]
    if context and lang != context and prob < 0.9:
        ctx_prob = dict(probs).get(context, 0.0)
        if ctx_prob >= 0.05:
            return LangGuess(context, round(ctx_prob, 4), "context")
    if lang == "vi":
        # Vietnamese without a single Vietnamese word is diacritic-stripped text or a misfire.
        return LangGuess(context or lang, round(prob, 4), "context" if context else "langdetect")
    return LangGuess(lang, round(prob, 4), "langdetect")


_DOMAIN = re.compile(r"\b(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?")


def _in_context(text: str, words: list[str], lower: list[str], context: str, short: bool,
                stats: LangidStats | None) -> LangGuess:
    """A line takes its article's language, unless inside English it shows another
    language's function words or letters and langdetect names that language (confidently,
    for a short line). So English lines without function words (headlines, lists) never
    reach langdetect, while a foreign sentence, which carries its own function words (or,
    if long, lacks every English one), does."""
    if _DOMAIN.search(text):  # `essanews.com`: a site's address is no sign of a language
        words = _WORD.findall(_DOMAIN.sub(" ", text))
        lower = [w.lower() for w in words]
    no_english = not short and not any(w in ENGLISH_FUNCTION_WORDS for w in lower)
    if context == "en" and (no_english or has_foreign_evidence(words, lower)):
        probs = _langdetect_probs(text, stats)
        if probs and probs[0][0] not in ("en", "vi") and (not short or probs[0][1] >= SHORT_FOREIGN_PROB):
            return LangGuess(probs[0][0], round(probs[0][1], 4), "langdetect")
    return LangGuess(context, 0.5 if short else 0.75, "context")


def detect_segments(segments: list[Segment], stats: LangidStats | None = None) -> str:
    """Set lang/lang_prob on every segment; return the article's primary language. Lines
    classified and langdetect calls are added to `stats`, when given.

    First pass decides lines with their own certain evidence (script, Vietnamese letters,
    English function words); the article's language is the one with most letters among
    them; the second pass decides the other lines in that context. Lines that would each go
    to langdetect with no context (a Russian or Portuguese page) are first detected together
    once per script (`_block_languages`), and a line the block's language and a cheap test of
    its own decide skips its own call.
    """
    if stats is not None:
        stats.lines += len(segments)
    first: list[LangGuess | None] = []
    pending: list[_LatinWords | None] = []  # an undecided Latin-script line's words, for the second pass
    profiles = [script_profile(seg.text) for seg in segments]
    for seg, scripts in zip(segments, profiles, strict=True):
        guess = _certain_only(seg.text, scripts, stats)
        if isinstance(guess, _LatinWords):
            pending.append(guess)
            guess = None
        else:
            pending.append(None)
        first.append(guess)
    # lines of a script that does not name its language: one detection per script
    deferred = [i for i, g in enumerate(first) if g is not None and g.method == _DEFERRED]
    blocks = _block_languages(segments, deferred, [first[i].lang for i in deferred], stats)
    for i in deferred:
        block = blocks.get(i)
        guess = (_with_block(segments[i].text, None, block, stats) if block is not None
                 else _classify_script(segments[i].text, profiles[i], sum(profiles[i].values()), stats))
        first[i] = guess if guess is not None and guess.method != "none" else None
    weights: dict[str, int] = {}
    for guess, scripts in zip(first, profiles, strict=True):
        if guess is not None and guess.lang != "und":
            weights[guess.lang] = weights.get(guess.lang, 0) + sum(scripts.values())
    primary = max(weights.items(), key=lambda kv: (kv[1], kv[0]))[0] if weights else "und"
    contexts = [None if first[i] is not None else
                _neighbour_context(first, i) or (primary if primary != "und" else None) for i in range(len(segments))]
    # Latin-script lines with no context (no line of the page is certain): one detection for them all
    latin = [i for i, line in enumerate(pending) if line is not None and contexts[i] is None and line.letters >= 3]
    blocks = _block_languages(segments, latin, ["Latin"] * len(latin), stats)
    for i, seg in enumerate(segments):
        guess = first[i]
        if guess is None:
            line = pending[i]
            block = blocks.get(i)
            if block is not None:
                guess = _with_block(seg.text, line, block, stats)
            else:
                guess = (_latin_in_context(line, contexts[i], stats) if line is not None
                         else classify(seg.text, contexts[i], profiles[i], stats))
        seg.lang, seg.lang_prob = guess.lang, guess.prob
    return primary


# -- one detection per block -----------------------------------------------------------------
# langdetect must be this sure of a block's joined text before its lines lean on it.
BLOCK_PROB = 0.99
# A block's joined text is cut here (langdetect samples features; more text adds only cost).
BLOCK_MAX_CHARS = 4000
# Letters that decide a Cyrillic line between the languages that share the script once the
# block names one: (letters the language writes and its neighbours do not, letters it never writes).
BLOCK_LETTERS = {
    "ru": (frozenset("ыэё"), frozenset("іїєґўјљњћџѓќѕ")),
    "uk": (frozenset("іїєґ"), frozenset("ыэёўјљњћџѓќѕ")),
}
# Function words only one of the listed languages uses (not English, not another listed one):
# with the block's language, enough of them decide a Latin-script line.
_DISTINCTIVE_FOREIGN = {
    lang: words - ENGLISH_FUNCTION_WORDS - frozenset().union(*(w for o, w in FOREIGN_FUNCTION_WORDS.items() if o != lang))
    for lang, words in FOREIGN_FUNCTION_WORDS.items()
}
BLOCK_DISTINCTIVE = 1  # distinctive function words of the block's language a line needs
BLOCK_FUNCTION_WORDS = 3  # ... its function words, at least this many
BLOCK_FUNCTION_SHARE = 0.15  # ... and this share of the line's words


_DEFERRED = "deferred"


@dataclass(slots=True)
class _Block:
    lang: str
    prob: float


def _block_languages(segments: list[Segment], members: list[int], keys: list[str],
                     stats: LangidStats | None) -> dict[int, _Block]:
    """Lines (by index) whose group's (by key: the script) joined text langdetect names surely.
    A group of one line is left to the line's own detection, so a one-line article is decided
    exactly as before."""
    groups: dict[str, list[int]] = {}
    for i, key in zip(members, keys, strict=True):
        groups.setdefault(key, []).append(i)
    out: dict[int, _Block] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        text = "\n".join(segments[i].text for i in group)[:BLOCK_MAX_CHARS]
        probs = _langdetect_probs(text, stats)
        if probs and probs[0][1] >= BLOCK_PROB and probs[0][0] != "vi":
            block = _Block(probs[0][0], round(probs[0][1], 4))
            out.update((i, block) for i in group)
    return out


def _with_block(text: str, line: _LatinWords | None, block: _Block, stats: LangidStats | None) -> LangGuess:
    """A line of a surely detected block: short lines take its language, long ones when their
    own letters or function words say the same; other lines are detected alone."""
    if line is not None:
        n = len(line.words)
        if n < SHORT_WORDS or _function_words_say(line.lower, block.lang):
            return LangGuess(block.lang, block.prob, "block")
        return _latin_in_context(line, None, stats)
    if len(_WORD.findall(text)) < SHORT_WORDS or _letters_say(text, block.lang):
        return LangGuess(block.lang, block.prob, "block")
    scripts = script_profile(text)
    return _classify_script(text, scripts, sum(scripts.values()), stats) or LangGuess("und", 0.0, "none")


def _letters_say(text: str, lang: str) -> bool:
    marks = BLOCK_LETTERS.get(lang)
    if marks is None:
        return False
    chars = set(text.lower())
    return not chars.isdisjoint(marks[0]) and chars.isdisjoint(marks[1])


def _function_words_say(lower: list[str], lang: str) -> bool:
    own = _DISTINCTIVE_FOREIGN.get(lang)
    if not own or not lower:
        return False
    if any(w in ENGLISH_DISTINCTIVE_WORDS for w in lower):
        return False
    others = any(w in words for o, words in _DISTINCTIVE_FOREIGN.items() if o != lang for w in lower)
    fw = sum(w in FOREIGN_FUNCTION_WORDS[lang] for w in lower)
    return (not others and sum(w in own for w in lower) >= BLOCK_DISTINCTIVE
            and fw >= max(BLOCK_FUNCTION_WORDS, BLOCK_FUNCTION_SHARE * len(lower)))


_FIRST_PASS = "\0"


def _certain_only(text: str, scripts: dict[str, int], stats: LangidStats | None) -> LangGuess | _LatinWords | None:
    """The first pass: evidence that needs no context (script, Vietnamese letters, English
    function words; langdetect only for scripts other than Latin). Others wait for context:
    a Latin-script line comes back as its words, which the second pass goes on from."""
    letters = sum(scripts.values())
    if letters == 0:
        return None
    guess = _classify_script(text, scripts, letters, stats, defer=True)
    if guess is not None:
        return guess if guess.method != "none" else None
    line = _LatinWords.of(text, letters)
    return _certain_latin(line) or line


def _neighbour_context(first: list[LangGuess | None], i: int) -> str | None:
    """Both nearest decided neighbours agree on a Latin-script language: take it."""
    prev = next((g for g in reversed(first[:i]) if g is not None and g.lang != "und"), None)
    nxt = next((g for g in first[i + 1:] if g is not None and g.lang != "und"), None)
    if prev and nxt and prev.lang == nxt.lang and prev.lang not in ("ko", "ja", "zh", "th"):
        return prev.lang
    return None
