"""langdetect with its language profiles held sparsely: the same answers in a quarter of the memory.

langdetect keeps, for each of its 87,598 n-grams, a list of 55 floats (one per language):
66 MiB in every process that loads it, and every pool worker does. On average 2.1 of the
55 are not zero. Here each n-gram holds only its non-zero (language, probability) pairs,
packed in a bytes object: 16 MiB.

The profiles are read by langdetect's own `load_profile` (same files, same order, same
errors) in a short-lived child process (child_build.py), which hands the packed map back
as one marshal blob: loaded here, the JSON parsing left 33 MiB behind, not 16.

The arithmetic is unchanged: langdetect multiplies each language's score by `weight + p`,
and for a language the n-gram does not occur in, `weight + 0.0 == weight` exactly.
"""

from __future__ import annotations

import marshal
import struct

from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException

from .child_build import built_in_child

_PAIR = struct.Struct("<Bd")  # language index, probability


def pack(factory: DetectorFactory) -> bytes:
    """A loaded langdetect factory's language list and n-gram map, packed sparsely, as one blob."""
    if len(factory.langlist) > 256:
        raise LangDetectException(ErrorCode.FormatError, "More than 256 language profiles.")
    probs = {word: b"".join(_PAIR.pack(i, p) for i, p in enumerate(dense) if p)
             for word, dense in factory.word_lang_prob_map.items()}
    return marshal.dumps((list(factory.langlist), probs))


def _packed_profiles(directory: str) -> bytes:
    factory = DetectorFactory()
    factory.load_profile(directory)
    return pack(factory)


class SparseDetectorFactory(DetectorFactory):
    """A DetectorFactory whose `word_lang_prob_map` values are packed (language, probability) pairs."""

    def load_profile(self, profile_directory: str = PROFILES_DIRECTORY) -> None:
        blob = (built_in_child(__name__, "_packed_profiles", profile_directory)
                or _packed_profiles(profile_directory))
        self.load_packed(blob)

    def load_packed(self, blob: bytes) -> None:
        langlist, probs = marshal.loads(blob)
        self.langlist, self.word_lang_prob_map = langlist, probs

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
        present = dict(_PAIR.iter_unpack(packed))
        for i in range(len(prob)):
            prob[i] *= weight + present.get(i, 0.0)
        return True
