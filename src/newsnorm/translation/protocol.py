"""What the translate step asks of a translator, and the translator used when none is installed."""

from __future__ import annotations

from typing import Protocol


class Translator(Protocol):
    """What the translate step (and a run's report) asks of a translator."""

    packages: list[str]  # installed packages, as the run's report names them
    calls: int  # engine calls made so far (CTranslate2 translate_batch calls for Argos)

    def languages(self) -> set[str]:
        """Languages this translator can bring to English."""
        ...

    def translate(self, texts: list[str], lang: str) -> list[str]: ...

    def model_id(self, lang: str) -> str | None:
        """The packages (name@version, '>'-joined along a pivot) that translate `lang`: the cache key;
        after a `translate` call, the route that actually translated."""
        ...

    def route(self, lang: str) -> list[str]:
        """Languages along the route to English, e.g. ['ja', 'vi', 'en'] for a pivot; [] if none."""
        ...


class NoTranslator:
    """No package installed: every segment that needs a model is reported missing."""

    def __init__(self) -> None:
        self.packages: list[str] = []
        self.calls = 0

    def languages(self) -> set[str]:
        return set()

    def translate(self, texts: list[str], lang: str) -> list[str]:
        raise LookupError(f"no translation model for {lang}")

    def model_id(self, lang: str) -> str | None:
        return None

    def route(self, lang: str) -> list[str]:
        return []

