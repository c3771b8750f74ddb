"""langdetect with its language profiles held sparsely: the same answers in a third of the memory.

langdetect keeps, for each of its 87,598 n-grams, a list of 55 floats (one per language):
66 MiB in every process that loads it, and every pool worker does. On average 2.1 of the
55 are not zero. Here an n-gram holds only its non-zero (language, probability) pairs,
packed in a bytes object, unless it is common (DENSE_FROM languages or more): then an
array of 55 doubles. About 20 MiB in all, and detection is as fast.

The profiles are read by langdetect's own `load_profile` (same files, same order, same
errors) in a short-lived child process (child_build.py), which hands the packed map back
as one marshal blob, cached on disk: loaded here, the JSON parsing left 33 MiB behind.

The arithmetic is unchanged: langdetect multiplies each language's score by `weight + p`,
and for a language the n-gram does not occur in, `weight + 0.0 == weight` exactly.
"""

from __future__ import annotations

import marshal
import struct
from array import array
from importlib.metadata import version
from pathlib import Path

from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException

from newsnorm.perf.child_build import cached_build, source_key

_PAIR = struct.Struct("<Bd")  # language index, probability
# An n-gram with more non-zero languages than this (a common one: 5,636 of them, and the
# ones real text hits most) stays a dense array: multiplying through it beats unpacking.
DENSE_FROM = 5


def pack(factory: DetectorFactory) -> bytes:
    """A loaded langdetect factory's language list and n-gram map as one blob: most n-grams
    as packed (language, probability) pairs, the common ones as arrays of doubles."""
    if len(factory.langlist) > 256:
        raise LangDetectException(ErrorCode.FormatError, "More than 256 language profiles.")
    sparse, dense = {}, {}
    for word, probs in factory.word_lang_prob_map.items():
        pairs = [(i, p) for i, p in enumerate(probs) if p]
        if len(pairs) >= DENSE_FROM:
            dense[word] = array("d", probs).tobytes()
        else:
            sparse[word] = b"".join(_PAIR.pack(i, p) for i, p in pairs)
    return marshal.dumps((list(factory.langlist), sparse, dense))


def _unpack(blob: bytes) -> tuple[list[str], dict]:
    langlist, probs, dense = marshal.loads(blob)
    for word, doubles in dense.items():
        probs[word] = array("d", doubles)
    return langlist, probs


def _packed_profiles(directory: str) -> bytes:
    factory = DetectorFactory()
    factory.load_profile(directory)
    return pack(factory)


class SparseDetectorFactory(DetectorFactory):
    """A DetectorFactory whose `word_lang_prob_map` values are packed (language, probability) pairs."""

    def load_profile(self, profile_directory: str = PROFILES_DIRECTORY) -> None:
        folder = Path(profile_directory)
        files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
        if not files:  # langdetect's own error for a missing or empty folder
            DetectorFactory().load_profile(profile_directory)
        key = source_key("langdetect", version("langdetect"), DENSE_FROM, files=files)
        self.langlist, self.word_lang_prob_map = cached_build("langdetect-profiles", key, _unpack, _packed_profiles,
                                                              profile_directory)

    def _create_detector(self) -> Detector:
        if not self.langlist:
            raise LangDetectException(ErrorCode.NeedLoadProfileError, "Need to load profiles.")
        return SparseDetector(self)


class SparseDetector(Detector):
    """langdetect's Detector reading packed profiles."""

    def _update_lang_prob(self, prob: list[float], word: str | None, alpha: float) -> bool:
        packed = None if word is None else self.word_lang_prob_map.get(word)
        if packed is None:
            return False
        weight = alpha / self.BASE_FREQ
        if type(packed) is not bytes:  # a dense array: langdetect's own loop, as a comprehension
            prob[:] = [x * (weight + p) for x, p in zip(prob, packed, strict=False)]
            return True
        present = [(i, prob[i] * (weight + p)) for i, p in _PAIR.iter_unpack(packed)]
        prob[:] = [x * weight for x in prob]
        for i, x in present:
            prob[i] = x
        return True
