"""Is the warehouse what its runs committed? Problems as codes; a person reads them rendered.

`verify` (every run, at start): each file the manifest lists is there with a committed size
(hashed again only when its size or time moved), nothing else sits in a table folder, and
articles and segments parts pair up. `deep` (`newsnorm check`): also every file hashed and
read whole, and every article's segments all there. Derived files (story index, stories
table, translation cache) are caches: their damage is reported, and runs rebuild them.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsnorm.warehouse import published
from newsnorm.warehouse.manifest import Manifest, file_state

TABLE_DIRS = ("articles", "segments", "runs", "quarantine", "stories")
PAIRED = ("articles", "segments")
DERIVED = frozenset({"stories/stories.parquet"})  # rebuilt from the story index by every run

MESSAGES = {
    "missing": "committed by a run but missing",
    "changed": "differs from the file the last run committed (size or SHA-256)",
    "unexpected": "in a table folder but never committed by a run (readers would read it)",
    "unpaired": "has no matching articles/segments part",
    "unreadable": "is not a readable Parquet file",
    "segments": "holds articles whose segments are not all in the matching segments part",
    "orphans": "holds segments of articles that are not in the matching articles part",
    "cache": "is a damaged cache (the next run rebuilds it)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    rel: str  # path inside the warehouse
    detail: str = ""

    def render(self, root: Path) -> str:
        return f"{Path(root) / self.rel}: {MESSAGES[self.code]}" + (f" ({self.detail})" if self.detail else "")

    @property
    def derived(self) -> bool:
        return self.rel in DERIVED or self.code == "cache"


class WarehouseDamaged(RuntimeError):
    """A table file is not what the runs committed; `newsnorm repair` brings it back."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root, self.problems = Path(root), problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{problems[0].render(root)}{more}; see `newsnorm check --warehouse {root}`, "
                         f"fix with `newsnorm repair --warehouse {root}`")


def unrecorded(root: Path) -> list[Problem]:
    """A warehouse without a manifest (older, or the manifest lost): parts pair up, footers read."""
    rels = table_files(root)
    return structure(rels) + readable(root, rels, whole=False)


def table_files(root: Path) -> list[str]:
    """Every *.parquet a reader's `wh/<table>/**/*.parquet` glob finds, relative to the root
    (walked, not globbed: a warehouse path may hold glob characters)."""
    out = []
    for table in TABLE_DIRS:
        for folder, dirs, files in os.walk(Path(root) / table):
            dirs.sort()
            out.extend(os.path.relpath(os.path.join(folder, f), root) for f in files if f.endswith(".parquet"))
    return sorted(out)


def part_of(rel: str) -> tuple[str, str] | None:
    """("articles", "part=000003") for a part file, else None."""
    bits = Path(rel).parts
    if len(bits) == 3 and bits[0] in PAIRED and bits[1].startswith("part=") and bits[2] == "data.parquet":
        return bits[0], bits[1]
    return None


def structure(rels: list[str]) -> list[Problem]:
    """Articles and segments parts come in pairs."""
    parts = {t: {p[1] for r in rels if (p := part_of(r)) and p[0] == t} for t in PAIRED}
    out = []
    for table, other in (PAIRED, PAIRED[::-1]):
        for part in sorted(parts[table] - parts[other]):
            out.append(Problem("unpaired", f"{table}/{part}/data.parquet", f"no {other}/{part}/data.parquet"))
    return out


def verify(root: Path, manifest: Manifest, full: bool = False) -> list[Problem]:
    """Files against the manifest (see the module docstring)."""
    root = Path(root)
    on_disk = table_files(root)
    problems = []
    for rel, states in sorted(manifest.files.items()):
        try:
            st = (root / rel).stat()
        except FileNotFoundError:
            if None not in states:
                problems.append(Problem("missing", rel))
            continue
        known = [s for s in states if s is not None]
        if not any(s.size == st.st_size for s in known):
            sizes = " or ".join(str(s.size) for s in known) or "none"
            problems.append(Problem("changed", rel, f"{st.st_size} bytes, committed {sizes}"))
        elif (full or not any(s.size == st.st_size and s.mtime_ns == st.st_mtime_ns for s in known)) \
                and file_state(root / rel) not in states:
            problems.append(Problem("changed", rel, "same size, other content"))
    problems.extend(Problem("unexpected", rel) for rel in on_disk if rel not in manifest.files)
    # a part whose partner was never committed: a crash between the two files' first writes
    problems.extend(p for p in structure(on_disk) if not _partner_uncommitted(p, manifest))
    return problems


