"""Command line: `newsnorm run | query | check | repair | models | doctor | serve`.

Exit codes: 0 success, 1 an input was bad (--strict with quarantined inputs), 2 bad usage,
3 warehouse busy (another run holds the lock), 4 incompatible warehouse schema, 5 warehouse
damaged (`newsnorm repair`), 6 the run could not complete (a batch failed, the disk or a
folder refused a write), 130 / 143 interrupted (SIGINT / SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import re
import signal
import sys
import tempfile
from pathlib import Path

from newsnorm import __version__, settings
from newsnorm.perf.memory import tune_malloc
from newsnorm.readers.formats import FORMATS
from newsnorm.runner.batching import batches_ahead, batches_of, chunks_of

EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_SCHEMA, EXIT_DAMAGED, EXIT_INCOMPLETE = 1, 2, 3, 4, 5, 6


def _quiet_prefect(verbose: bool) -> None:
    """Prefect's temporary server is chatty offline (telemetry, shutdown tracebacks): silence it."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # Logs still reach the Prefect UI; the terminal shows newsnorm's own summary instead.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if verbose else "CRITICAL")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _inputs(args: argparse.Namespace, err) -> list[str] | None:
    """The INPUT arguments (default seeds/), or None after saying which do not exist."""
    inputs = args.inputs or ["seeds"]
    missing = [i for i in inputs if not Path(i).exists()]
    if missing:
        hint = " (the default input is seeds/ in the current folder)" if not args.inputs else ""
        err.print(f"[red]error[/] input not found: {', '.join(missing)}{hint}")
        return None
    return inputs


def _use_packages_dir(args: argparse.Namespace) -> None:
    """--packages-dir wins over ARGOS_PACKAGES_DIR; Argos reads it at import, so set it first."""
    if getattr(args, "packages_dir", None):
        os.environ["ARGOS_PACKAGES_DIR"] = str(Path(args.packages_dir).absolute())


def cmd_run(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    err = _console(stderr=True)
    inputs = _inputs(args, err)
    if inputs is None:
        return EXIT_USAGE
    if args.format is not None and args.format not in FORMATS:
        err.print(f"[red]error[/] --format {args.format}: not a format; one of {', '.join(FORMATS)}")
        return EXIT_USAGE
    _use_packages_dir(args)
    refused = _refuse_damaged(args.warehouse, err)
    if refused is not None:
        return refused
    from newsnorm.orchestrate.launch import start_server_early

    server = start_server_early()  # boots while the rest of newsnorm and Prefect import
    from newsnorm.orchestrate.pool import WorkerPool

    # the workers load the pipeline meanwhile too; this command owns the pool and ends it
    pool = WorkerPool(args.workers or os.cpu_count() or 1) if args.runner == "process" else None
    _on_interrupt(pool)  # Ctrl-C, or a service stop, ends the run: exit 130 / 143

    with _imports_without_gc():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from newsnorm.runner.execute import IncompleteRun, QuarantineError
        from newsnorm.runner.report import print_summary
        from newsnorm.warehouse.store import SchemaMismatch, WarehouseBusy, WarehouseDamaged

        err.print(f"newsnorm {__version__}: {', '.join(inputs)} -> {args.warehouse} (starting Prefect)")
        params = _run_settings(args, inputs)
        if pool is not None and server is not None:
            _start_ahead(pool, params)
        from newsnorm.orchestrate.launch import preload_flow_run, run_flow

        if server is not None:
            preload_flow_run()  # the flow and what its run imports, while the server boots

    # counted in records: a one-article file is one, a container as many as it holds
    progress = Progress(TextColumn("processing"), BarColumn(), MofNCompleteColumn(), TextColumn("records"),
                        TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)
    task_id = progress.add_task("records", total=None)

    def on_progress(done: int, total: int) -> None:
        progress.update(task_id, completed=done, total=total)

    interrupted = True
    try:
        with progress:
            summary = run_flow(server=server, runner=args.runner, workers=args.workers,
                               dask_address=args.dask_address, progress=on_progress, pool=pool, **params)
        interrupted = False
    except WarehouseBusy as exc:
        err.print(f"[red]error[/] {exc}")
        return EXIT_BUSY
    except SchemaMismatch as exc:
        err.print(f"[red]error[/] {exc}")
        return EXIT_SCHEMA
    except WarehouseDamaged as exc:
        err.print(f"[red]error[/] {exc}", soft_wrap=True)
        return EXIT_DAMAGED
    except QuarantineError as exc:
        err.print(f"[red]failed[/] {exc}")
        return EXIT_FAILED
    except IncompleteRun as exc:
        err.print(f"[red]failed[/] {exc}")
        return EXIT_INCOMPLETE
    except OSError as exc:  # the disk or a folder refused: say which and what to do
        err.print(f"[red]failed[/] {os_error_line(exc, args.warehouse)}", soft_wrap=True, highlight=False)
        return EXIT_INCOMPLETE
    except RuntimeError as exc:  # Prefect's server could not start (launch.py says why)
        err.print(f"[red]failed[/] {exc}", soft_wrap=True, highlight=False)
        return EXIT_INCOMPLETE
    except Exception:
        interrupted = False
        raise
    finally:
        if pool is not None:
            if interrupted:  # or refused: the workers' work is not wanted
                pool.stop_now()
            pool.shutdown()
    print_summary(summary, _console())
    return 0


class Terminated(BaseException):
    """SIGTERM (a service manager's stop): unwinds like KeyboardInterrupt, exits 143."""


def _on_interrupt(pool) -> None:
    """Ctrl-C or SIGTERM during a run: kill the workers now (they ignore both, see
    launch.worker_init), unwind (the run records a runs row), exit 130 / 143. A second
    signal ends the process at once."""

    def handler(signum, frame) -> None:
        signal.signal(signum, signal.SIG_DFL)
        if pool is not None:
            pool.stop_now()
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


_HINTS = {
    errno.ENOSPC: "free space there and run again (the next run continues where this one stopped)",
    errno.EDQUOT: "the disk quota is used up: free space and run again",
    errno.EROFS: "that file system is mounted read-only: remount it read-write, or pass another --warehouse",
    errno.EACCES: "no permission to write there: fix its permissions, or pass another --warehouse",
    errno.EPERM: "no permission to write there: fix its permissions, or pass another --warehouse",
}


def os_error_line(exc: OSError, warehouse: str) -> str:
    """One line: which path, what the system said, what to do."""
    code = exc.errno
    if code is None:  # Arrow's I/O errors carry the errno only in their text
        found = re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)
        code = int(found.group(1)) if found else None
    path = exc.filename or Path(warehouse).absolute()
    what = os.strerror(code) if code else (exc.strerror or str(exc).splitlines()[0])
    return f"cannot write {path}: {what}; " + _HINTS.get(code, "fix that and run again")


