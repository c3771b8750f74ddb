"""A whole run without Prefect: plan against the warehouse, process batches, commit, report.

`execute` is a run without Prefect (orchestrate/launch.run_flow is the Prefect flow's run,
`newsnorm run` the command). It takes a `map_batches` callable, so the same logic runs
sequentially (tests, plain Python) or through a Prefect task runner (orchestrate/flow.py),
and an optional `progress` callback (files done, files to do). Only the calling process
writes the warehouse; workers only compute.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsnorm import PIPELINE_VERSION
from newsnorm.document import Article, Quarantined
from newsnorm.perf.memory import release_memory, tune_malloc, use_system_allocator
from newsnorm.readers.containers import CONTAINERS, ReadOptions, format_of
from newsnorm.readers.discover import discover
from newsnorm.readers.fields import FieldNames
from newsnorm.readers.names import as_text
from newsnorm.runner import container_state
from newsnorm.runner.batching import Feed, chunks_of
from newsnorm.runner.container_plan import SPILL_DIR, ContainerPlan, merge_ranges, piece_tasks, plan_container
from newsnorm.runner.container_state import STATE_DIR, ContainerState
from newsnorm.runner.containers import ContainerDone, InputTask
from newsnorm.runner.stories_sync import StoriesSync
from newsnorm.runner.work import BatchResult, file_sha256, merge_results, process_batch
from newsnorm.settings import RunSettings
from newsnorm.steps.translate import TranslationReport
from newsnorm.translation.argos import make_translator
from newsnorm.translation.cache import TranslationCache, cache_path
from newsnorm.warehouse.store import RECORD_SEP, SchemaMismatch, Warehouse, WarehouseDamaged, translations_json

MapBatches = Callable[[list[list[str]]], Iterable[BatchResult]]
Progress = Callable[[int, int], None]


class QuarantineError(RuntimeError):
    """--strict and at least one input was quarantined."""


class IncompleteRun(RuntimeError):
    """Some batches failed (e.g. a worker died); everything else was written."""


RunConfig = RunSettings  # a run's settings: fields, defaults and bounds in newsnorm/settings.py


def read_options(cfg: RunConfig) -> ReadOptions:
    return ReadOptions(cfg.format, FieldNames.with_overrides(cfg.text_field, cfg.html_field, cfg.url_field,
                                                             cfg.id_field))


@dataclass
class RunSummary:
    run_id: str
    warehouse: str
    started_at: datetime
    finished_at: datetime | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_backfilled: int = 0
    files_quarantined: int = 0
    files_removed: int = 0
    files_failed: int = 0
    files_held: int = 0  # inputs still in quarantine as they were (unchanged since)
    files_changing: list[str] = field(default_factory=list)  # rewritten while read: the next run reads them
    articles_written: int = 0
    segments_written: int = 0
    lines_langid: int = 0
    lines_langdetect: int = 0
    langs: Counter = field(default_factory=Counter)
    translations: Counter = field(default_factory=Counter)
    missing_models: Counter = field(default_factory=Counter)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    records_read: int = 0  # records of containers read this run
    records_unchanged: int = 0  # of them, skipped: stored with the same record hash (content and fields)
    records_skipped: Counter = field(default_factory=Counter)  # WARC records that are no article, by kind
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    translator_packages: list[str] = field(default_factory=list)
    translation: TranslationReport = field(default_factory=TranslationReport)  # new entries not kept
    cache_stored: int = 0
    status: str = "running"

    @property
    def seconds(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return (end - self.started_at).total_seconds()


def sequential(packages_dir: str | None, max_bytes: int, translation_cache: str | None = None) -> MapBatches:
    """`execute`'s default: every batch in this process, chunk by chunk, as the flow's tasks cut them."""
    def map_sequentially(batches: list[list[str]]) -> Iterator[BatchResult]:
        translator = make_translator(packages_dir)
        for b in batches:
            yield merge_results([process_batch(c, translator, max_bytes, translation_cache)
                                 for c in chunks_of(b)])

    return map_sequentially


def _records_by_path(wh: Warehouse) -> dict[str, dict[str, tuple[str, str]]]:
    """path -> {article id: (record hash, pipeline version)} of the stored records of containers
    (the content hash for a record stored before schema 3, so it is processed again once)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    index = wh.index()
    for key in index:
        if RECORD_SEP in key:
            path = key.split(RECORD_SEP, 1)[0]
            st = index[key]
            out.setdefault(path, {})[st.article_id] = (st.content_sha256, st.pipeline_version)
    return out


