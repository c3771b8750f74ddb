"""What a worker computes per article for the story index: its fingerprint and spun flag.

Imported by the pool workers, so it pulls in only fingerprint.py and spinner.py, not the
writer's index.
"""

from __future__ import annotations

from newsnorm.stories.fingerprint import Fingerprint, fingerprint
from newsnorm.stories.spinner import is_spun


def story_features(text_en: str) -> tuple[Fingerprint, bool]:
    """What the index needs of an article's text; computed in the workers, in parallel."""
    return fingerprint(text_en), is_spun(text_en)