def _refuse_damaged(warehouse: str, err) -> int | None:
    """A warehouse that cannot be written, or is damaged, is refused in a second, not after
    Prefect has started."""
    from newsnorm.warehouse.store import SchemaMismatch, Warehouse, WarehouseDamaged

    root = Path(warehouse).absolute()
    existing = next(p for p in (root, *root.parents) if p.exists())  # probed, nothing created
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        err.print(f"[red]failed[/] {os_error_line(exc, warehouse)}", soft_wrap=True, highlight=False)
        return EXIT_INCOMPLETE
    try:
        Warehouse(warehouse).precheck()
    except WarehouseDamaged as exc:
        err.print(f"[red]error[/] {exc}", soft_wrap=True, highlight=False)
        return EXIT_DAMAGED
    except SchemaMismatch as exc:
        err.print(f"[red]error[/] {exc}", soft_wrap=True, highlight=False)
        return EXIT_SCHEMA
    return None


@contextlib.contextmanager
def _imports_without_gc():
    """Prefect's modules build thousands of classes on import, and the cyclic collector keeps
    walking them meanwhile: paused, the imports (on the start-up's critical path, beside the
    server's boot) cost less CPU. What they made lives as long as the run, so later
    collections are told to skip it (gc.freeze)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.freeze()


def _run_settings(args: argparse.Namespace, inputs: list[str]) -> dict:
    """The flow's run settings from the flags (newsnorm.settings names them): paths absolute,
    the packages folder as _use_packages_dir resolved it."""
    params = {name: getattr(args, name) for name in settings.flag_names()}
    params.update(inputs=[str(Path(i).absolute()) for i in inputs], warehouse=str(Path(args.warehouse).absolute()),
                  packages_dir=os.environ.get("ARGOS_PACKAGES_DIR"))
    return params


def _start_ahead(pool, params: dict) -> None:
    """Hand the workers the run's first batches while Prefect's server boots (~3 s here, the
    workers idle otherwise); the flow's tasks then claim these results by their files
    (orchestrate/pool.py)."""
    from newsnorm.runner.execute import plan_ahead
    from newsnorm.runner.work import process_paths
    from newsnorm.settings import RunSettings
    from newsnorm.translation.cache import cache_path

    todo = plan_ahead(RunSettings(inputs=params["inputs"], warehouse=params["warehouse"]))
    batch_size, flush_every = params["batch_size"], params["flush_every"]
    first = batches_of(todo, batch_size)[: batches_ahead(flush_every, batch_size)]
    chunks = [chunk for batch in first for chunk in chunks_of(batch)]
    pool.prefetch(process_paths, chunks, params["packages_dir"], params["max_bytes"],
                  str(cache_path(params["warehouse"])))


def cmd_serve(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    err = _console(stderr=True)
    inputs = _inputs(args, err)
    if inputs is None:
        return EXIT_USAGE
    if args.format is not None and args.format not in FORMATS:
        err.print(f"[red]error[/] --format {args.format}: not a format; one of {', '.join(FORMATS)}")
        return EXIT_USAGE
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=args.cron)
    except ValueError:
        err.print(f"[red]error[/] not a cron expression: {args.cron!r} (e.g. \"0 * * * *\" for hourly)")
        return EXIT_USAGE
    _use_packages_dir(args)
    from newsnorm.orchestrate.serve import serve

    params = {"inputs": [str(Path(i).absolute()) for i in inputs], "warehouse": str(Path(args.warehouse).absolute()),
              "batch_size": args.batch_size, "packages_dir": os.environ.get("ARGOS_PACKAGES_DIR")}
    params.update({name: getattr(args, name) for name in INPUT_SETTINGS if getattr(args, name) is not None})
    try:
        serve(args.cron, params, port=args.port, say=lambda m: err.print(m, highlight=False, soft_wrap=True))
    except RuntimeError as exc:
        err.print(f"[red]error[/] {exc}")
        return EXIT_FAILED
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from newsnorm.warehouse.query import connect, explain_failure, render

    err = _console(stderr=True)
    try:
        con = connect(args.warehouse)
        rel = con.sql(args.sql)
        if rel is None:
            return 0
        render(rel, args.format, _console())
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:  # a file, not the SQL
        err.print(f"[red]error[/] {explain_failure(args.warehouse, exc)}", soft_wrap=True, highlight=False)
        return EXIT_DAMAGED
    except Exception as exc:
        err.print(f"[red]error[/] {exc}")
        return EXIT_USAGE
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Every table file against the manifest, read whole; every article with its segments."""
    from newsnorm.warehouse import check
    from newsnorm.warehouse.manifest import Manifest, ManifestDamaged

    out, root = _console(), Path(args.warehouse).absolute()
    if not (root / "articles").is_dir():
        _console(stderr=True).print(f"[red]error[/] no warehouse at {root}")
        return EXIT_USAGE
    try:
        manifest = Manifest.load(root)
    except ManifestDamaged as exc:
        out.print(f"{exc}", soft_wrap=True)
        manifest = None
    problems = check.deep(root, manifest)
    for p in problems:
        out.print(p.render(root), soft_wrap=True, highlight=False, markup=False)
    if not problems:
        out.print(f"{root}: every table file is as committed" + ("" if manifest else " (no manifest yet)"))
        return 0
    if all(p.derived for p in problems):
        out.print("only caches are damaged: the next run rebuilds them")
        return 0
    out.print(f"fix with: newsnorm repair --warehouse {root}", soft_wrap=True, highlight=False)
    return EXIT_DAMAGED