def plan(files: list[str], wh: Warehouse, translator_langs: set[str], summary: RunSummary,
         opts: ReadOptions | None = None, cplan: ContainerPlan | None = None) -> list[str | InputTask]:
    """Which inputs need processing: new, changed, or waiting for a model that is now installed.

    An unchanged article is backfilled only when one of the very languages it lacked a
    model for can now be translated, so an unchanged input writes nothing new. A plain
    text file goes as its path; an HTML page or a container as an InputTask.
    """
    opts = opts or ReadOptions()
    cplan = cplan if cplan is not None else ContainerPlan()
    cplan.before = container_state.load(wh.root)
    if cplan.spill_root is None:
        cplan.spill_root = spill_root(wh)
    index = wh.index()
    quarantined = wh.quarantined()
    waiting: dict[str, set[str]] | None = None
    cached: list = []

    def records() -> dict:
        if not cached:
            cached.append(_records_by_path(wh))
        return cached[0]

    todo: list[str | InputTask] = []
    for f in files:
        fmt = format_of(f, opts.format)
        if fmt in CONTAINERS:
            todo.extend(plan_container(f, fmt, opts, cplan, records, summary))
            continue
        item = f if fmt == "txt" else InputTask(f, fmt, opts)
        key = as_text(f)  # as stored (names that are not UTF-8 are escaped)
        stored = index.get(key)
        sha = file_sha256(f)
        if sha is not None and (key, sha) in quarantined:
            summary.files_unchanged += 1
            summary.files_held += 1
        elif stored is None:
            summary.files_new += 1
            todo.append(item)
        elif sha is None or stored.content_sha256 != sha or stored.pipeline_version != PIPELINE_VERSION:
            summary.files_changed += 1
            todo.append(item)
        elif "missing_translation_model" in stored.flags and translator_langs:
            if waiting is None:
                waiting = wh.waiting_languages()
            if waiting.get(stored.article_id, set()) & translator_langs:
                summary.files_backfilled += 1
                todo.append(item)
            else:
                summary.files_unchanged += 1
        else:
            summary.files_unchanged += 1
    return todo


def plan_ahead(cfg: RunConfig) -> list[str]:
    """A guess at `plan`'s list, made without the lock, the translator or hashing what is
    stored: the inputs the warehouse has never seen (less those quarantined as they are).
    Exact for a new warehouse, or one that only gains files. The CLI starts this work while
    Prefect boots; a wrong guess costs only the work started."""
    try:
        wh = Warehouse(cfg.warehouse)
        files, _ = discover(cfg.inputs, exclude=wh.root)
        stored = set(wh.read("articles", columns=["source_path"]).column("source_path").to_pylist())
        quarantined = wh.quarantined()
        held = {path for path, _ in quarantined}
        opts = read_options(cfg)
        return [f for f in files if (k := as_text(f)) not in stored
                and not (k in held and (k, file_sha256(f)) in quarantined)
                and format_of(f, opts.format) == "txt"]  # containers are planned from their state
    except Exception:  # a guess: any trouble here is execute()'s to report
        return []


def execute(cfg: RunConfig, map_batches: MapBatches | None = None, progress: Progress | None = None) -> RunSummary:
    use_system_allocator()
    tune_malloc()  # a deployment's run does not come through the CLI
    wh = Warehouse(cfg.warehouse)
    summary = RunSummary(run_id=_new_run_id(), warehouse=str(wh.root), started_at=datetime.now(UTC))
    with wh.locked(cfg.lock_timeout):
        try:
            _run(cfg, wh, summary, map_batches, progress)
        except BaseException as exc:  # interrupted (Ctrl-C, SIGTERM) or failed: the runs table says so
            summary.finished_at = datetime.now(UTC)
            summary.status = "failed" if isinstance(exc, Exception) else "interrupted"
            summary.warnings.append(f"{summary.status}: {type(exc).__name__}: {exc}".rstrip(": "))
            if not isinstance(exc, WarehouseDamaged | SchemaMismatch):  # never written into a refused warehouse
                with contextlib.suppress(Exception):  # e.g. the disk is full: the error says so already
                    wh.add_run(run_row(summary, cfg))
            raise
    if summary.status == "failed":
        raise QuarantineError(f"{summary.files_quarantined + summary.files_held} input(s) in quarantine "
                              f"and --strict is set; see: newsnorm query \"select source_path, error from quarantine\"")
    if summary.status == "incomplete":
        raise IncompleteRun(
            f"{summary.files_failed} input(s) in failed batches were not processed (the rest "
            f"was written; the next run retries them): {'; '.join(summary.errors[:3])}"
        )
    return summary


def _prune_records(wh: Warehouse, read: list[ContainerDone]) -> int:
    """Records stored for a container read whole and completely this run, but not in it now."""
    gone = set()
    for c in read:
        if c.start == 0 and c.complete:
            seen = set(c.seen)
            prefix = c.path + RECORD_SEP
            gone.update(k for k in wh.index() if k.startswith(prefix) and k[len(prefix):] not in seen)
    return wh.remove_articles(gone) if gone else 0


