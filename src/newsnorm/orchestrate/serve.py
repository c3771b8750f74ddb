"""`newsnorm serve`: the flow as a scheduled Prefect deployment, with its own server if needed.

Schedules never fire on Prefect's temporary server, so without PREFECT_API_URL this
starts `prefect server start` on 127.0.0.1 (or reuses one already answering there),
waits until it is healthy, serves the deployment, and on Ctrl-C or SIGTERM stops
serving and stops the server it started, leaving no process behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsnorm.orchestrate.launch import free_port, healthy
from newsnorm.perf.process import die_with_parent

HEALTH_TIMEOUT = 90.0


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()


@contextlib.contextmanager
def local_server(port: int, say=print) -> Iterator[str]:
    """Yield an API URL: PREFECT_API_URL, a server already on 127.0.0.1:port, or one started here."""
    if os.environ.get("PREFECT_API_URL"):
        say(f"using the Prefect API at {os.environ['PREFECT_API_URL']}")
        yield os.environ["PREFECT_API_URL"]
        return
    if port:
        api_url = f"http://127.0.0.1:{port}/api"
        if healthy(api_url):
            say(f"reusing the Prefect server already running at http://127.0.0.1:{port}")
            os.environ["PREFECT_API_URL"] = api_url
            yield api_url
            return
    else:
        port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "newsnorm-server.log"
    say(f"starting a Prefect server on 127.0.0.1:{port} (database {home / 'prefect.db'}, log {log_path})")
    env = server_env(port)
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent,
        )
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not healthy(api_url):
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server exited with status {server.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server was not healthy after {HEALTH_TIMEOUT:.0f} s; see {log_path}")
            time.sleep(0.25)
        os.environ["PREFECT_API_URL"] = api_url
        say(f"Prefect UI: http://127.0.0.1:{port}  (flow runs, schedules and run reports)")
        yield api_url
    finally:
        _stop_group(server)
        os.environ.pop("PREFECT_API_URL", None)


def server_env(port: int) -> dict[str, str]:
    """The started server's environment. Its UI asks /ui-settings where the API is, and Prefect
    derives that from PREFECT_SERVER_API_PORT (default 4200), not from `--port`: set both."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_UI_API_URL")}
    env.update(PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_API_PORT=str(port),
               PREFECT_UI_API_URL=f"http://127.0.0.1:{port}/api", PREFECT_SERVER_UI_API_URL=f"http://127.0.0.1:{port}/api")
    return env


def _stop_group(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM the server's whole process group, then SIGKILL what is left."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def serve(cron: str, params: dict[str, Any], port: int = 4200, name: str = "newsnorm-scheduled",
          say=print) -> None:
    """Serve the flow on `cron` until interrupted (Ctrl-C) or terminated (SIGTERM)."""
    from prefect.deployments.runner import EntrypointType

    def on_sigterm(signum, frame):  # turn SIGTERM into the same clean path as Ctrl-C
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with local_server(port, say):
            from newsnorm.orchestrate.flow import newsnorm_flow

            say(f"serving deployment {newsnorm_flow.name}/{name} on cron {cron!r}; Ctrl-C or SIGTERM stops it")
            with contextlib.suppress(KeyboardInterrupt):
                newsnorm_flow.serve(name=name, cron=cron, parameters=params, print_starting_message=False,
                                    entrypoint_type=EntrypointType.MODULE_PATH)
    finally:
        signal.signal(signal.SIGTERM, previous)
        say("stopped")