def partner(rel: str) -> str:
    table, part = part_of(rel) or ("", "")
    return f"{PAIRED[1] if table == PAIRED[0] else PAIRED[0]}/{part}/data.parquet"


def _partner_uncommitted(p: Problem, manifest: Manifest) -> bool:
    return p.code == "unpaired" and None in manifest.files.get(partner(p.rel), [])


def half_written(root: Path, manifest: Manifest) -> list[str]:
    """Parts whose partner was never committed (see `verify`): rel paths of the present half."""
    return [p.rel for p in structure(table_files(root)) if _partner_uncommitted(p, manifest)]


def readable(root: Path, rels: list[str], whole: bool) -> list[Problem]:
    """Footers (or, `whole`, every page) of these files read."""
    out = []
    for rel in rels:
        try:
            if whole:
                pq.read_table(root / rel)
            else:
                pq.read_metadata(root / rel)
        except Exception as exc:  # Arrow raises several types for one torn file
            out.append(Problem("unreadable", rel, str(exc).splitlines()[0][:200]))
    return out


def pairing(root: Path, part: str) -> list[Problem]:
    """Each article of a part has exactly its n_segments segments in the segments part."""
    a_rel, s_rel = f"articles/{part}/data.parquet", f"segments/{part}/data.parquet"
    arts = pq.read_table(root / a_rel, columns=["article_id", "n_segments"])
    segs = pq.read_table(root / s_rel, columns=["article_id"]).column("article_id")
    counts = dict(zip(*(c.to_pylist() for c in pc.value_counts(segs).flatten()), strict=True)) if len(segs) else {}
    want = dict(zip(arts.column("article_id").to_pylist(), arts.column("n_segments").to_pylist(), strict=True))
    out = []
    short = sum(1 for a, n in want.items() if counts.get(a, 0) != n)
    if short:
        out.append(Problem("segments", a_rel, f"{short} of {len(want)} articles"))
    orphans = len(counts.keys() - want.keys())
    if orphans:
        out.append(Problem("orphans", s_rel, f"{orphans} article ids"))
    return out


def caches(root: Path) -> list[Problem]:
    """Derived files that are not tables: story index parts, the translation cache, the read snapshot."""
    root = Path(root)
    out = []
    snap = published.load(root)
    lost = [n for n in snap.files.values() if not (snap.versions / n).is_file()] if snap else []
    if lost:
        out.append(Problem("cache", published.SNAPSHOT_FILE, f"{len(lost)} of the files it names are missing"))
    index = root / ".story_index"
    for part in sorted(index.glob("part-*.parquet")) if index.is_dir() else []:
        try:
            pq.read_table(part)
        except Exception as exc:
            out.append(Problem("cache", os.path.relpath(part, root), str(exc).splitlines()[0][:200]))
    db = root / ".cache" / "translations.sqlite"
    if db.is_file():
        try:
            with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as con:
                status = con.execute("pragma quick_check").fetchone()[0]
                con.execute("select count(*) from translations").fetchone()
            if status != "ok":
                out.append(Problem("cache", os.path.relpath(db, root), status))
        except sqlite3.Error as exc:
            out.append(Problem("cache", os.path.relpath(db, root), str(exc)))
    return out


def deep(root: Path, manifest: Manifest | None) -> list[Problem]:
    """Everything `newsnorm check` looks at."""
    root = Path(root)
    rels = table_files(root)
    problems = verify(root, manifest, full=True) if manifest is not None else structure(rels)
    problems.extend(readable(root, rels, whole=True))
    bad = {p.rel for p in problems}
    parts = {p[1] for r in rels if (p := part_of(r)) and p[0] == "articles"}
    for part in sorted(parts):
        pair = (f"articles/{part}/data.parquet", f"segments/{part}/data.parquet")
        if not bad.intersection(pair) and (root / pair[1]).exists():
            problems.extend(pairing(root, part))
    problems.extend(caches(root))
    return problems
