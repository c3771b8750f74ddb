"""A warehouse's files against what its runs committed, at the start of a run (store.Warehouse).

`open_manifest` loads the manifest (manifest.py) and checks the files against it (check.py):
derived tables that differ are left for their owner to rebuild, a part whose first write was
cut short is emptied, anything else is refused (WarehouseDamaged, or SchemaMismatch for a
file another newsnorm version wrote). A warehouse without a manifest gets one once its files
read. `precheck` is the same check, only reading, made before a run starts up.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from newsnorm.warehouse import check
from newsnorm.warehouse.check import WarehouseDamaged
from newsnorm.warehouse.manifest import Manifest, ManifestDamaged, file_state

if TYPE_CHECKING:
    from newsnorm.warehouse.store import Warehouse


def precheck(wh: Warehouse) -> None:
    """Raises WarehouseDamaged or SchemaMismatch; skipped while another run holds the lock."""
    from newsnorm.warehouse.store import WarehouseBusy

    if not (wh.root / "articles").is_dir():
        return
    with contextlib.suppress(WarehouseBusy), wh.locked(timeout=0):
        try:
            manifest = Manifest.load(wh.root)
        except ManifestDamaged:
            return  # the run rebuilds it, after checking the files
        if manifest is None:
            problems = check.unrecorded(wh.root)
        else:
            problems = [p for p in check.verify(wh.root, manifest) if not p.derived]
        refuse(wh, problems)


def open_manifest(wh: Warehouse) -> list[str]:
    """Load and verify the manifest, or build one for a warehouse without (older, or lost).
    Sets `wh._manifest`; returns notes for the run's warnings."""
    from newsnorm.warehouse.store import TABLES

    root = wh.root
    notes: list[str] = []
    try:
        manifest = Manifest.load(root)
    except ManifestDamaged as exc:
        manifest = None
        notes.append(f"{exc}: rebuilt from the table files")
    if manifest is None:
        refuse(wh, check.unrecorded(root))
        wh._manifest = Manifest(root, {rel: [file_state(root / rel)] for rel in check.table_files(root)})
        return notes
    problems = check.verify(root, manifest)
    wh._manifest = manifest
    for p in [p for p in problems if p.derived]:  # the stories table: its owner rebuilds it (damaged_derived)
        here = root / p.rel
        try:
            wh._check_schema(here, p.rel.split("/")[0])  # another version's file: refused, not rebuilt
        except (OSError, pa.ArrowException):
            here.unlink(missing_ok=True)  # unreadable: made anew by its owner
        manifest.files.pop(p.rel, None)
        wh.damaged_derived.add(p.rel)
        notes.append(f"{p.render(root)}: rebuilt")
    refuse(wh, [p for p in problems if not p.derived])
    for rel in check.half_written(root, manifest):  # the first write of a new part was cut short:
        part = int(rel.split("/")[1][5:])  # no article of it was committed
        arts = wh.path("articles", part)
        if arts.exists() and pq.read_metadata(arts).num_rows:
            raise WarehouseDamaged(root, [check.Problem("unpaired", rel)])
        for name in ("segments", "articles"):
            wh._write(wh.path(name, part), TABLES[name].empty_table(), name)
        notes.append(f"{root / rel}: a part whose first write was interrupted, emptied")
    for rel, states in manifest.files.items():  # what is on disk is now the one committed state
        if (len(states) > 1 or None in states) and (here := root / rel).exists():
            manifest.committed(rel, file_state(here))
    manifest.files = {rel: s for rel, s in manifest.files.items() if s != [None]}
    return notes


def refuse(wh: Warehouse, problems: list[check.Problem]) -> None:
    """SchemaMismatch for a file another newsnorm version wrote, else WarehouseDamaged."""
    from newsnorm.warehouse.store import TABLES

    for p in problems:
        if p.code in ("changed", "unexpected") and (table := p.rel.split("/")[0]) in TABLES:
            with contextlib.suppress(OSError, pa.ArrowException):
                wh._check_schema(wh.root / p.rel, table)
    if problems:
        raise WarehouseDamaged(wh.root, problems)
