"""The article's headline on a page flattened to text, or none when nothing is credible.

Part of the roles step (roles.py calls `pick_headline` once the other lines have their
roles). The evidence, each a general trait of news pages, is scored per candidate line:

- where it stands: just above the article's text, its byline or its date line, with only
  header matter (byline, date, standfirst, caption, credit, share bar) in between;
- that the page repeats it: a second copy (share text, breadcrumb, the foot), a line that
  ends with it (`Home > News > Headline`, `Share on Facebook: Headline`), or a link whose
  address spells it (`.../new-suvs-and-electric-vehicles-highlight-...`);
- its shape: a headline's length, not a sentence cut at a colon or comma, not a link list,
  a caption, a credit, a date line, a menu label or a UI string;
- what follows: a byline or date line within a few lines, or a standfirst sentence.

A candidate that is one of several headline-shaped lines in a row (a list of other stories)
loses points. Page evidence from markup (`<title>`, og:title, JSON-LD headline), when a
reader supplies it, only adds points to a line of the page that matches it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsnorm.steps.patterns import ENGLISH_FUNCTION_WORDS, FOREIGN_FUNCTION_WORDS, HEADLINE, MONTH_NAMES

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_WIDE = re.compile("[\u3040-\U0010ffff]")
_URL = re.compile(r"(?:https?:)?//\S+|\bwww\.\S+")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Line:
    """What the picker needs to know of one segment (plain data, filled by roles.py)."""

    text: str
    # intrinsically not a headline: a UI string, credit, caption, link-list item, no text
    chrome: bool = False
    # a byline or a date line (this story's or another's)
    stamp: bool = False
    # running text: a paragraph of the article or of something else
    running: bool = False


def _tokens(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _size(text: str) -> int:
    """Words, a CJK line's characters counted as words at two per word."""
    wide = len(_WIDE.findall(text))
    return len(_WORD.findall(text)) if wide < 4 else wide // 2 + len(_WORD.findall(_WIDE.sub(" ", text)))


_DATE_WORDS = frozenset(w.rstrip(".") for rows in MONTH_NAMES.values() for row in rows for w in row.split()) \
    | HEADLINE["date_words"]
_CLOCK_OR_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th|am|pm|h)?$")


def date_shaped(text: str) -> bool:
    """A date or time and nothing more (`Nov 15, 20195:45 AM`, `13 Aug`, `02 Ago 2017`)."""
    toks = _tokens(text)
    dated = sum(1 for t in toks if t in _DATE_WORDS or _CLOCK_OR_NUMBER.match(t))
    return bool(toks) and any(c.isdigit() for c in text) and dated >= len(toks) - (len(toks) >= 4)


@lru_cache(maxsize=8192)
def headline_shaped(text: str) -> bool:
    """Could this line be a headline at all? (Cached: the scorer asks again for every
    candidate about the lines between it and the text.)"""
    n = _size(text)
    if not HEADLINE["min_words"] <= n <= HEADLINE["max_words"]:
        return False
    if text.rstrip().endswith(HEADLINE["bad_endings"]) or _URL.search(text) or "@" in text:
        return False
    return not (HEADLINE["not_headline"].match(text) or date_shaped(text))


_SENTENCE_INSIDE = re.compile(r"[.!?][\"”’]? [A-Z]")


def _prose(line: Line) -> bool:
    """A paragraph, not a headline: running text that is long or holds two sentences."""
    return line.running and (_size(line.text) > HEADLINE["prose_words"] or bool(_SENTENCE_INSIDE.search(line.text)))


def _slug_words(lines: Sequence[Line]) -> list[set[str]]:
    out = []
    for line in lines:
        for url in _URL.findall(line.text):
            path = url.split("//", 1)[-1].split("/", 1)[-1].lower()
            out.append(set(_SLUG_WORD.findall(path)))
    return out


