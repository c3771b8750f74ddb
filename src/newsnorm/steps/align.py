"""Publisher pairs: a foreign paragraph next to the site's own English version of it.

Bilingual sites print a caption, a quote, a statement or a headline in the original and in
English, one right after the other (usually the original first), and some print whole
articles paragraph by paragraph in both languages. When such a pair is found the
publisher's English is the translation: no machine translation, and the text appears once
in the English article.

Evidence (steps/pair_evidence.py): adjacency, the length ratio for the script, shared
numbers, Latin words and transliterated names, kept punctuation; and the pattern through
the article: in a run of paragraphs that alternate between the two languages, every pair in
the run's direction needs only to be plausible. A pair standing alone needs strong evidence:
a wrong pair costs a paragraph its translation.
"""

from __future__ import annotations

import re

from newsnorm.document import Segment
from newsnorm.reasons import Code, reason
from newsnorm.steps.pair_evidence import score
from newsnorm.steps.patterns import PAIRING
from newsnorm.steps.roles_data import REMOVED_ROLES
from newsnorm.steps.text import has_inline_credit, words

_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]{2,}\b")
_CJK = ("ko", "ja", "zh")
# Boilerplate by position alone (outside the text block) may still be half of a pair.
_POSITION_ONLY = frozenset({Code.BEFORE_TEXT_BLOCK, Code.AFTER_TEXT_BLOCK})
_CONTENT = frozenset({"title", "heading", "body", "caption"})
# Captions and credits are printed in both languages by convention: no pattern for the text.
_CAPTION_ROLES = frozenset({"caption", "credit"})


def _anchors(text: str) -> set[str]:
    return set(_NUMBER.findall(text)) | {m.lower() for m in _NAME.findall(text)}


def _length_ok(foreign: Segment, english: Segment) -> bool:
    ratio = len(english.text) / max(1, len(foreign.text))
    lo, hi = (0.8, 8.0) if foreign.lang in _CJK else (0.35, 3.0)
    return lo <= ratio <= hi


def _lang(seg: Segment) -> str:
    """The segment's language for pairing: a line the detector calls a language that is
    never written without its marks (Vietnamese) but that has none is English (short English
    headlines and quotes next to Vietnamese ones are often guessed Vietnamese)."""
    if seg.lang in PAIRING["marked_langs"] and seg.text.isascii():
        return "en"
    return seg.lang


def _foreign(seg: Segment) -> bool:
    return _lang(seg) not in ("en", "und")


def _english(seg: Segment) -> bool:
    return _lang(seg) == "en"


def _gap_ok(first: Segment, second: Segment) -> bool:
    """Adjacent, or one blank line apart."""
    return 1 <= second.line_start - first.line_start <= PAIRING["max_line_gap"]


def is_caption_pair(foreign: Segment, english: Segment) -> bool:
    """A caption or credit printed in both languages, the original directly over the English."""
    if not _english(english) or not _foreign(foreign) or english.line_start != foreign.line_start + 1:
        return False
    if not _length_ok(foreign, english) or foreign.role == "boilerplate" or english.role == "boilerplate":
        return False
    if foreign.role == "credit" or english.role == "credit":
        return foreign.role == english.role
    shared = _anchors(foreign.text) & _anchors(english.text)
    both_captions = has_inline_credit(foreign.text) and has_inline_credit(english.text)
    return both_captions and (bool(shared) or words(english.text) <= 40)


def _candidate(foreign: Segment, english: Segment) -> bool:
    if not _english(english) or not _foreign(foreign):
        return False
    if _chrome(foreign) or _chrome(english) or "credit" in (foreign.role, english.role):
        return False
    first, second = (foreign, english) if foreign.line_start < english.line_start else (english, foreign)
    return _gap_ok(first, second)


def _chrome(seg: Segment) -> bool:
    return seg.role == "boilerplate" and (seg.reason is None or seg.reason.code not in _POSITION_ONLY)


def _evidence(foreign: Segment, english: Segment) -> float:
    return score(foreign.text, foreign.lang, english.text)


