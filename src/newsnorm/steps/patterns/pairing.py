"""Publisher-pair evidence as data (steps/pair_evidence.py, steps/align.py)."""

from __future__ import annotations

# Publisher pairs (steps/pair_evidence.py, steps/align.py): how a foreign paragraph and its
# English rendering are recognised without a translation model. Length: the mean and spread
# of log(English chars / foreign chars) for a script, and its spread as floor and
# per-character variance (spread² = floor² + per_char / foreign chars; fitted on the dev
# pairs of benchmarks/bilingual_corpus.py: NTREX and FLORES dev).
PAIRING = {
    "length_log_ratio": {"ko": (0.61, 0.19, 0.8), "ja": (1.0, 0.3, 0.0), "zh": (1.3, 0.3, 0.0),
                         "latin": (-0.10, 0.055, 2.6)},
    # evidence needed for a pair standing alone, and for one inside a run of paragraphs that
    # alternate between the two languages (the run itself is evidence)
    "alone_min_score": 1.0,
    # once pattern_min_pairs pairs found in an article all print the English on one side, a
    # paragraph with an English neighbour on that side needs this much evidence, and this
    # much more than its neighbour on the other side
    "pattern_min_pairs": 1, "pattern_min_score": -3.0, "pattern_margin": 0.0,
    # when only captions and credits show the direction (printed in both languages by
    # convention, not evidence that the text is)
    "pattern_min_score_captions": -1.0,
    "in_run_min_score": -2.5,
    "run_min_pairs": 2,
    # the run's pairs in its direction must look like translations on average
    "run_min_mean": 0.0,
    # languages never written without their marks: a line guessed as one of them that is
    # plain ASCII is English (a short English headline or quote next to its original)
    "marked_langs": frozenset({"vi"}),
    # a transliterated name matched by its start only when both skeletons have this many
    # consonant classes (`RN` starts `Rnld...` and too many other names)
    "name_prefix_min": 4,
    # and only from a Hangul word with at least (syllables - this) consonant classes
    "name_syllable_slack": 2,
    # paragraphs may stand one blank line apart
    "max_line_gap": 2,
    "weights": {
        "length": 1.0, "number_shared": 2.0, "number_missing": 1.5, "latin_shared": 1.5, "latin_missing": 0.5,
        "transliterated": 1.5, "punctuation_differs": 0.5,
    },
    # punctuation a translator keeps: quotes, brackets, a question, a percent sign
    "kept_punctuation": [("\"", "“", "”", "‘", "’", "'"), ("(", ")"), ("?",), ("%",)],
    # Vietnamese syllables that are plain ASCII when capitalised at a sentence start
    "vi_ascii_syllables": frozenset(
        ["anh", "ban", "bao", "cho", "con", "cua", "cac", "chi", "chung", "cong", "dan", "dong", "gia", "hai", "hay", "hoa", "hon", "khi", "khong", "kinh", "lam", "len", "lien", "luc", "mot", "nam", "nay", "neu", "nguoi", "nhan", "nhieu", "nhung", "nhu", "noi", "sau", "sinh", "tai", "tan", "theo", "thanh", "thi", "tin", "toan", "trong", "tren", "truong", "van", "vao", "vien", "voi", "xin"]
    ),
}
