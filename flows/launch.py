"""Start a flow run: pick the task runner, own the Prefect API server's lifetime.

Measured with Prefect 3.9 (../shared/FIELD-NOTES.md): without PREFECT_API_URL every
process-pool or Dask worker starts a temporary server of its own (5-8 s each). So, when
no API URL is set, one temporary server is started here, its URL exported for the
workers, and it is stopped when the run ends. On Linux the server is also told to die
with this process, so even a kill -9 of the run leaves no server behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

RUNNERS = ("process", "thread", "dask")


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def worker_init() -> None:
    """Each pool worker: die with the run (no orphans after kill -9), load langdetect once."""
    if sys.platform.startswith("linux"):
        _die_with_parent()
    from newsnorm.langid import warm_up

    warm_up()


def _server_class():
    from prefect.server.api.server import SubprocessASGIServer

    class OwnedServer(SubprocessASGIServer):
        """Prefect's temporary server, quiet, and tied to this process's life."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            from prefect.settings.context import get_current_settings

            env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1",
                   **get_current_settings().to_environment_variables(exclude_unset=True)}
            env.pop("PREFECT_API_URL", None)
            return subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "critical", "--lifespan", "on"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )

    return OwnedServer


@contextlib.contextmanager
def prefect_api() -> Iterator[str | None]:
    """Use PREFECT_API_URL if set; otherwise run a temporary server for the duration."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value():
        yield PREFECT_API_URL.value() or os.environ["PREFECT_API_URL"]
        return
    server = _server_class()()
    server.start()
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by spawned workers
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        _drain_clients()
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        server.stop()


def _drain_clients() -> None:
    """Send queued logs and events while the server is still up (no 'Error logging to API')."""
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=5)


def task_runner(runner: str, workers: int | None = None, dask_address: str | None = None):
    """The Prefect task runner for `runner` (process | thread | dask)."""
    workers = workers or os.cpu_count() or 1
    if runner == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers, initializer=worker_init)
    if runner == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: choose one of {', '.join(RUNNERS)}")


def run_flow(runner: str = "process", workers: int | None = None, dask_address: str | None = None,
             **params: Any):
    """Run the newsnorm flow with the chosen runner against an owned or given API server."""
    from flows.newsnorm_flow import newsnorm_flow

    with prefect_api():
        flow = newsnorm_flow.with_options(task_runner=task_runner(runner, workers, dask_address))
        return flow(**params, max_inflight=2 * (workers or os.cpu_count() or 1))