def _runs(segments: list[Segment]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive segments alternating between English and one other language
    (an article printed in two languages; stray paragraphs in two others make no run)."""
    runs, start, other = [], 0, None
    for i in range(1, len(segments) + 1):
        if i < len(segments):
            a, b = segments[i - 1], segments[i]
            foreign = a if _foreign(a) else b
            alternates = (_foreign(a) and _english(b) or _english(a) and _foreign(b)) and _gap_ok(a, b)
            if alternates and other in (None, _lang(foreign)):
                other = _lang(foreign)
                continue
        if i - start >= 2 * PAIRING["run_min_pairs"]:
            runs.append((start, i))
        start, other = i, None
        if i < len(segments) and (_foreign(segments[i - 1]) and _english(segments[i])
                                  or _english(segments[i - 1]) and _foreign(segments[i])):
            start, other = i - 1, _lang(segments[i - 1] if _foreign(segments[i - 1]) else segments[i])
    return runs


def _mark(foreign: Segment, english: Segment) -> None:
    # Half of a pair stands outside the text block: it is content like its other half.
    for a, b in ((foreign, english), (english, foreign)):
        if a.role == "boilerplate" and b.role in _CONTENT:
            a.role, a.reason = b.role, reason(Code.PUBLISHER_PAIR, b.seq)
    if english.role == "caption" or foreign.role == "caption":
        foreign.role = english.role = "caption"
        foreign.reason = english.reason = reason(Code.PUBLISHER_CAPTION_PAIR)
    elif english.role in REMOVED_ROLES:
        foreign.role, foreign.reason = english.role, reason(Code.PUBLISHER_PAIR, english.seq)
    foreign.pair_seq, english.pair_seq = english.seq, foreign.seq
    english.lang = "en"  # the publisher's English, whatever the detector guessed for a short line
    foreign.translation_source = foreign.translation_status = "publisher"


def align_pairs(segments: list[Segment]) -> int:
    """Mark publisher pairs in place; returns how many were found."""
    found = 0
    # Captions and credits in both languages: the original directly over the English.
    for a, b in zip(segments, segments[1:], strict=False):
        if a.pair_seq is None and b.pair_seq is None and is_caption_pair(a, b):
            _mark(a, b)
            found += 1
    # Runs that alternate: the direction with more evidence, every plausible pair in it.
    for start, end in _runs(segments):
        run = segments[start:end]
        best: list[tuple[Segment, Segment]] = []
        best_total = float("-inf")
        for offset in (0, 1):
            pairs = []
            total = 0.0
            for a, b in zip(run[offset::2], run[offset + 1 :: 2], strict=False):
                f, e = (a, b) if _foreign(a) else (b, a)
                if a.pair_seq is None and b.pair_seq is None and _candidate(f, e):
                    s = _evidence(f, e)
                    total += s
                    if s >= PAIRING["in_run_min_score"]:
                        pairs.append((f, e))
            if len(pairs) >= PAIRING["run_min_pairs"] and total > best_total \
                    and total >= PAIRING["run_min_mean"] * len(pairs):
                best, best_total = pairs, total
        for f, e in best:
            _mark(f, e)
            found += 1
    # A pair standing alone: the foreign paragraph and the better of its English neighbours.
    for i, seg in enumerate(segments):
        if not _foreign(seg) or seg.pair_seq is not None:
            continue
        # (evidence, follows): on equal evidence the English under it, as sites print it
        options = [(_evidence(seg, segments[j]), j > i, segments[j]) for j in (i + 1, i - 1)
                   if 0 <= j < len(segments) and segments[j].pair_seq is None and _candidate(seg, segments[j])]
        if options:
            s, _, english = max(options, key=lambda o: (o[0], o[1]))
            if s >= PAIRING["alone_min_score"]:
                _mark(seg, english)
                found += 1
    return found + _patterned(segments)


def _direction(segments: list[Segment]) -> tuple[bool, bool] | None:
    """The side the article prints its English on (True: under the original), when the pairs
    already found agree on it, and whether a pair of text (not a caption or credit) shows it;
    None without enough of them."""
    after = before = text = 0
    for seg in segments:
        if _foreign(seg) and seg.pair_seq is not None:
            text += seg.role not in _CAPTION_ROLES
            if seg.pair_seq > seg.seq:
                after += 1
            else:
                before += 1
    if after + before < PAIRING["pattern_min_pairs"] or min(after, before) > 0:
        return None
    return after > 0, text > 0


def _patterned(segments: list[Segment]) -> int:
    """Pairs that follow the article's own pattern: once its pairs all print the English on
    one side, a foreign paragraph with a plausible English neighbour on that side (and no
    better one on the other) is paired on weaker evidence. A site that pairs its quotes
    pairs them all; an article with no pairs gets none from this. When only captions and
    credits show the side (bilingual by convention), the evidence needed is higher."""
    direction = _direction(segments)
    if direction is None:
        return 0
    follows, from_text = direction
    least = PAIRING["pattern_min_score"] if from_text else PAIRING["pattern_min_score_captions"]
    found = 0
    for i, seg in enumerate(segments):
        if not _foreign(seg) or seg.pair_seq is not None:
            continue
        j, other = (i + 1, i - 1) if follows else (i - 1, i + 1)
        if not (0 <= j < len(segments)) or segments[j].pair_seq is not None or not _candidate(seg, segments[j]):
            continue
        s = _evidence(seg, segments[j])
        rival = _evidence(seg, segments[other]) if 0 <= other < len(segments) and _candidate(
            seg, segments[other]) else float("-inf")
        if s >= least and s >= rival + PAIRING["pattern_margin"]:
            _mark(seg, segments[j])
            found += 1
    return found
