"""Generate a seed-like corpus: N articles made from the seeds, each one different.

Per article: one seed as the template; its body paragraphs shuffled and some dropped;
numbers changed; a Korean or Vietnamese passage and a publisher caption pair inserted
at times; title, byline and boilerplate kept where the seed has them. Deterministic for
a given (n, seed). Used by the benchmarks and by the fault tests.

    python benchmarks/corpus.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

KO_PASSAGES = [
    "한미 양국은 방위비 분담금 협상을 이어가기로 합의했다고 외교부가 밝혔다.",
    "정부 관계자는 이번 회담이 동맹 관계를 더욱 강화하는 계기가 될 것이라고 말했다.",
    "전문가들은 무역 협상의 결과가 국내 제조업에 큰 영향을 미칠 것으로 전망했다.",
]
VI_PASSAGES = [
    "Các chuyên gia cho rằng cuộc đàm phán sẽ còn kéo dài trong nhiều tháng tới.",
    "Người phát ngôn Bộ Ngoại giao cho biết hai bên đã đạt được một số đồng thuận quan trọng.",
    "Theo giới quan sát, căng thẳng thương mại có thể ảnh hưởng đến quan hệ đồng minh.",
]
CAPTION_PAIRS = [
    ("Quang cảnh cuộc họp báo tại Seoul ngày {d}/{m}/{y}. Ảnh: Reuters",
     "A view of the press conference in Seoul on {month} {d}, {y}. Photo: Reuters"),
    ("Binh sĩ Mỹ và Hàn Quốc trong cuộc tập trận chung năm {y}. Ảnh: AFP",
     "US and South Korean soldiers during a joint exercise in {y}. Photo: AFP"),
    ("{y}년 {m}월 {d}일 서울에서 열린 회담 모습. 사진: 연합뉴스",
     "The talks held in Seoul on {month} {d}, {y}. Photo: Yonhap"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_NUMBER = re.compile(r"\d[\d,.]*")


def _blocks(text: str) -> list[list[str]]:
    """Paragraph blocks (runs of non-blank lines) of a seed."""
    blocks, cur = [], []
    for line in text.split("\n"):
        if line.strip():
            cur.append(line)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _change_numbers(line: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        s = m.group(0)
        return "".join(str(rng.randint(0, 9)) if ch.isdigit() and i else ch for i, ch in enumerate(s))

    return _NUMBER.sub(repl, line)


def _split(blocks: list[list[str]]) -> tuple[list, list, list]:
    """Head (before the first long paragraph), body, tail (after the last long one)."""
    def words(b: list[str]) -> int:
        return len(" ".join(b).split())

    long = [i for i, b in enumerate(blocks) if words(b) >= 20]
    if not long:
        return [], blocks, []
    # A long line followed by a short one is a caption and its credit: keep it in the head.
    start = next((i for i in long if i + 1 < len(blocks) and words(blocks[i + 1]) >= 8), long[0])
    return blocks[:start], blocks[start : long[-1] + 1], blocks[long[-1] + 1 :]


def make_article(templates: list[str], i: int, rng: random.Random) -> str:
    template = templates[i % len(templates)]
    blank_separated = "\n\n" in template
    blocks = _blocks(template) if blank_separated else [[line] for line in template.split("\n") if line.strip()]
    sep = "\n\n" if blank_separated else "\n"
    head, body, tail = _split(blocks)
    body = [b for b in body if rng.random() > 0.2] or body[:1]
    rng.shuffle(body)
    body = [[_change_numbers(line, rng) for line in b] for b in body]
    if rng.random() < 0.5:
        passage = rng.choice(KO_PASSAGES if rng.random() < 0.5 else VI_PASSAGES)
        body.insert(rng.randrange(len(body) + 1), [passage])
    if rng.random() < 0.5:
        foreign, english = rng.choice(CAPTION_PAIRS)
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2025)
        fmt = {"d": d, "m": m, "y": y, "month": MONTHS[m - 1]}
        body.insert(rng.randrange(len(body) + 1), [foreign.format(**fmt), english.format(**fmt)])
    return sep.join("\n".join(b) for b in head + body + tail) + "\n"


def generate(out: Path, n: int, seed: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    templates = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        p = out / f"{i // 1000:03d}" / f"article_{i:06d}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(make_article(templates, i, rng), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    generate(args.out, args.n, args.seed)
    print(f"{args.n} articles in {args.out}")


if __name__ == "__main__":
    main()
