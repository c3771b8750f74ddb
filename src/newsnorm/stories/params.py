"""Named story parameters: the thresholds and caps every story decision reads (data, not code).

One place for each number, so the fast (vectorised) code and the reference pair functions
(reference.py) cannot drift apart on a threshold.
"""

from __future__ import annotations

SAME_STORY = 0.45          # similarity at or above which two articles report the same story
MIN_SHARED = 12.0          # ... and they must share at least this much feature weight
SAME_TEXT = 0.8            # share of the shorter wording found in the longer: a syndicated copy
MIN_SHINGLES = 20          # fewer shingles: too short to be anybody's copy or original
LINK_BLOCK = 64            # candidates of one story tested at once, until one passes (a link joins the story)
STORY_FLAGS = frozenset({"spun_text", "syndicated_copy"})

# How much each flag damages a copy when choosing a story's representative (data, not code).
DAMAGE: dict[str, int] = {
    "spun_text": 100, "missing_translation_model": 40, "translation_failed": 40, "corrupted_token": 10,
    "no_title": 5, "corrupted_date": 3, "duplicate_caption": 1,
}

COPY_BLOCK = 256           # earlier texts compared with one text at a time when looking for its original
PAIR_CELLS = 1 << 14       # MinHash rows compared at once by the copy test (a bool cube of 64 x this)
UNION_CHUNK = 1 << 16      # links turned into Python ints at a time when regrouping
