"""Line measures and line tests that several steps share (words, letters, the key two copies
of a line share, an inline photo credit). Steps import these from here, never from each other."""

from __future__ import annotations

import re
import string
from functools import lru_cache

from newsnorm.steps.patterns import COMPILED, CREDIT_INLINE_COLONS, CREDIT_INLINE_ENDS

# Line-level measures are pure functions of the text and asked several times per line.
_CACHE_LINES = 4096
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Running text is a line of at least PARAGRAPH_MIN_CHARS characters that ends like a sentence,
# or any line of LONG_LINE_CHARS that is not capitalised words glued together.
PARAGRAPH_MIN_CHARS = 50
LONG_LINE_CHARS = 150
GLUED_CAPITALISED_SHARE = 0.6
# How running text ends; "다" ends a Korean declarative sentence that often has no stop.
_SENTENCE_END = (".", "!", "?", "…", "\"", "”", "’", "'", ")", ":", ";", "。", "！", "？", "다")
_WIDE = re.compile("[\u3040-\U0010ffff]")

# Non-ASCII characters that are no letter (curly quotes, dashes, digits of other scripts): few.
_NON_ASCII_NON_LETTER = re.compile(r"[^\w\x00-\x7f]|[^\D\x00-\x7f]")
_ASCII_LETTERS = string.ascii_letters.encode()


@lru_cache(maxsize=_CACHE_LINES)
def word_list(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text))


def words(text: str) -> int:
    return len(word_list(text))


def ascii_letters(text: str) -> tuple[int, int]:
    """ASCII letters (exactly [A-Za-z]) and ASCII characters in the text, counted in C."""
    ascii_part = text.encode("ascii", "ignore")
    return len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS)), len(ascii_part)


def count_letters(text: str) -> int:
    """Letters (`[^\\W\\d_]`), without a regex match per letter: the ASCII letters, plus the
    non-ASCII characters less the few of those that are no letter."""
    letters, n_ascii = ascii_letters(text)
    if n_ascii == len(text):
        return letters
    return letters + len(text) - n_ascii - len(_NON_ASCII_NON_LETTER.findall(text))


# Where str.lower() is not one character for one (İ -> i + dot) or looks at the neighbours
# (a final Σ -> ς): elsewhere lower-casing the words is lower-casing the line.
_CONTEXT_LOWER = ("İ", "Σ")


def norm_key(text: str) -> str:
    """The line's words in lower case: what two copies of a line share."""
    if text.isascii() or not any(ch in text for ch in _CONTEXT_LOWER):
        return " ".join(word_list(text)).lower()  # the words this line was already split into
    return " ".join(WORD.findall(text.lower()))


def has_inline_credit(text: str) -> bool:
    """Searched only where it can end: on a line that closes a bracket or has a colon."""
    if not (text.rstrip().endswith(CREDIT_INLINE_ENDS) or any(c in text for c in CREDIT_INLINE_COLONS)):
        return False
    return bool(COMPILED["credit_inline"].search(text))


def strip_inline_credit(text: str) -> str:
    return COMPILED["credit_inline"].sub("", text).strip()


def text_size(text: str) -> int:
    """Characters, CJK counted twice: a Korean or Japanese line says as much in half the length."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def is_paragraph_like(text: str) -> bool:
    """Running text: ends like a sentence, or is long enough that it cannot be a menu item."""
    return running_size(text) > 0


@lru_cache(maxsize=_CACHE_LINES)
def running_size(text: str) -> int:
    """The line's `text_size` if it is running text (see is_paragraph_like), else 0: one
    lookup for the rules that ask both, several times per line."""
    size = text_size(text)
    if size < PARAGRAPH_MIN_CHARS:
        return 0
    if text.rstrip().endswith(_SENTENCE_END):
        return size
    return size if size >= LONG_LINE_CHARS and not is_glued_links(text) else 0


def is_glued_links(text: str) -> bool:
    """A long line of capitalised words and no sentence inside: menu items or headlines a
    naive scraper glued together ("Rankings and Research Companies Channelcast Events ...")."""
    tokens = [w for w in WORD.findall(text) if w[:1].isalpha()]
    if len(tokens) < 8 or ". " in text or ", " in text:
        return False
    return sum(w[:1].isupper() for w in tokens) >= GLUED_CAPITALISED_SHARE * len(tokens)
