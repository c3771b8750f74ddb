"""Start a flow run: pick the task runner, own the Prefect API server's lifetime.

Measured with Prefect 3.9 (../shared/FIELD-NOTES.md): without PREFECT_API_URL every Dask
worker (or Prefect process-pool worker) starts a temporary server of its own (5-8 s each;
newsnorm's own pool, flows/pool.py, never talks to Prefect). So, when
no API URL is set, one temporary server is started here, its URL exported for the
workers, and it is stopped when the run ends. On Linux the server is also told to die
with this process, so even a kill -9 of the run leaves no server behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsnorm.perf.process import die_with_parent

if TYPE_CHECKING:
    from newsnorm.orchestrate.context import Progress
    from newsnorm.orchestrate.pool import WorkerPool

RUNNERS = ("process", "thread", "dask")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on now (a server may still race for it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    """Whether a Prefect API answers its health check at `api_url`."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except Exception:
        return False


# Pool workers yield the CPU to the flow's process and Prefect's server: while the server
# boots they run the first batches (flows/pool.py prefetch) only on what the boot leaves
# idle, and later the writer and the API never wait behind them. Throughput is the same:
# the workers still get every cycle nobody else wants.
WORKER_NICE = 10


def worker_init() -> None:
    """Each pool worker: die with the run (no orphans after kill -9), lower priority, load
    langdetect and the word-frequency table once.

    Ctrl-C in a terminal and a service manager's stop signal the whole process group: a
    worker that died of it broke the pool, and the flow retried its batches for a minute or
    more. Workers only compute, so they ignore both and let the run's process decide (it
    kills them, see WorkerPool.stop_now); they end with it (SIGKILL when it is gone)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICE)
    from newsnorm.perf.word_frequency import table
    from newsnorm.steps.langid import warm_up

    warm_up()
    table()


class TemporaryServer:
    """Prefect's temporary API server (the same uvicorn app Prefect starts, see
    flows/server_main.py), owned by this run.

    Started with a plain Popen so the CLI can launch it before its own heavy imports and
    let both proceed at once; told to die with this process; quiet on the terminal.
    """

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._fixed_port: int | None = None  # set once the run's clients know the URL
        self._start()

    def _start(self) -> None:
        self.port = self._fixed_port or free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
                    # No block-type registration: the flow uses no blocks, and Prefect's check
                    # for new ones imports every installed collection first (prefect-dask pulls
                    # in dask.distributed): ~0.4 s of every start-up.
                    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "0",
                    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "0"})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsnorm.orchestrate.server_main",
             "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "critical", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # its own session: a signal to the run's process group (Ctrl-C, a service stop) must
            # not take the API away while the run records how it ended; the run stops it
            preexec_fn=die_with_parent, start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 120.0) -> None:
        if self._fixed_port is None:
            preflight_prefect_home()  # a server on a home it cannot write answers 500s later, mid-run
        deadline = time.monotonic() + timeout
        restarts = 0
        home_checked = False
        while True:
            code = self.process.poll()
            if code == 3 and restarts >= 1 and not home_checked:
                home_checked = True
                check_prefect_home()  # raises with what to do, or sets a damaged database aside
                self._start()
                continue
            if code == 3 and restarts < 5:
                # uvicorn's startup failure: the port was taken meanwhile, or another run's server
                # was migrating the same Prefect database. As Prefect itself does: start again.
                restarts += 1
                time.sleep(0.5 * restarts)
                self._start()
                continue
            if code is not None:
                raise RuntimeError(f"Prefect's temporary server exited with status {code} "
                                   f"(PREFECT_HOME {prefect_home()}; run with -v, or try another PREFECT_HOME)")
            if healthy(self.api_url):
                self._fixed_port = self.port
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect's temporary server was not healthy after {timeout:.0f} s")
            time.sleep(0.1)

    def watch(self, every: float = 0.5) -> None:
        """Start it again, at the same port, when it dies during the run (killed, out of memory):
        the run's clients retry the same URL, so the flow goes on and its data is written,
        instead of each client retrying a dead server for minutes. One line says so."""
        def loop() -> None:
            while not self._stopping.wait(every):
                code = self.process.poll()
                if code is None or self._stopping.is_set():
                    continue
                print(f"newsnorm: Prefect's temporary server exited during the run ({_exit_text(code)}); "
                      f"starting it again at {self.api_url}", file=sys.stderr)
                try:
                    self._start()
                    self.wait_healthy(timeout=60)
                except Exception as exc:  # the run's own calls fail next; this line says why
                    print(f"newsnorm: Prefect's temporary server could not be started again: {exc}", file=sys.stderr)
                    return

        threading.Thread(target=loop, name="newsnorm-server-watch", daemon=True).start()

    def stop(self, wait: bool = True) -> None:
        """Terminate the server; with `wait=False` let it finish its shutdown (~0.16 s: uvicorn
        and Prefect's services wind down) on its own while this process goes on or exits."""
        self._stopping.set()
        if self.process.poll() is None:
            self.process.terminate()
            if not wait:
                return
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _exit_text(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 and -code in signal.valid_signals() \
        else f"status {code}"


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


MIN_FREE_BYTES = 1 << 20  # Prefect's SQLite database grows and journals as a run goes


def preflight_prefect_home() -> None:
    """Two system calls before the run's server is used: a PREFECT_HOME it cannot write
    (read-only, no permission) or a full disk is a RuntimeError naming the folder and what to
    do, not a server that fails the run's first write with an HTTP 500 and a traceback."""
    home = prefect_home()
    if not home.is_dir():
        return  # Prefect makes it; a failure to is check_prefect_home's to explain
    what = ""
    if not os.access(home, os.W_OK):
        what = "it is read-only or not writable by this user"
    else:
        with contextlib.suppress(OSError):
            st = os.statvfs(home)
            if st.f_bavail * st.f_frsize < MIN_FREE_BYTES:
                what = f"its disk has {st.f_bavail * st.f_frsize // 1024} KiB free"
    if what:
        raise RuntimeError(f"Prefect cannot write its folder PREFECT_HOME {home}: {what}; free space or fix its "
                           f"permissions, or set PREFECT_HOME to a writable folder")


def check_prefect_home() -> None:
    """Why Prefect's server could not start, when it is PREFECT_HOME's fault: a folder it cannot
    write (read-only, full) is a RuntimeError naming it; a database SQLite cannot read (a
    disk that filled up mid-write, garbage) is moved aside, so the next start makes a new one
    (the flow-run history is in the moved file; the warehouse is not affected)."""
    home = prefect_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=home) as fh:
            fh.write(b"x" * 65536)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise RuntimeError(f"Prefect cannot write its folder PREFECT_HOME {home}: {exc.strerror or exc}; "
                           f"free space or fix its permissions, or set PREFECT_HOME to a writable folder") from exc
    db = home / "prefect.db"
    if not db.is_file():
        return
    try:
        with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as con:
            ok = con.execute("pragma quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        ok = False
    if not ok:
        aside = db.with_name(f"prefect.db.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        db.replace(aside)
        print(f"newsnorm: Prefect's database {db} was damaged: moved to {aside.name}, a new one is made "
              f"(the warehouse is not affected)", file=sys.stderr)


def start_server_early() -> TemporaryServer | None:
    """Start the temporary server now, unless the environment names an API to use."""
    return None if os.environ.get("PREFECT_API_URL") else TemporaryServer()


@contextlib.contextmanager
def prefect_api(server: TemporaryServer | None = None) -> Iterator[str | None]:
    """Use the configured Prefect API if there is one; otherwise a temporary server for the run."""
    import prefect.context
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    configured = os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()
    if configured:
        if server is not None:  # a profile names an API after all: the early server is not needed
            server.stop()
        yield configured
        return
    server = server or TemporaryServer()
    try:
        server.wait_healthy()
        server.watch()
        os.environ["PREFECT_API_URL"] = server.api_url  # inherited by spawned workers
        with contextlib.ExitStack() as stack:
            # No flow-run heartbeats: they let a lasting server notice a crashed run, and this
            # server ends with the run; the engine's heartbeat thread also holds up the end of
            # every run by up to a second (it sleeps in 1 s steps and is joined).
            stack.enter_context(temporary_settings({PREFECT_API_URL: server.api_url,
                                                    PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}))
            # Also the process-global settings, as Prefect's own test harness does: threads that
            # Prefect starts (the process pool's event forwarder) read those, and would otherwise
            # start a temporary server of their own that outlives this process.
            stack.enter_context(prefect.context._temporary_global_settings_context(
                prefect.context.get_settings_context()))
            try:
                yield server.api_url
            finally:  # also when interrupted: no event or log left to fail against a stopped server
                _drain_clients()
    finally:
        server.stop(wait=False)  # the run is recorded (clients drained); its shutdown needs no audience
        # PREFECT_API_URL stays set: Prefect's exit handlers must not find "no API" and start
        # a temporary server of their own.


def _drain_clients() -> None:
    """Send queued logs and events while the server is still up (no 'Error logging to API')."""
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=5)


def task_runner(runner: str, workers: int | None = None, dask_address: str | None = None):
    """The Prefect task runner for `runner` (process | thread | dask).

    `process` and `thread` both run tasks in threads of the flow's process; with `process`
    those hand the CPU work to the warm pool of flows/pool.py (see `processes`).
    """
    workers = workers or os.cpu_count() or 1
    if runner in ("process", "thread"):
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=2 * workers)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: choose one of {', '.join(RUNNERS)}")


# What a flow run imports on first use (parameter serialisation pulls in FastAPI, the engines,
# Arrow's dataset layer): imported while the temporary server boots, not after it is up.
_PRELOAD = ("fastapi.encoders", "prefect.flow_engine", "prefect.task_engine", "prefect.utilities.visualization",
            "prefect.concurrency.v1.context", "prefect.telemetry.run_telemetry", "pyarrow.dataset")


def preload_flow_run() -> None:
    """The flow and what its first run imports: the CLI calls this while the server boots."""
    import importlib

    import newsnorm.orchestrate.flow  # noqa: F401

    for name in _PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def run_flow(runner: str = "process", workers: int | None = None, dask_address: str | None = None,
             server: TemporaryServer | None = None, progress: Progress | None = None,
             pool: WorkerPool | None = None, **params: Any):
    """Run the newsnorm flow with the chosen runner against an owned or given API server.

    `progress` (files done, files to do) and `pool` (a WorkerPool the caller owns, for
    `runner="process"`) reach the flow through a RunContext in this process, never as
    parameters; without a pool the flow starts its own for the process runner."""
    from newsnorm.orchestrate.context import RunContext, opened
    from newsnorm.orchestrate.flow import newsnorm_flow

    workers = workers or os.cpu_count() or 1
    with prefect_api(server), opened(RunContext(progress=progress, pool=pool)) as run_context:
        flow = newsnorm_flow.with_options(task_runner=task_runner(runner, workers, dask_address))
        return flow(**params, processes=workers if runner == "process" else 0, run_context=run_context)
