"""linematch: the fast whole-line matcher and gate answer exactly as the plain regexes."""

from __future__ import annotations

import random
import re

import pytest

from newsnorm.linematch import Gate, LineMatcher
from newsnorm.patterns import BOILERPLATE_LINES, _core

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
