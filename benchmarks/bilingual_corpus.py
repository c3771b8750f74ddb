"""Bilingual test articles built from real parallel news text, with their truth.

From NTREX (`shared/eval/parallel`: whole news articles in English with professional Korean
and Vietnamese translations) and FLORES (`shared/eval/flores`: single sentences in both), it
builds English pages with page chrome around them and foreign passages in them:

- `alternating`: a whole article printed paragraph by paragraph in both languages (the
  foreign paragraph first, or for a third of the articles the English first);
- `embedded`: an English article with a foreign headline over the English one and foreign
  quotes or statements each followed by the publisher's English (FLORES pairs), one of them
  a photo caption with a credit in both languages;
- `unrelated`: an English article with foreign paragraphs (no translation) placed before
  its text, inside it and after it: each is followed by an English paragraph that is *not*
  its translation (a false pair if paired), and each must be kept as content.

Deterministic (seeded); NTREX articles are split dev/test by their id's hash, FLORES by its
own dev/devtest. Nothing here is used to tune on the test split.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "eval"
LANGS = {"ko": ("en-ko", "kor_Hang"), "vi": ("en-vi", "vie_Latn")}
CAPTION_CREDIT = {"ko": ("사진=로이터", "Photo: Reuters"), "vi": ("Ảnh: Reuters", "Photo: Reuters")}
CHROME_BEFORE = ["Home", "World", "Politics", "Business", "Share this article", "Subscribe"]
CHROME_AFTER = ["Related stories", "Most read", "Follow us on Twitter",
                "Copyright 2019 Example News. All rights reserved."]


@dataclass
class Case:
    kind: str
    lang: str
    split: str
    lines: list[str]
    # (foreign line, English line) that are the publisher's pair
    pairs: set[tuple[int, int]] = field(default_factory=set)
    # (foreign line, English line) adjacent but unrelated
    negatives: set[tuple[int, int]] = field(default_factory=set)
    # foreign lines that are content and must stay in the article
    foreign_content: list[int] = field(default_factory=list)
    captions: set[tuple[int, int]] = field(default_factory=set)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _split_of(doc_id: str) -> str:
    return "dev" if hashlib.sha256(doc_id.encode()).hexdigest()[0] in "01234567" else "test"


def load_ntrex(shared: Path, lang: str) -> dict[str, list[tuple[str, str]]]:
    folder, code = LANGS[lang]
    base = shared / "parallel" / folder
    ids = (base / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    en = (base / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()
    fx = (base / f"{code}.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[tuple[str, str]]] = {}
    for doc, e, f in zip(ids, en, fx, strict=True):
        docs.setdefault(doc, []).append((f, e))
    return docs


def load_flores(shared: Path, lang: str, split: str) -> list[tuple[str, str]]:
    folder = "dev" if split == "dev" else "devtest"
    code = LANGS[lang][1]
    en = (shared / "flores" / folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()
    fx = (shared / "flores" / folder / f"{code}.txt").read_text(encoding="utf-8").splitlines()
    return list(zip(fx, en, strict=True))


class _Page:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines) - 1


def alternating(doc: list[tuple[str, str]], lang: str, split: str, english_first: bool) -> Case:
    page = _Page()
    for line in CHROME_BEFORE:
        page.add(line)
    case = Case("alternating", lang, split, page.lines)
    for f, e in doc:
        if english_first:
            ie, i_f = page.add(e), page.add(f)
        else:
            i_f, ie = page.add(f), page.add(e)
        case.pairs.add((i_f, ie))
        case.foreign_content.append(i_f)
    for line in CHROME_AFTER:
        page.add(line)
    return case


def embedded(doc: list[tuple[str, str]], quotes: list[tuple[str, str]], lang: str, split: str,
             rng: random.Random) -> Case:
    page = _Page()
    for line in CHROME_BEFORE:
        page.add(line)
    case = Case("embedded", lang, split, page.lines)
    (title_f, title_e), body = doc[0], [e for _, e in doc[1:]]
    i_f = page.add(title_f)
    case.pairs.add((i_f, page.add(title_e)))
    case.foreign_content.append(i_f)
    spots = sorted(rng.sample(range(1, max(2, len(body))), k=min(len(quotes), max(1, len(body) - 1))))
    q = 0
    for k, e in enumerate(body):
        page.add(e)
        while q < len(quotes) and q < len(spots) and spots[q] == k + 1:
            f, t = quotes[q]
            if q == 0:  # a photo caption with its credit in both languages
                f, t = f"{f} {CAPTION_CREDIT[lang][0]}", f"{t} {CAPTION_CREDIT[lang][1]}"
            i_f = page.add(f)
            i_e = page.add(t)
            case.pairs.add((i_f, i_e))
            if q == 0:
                case.captions.add((i_f, i_e))
            case.foreign_content.append(i_f)
            q += 1
    for line in CHROME_AFTER:
        page.add(line)
    return case


def unrelated(doc: list[tuple[str, str]], strays: list[str], lang: str, split: str, rng: random.Random) -> Case:
    """Foreign passages before the text, inside it and after it, each next to English that is
    not its translation."""
    page = _Page()
    for line in CHROME_BEFORE:
        page.add(line)
    case = Case("unrelated", lang, split, page.lines)
    body = [e for _, e in doc]
    page.add(body[0])  # the headline
    before, inside, after = strays[0], strays[1], strays[2]
    i = page.add(before)
    case.foreign_content.append(i)
    case.negatives.add((i, i + 1))
    mid = rng.randrange(2, max(3, len(body) - 1))
    for k, e in enumerate(body[1:], start=1):
        j = page.add(e)
        if k == mid:
            i = page.add(inside)
            case.foreign_content.append(i)
            case.negatives.update({(i, j), (i, i + 1)})
    i = page.add(after)
    case.foreign_content.append(i)
    case.negatives.add((i, i - 1))
    for line in CHROME_AFTER:
        page.add(line)
    return case


def build(shared: Path = DEFAULT_SHARED, seed: int = 7) -> list[Case]:
    cases: list[Case] = []
    for lang in LANGS:
        rng = random.Random(f"{seed}-{lang}")
        docs = load_ntrex(shared, lang)
        flores = {split: load_flores(shared, lang, split) for split in ("dev", "test")}
        for split in flores:
            rng.shuffle(flores[split])
        taken = {"dev": 0, "test": 0}

        def take(split: str, n: int, flores=flores, taken=taken) -> list[tuple[str, str]]:
            out = flores[split][taken[split] : taken[split] + n]
            taken[split] += n
            if len(out) < n:  # wrap around: the corpus is small
                taken[split] = 0
                out += take(split, n - len(out))
            return out

        for n, doc_id in enumerate(sorted(docs)):
            doc, split = docs[doc_id], _split_of(doc_id)
            if len(doc) < 4:
                continue
            cases.append(alternating(doc, lang, split, english_first=n % 3 == 2))
            cases.append(embedded(doc, take(split, 3), lang, split, rng))
            cases.append(unrelated(doc, [f for f, _ in take(split, 3)], lang, split, rng))
    return cases
