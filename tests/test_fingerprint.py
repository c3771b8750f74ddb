"""The fast paths of fingerprint.py against the plain definitions they replace."""

from __future__ import annotations

import random
import zlib

import numpy as np

from newsnorm.stories import fingerprint as F


def _texts(seeds_dir) -> list[str]:
    rng = random.Random(11)
    alphabet = "0123456789 ,.$€£¥₩US%-abcxyz\n\u3000millionbn٣४"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(5000)]
    return texts + ["US$ 5", "us$5", "$ 5", "x5", "a.5", ",5", "  5", "€\u30005", "5,000,000.5 bn", "١٢٣ and ٣٤"]


def test_number_matches_are_finditers(seeds_dir):
    for text in _texts(seeds_dir):
        plain = [(m.span(), m.groupdict()) for m in F._NUMBER.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in F._number_matches(text)] == plain, text


def _plain_minhash(words: list[str]) -> tuple[np.ndarray, int]:
    """The definition: CRC-32 of each 5-word shingle joined by spaces, multiply-shift hashed."""
    grams = [" ".join(words[i:i + 5]) for i in range(len(words) - 4)] if len(words) >= 5 else \
        ([" ".join(words)] if words else [])
    if not grams:
        return np.full(F.N_MINHASH, 0xFFFFFFFF, dtype=np.uint32), 0
    x = np.unique(np.array([zlib.crc32(g.encode("utf-8")) for g in grams], dtype=np.uint64))
    with np.errstate(over="ignore"):
        h = (x[:, None] * F._MH_A[None, :] + F._MH_B[None, :]) >> np.uint64(32)
    return h.min(axis=0).astype(np.uint32), int(x.size)


def test_minhash_is_the_shingle_definition(seeds_dir):
    samples = [[w.lower() for w in F._WORD.findall(t)] for t in _texts(seeds_dir)[:40]]
    samples += [[], ["a"], list("abcd"), list("abcde"), ["naïve", "서울", "ελλάδα", "x", "y", "z"],
                ["i̇stanbul", *"abcde"]]
    for words in samples:
        got, want = F.minhash(words), _plain_minhash(words)
        assert (got[0] == want[0]).all() and got[1] == want[1], words[:8]


def test_text_lowered_whole_shingles_as_words_lowered_one_by_one(seeds_dir):
    texts = _texts(seeds_dir)[:30] + ["ΟΔΟΣ ΑΘΗΝΑΣ ΣΤΗΝ ΠΟΛΗ ΤΗΣ ΚΡΗΤΗΣ ΣΗΜΕΡΑ",
                                      "İSTANBUL’DA ΣΑΣ’Α Straße ǅemal ﬁnal ΣΑΣ"]
    for text in texts:
        words = F._WORD.findall(text)
        got, want = F._minhash_joined(" ".join(words).lower()), F.minhash([w.lower() for w in words])
        assert (got[0] == want[0]).all() and got[1] == want[1], text[:40]


def test_the_resemblance_matrix_is_the_pair_function_cell_by_cell(seed_articles):
    """`text_resemblance_matrix` (and `_many` through it) give `text_resemblance`'s numbers,
    texts without shingles included."""
    texts = [a.text_en for a in seed_articles.values()] + ["", "Too short."]
    rng = random.Random(2)
    for t in list(texts[:5]):
        lines = t.split("\n")
        rng.shuffle(lines)
        texts.append("\n".join(lines[: len(lines) // 2]))
    fps = [F.fingerprint(t) for t in texts]
    mh = np.stack([f.minhash for f in fps])
    n = np.array([f.n_shingles for f in fps], np.int64)
    assert (n == 0).any() and (n > 0).any()
    matrix = F.text_resemblance_matrix(mh, n, mh, n)
    for i, a in enumerate(fps):
        assert F.text_resemblance_many(a, mh, n).tolist() == matrix[i].tolist()
        assert [F.text_resemblance(a, b) for b in fps] == matrix[i].tolist()