def _save_container_state(wh: Warehouse, cplan: ContainerPlan, read: list[ContainerDone]) -> None:
    """Containers read to their end are recorded as read; a damaged one is read whole next time."""
    states = dict(cplan.before)
    for c in read:
        sc = cplan.scans.get(c.path)
        if sc is None or not c.complete:
            states.pop(c.path, None)
            continue
        # an uncompressed JSONL must end with a newline for the next run to start after it
        clean = sc.ends_newline or c.fmt != "jsonl" or c.path.lower().endswith(".gz")
        states[c.path] = ContainerState(sc.size, sc.sha256, c.next_line, clean, PIPELINE_VERSION)
    container_state.save(wh.root, states)


def _run(cfg: RunConfig, wh: Warehouse, summary: RunSummary, map_batches: MapBatches | None,
         progress: Progress | None) -> None:
    """The run under the lock; ends with its runs row."""
    summary.warnings.extend(wh.init())
    stories = StoriesSync(wh)  # the story index of this run
    files, problems = discover(cfg.inputs, exclude=wh.root)
    unreadable = _unreadable_inputs(wh, problems, summary)
    summary.files_seen = len(files)
    translator = make_translator(cfg.packages_dir)
    summary.translator_packages = list(translator.packages)
    shutil.rmtree(spill_root(wh), ignore_errors=True)  # pieces a crashed run left
    cplan = ContainerPlan(prune=cfg.prune_missing)
    todo = plan(files, wh, translator.languages(), summary, read_options(cfg), cplan)
    if cfg.prune_missing:
        present = {as_text(f) for f in files}
        summary.files_removed = wh.remove_articles({k for k in wh.index()
                                                    if k.split(RECORD_SEP, 1)[0] not in present})
    cache = TranslationCache(cache_path(wh.root))
    healed = cache.heal()
    if healed:
        summary.warnings.append(healed)
    mapper = map_batches or sequential(cfg.packages_dir, cfg.max_bytes, str(cache.path))
    summary.files_changing.extend(as_text(f) for f in cplan.changing)
    done, total = 0, _expected(todo)
    if progress:
        progress(0, total)
    pending: list[Article] = []
    quarantine: list[Quarantined] = unreadable
    read: list[ContainerDone] = []
    feed = Feed(todo, cfg.batch_size)
    for result in mapper(feed):
        _store_translations(cache, summary, result)
        _account(summary, result)
        pending.extend(result.articles)
        quarantine.extend(result.quarantined)
        for c in result.containers:
            if not cfg.prune_missing:
                c.seen = []  # only --prune-missing needs every record's id: held, it grows with the container
            read.append(c)
        pieces = [t for c in result.containers for t in piece_tasks(c, cplan, read_options(cfg))]
        if pieces:  # a gzip stream inflated by a worker: its pieces go to the workers now
            feed.add(pieces)
            total += _expected(pieces)
        done += result.records + len(result.failed)
        total = max(total, done)
        if len(pending) >= cfg.flush_every:
            _flush(wh, stories, pending, summary)
            pending = []
        if progress:
            progress(done, total)
    _flush(wh, stories, pending, summary)
    shutil.rmtree(spill_root(wh), ignore_errors=True)
    read = merge_ranges(read)
    if cfg.prune_missing:
        summary.files_removed += _prune_records(wh, read)
    stories.settle(final=True)  # stories: reconcile, relabel, stories table, even when nothing was new
    wh.add_quarantine(quarantine, summary.run_id, reread={c.path for c in read if c.start == 0 and not c.changing})
    if read and not summary.files_failed:
        _save_container_state(wh, cplan, read)
    summary.finished_at = datetime.now(UTC)
    summary.status = "completed"
    if summary.files_failed:
        summary.status = "incomplete"
    elif cfg.strict and (summary.files_quarantined or summary.files_held):
        summary.status = "failed"
    _warnings(summary, cfg)
    wh.add_run(run_row(summary, cfg))


def spill_root(wh: Warehouse) -> Path:
    """Where this warehouse's runs inflate gzip streams into pieces (one run at a time: the lock)."""
    return Path(wh.root) / STATE_DIR / SPILL_DIR


def _expected(items: list) -> int:
    """Records the items are expected to hold: one per file, a range's count when known."""
    return sum(1 if isinstance(i, str) or i.fmt == "html" else i.expect for i in items)


NOT_READ = "not read: "  # quarantine rows of inputs that could not even be listed