def cmd_repair(args: argparse.Namespace) -> int:
    from newsnorm.warehouse.repair import repair
    from newsnorm.warehouse.store import WarehouseBusy

    out, root = _console(), Path(args.warehouse).absolute()
    if not (root / "articles").is_dir():
        _console(stderr=True).print(f"[red]error[/] no warehouse at {root}")
        return EXIT_USAGE
    try:
        report = repair(root, args.lock_timeout)
    except WarehouseBusy as exc:
        _console(stderr=True).print(f"[red]error[/] {exc}")
        return EXIT_BUSY
    for line in report.actions:
        out.print(line, soft_wrap=True, highlight=False, markup=False)
    if report.moved:
        out.print(f"{len(report.moved)} damaged or stray file(s) moved to {report.aside}", soft_wrap=True)
    if report.dropped or report.lost_unknown:
        out.print(f"{len(report.dropped) + report.lost_unknown} article(s) dropped; the next `newsnorm run` "
                  f"over the same inputs ingests them again:", soft_wrap=True)
        for path in report.dropped[:20]:
            out.print(f"  {path}", soft_wrap=True, highlight=False, markup=False)
    if not report.actions:
        out.print(f"{root}: nothing to repair")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from newsnorm.translation import packages as models

    _use_packages_dir(args)
    console = _console()
    if args.models_cmd == "list":
        return models.list_models(console)
    return models.install(args.langs, args.from_files, console)


