#!/usr/bin/env python
"""Build the tiny Argos packages that newsnorm's tests install: TEST FIXTURES, not translation models.

Argos packages cannot be downloaded in CI, so the tests install genuine `.argosmodel` files
made here from a handful of phrase pairs: a SentencePiece model, a one-layer MarianMT
transformer trained with torch until it reproduces the pairs, converted by CTranslate2's
`TransformersConverter`, and a blank spaCy pipeline in `spacy/` so Argos can split sentences
offline. Each package is checked through Argos' own `translate()` (beam search, as users run
it) before it is written: a low training loss alone did not guarantee that.

    python scripts/build_argos_fixture.py            # -> tests/fixtures/argos/*.argosmodel

Needs the `fixtures` extra (transformers: `pip install -e ".[fixtures]"`).
Deterministic: fixed seeds, one thread, fixed zip times.
About 30 s on two cores; each package is about 0.1 MB (int8 weights, identity normalisation).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "argos"
FIXTURE_NOTE = ("TEST FIXTURE for newsnorm's tests, NOT a translation model: a tiny transformer that "
                "memorised the phrase pairs listed here and translates nothing else. "
                "Built by scripts/build_argos_fixture.py.")
NAMES = {"en": "English", "vi": "Vietnamese", "ko": "Korean", "ja": "Japanese"}


@dataclass(frozen=True)
class Spec:
    from_code: str
    to_code: str
    pairs: tuple[tuple[str, str], ...]
    seed: int

    @property
    def name(self) -> str:
        return f"translate-{self.from_code}_{self.to_code}-fixture"


# One sentence per pair: Argos splits paragraphs into sentences before translating.
VI_EN = (
    ("Hai nước sẽ tiếp tục đàm phán vào năm tới.", "The two countries will continue negotiating next year."),
    ("Người dân Seoul theo dõi sát sao cuộc đàm phán.", "People in Seoul are following the talks closely."),
    ("Chi phí quốc phòng tăng mạnh.", "Defense costs rose sharply."),
)
KO_EN = (
    ("한미 양국은 방위비 분담 협상을 계속할 예정이다.",
     "South Korea and the US plan to continue the cost-sharing talks."),
    ("다음 회의는 서울에서 열린다.", "The next meeting will be held in Seoul."),
    ("주한미군은 약 2만8500명이다.", "There are about 28,500 US troops in Korea."),
)
# A pivot fixture: Japanese reaches English only through Vietnamese (ja -> vi -> en).
JA_VI = (
    ("両国は来年も交渉を続ける。", "Hai nước sẽ tiếp tục đàm phán vào năm tới."),
)
SPECS = (Spec("vi", "en", VI_EN, 11), Spec("ko", "en", KO_EN, 12), Spec("ja", "vi", JA_VI, 13))
VERSION = "0.1"


def train_sentencepiece(spec: Spec, work: Path):
    """A unigram vocabulary over both sides (Argos uses one SentencePiece model to encode and decode)."""
    import io

    import sentencepiece as spm

    model = io.BytesIO()  # from an iterator into memory: no temp paths recorded in the model
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([s for pair in spec.pairs for s in pair]), model_writer=model,
        model_type="unigram", vocab_size=400, hard_vocab_limit=False, character_coverage=1.0,
        num_threads=1, minloglevel=2,
        normalization_rule_name="identity",  # inputs are NFC already; NFKC tables would add 240 kB
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
    )
    path = work / "sentencepiece.model"
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path)), path


def train_model(spec: Spec, sp, max_steps: int = 3000):
    """A one-layer MarianMT that memorises the pairs (teacher forcing, no dropout)."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(spec.seed)
    n = sp.get_piece_size()
    pad, eos = n, sp.eos_id()
    config = MarianConfig(
        vocab_size=n + 1, d_model=64, encoder_layers=1, decoder_layers=1, encoder_attention_heads=4,
        decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128, max_position_embeddings=128,
        dropout=0.0, attention_dropout=0.0, activation_dropout=0.0, pad_token_id=pad, eos_token_id=eos,
        forced_eos_token_id=eos, decoder_start_token_id=pad, bos_token_id=None,
    )
    model = MarianMTModel(config)
    src = [sp.encode(a) for a, _ in spec.pairs]  # no </s>: CTranslate2 adds none for this model
    tgt = [sp.encode(b) + [eos] for _, b in spec.pairs]

    def padded(rows: list[list[int]], fill: int) -> torch.Tensor:
        width = max(len(r) for r in rows)
        return torch.tensor([r + [fill] * (width - len(r)) for r in rows])

    input_ids = padded(src, pad)
    labels = padded(tgt, -100)
    decoder_in = padded([[pad] + t[:-1] for t in tgt], pad)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    loss, steps = None, 0
    for steps in range(1, max_steps + 1):  # noqa: B007 - reported after the loop
        out = model(input_ids=input_ids, attention_mask=(input_ids != pad).long(),
                    decoder_input_ids=decoder_in, labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        loss = out.loss.item()
        if loss < 2e-4:
            break
    model.eval()
    return model, steps, loss


def save_ct2(model, sp_path: Path, sp, work: Path, dest: Path) -> None:
    from ctranslate2.converters import TransformersConverter
    from transformers import MarianTokenizer

    hf = work / "hf"
    model.save_pretrained(hf)
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(source_spm=str(sp_path), target_spm=str(sp_path), vocab=str(work / "vocab.json"))
    assert len(tok.get_vocab()) == sp.get_piece_size() + 1, "MarianTokenizer should add exactly <pad>"
    tok.save_pretrained(hf)
    TransformersConverter(str(hf)).convert(str(dest), quantization="int8", force=True)


def assemble(spec: Spec, sp_path: Path, ct2_dir: Path, pkg_dir: Path) -> None:
    import spacy

    pkg_dir.mkdir(parents=True)
    shutil.copytree(ct2_dir, pkg_dir / "model")
    shutil.copy(sp_path, pkg_dir / "sentencepiece.model")
    spacy.blank("xx").to_disk(pkg_dir / "spacy")  # no sentencizer: Argos adds its own
    meta = {
        "package_version": VERSION, "argos_version": "1.11.0",
        "from_code": spec.from_code, "from_name": NAMES[spec.from_code],
        "to_code": spec.to_code, "to_name": NAMES[spec.to_code], "type": "translate",
        "description": FIXTURE_NOTE, "test_fixture": True,
        "phrase_pairs": [list(p) for p in spec.pairs], "links": [],
    }
    (pkg_dir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (pkg_dir / "README.md").write_text(f"# {spec.name}\n\n{FIXTURE_NOTE}\n", encoding="utf-8")


def zip_package(pkg_dir: Path, dest: Path) -> None:
    """Sorted entries and a fixed timestamp, so a rebuild with the same weights is byte-identical."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in pkg_dir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{pkg_dir.name}/{path.relative_to(pkg_dir).as_posix()}", (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def ct2_reproduces(spec: Spec, sp, ct2_dir: Path) -> list[str]:
    """The pairs the converted model gets wrong under Argos' own decoding options."""
    import ctranslate2

    tr = ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type="auto")  # as Argos loads it
    wrong = []
    for src, tgt in spec.pairs:
        res = tr.translate_batch([sp.encode(src, out_type=str)], beam_size=4, num_hypotheses=1,
                                 length_penalty=0.2, replace_unknowns=True)
        got = sp.decode_pieces(res[0].hypotheses[0]).replace("▁", " ").strip()
        if got != tgt:
            wrong.append(f"{src!r} -> {got!r} (want {tgt!r})")
    return wrong


def build(spec: Spec, out: Path) -> Path:
    import torch
    from transformers.utils import logging as hf_logging

    torch.set_num_threads(1)
    hf_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory(prefix=f"{spec.name}-") as tmp:
        work = Path(tmp)
        sp, sp_path = train_sentencepiece(spec, work)
        for attempt, steps in enumerate((3000, 6000)):
            model, used, loss = train_model(Spec(spec.from_code, spec.to_code, spec.pairs, spec.seed + attempt), sp,
                                            steps)
            ct2 = work / f"ct2-{attempt}"
            save_ct2(model, sp_path, sp, work, ct2)
            wrong = ct2_reproduces(spec, sp, ct2)
            print(f"{spec.name}: {sp.get_piece_size()} pieces, {used} steps, loss {loss:.1e}, "
                  f"{len(spec.pairs) - len(wrong)}/{len(spec.pairs)} pairs reproduced", file=sys.stderr)
            if not wrong:
                break
        else:
            raise SystemExit(f"{spec.name}: the model does not reproduce: " + "; ".join(wrong))
        pkg = work / "pkg" / spec.name
        assemble(spec, sp_path, ct2, pkg)
        dest = out / f"{spec.name}.argosmodel"
        zip_package(pkg, dest)
    return dest


VERIFY = r"""
import json, os, sys, zipfile
from pathlib import Path
from argostranslate import package, translate
from newsnorm.translation.argos_backend import engine_for
for path in sys.argv[1:]:
    package.install_from_path(path)
engine = engine_for(Path(os.environ["ARGOS_PACKAGES_DIR"]))
report = []
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("/metadata.json")))
    src_texts = [src for src, _ in meta["phrase_pairs"]]
    batched = engine.translate(src_texts, meta["from_code"]) if meta["to_code"] == "en" else [None] * len(src_texts)
    for (src, want), fast in zip(meta["phrase_pairs"], batched):
        got = translate.translate(src, meta["from_code"], meta["to_code"])
        report.append([src, want, got, fast])
print(json.dumps(report, ensure_ascii=False))
"""


def verify_with_argos(paths: list[Path]) -> list[list[str | None]]:
    """Install into a throwaway packages dir in a fresh process; translate with Argos' own translate()
    and with newsnorm's batched path. Rows: [source, wanted, argos translate(), batched or None]."""
    with tempfile.TemporaryDirectory(prefix="argos-verify-") as tmp:
        env = dict(os.environ, ARGOS_PACKAGES_DIR=f"{tmp}/packages", ARGOS_CHUNK_TYPE="SPACY",
                   XDG_DATA_HOME=f"{tmp}/data", XDG_CONFIG_HOME=f"{tmp}/config", XDG_CACHE_HOME=f"{tmp}/cache")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        proc = subprocess.run([sys.executable, "-c", VERIFY, *map(str, paths)], env=env, capture_output=True,
                              text=True, check=False)
        if proc.returncode:
            raise SystemExit(f"Argos could not load the fixtures:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    built = [build(spec, args.out) for spec in SPECS]
    report = verify_with_argos(built)
    bad = [row for row in report if row[2] != row[1] or row[3] not in (None, row[1])]
    for src, want, got, fast in report:
        print(f"  argos: {src} -> {got}" + ("" if want == got else f"   WANT {want}")
              + ("" if fast in (None, want) else f"   BATCHED {fast}"), file=sys.stderr)
    if bad:
        for p in built:
            p.unlink()
        raise SystemExit(f"{len(bad)} phrase(s) not reproduced through Argos; fixtures removed")
    for p in built:
        print(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}  {p.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
