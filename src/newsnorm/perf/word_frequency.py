"""English word frequencies from wordfreq's table, held in 8 MiB instead of 36.

wordfreq keeps its English list as a dict of 321,180 str -> float: about 36 MiB in every
process that asks for a frequency, and every pool worker does (the story fingerprint
weighs words by it). Here the same list is four numpy arrays: the words' UTF-8 bytes, their
offsets, their CRC-32 (sorted, for a binary search) and their frequency bucket, built by
wordfreq's own reader in a child process and cached on disk (child_build.py).

`zipf` gives exactly `wordfreq.zipf_frequency(word, "en")`: for a word without digits (all
the fingerprint asks about) wordfreq's tokenizer splits it, each token's frequency is looked
up here, and they combine and round as wordfreq's `_word_frequency` does; a word with
digits is left to wordfreq itself. A test compares the two over thousands of words.
"""

from __future__ import annotations

import marshal
import math
import threading
import zlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from newsnorm.perf.child_build import cached_build, source_key

LANG = "en"
_FLOOR = 1e-9  # wordfreq's frequency for zipf 0: what an unknown word gets
# Distinct words remembered per process (each cache): a news vocabulary's frequent words fit;
# at 200,000 the word caches could grow to ~100 MiB per worker on a large real corpus.
WORD_CACHE = 65_536


def _table_blob(lang: str = LANG) -> bytes:
    """wordfreq's list for `lang` as arrays, words sorted by CRC-32: one marshal blob."""
    from wordfreq import get_frequency_list

    words: list[bytes] = []
    buckets = []
    for bucket, bucket_words in enumerate(get_frequency_list(lang)):
        words.extend(w.encode("utf-8") for w in bucket_words)
        buckets.append(np.full(len(bucket_words), bucket, np.uint16))
    crc = np.array(list(map(zlib.crc32, words)), np.uint32)
    order = np.argsort(crc, kind="stable")
    ordered = [words[i] for i in order.tolist()]
    offsets = np.zeros(len(words) + 1, np.int64)
    np.cumsum(np.array(list(map(len, ordered)), np.int64), out=offsets[1:])
    bucket = np.concatenate(buckets)[order] if buckets else np.empty(0, np.uint16)
    return marshal.dumps((crc[order].tobytes(), bucket.tobytes(), offsets.tobytes(), b"".join(ordered)))


class FrequencyTable:
    """Token -> frequency, exact: a CRC-32 binary search, then the token's bytes compared."""

    def __init__(self, blob: bytes) -> None:
        crc, bucket, offsets, self._data = marshal.loads(blob)
        self._crc = np.frombuffer(crc, np.uint32)
        self._bucket = np.frombuffer(bucket, np.uint16)
        self._offsets = np.frombuffer(offsets, np.int64)

    def __len__(self) -> int:
        return int(self._crc.size)

    def frequency(self, token: str) -> float | None:
        """wordfreq's frequency of this token, None if it is not listed."""
        from wordfreq import cB_to_freq

        raw = token.encode("utf-8")
        key = zlib.crc32(raw)
        crc, offsets, data = self._crc, self._offsets, self._data
        i = int(np.searchsorted(crc, np.uint32(key)))  # a Python int would cast the whole table to int64
        while i < crc.size and crc[i] == key:
            if data[offsets[i]:offsets[i + 1]] == raw:
                return cB_to_freq(-int(self._bucket[i]))  # as wordfreq's own dict holds it
            i += 1
        return None


_table: FrequencyTable | None = None
_lock = threading.Lock()


def table() -> FrequencyTable:
    global _table
    with _lock:
        if _table is None:
            from wordfreq import available_languages

            source = Path(available_languages("best")[LANG])
            key = source_key("wordfreq", version("wordfreq"), LANG, files=[source])
            _table = cached_build("wordfreq", key, FrequencyTable, _table_blob, LANG)
    return _table


@lru_cache(maxsize=WORD_CACHE)
def zipf(word: str) -> float:
    """`wordfreq.zipf_frequency(word, "en")` (0 = unseen, 7.7 = "the")."""
    from wordfreq import lossy_tokenize, zipf_frequency

    if any(c.isdigit() for c in word):  # wordfreq estimates figures by rules: its own answer
        return zipf_frequency(word, LANG)

    tokens = lossy_tokenize(word, LANG)
    freq = _FLOOR
    if tokens:
        t = table()
        one_over = 0.0
        for token in tokens:
            f = t.frequency(token)
            if f is None:
                one_over = 0.0
                break
            one_over += 1.0 / f
        if one_over:
            freq = max(1.0 / one_over, _FLOOR)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # wordfreq keeps 3 significant digits
    return round(math.log(freq, 10) + 9, 2)