def _share(part: list[str], whole: set[str]) -> float:
    return sum(t in whole for t in part) / len(part) if part else 0.0


def _repeated(i: int, lines: Sequence[Line], keys: list[str], slugs: list[set[str]]) -> bool:
    """Does the page say this line again elsewhere (copy, tail of another line, link slug)?"""
    key = keys[i]
    if len(key) < HEADLINE["repeat_min_chars"]:
        return False
    for j, other in enumerate(keys):
        if j != i and (other == key or len(other) > len(key) and other.endswith(key)):
            return True
        # a teaser's copy cut short: `Zach Parise heating up, scores twice as Wild…`
        if j != i and len(other) >= HEADLINE["repeat_min_chars"] and len(other) < len(key) \
                and lines[j].text.rstrip().endswith(_ELLIPSIS) and key.startswith(other):
            return True
    toks = _tokens(lines[i].text)
    return len(toks) >= 3 and any(_share(toks, slug) >= HEADLINE["slug_share"] for slug in slugs)


_ELLIPSIS = ("…", "...", "..")


def under_a_stamp(i: int, lines: Sequence[Line]) -> bool:
    """Is line i under a byline or date line that has a headline-shaped line right over it?
    The headline stands over its byline; what follows the byline before the text is a
    standfirst, a caption or a photo's name line."""
    j = i - 1
    while j >= 0 and i - j <= HEADLINE["stamp_window"] and (lines[j].chrome or lines[j].stamp):
        j -= 1
    if j < 0 or j == i - 1 or not any(b.stamp for b in lines[j + 1 : i]):
        return False
    above = lines[j]
    return not (above.chrome or above.stamp) and headline_shaped(above.text) and not _prose(above)


def _evidence_match(text: str, evidence: Sequence[str]) -> bool:
    toks = set(_tokens(text))
    for ev in evidence:
        et = set(_tokens(ev))
        if toks and et and len(toks & et) >= HEADLINE["evidence_share"] * max(len(toks), len(et)):
            return True
    return False


_FUNCTION_WORDS = ENGLISH_FUNCTION_WORDS.union(*FOREIGN_FUNCTION_WORDS.values())


def content_stems(text: str) -> set[str]:
    """The words that carry a line's content, cut to a stem (`scores`/`scored` -> `score`):
    lower case, not a function word, three letters or more (a CJK run counts whole)."""
    out = set()
    for w in _tokens(text):
        if (len(w) >= 3 or _WIDE.match(w)) and w not in _FUNCTION_WORDS:
            out.add(w[: HEADLINE["stem_chars"]])
    return out


def _lead(lines: Sequence[Line], start: int, skip: int) -> set[str]:
    """Content stems of the text's first words (line `skip` left out: a candidate is not
    its own evidence). A headline says what the lead says; another story's teaser does not."""
    out: set[str] = set()
    n = 0
    for j in range(start, len(lines)):
        if n >= HEADLINE["lead_words"]:
            break
        if j == skip or not lines[j].running or lines[j].chrome:
            continue
        stems = content_stems(lines[j].text)
        out |= stems
        n += len(stems)
    return out


def lead_overlap(i: int, lines: Sequence[Line], start: int, lead: set[str] | None = None) -> float | None:
    """Share of line i's content stems that the text's lead repeats; None for a line with too
    few content words to tell."""
    stems = content_stems(lines[i].text)
    if len(stems) < HEADLINE["overlap_min_words"]:
        return None
    if lead is None or start <= i:
        lead = _lead(lines, start, i)
    return len(stems & lead) / len(stems)


def _text_after(i: int, lines: Sequence[Line]) -> int:
    """Characters of running text in the few lines under line i (a headline has its story
    under it; a teaser in a list has other teasers)."""
    return sum(len(b.text) for b in lines[i + 1 : i + 1 + HEADLINE["text_window"]] if b.running and not b.chrome)