def _unreadable_inputs(wh: Warehouse, problems: list[str], summary: RunSummary) -> list[Quarantined]:
    """Folders or inputs that could not be listed or opened: a warning and a quarantine row
    each (never silently skipped; --strict fails on them); their rows of earlier runs that
    no longer apply leave the quarantine."""
    rows = []
    for p in problems:
        path, _, reason = p.rpartition(": ")
        rows.append(Quarantined(as_text(path or p), "", 0, NOT_READ + (reason or p)))
        summary.warnings.append(f"input not read: {as_text(p)}")
    summary.files_quarantined += len(rows)
    summary.quarantined.extend((q.source_path, q.error) for q in rows)
    old = wh.read("quarantine", columns=["source_path", "error"])
    now = {q.source_path for q in rows}
    gone = {(path, None) for path, error in zip(old.column("source_path").to_pylist(),
                                                old.column("error").to_pylist(), strict=True)
            if error.startswith(NOT_READ) and path not in now}
    wh.clear_quarantine(gone)
    return rows


def _new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _account(summary: RunSummary, result: BatchResult) -> None:
    summary.lines_langid += result.lines
    summary.lines_langdetect += result.langdetect_calls
    summary.errors.extend(result.errors)
    summary.files_failed += len(result.failed)
    summary.records_skipped.update(result.records_skipped)
    for c in result.containers:
        summary.records_read += c.records
        summary.records_unchanged += c.unchanged
    summary.files_changing.extend(result.changing)
    for q in result.quarantined:
        summary.files_quarantined += 1
        summary.quarantined.append((q.source_path, q.error))
    for art in result.articles:
        for s in art.segments:
            summary.langs[s.lang] += 1
            if s.translation_status == "missing_model":
                summary.missing_models[s.lang] += 1
            elif s.translation_source in ("publisher", "glossary") and s.lang not in ("en", "und"):
                summary.translations[s.translation_source] += 1
    summary.translation.merge(result.translation)
    summary.translations.update(result.translation.by_source())  # argos, cache, missing_model, failed


def _store_translations(cache: TranslationCache, summary: RunSummary, result: BatchResult) -> None:
    """Workers only read the cache; their new translations are written here, by the flow's process."""
    try:
        summary.cache_stored += cache.store(result.translation.new)
    except sqlite3.Error as exc:  # a cache is an optimisation: the run goes on, a later run redoes the work
        summary.warnings.append(f"translation cache {cache.path} not updated: {exc}")
    result.translation.new = []


def _flush(wh: Warehouse, stories: StoriesSync, articles: list[Article], summary: RunSummary) -> None:
    if not articles:
        return
    # two records of one container with the same id or url are one article: the later wins
    articles = list({a.article_id: a for a in articles}.values())
    stories.prepare(articles)  # stories: story_id and story flags set, index saved, before the write
    summary.segments_written += wh.write_articles(articles, summary.run_id)
    stories.settle()  # stories: stored articles whose story changed get their new id
    summary.articles_written += len(articles)
    wh.clear_quarantine({(a.source_path, a.source_record) for a in articles})
    release_memory()


def _warnings(summary: RunSummary, cfg: RunConfig) -> None:
    for lang, n in sorted(summary.missing_models.items()):
        summary.warnings.append(
            f"{n} {lang} segment(s) not translated: no Argos package {lang}->en. "
            f"Install one: newsnorm models install {lang}  (offline: newsnorm models install --from FILE.argosmodel)"
        )
    if summary.files_changing:
        summary.warnings.append(
            f"{len(summary.files_changing)} input(s) changed while being read, left for the next run: "
            + ", ".join(summary.files_changing[:5]))
    if summary.files_quarantined:
        summary.warnings.append(
            f"{summary.files_quarantined} input(s) quarantined; see: newsnorm query "
            f"\"select source_path, error from quarantine where run_id = '{summary.run_id}'\""
        )
    summary.warnings.extend(summary.translation.notes())
    summary.warnings.extend(f"translation error: {e}" for e in summary.errors[:20])


def run_row(summary: RunSummary, cfg: RunConfig) -> dict:
    return {
        "run_id": summary.run_id,
        "started_at": summary.started_at,
        "finished_at": summary.finished_at,
        "status": summary.status,
        "inputs": [as_text(str(i)) for i in cfg.inputs],
        "files_seen": summary.files_seen,
        "files_written": summary.articles_written,
        "files_unchanged": summary.files_unchanged,
        "files_quarantined": summary.files_quarantined,
        "files_failed": summary.files_failed,
        "records_read": summary.records_read,
        "records_unchanged": summary.records_unchanged,
        "segments_written": summary.segments_written,
        "lines_langid": summary.lines_langid,
        "lines_langdetect": summary.lines_langdetect,
        "translations": translations_json(summary.translations),
        "translator_packages": summary.translator_packages,
        "warnings": summary.warnings,
        "pipeline_version": PIPELINE_VERSION,
    }
