from __future__ import annotations

import random

import wordfreq

from newsnorm.perf import child_build, word_frequency
from newsnorm.perf.word_frequency import zipf
from newsnorm.stories.fingerprint import _WORD, _key


def _words(seeds_dir) -> list[str]:
    """The seeds' words as the fingerprint asks for them, and a spread of wordfreq's own list:
    each listed word, capitalised, possessive, hyphenated with another, plus unknown words."""
    words = {_key(w) for p in sorted(seeds_dir.glob("*.txt")) for w in _WORD.findall(p.read_text(encoding="utf-8"))}
    rng = random.Random(7)
    for bucket in wordfreq.get_frequency_list("en")[::3]:
        for w in bucket[::60]:
            words.update([w, w.capitalize(), w + "'s", f"{w}-{rng.choice(bucket)}", w + "zzq"])
    words.update(["", "-", "Hanwha", "Sung-lac", "don’t", "naïve", "Ελλάδα", "서울", "2019", "4th", "co-op"])
    return sorted(words)


def test_zipf_is_wordfreqs_zipf_frequency(seeds_dir):
    words = _words(seeds_dir)
    assert len(words) > 5000
    differ = [(w, zipf(w), wordfreq.zipf_frequency(w, "en")) for w in words
              if zipf(w) != wordfreq.zipf_frequency(w, "en")]
    assert differ == []


def test_table_holds_every_listed_word_with_its_bucket():
    table = word_frequency.table()
    buckets = wordfreq.get_frequency_list("en")
    assert len(table) == sum(len(b) for b in buckets)
    for cb in (0, 150, 300, 450, 600, len(buckets) - 1):
        for w in buckets[cb][:20]:
            assert table.frequency(w) == wordfreq.cB_to_freq(-cb)
    assert table.frequency("zzqxnotaword") is None


def test_built_here_when_the_child_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSNORM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(child_build, "built_in_child", lambda *args: None)
    monkeypatch.setattr(word_frequency, "_table", None)
    here = word_frequency.table()
    assert list(tmp_path.iterdir())  # and cached
    assert len(here) == sum(len(b) for b in wordfreq.get_frequency_list("en"))
    for w in ("the", "shipbuilder", "hanwha", "o'brien", "naïve"):
        assert here.frequency(w) == (None if wordfreq.zipf_frequency(w, "en") == 0 else here.frequency(w))
        assert zipf(w) == wordfreq.zipf_frequency(w, "en")
