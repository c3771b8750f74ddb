"""linematch: the fast whole-line matcher and gate answer exactly as the plain regexes."""

from __future__ import annotations

import bisect
import random
import re
import string
import sys

import pytest

from newsnorm.perf.linematch import Gate, LineMatcher, fold_case
from newsnorm.steps.patterns import BOILERPLATE_LINES, _core

PATTERNS = [p for ps in BOILERPLATE_LINES.values() for p in ps]
ANCHORED = [p for p in PATTERNS if _core(p) is None]
CORES = [_core(p) for p in PATTERNS if _core(p) is not None]


def _lines(seeds_dir) -> list[str]:
    rng = random.Random(3)
    lines = [ln.strip() for f in sorted(seeds_dir.iterdir()) for ln in f.read_text().splitlines() if ln.strip()]
    lines += ["Share this:", "© 2024 Example Media. All rights reserved.", "  —  Advertisement  —  ", "...",
              "", "12 Comments", "ſhare", "Read more »", "Sign up for our newsletter and get updates",
              "[VIDEO] Storm hits the coast", "Jane can be reached at jane@example.com", "(ad)", "«»"]
    words = " ".join(lines).split()
    lines += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    return lines


def test_line_matcher_equals_the_full_alternation(seeds_dir):
    full = re.compile(r"^\W*(?:" + "|".join(ANCHORED) + r")\W*$", re.IGNORECASE)
    fast = LineMatcher(ANCHORED)
    lines = _lines(seeds_dir)
    assert [fast.match(x) for x in lines] == [bool(full.match(x)) for x in lines]
    assert any(fast.match(x) for x in lines) and not all(fast.match(x) for x in lines)


def test_line_matcher_tries_only_patterns_that_can_match():
    fast = LineMatcher(["share( this)?", "advertisement", r"\d+ comments?", "(read|see) more"])
    assert fast.candidates("Share this") == (0, 2)  # starts with s; a digit pattern may start anywhere
    assert fast.candidates("-- advertisement") == (1, 2)  # the dash run may be given back to ^\W*
    assert 0 not in fast.candidates("Share this story with every friend you have")  # too long for it


@pytest.mark.parametrize("text", ["all rights reserved 2024", "please subscribe to our weekly newsletter",
                                  "you can be reached at", "nothing here", "read more »", "[video] x", ""])
def test_gate_equals_the_plain_search(text):
    assert Gate(CORES).search(text) == bool(re.compile("|".join(f"(?:{c})" for c in CORES)).search(text))


def test_gate_equals_the_plain_search_on_many_lines(seeds_dir):
    plain = re.compile("|".join(f"(?:{c})" for c in CORES))
    lines = [x.lower() for x in _lines(seeds_dir)]
    lines += [f"{x} all rights reserved" for x in lines[:50]] + ["[video] x", "you can be reached at x"]
    assert [Gate(CORES).search(x) for x in lines] == [bool(plain.search(x)) for x in lines]
    assert any(Gate(CORES).search(x) for x in lines)


def test_fold_case_keeps_every_ascii_letter_ignorecase_finds():
    """Every character IGNORECASE matches to an ASCII letter folds to that letter, so a literal
    pre-check on the folded line never rejects a line the pattern matches."""
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    for ch in set(re.findall("[a-z]", every, re.IGNORECASE)):
        letter = next(c for c in string.ascii_lowercase if re.fullmatch(c, ch, re.IGNORECASE))
        assert fold_case(ch) == letter and fold_case("é" + ch) == "é" + letter, ch


@pytest.mark.parametrize("text", ["CONTRIBUTED", "contrİbuted", "contrıbuted", "ſource", "Photo: AP", "ÉTÉ"])
def test_fold_case_finds_what_ignorecase_finds(text):
    for word in ("contributed", "source", "photo", "été"):
        if re.search(word, text, re.IGNORECASE):
            assert word in fold_case(text)


def test_line_matcher_width_classes_choose_as_the_exact_length():
    fast = LineMatcher(ANCHORED)
    for line in ["Share", "Share this", "x" * 200, "Back to top", "Read more: " + "word " * 40, "!!", ""]:
        for cut in range(0, len(line) + 1, 3):
            part = line[:cut]
            head, need = fast._head_and_need(part)
            assert fast._pattern_for(head, bisect.bisect_left(fast.widths, need)) is fast._compiled(
                fast.candidates(part))
