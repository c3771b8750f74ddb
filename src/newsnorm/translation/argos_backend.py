"""Argos Translate behind one door: import it for a packages folder; many texts per CTranslate2 call.

Why a module of its own:
- importing argostranslate costs about 2.3 s (torch, via stanza) and reads its settings once, at
  import; this module is imported only when a package is installed and something needs
  translating, and it points Argos at the packages folder it is given, even when Argos was
  imported earlier for another one (tests, `--packages-dir`);
- Argos' `translate()` sends each paragraph to CTranslate2 as its own `translate_batch` call;
  `ArgosEngine.translate` runs the same steps with the same objects (Argos' own route with its
  pivots, sentence splitter, tokenizer, CTranslate2 model and decoding options) but sends the
  sentences of all texts in one call, so CTranslate2 batches across segments.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

# Tokens per CTranslate2 batch inside one call. Argos uses ARGOS_BATCH_SIZE (32 tokens),
# which makes CTranslate2 run nearly one sentence at a time; see README for the figures.
BATCH_TOKENS = int(os.environ.get("NEWSNORM_ARGOS_BATCH_TOKENS", "2048"))

_lock = threading.RLock()
_engines: dict[tuple[str, tuple], ArgosEngine] = {}


def package_signature(packages_dir: Path) -> tuple:
    """What is installed (folder, version), to notice installs and upgrades in a long-lived process."""
    sig = []
    if packages_dir.is_dir():
        for meta in sorted(packages_dir.glob("*/metadata.json")):
            try:
                version = json.loads(meta.read_text(encoding="utf-8")).get("package_version", "")
            except (OSError, ValueError):
                version = "?"
            sig.append((meta.parent.name, version))
    return tuple(sig)


def import_argos(packages_dir: Path) -> SimpleNamespace:
    """argostranslate's modules, with its packages folder set to `packages_dir`."""
    packages_dir = Path(packages_dir).absolute()
    with _lock:
        if "argostranslate.settings" not in sys.modules:
            os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)  # read at import
        from argostranslate import package, settings, translate

        if not settings.debug:  # Argos logs every paragraph at INFO; Prefect would print them all
            logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
        packages_dir.mkdir(parents=True, exist_ok=True)
        if [Path(d).absolute() for d in settings.package_dirs] != [packages_dir]:
            settings.package_data_dir = packages_dir
            settings.package_dirs = [packages_dir]
            forget_loaded(translate)
        return SimpleNamespace(package=package, settings=settings, translate=translate)


def forget_loaded(translate_module) -> None:
    """Drop Argos' in-process caches of languages and loaded packages (after a change of folder)."""
    translate_module.installed_translates.clear()
    translate_module.get_installed_languages.cache_clear()


def engine_for(packages_dir: Path) -> ArgosEngine:
    """One engine per packages folder and installed set: loaded models stay loaded across batches."""
    packages_dir = Path(packages_dir).absolute()
    key = (str(packages_dir), package_signature(packages_dir))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            for old in [k for k in _engines if k[0] == key[0]]:
                del _engines[old]
            engine = _engines[key] = ArgosEngine(packages_dir)
        return engine