def score_line(i: int, lines: Sequence[Line], start: int, keys: list[str], slugs: list[set[str]],
               evidence: Sequence[str] = (), lead: set[str] | None = None, said: Counter | None = None) -> float:
    """Points for line i as the headline of a text that starts at line `start`."""
    line = lines[i]
    w = HEADLINE["weights"]
    score = 0.0
    # Where it stands: close over the text, with header matter only in between.
    between = [b for b in lines[i + 1 : start]
               if not (b.chrome or b.stamp) and _size(b.text) >= HEADLINE["short_words"]]
    other_heads = sum(1 for b in between if not b.running and headline_shaped(b.text))
    score += w["near"] * max(0.0, 1.0 - len(between) / HEADLINE["near_lines"]) - w["headline_between"] * min(
        other_heads, 3)
    score += w["text_after"] * min(1.0, _text_after(i, lines) / HEADLINE["text_after_chars"])
    if line.text.rstrip().endswith("."):
        score -= w["full_stop"]
    if _SENTENCE_INSIDE.search(line.text):
        score -= w["sentence_inside"]
    # What follows: a byline or date line close under it, or a standfirst.
    after = lines[i + 1 : i + 1 + HEADLINE["stamp_window"]]
    if any(a.stamp for a in after):
        score += w["stamp_after"]
    if i + 1 < len(lines) and lines[i + 1].running:
        score += w["standfirst"]
    # A list of other stories: headline-shaped neighbours on both sides.
    prev_head = i > 0 and headline_shaped(lines[i - 1].text) and not lines[i - 1].stamp
    next_head = i + 1 < len(lines) and headline_shaped(lines[i + 1].text) and not lines[i + 1].stamp
    if prev_head and next_head:
        score -= w["in_list"]
    if under_a_stamp(i, lines):
        score -= w["under_stamp"]
    said = said if said is not None else Counter(keys)
    if _size(line.text) <= HEADLINE["site_name_words"] and said[keys[i]] >= HEADLINE["site_name_copies"]:
        score -= w["said_often"]  # the site's name or a section, printed in every part of the page
    elif _repeated(i, lines, keys, slugs):
        score += w["repeated"]
    n = _size(line.text)
    if n < HEADLINE["short_words"]:
        score -= w["short"]
    score += w["per_word"] * min(max(0, n - HEADLINE["short_words"]), HEADLINE["long_words"])
    if evidence and _evidence_match(line.text, evidence):
        score += w["evidence"]
    # What it says: the lead repeats a headline's words, not a teaser's for another story.
    overlap = lead_overlap(i, lines, start, lead)
    if overlap is not None:
        score += w["lead_overlap"] * overlap - (w["no_overlap"] if overlap == 0 else 0.0)
    return score


def pick_headline(lines: Sequence[Line], start: int, evidence: Sequence[str] = ()) -> int | None:
    """Index of the headline among `lines`, whose article text starts at `start`; None when
    no line scores enough (a wrong title is worse than none)."""
    if not lines:
        return None
    start = max(0, min(start, len(lines)))
    lo = 0
    keys = [" ".join(_tokens(line.text)) for line in lines]
    slugs = _slug_words(lines)
    best, best_score = None, HEADLINE["min_score"]
    # A clean article (its text starts within a few lines) opens with its headline.
    top = HEADLINE["weights"]["top"] if start <= HEADLINE["clean_start"] else 0.0
    lead = _lead(lines, start, -1)
    said = Counter(keys)
    for i in range(lo, min(len(lines), start + HEADLINE["look_into"])):
        line = lines[i]
        if line.chrome or line.stamp or not headline_shaped(line.text) or _prose(line):
            continue
        first_copy = keys.index(keys[i])
        if first_copy != i and lo <= first_copy < start:
            continue  # the first copy near the text is scored instead
        s = score_line(i, lines, start, keys, slugs, evidence, lead, said) + top
        top = 0.0
        if s > best_score:
            best, best_score = i, s
    return best