def cmd_doctor(args: argparse.Namespace) -> int:
    from newsnorm.doctor import doctor

    _use_packages_dir(args)
    return doctor(Path(args.warehouse), _console())


# How inputs are read (docs/inputs.md): the same flags for run and serve.
INPUT_SETTINGS = ("format", "text_field", "html_field", "url_field", "id_field")
_FLAG_TYPES = {"int": int, "float": float, "str": str, "str | None": str}


def setting_flag(parser: argparse.ArgumentParser, name: str) -> None:
    """`--name-with-dashes` for a run setting: its default and help from newsnorm.settings."""
    field = settings.setting(name)
    flag = "--" + name.replace("_", "-")
    if field.type == "bool":
        parser.add_argument(flag, action="store_true", default=field.default, help=settings.help_text(name))
    else:
        parser.add_argument(flag, type=_FLAG_TYPES[field.type], default=field.default, help=settings.help_text(name))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsnorm", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newsnorm {__version__}")
    sub = parser.add_subparsers(dest="cmd", required=True)

    def packages_flag(p: argparse.ArgumentParser) -> None:
        setting_flag(p, "packages_dir")

    run = sub.add_parser("run", help="process INPUT files/folders into the warehouse")
    run.add_argument("inputs", nargs="*", metavar="INPUT", help=settings.help_text("inputs"))
    for name in ("warehouse", "batch_size", "max_bytes", "lock_timeout", "strict", "prune_missing"):
        setting_flag(run, name)
    run.add_argument("--runner", choices=["process", "thread", "dask"], default="process",
                     help="Prefect task runner: process pool (default), threads, or Dask")
    run.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    run.add_argument("--dask-address", default=None, help="an existing Dask scheduler, e.g. tcp://host:8786")
    setting_flag(run, "flush_every")
    for name in INPUT_SETTINGS:
        setting_flag(run, name)
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's flow and task logs")
    packages_flag(run)
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve the flow as a scheduled Prefect deployment")
    serve.add_argument("inputs", nargs="*", metavar="INPUT", help=settings.help_text("inputs"))
    serve.add_argument("--cron", required=True, help='schedule, e.g. "0 * * * *" (hourly)')
    setting_flag(serve, "warehouse")
    setting_flag(serve, "batch_size")
    for name in INPUT_SETTINGS:
        setting_flag(serve, name)
    serve.add_argument("--port", type=int, default=4200,
                       help="port of the local Prefect server started when PREFECT_API_URL is unset "
                            "(default 4200; 0 picks a free one)")
    serve.add_argument("-v", "--verbose", action="store_true")
    packages_flag(serve)
    serve.set_defaults(func=cmd_serve)

    query = sub.add_parser("query", help="run DuckDB SQL over the warehouse tables")
    query.add_argument("sql", help="e.g. \"select title, site_name from articles\"")
    query.add_argument("--warehouse", default="warehouse")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.set_defaults(func=cmd_query)

    chk = sub.add_parser("check", help="verify every warehouse file against what the runs committed")
    chk.add_argument("--warehouse", default="warehouse")
    chk.set_defaults(func=cmd_check)

    rep = sub.add_parser("repair", help="move damaged files aside and make the warehouse consistent again")
    rep.add_argument("--warehouse", default="warehouse")
    rep.add_argument("--lock-timeout", type=float, default=60.0)
    rep.set_defaults(func=cmd_repair)

    models = sub.add_parser("models", help="Argos translation packages")
    msub = models.add_subparsers(dest="models_cmd", required=True)
    mlist = msub.add_parser("list", help="installed packages (and the index, when online)")
    packages_flag(mlist)
    minst = msub.add_parser("install", help="install LANG->en packages, or one package from a file")
    minst.add_argument("langs", nargs="*", metavar="LANG")
    minst.add_argument("--from", dest="from_files", action="append", metavar="FILE",
                       help="a .argosmodel file (air-gapped install); repeat for several")
    packages_flag(minst)
    models.set_defaults(func=cmd_models)

    doctor = sub.add_parser("doctor", help="what is installed, what is missing, how to fix it")
    doctor.add_argument("--warehouse", default="warehouse")
    packages_flag(doctor)
    doctor.set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Arrow's default pool keeps freed pages; the writer rewrites parts all run long (see
    # newsnorm.memory). Set before anything imports pyarrow.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    tune_malloc()  # before Prefect's threads start
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 143


if __name__ == "__main__":
    sys.exit(main())
