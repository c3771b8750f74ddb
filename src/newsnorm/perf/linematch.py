"""Whole-line matching against a long list of patterns, without trying every pattern.

`^\\W*(?:p1|p2|...|p107)\\W*$` makes the regex engine try each alternative on every line.
A pattern can only match a line if (a) it can start with one of the line's first
characters (those up to its first word character: the `^\\W*` in front may give some of
them back) and (b) it can be as long as the span from the line's first to its last word
character (everything outside that span is the `\\W*` around it). Both are read off the
patterns once, with the regex parser; each line then runs one regex built from only the
patterns that pass (cached per set). The answer is the same as the full alternation's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

try:
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_ANY = None  # first characters unknown: the pattern is always a candidate
_SPAN = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_MAX_RANGE = 256


def _first_chars(items) -> set[str] | None:
    """Lower-cased characters a match can start with; None if that cannot be said."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.AT:  # \b, ^: zero-width
            continue
        if op is _c.LITERAL:
            out.add(chr(av).lower())
            return out
        if op is _c.IN:
            for o, a in av:
                if o is _c.LITERAL:
                    out.add(chr(a).lower())
                elif o is _c.RANGE and a[1] - a[0] <= _MAX_RANGE:
                    out.update(chr(x).lower() for x in range(a[0], a[1] + 1))
                else:
                    return _ANY
            return out
        if op is _c.SUBPATTERN:
            sub = av[-1]
            first = _first_chars(sub)
            if first is _ANY:
                return _ANY
            out |= first
            if sub.getwidth()[0] > 0:
                return out
            continue
        if op is _c.BRANCH:
            nullable = False
            for branch in av[1]:
                first = _first_chars(branch)
                if first is _ANY:
                    return _ANY
                out |= first
                nullable = nullable or branch.getwidth()[0] == 0
            if not nullable:
                return out
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _, sub = av
            first = _first_chars(sub)
            if first is _ANY:
                return _ANY
            out |= first
            if lo > 0 and sub.getwidth()[0] > 0:
                return out
            continue
        return _ANY
    return _ANY  # the pattern can match the empty string


class LineMatcher:
    """`bool(re.match(r"^\\W*(?:" + "|".join(patterns) + r")\\W*$", line, flags))`, faster."""

    def __init__(self, patterns: list[str], flags: int = re.IGNORECASE) -> None:
        self.patterns = patterns
        self.flags = flags
        self.any_start: list[int] = []
        self.by_char: dict[str, list[int]] = {}
        self.width: list[int] = []
        for i, pat in enumerate(patterns):
            tree = _p.parse(pat, flags)
            self.width.append(tree.getwidth()[1])
            first = _first_chars(list(tree))
            if first is _ANY:
                self.any_start.append(i)
            else:
                for ch in first:
                    self.by_char.setdefault(ch, []).append(i)
        # Which patterns are long enough changes only at these widths: a line's length maps
        # to one of few classes, so the regex for (first characters, class) is looked up.
        self.widths = sorted(set(self.width))
        self._compiled = lru_cache(maxsize=4096)(self._compile)
        self._for_head = lru_cache(maxsize=4096)(self._pattern_for)

    def _compile(self, chosen: tuple[int, ...]) -> re.Pattern[str] | None:
        if not chosen:
            return None
        return re.compile(r"^\W*(?:" + "|".join(self.patterns[i] for i in chosen) + r")\W*$", self.flags)

    @staticmethod
    def _head_and_need(line: str) -> tuple[str, int]:
        """The line's first characters (up to its first word character) and the length a
        pattern must reach (first to last word character)."""
        span = _SPAN.search(line)
        if span is None:
            return line, 0
        return line[: span.start() + 1], span.end() - span.start()

    def candidates(self, line: str) -> tuple[int, ...]:
        head, need = self._head_and_need(line)
        return self._candidates(head, need)

    def _candidates(self, head: str, need: int) -> tuple[int, ...]:
        chosen = set(self.any_start)
        for ch in set(head):
            for key in {ch.lower(), ch.upper().lower()}:  # as IGNORECASE folds (ſ matches s)
                chosen.update(self.by_char.get(key, ()))
        return tuple(sorted(i for i in chosen if self.width[i] >= need))

    def _pattern_for(self, head: str, width_class: int) -> re.Pattern[str] | None:
        """The regex for lines with this head whose need lies in this class of widths (the
        narrowest width that still fits, so the same patterns as the exact need)."""
        need = self.widths[width_class] if width_class < len(self.widths) else self.widths[-1] + 1
        return self._compiled(self._candidates(head, need))

    def match(self, line: str) -> bool:
        head, need = self._head_and_need(line)
        pattern = self._for_head(head, bisect_left(self.widths, need))
        return bool(pattern and pattern.match(line))


def _requirements(items) -> list[list[str]]:
    """What a match must contain: every listed group, each by one of its strings."""
    out: list[list[str]] = []
    run: list[str] = []
    for op, av in list(items) + [(None, None)]:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(["".join(run)])
            run = []
        if op is _c.SUBPATTERN and av[-1].getwidth()[0] > 0:
            out.extend(_requirements(av[-1]))
        elif op is _c.BRANCH:
            picks = [_best(_requirements(b)) for b in av[1]]
            if all(picks):
                out.append(sorted({s for pick in picks for s in pick}))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] > 0:
            out.extend(_requirements(av[2]))
        elif op is _c.IN and all(o is _c.LITERAL for o, _ in av):
            out.append(sorted({chr(a) for _, a in av}))
    return out


def _best(groups: list[list[str]]) -> list[str] | None:
    """The most telling single group (its shortest string longest)."""
    return max(groups, key=lambda g: min(map(len, g)), default=None)


def _minimal(group: list[str]) -> list[str]:
    """The group without strings that contain another of its strings (found only where that one is)."""
    return [s for s in group if not any(t != s and t in s for t in group)]


def _test_cost(group: list[str]) -> float:
    """A group costs one substring test per string on a line that lacks it; short strings are
    found more often, so they fail fewer lines: fewer and longer strings first."""
    return len(group) / min(map(len, group))


class Gate:
    """`bool(re.search("|".join(patterns), text))` for case-sensitive patterns, sped up by
    plain substring tests of what each pattern needs (read off the pattern): the regex runs
    only on text where some pattern's needs are all present."""

    def __init__(self, patterns: list[str]) -> None:
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns))
        # each pattern's groups, the cheapest to fail first: most lines fail on their first test
        self.needs = [sorted(map(_minimal, _requirements(list(_p.parse(p)))), key=_test_cost) for p in patterns]

    def search(self, text: str) -> bool:
        for need in self.needs:  # plain loops: generator expressions cost more than the tests
            for group in need:
                for s in group:
                    if s in text:
                        break
                else:
                    break
            else:
                return bool(self.regex.search(text))
        return False


# Characters that IGNORECASE matches to an ASCII letter but str.lower() does not turn into it
# (re's extra case pairs, and İ, which lower() makes two characters): tests/test_linematch.py
# checks this list against every code point.
_CASE_TWINS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def fold_case(text: str) -> str:
    """The line in lower case such that a lower-case ASCII literal that an IGNORECASE pattern
    finds in `text` is a plain substring of the result: literal pre-checks on it are exact."""
    return text.lower() if text.isascii() else text.translate(_CASE_TWINS).lower()
