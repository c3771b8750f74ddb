"""Tables for story fingerprints: number words, scales, words that are capitalized but no name.

Weights are data too; benchmarks/stories_eval.py measured them (see README, "Stories").
"""

from __future__ import annotations

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mln": 1e6, "bn": 1e9, "tn": 1e12,
}

WEIGHTS: dict[str, float] = {
    # figures: an amount or a long number is nearly unique to a story; years are shared by many
    "number_amount": 5.0,     # $70 million, 4.7 billion, 3.5
    "number_specific": 5.0,   # 28,500 (>= 100, not a year)
    "number_pct": 3.0,        # 25%, fifteen percent
    "number_year": 1.5,       # 2019
    "number_small": 1.0,      # 10..99 without a unit (ages, days, counts)
    # names: weight = name * clip(name_max_zipf - zipf, 0.5, max_surprise)
    "name": 1.5,
    "name_max_zipf": 7.0,
    # other words count only when rarer than word_max_zipf: weight = word_max_zipf + 1 - zipf
    "word_max_zipf": 4.0,
    "max_surprise": 5.0,
}

# Capitalized for grammar or typography, not because they name something in the story.
_ENTITY_STOPWORDS = """
a an the and or but nor if so yet of in on at to for from by with as into onto upon about over under after
before during since until while when where why how what which who whom whose that this these those there here
it its he she they we i you his her their our my your him them us me is are was were be been being has have
had do does did not no yes all any each every some many most more much few other another such only just also
however although though because therefore meanwhile moreover still even then now today yesterday tomorrow
mr mrs ms dr prof sir madam said says say according told asked added noted stated explained
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
president minister prime secretary chief senator governor mayor king queen general spokesman spokeswoman
spokesperson director chairman official officials photo photos image images video file credit caption
read more share click subscribe advertisement latest related news
"""
ENTITY_STOPWORDS: frozenset[str] = frozenset(_ENTITY_STOPWORDS.split())
