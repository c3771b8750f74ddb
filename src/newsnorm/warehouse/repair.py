"""`newsnorm repair`: bring a damaged warehouse back to a state a run can continue from.

Nothing is deleted: every damaged or unexpected file is moved to `wh/.damaged/<time>/`
(hidden, outside every table glob) before anything replaces it. Then:

- an articles/segments pair with a problem keeps only the articles whose segments are all
  there, and only those segments; the articles dropped are named (their inputs come back
  with the next run over the same inputs, as new files);
- a damaged quarantine or runs table starts empty (the next run quarantines bad inputs
  again; the run history before is in the moved file), a damaged stories table is rebuilt;
- the story index and the translation cache, caches both, are moved aside when damaged or
  when articles were dropped: the next run rebuilds the index from the stored articles;
- the manifest is written anew from the files as they now are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsnorm.warehouse import check
from newsnorm.warehouse.manifest import Manifest, ManifestDamaged, file_state
from newsnorm.warehouse.store import TABLES, Warehouse


@dataclass
class RepairReport:
    moved: list[str] = field(default_factory=list)  # rel paths moved aside
    dropped: list[str] = field(default_factory=list)  # source paths of articles dropped
    lost_unknown: int = 0  # segments of articles whose row was lost (source unknown)
    actions: list[str] = field(default_factory=list)
    aside: Path | None = None


def _load_manifest(root: Path) -> Manifest | None:
    try:
        return Manifest.load(root)
    except ManifestDamaged:
        return None


def _try_read(path: Path) -> pa.Table | None:
    try:
        return pq.read_table(path).replace_schema_metadata(None) if path.exists() else None
    except Exception:  # any damage: treated as unreadable
        return None


def repair(root: Path | str, lock_timeout: float = 60.0) -> RepairReport:
    wh = Warehouse(root)
    report = RepairReport()
    with wh.locked(lock_timeout):
        root = wh.root
        manifest = _load_manifest(root)
        problems = check.deep(root, manifest)
        if manifest is None:
            report.actions.append("manifest missing or unreadable: written anew")
        aside = root / ".damaged" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        report.aside = aside

        def move(rel: str) -> None:
            src = root / rel
            if src.exists():
                dest = aside / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
                report.moved.append(rel)

        wh._manifest = Manifest(root, {})  # writes below are recorded in a fresh manifest
        bad_rels = {p.rel for p in problems if p.code != "cache"}
        pairs = {p[1] for rel in bad_rels if (p := check.part_of(rel))}
        for part in sorted(pairs):
            _repair_pair(wh, part, report, move)
        for rel in sorted(bad_rels):
            if check.part_of(rel) is None and rel in {f"{t}/{t}.parquet" for t in TABLES}:
                table = rel.split("/")[0]
                move(rel)
                if TABLES[table] is not None:  # the stories table is made by the next run's stories sync
                    wh._write(root / rel, TABLES[table].empty_table(), table)
                report.actions.append(f"{rel}: damaged, moved aside and started empty"
                                      + (" (rebuilt by the next run)" if table == "stories" else ""))
            elif check.part_of(rel) is None:
                move(rel)
                report.actions.append(f"{rel}: not a table file of this warehouse, moved aside")
        damaged_caches = {p.rel for p in problems if p.code == "cache"}
        index_stale = report.dropped or report.lost_unknown or any(r.startswith(".story_index") for r in damaged_caches)
        if index_stale and (root / ".story_index").exists():
            move(".story_index")
            report.actions.append(".story_index: moved aside (the next run rebuilds it from the articles)")
        for rel in sorted(r for r in damaged_caches if not r.startswith(".story_index")):
            move(rel)
            report.actions.append(f"{rel}: damaged cache moved aside (rebuilt as runs translate)")
        # the manifest anew: every table file as it now is
        wh._manifest = Manifest(root, {rel: [file_state(root / rel)] for rel in check.table_files(root)})
        wh._manifest.save(wh.tmp)
        wh.init()
    return report


def _repair_pair(wh: Warehouse, part_name: str, report: RepairReport, move) -> None:
    """Keep the articles of one part whose segments are all there, and only their segments."""
    part = int(part_name[5:])
    a_path, s_path = wh.path("articles", part), wh.path("segments", part)
    arts, segs = _try_read(a_path), _try_read(s_path)
    arts = arts if arts is not None and arts.schema.names == TABLES["articles"].names else None
    segs = segs if segs is not None and segs.schema.names == TABLES["segments"].names else None
    if arts is None:
        arts = TABLES["articles"].empty_table()
    if segs is None:
        segs = TABLES["segments"].empty_table()
    counts: dict[str, int] = {}
    if segs.num_rows:
        vc = pc.value_counts(segs.column("article_id")).flatten()
        counts = dict(zip(vc[0].to_pylist(), vc[1].to_pylist(), strict=True))
    ids, wanted = arts.column("article_id").to_pylist(), arts.column("n_segments").to_pylist()
    keep_ids = [a for a, n in zip(ids, wanted, strict=True) if counts.get(a, 0) == n]
    keep = pa.array(keep_ids, pa.string())
    drop_mask = pc.invert(pc.is_in(arts.column("article_id"), value_set=keep))
    report.dropped.extend(arts.filter(drop_mask).column("source_path").to_pylist())
    report.lost_unknown += len(set(counts) - set(ids))
    kept_a = arts.filter(pc.is_in(arts.column("article_id"), value_set=keep))
    kept_s = segs.filter(pc.is_in(segs.column("article_id"), value_set=keep))
    for path in (a_path, s_path):
        move(path.relative_to(wh.root).as_posix())
    wh._write(a_path, kept_a, "articles")
    wh._write(s_path, kept_s, "segments")
    report.actions.append(f"{part_name}: kept {kept_a.num_rows} article(s) with all their segments, "
                          f"dropped {arts.num_rows - kept_a.num_rows}")