class ArgosEngine:
    """Translate lists of texts X -> en through Argos' own objects, one CTranslate2 call per leg."""

    def __init__(self, packages_dir: Path):
        self.packages_dir = packages_dir
        self.argos = import_argos(packages_dir)
        forget_loaded(self.argos.translate)  # the installed set changed since Argos last looked
        self.calls = 0  # CTranslate2 translate_batch calls made by this engine
        self.sentences = 0
        self._lock = threading.Lock()
        self._splitters: dict[str, object] = {}

    def legs(self, lang: str, to: str = "en") -> list:
        """Argos' own route from `lang` to `to`: one PackageTranslation, or several for a pivot."""
        import_argos(self.packages_dir)
        tr = self.argos.translate
        src, dst = tr.get_language_from_code(lang), tr.get_language_from_code(to)
        translation = src.get_translation(dst) if src and dst else None
        if translation is None:
            raise LookupError(f"no installed Argos package translates {lang} to {to}")
        return _unwrap(translation, tr)

    def route(self, lang: str) -> list[str]:
        """`[from, via..., to]` codes of the route Argos chose for lang -> en."""
        legs = self.legs(lang)
        return [legs[0].pkg.from_code] + [leg.pkg.to_code for leg in legs]

    def model_id(self, lang: str) -> str:
        return ">".join(f"{leg.pkg.package_path.name}@{leg.pkg.package_version}" for leg in self.legs(lang))

    def translate(self, texts: list[str], lang: str) -> list[str]:
        with self._lock:
            out = list(texts)
            for leg in self.legs(lang):
                out = self._leg(leg, out)
            return out

    # -- one package ---------------------------------------------------------------------------
    def _leg(self, pt, texts: list[str]) -> list[str]:
        """apply_packaged_translation (argostranslate/translate.py) over many paragraphs at once."""
        pkg, settings = pt.pkg, self.argos.settings
        split = self._splitter(pt).split_sentences
        owners: list[int] = []  # paragraph index of each sentence
        batch: list[list[str]] = []
        shape: list[int] = []  # paragraphs per text
        n_par = 0
        for text in texts:
            paragraphs = text.split("\n")
            shape.append(len(paragraphs))
            for par in paragraphs:
                for sentence in split(par):
                    batch.append(pkg.tokenizer.encode(sentence))
                    owners.append(n_par)
                n_par += 1
        tokens: list[list[str]] = [[] for _ in range(n_par)]
        if batch:
            results = self._ct2(pt).translate_batch(
                batch,
                target_prefix=[[pkg.target_prefix]] * len(batch) if pkg.target_prefix else None,
                replace_unknowns=True,
                max_batch_size=BATCH_TOKENS,
                batch_type="tokens",
                beam_size=max(1, settings.beam_size),
                num_hypotheses=1,
                length_penalty=0.2,
            )
            self.calls += 1
            self.sentences += len(batch)
            for owner, res in zip(owners, results, strict=True):
                tokens[owner].extend(res.hypotheses[0])
        paragraphs_en = [_decode(pkg, t) for t in tokens]
        out, i = [], 0
        for n in shape:
            out.append("\n".join(paragraphs_en[i : i + n]))
            i += n
        return out

    def _ct2(self, pt):
        """The package's CTranslate2 model, loaded as Argos loads it (and shared with Argos)."""
        if pt.translator is None:
            import ctranslate2

            s = self.argos.settings
            pt.translator = ctranslate2.Translator(
                str(pt.pkg.package_path / "model"), device=s.device, inter_threads=s.inter_threads,
                intra_threads=s.intra_threads, compute_type=s.compute_type)
        return pt.translator

    def _splitter(self, pt):
        """Argos' sentence splitter for the package; a package's own spaCy splitter over a download.

        In Argos' default mode a package without stanza/ gets MiniSBD, which downloads a model on
        first use and fails offline; a package that ships spacy/ is split with it instead.
        """
        key = str(pt.pkg.package_path)
        splitter = self._splitters.get(key)
        if splitter is None:
            splitter = pt.sentencizer
            sbd_path = pt.pkg.packaged_sbd_path
            if type(splitter).__name__ == "MiniSBDSentencizer" and sbd_path is not None \
                    and Path(sbd_path).name == "spacy":
                from argostranslate.sbd import SpacySentencizerSmall

                splitter = SpacySentencizerSmall(pt.pkg)
            self._splitters[key] = splitter
        return splitter


def _unwrap(translation, tr) -> list:
    if isinstance(translation, tr.CachedTranslation):
        return _unwrap(translation.underlying, tr)
    if isinstance(translation, tr.CompositeTranslation):
        return _unwrap(translation.t1, tr) + _unwrap(translation.t2, tr)
    if isinstance(translation, tr.IdentityTranslation):
        return []
    if isinstance(translation, tr.PackageTranslation):
        return [translation]
    raise TypeError(f"unsupported Argos translation {type(translation).__name__}")


def _decode(pkg, tokens: list[str]) -> str:
    """As Argos decodes one paragraph: detokenize, drop the target prefix and the leading space."""
    value = pkg.tokenizer.decode(tokens)
    if pkg.target_prefix and value.startswith(pkg.target_prefix):
        value = value[len(pkg.target_prefix) :]
    return value[1:] if value.startswith(" ") else value
