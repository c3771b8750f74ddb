from __future__ import annotations

import pytest
from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from newsnorm.perf import child_build, langdetect_profiles
from newsnorm.perf.langdetect_profiles import SparseDetector, SparseDetectorFactory

TRICKY = ["x", "·", "Latest", "Photo: Reuters", "POST ADS 2", "toggle caption", "Share", "123", "",
          "Xin chào các bạn", "안녕하세요 여러분", "Bonjour tout le monde", "Hola amigos, ¿qué tal?",
          "Das ist ein kurzer deutscher Satz.", "これは日本語の文です。", "这是一个中文句子。"]


def _answers(factory: DetectorFactory, lines: list[str]) -> list:
    out = []
    for line in lines:
        detector = factory.create()
        detector.append(line)
        try:
            out.append([(p.lang, p.prob) for p in detector.get_probabilities()])
        except LangDetectException as exc:
            out.append(f"error: {exc}")
    return out


@pytest.fixture(scope="module")
def factories() -> tuple[DetectorFactory, SparseDetectorFactory]:
    dense = DetectorFactory()
    dense.load_profile(PROFILES_DIRECTORY)
    dense.set_seed(0)
    sparse = SparseDetectorFactory()
    sparse.load_profile()
    sparse.set_seed(0)
    return dense, sparse


def test_same_languages_ngrams_and_answers_as_langdetect(factories, seeds_dir):
    dense, sparse = factories
    assert sparse.langlist == dense.langlist
    assert sparse.word_lang_prob_map.keys() == dense.word_lang_prob_map.keys()  # zero-only n-grams too
    assert isinstance(sparse.create(), SparseDetector)
    lines = [line for p in sorted(seeds_dir.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()
             if line.strip()] + TRICKY
    assert len(lines) > 100
    assert _answers(sparse, lines) == _answers(dense, lines)  # exact floats, same errors


def test_rare_ngrams_keep_only_their_non_zero_probabilities_common_ones_all(factories):
    dense, sparse = factories
    kinds = set()
    for word, probs in dense.word_lang_prob_map.items():
        held = sparse.word_lang_prob_map[word]
        if isinstance(held, bytes):
            assert dict(langdetect_profiles._PAIR.iter_unpack(held)) == {i: p for i, p in enumerate(probs) if p}
        else:
            assert list(held) == probs
        kinds.add(type(held))
    assert len(kinds) == 2  # both forms occur


def test_loads_in_this_process_when_the_child_fails(monkeypatch, factories, tmp_path):
    dense, _ = factories
    monkeypatch.setenv("NEWSNORM_CACHE_DIR", str(tmp_path))  # nothing cached yet
    monkeypatch.setattr(child_build, "built_in_child", lambda *args: None)
    factory = SparseDetectorFactory()
    factory.load_profile()
    factory.set_seed(0)
    assert _answers(factory, TRICKY) == _answers(dense, TRICKY)


def test_missing_profiles_fail_as_langdetect_does(tmp_path):
    with pytest.raises(LangDetectException):
        SparseDetectorFactory().load_profile(str(tmp_path))
