"""Shared fixtures: the seeds, the gold annotations, an isolated environment, no network."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "data" / "seeds.gold.json"
ARGOS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "argos"

# Before anything imports Prefect or Argos: quiet, offline, isolated from the user's setup.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Argos reads its settings at import and makes folders under the XDG dirs: keep it off the user's
# home. SPACY: the fixture packages split sentences with their own blank spaCy pipeline, offline.
_XDG = Path(tempfile.mkdtemp(prefix="newsnorm-tests-xdg-"))
atexit.register(shutil.rmtree, _XDG, ignore_errors=True)
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_XDG / _var.lower())
os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests run offline and prove it: any connection outside loopback fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) \
                and self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"network access in tests is not allowed: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_argos(tmp_path_factory, monkeypatch):
    """No test sees the user's Argos packages unless it installs its own."""
    pkgs = tmp_path_factory.mktemp("argos-packages")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(pkgs))


@pytest.fixture
def install_argos_fixtures():
    """Install test-fixture Argos packages (genuine packages, tiny memorising models) into this
    test's packages folder with Argos' own install_from_path; names like "vi_en", "ja_vi"."""
    from newsnorm.translation.argos_backend import import_argos

    def install(*names: str) -> Path:
        packages_dir = Path(os.environ["ARGOS_PACKAGES_DIR"])
        argos = import_argos(packages_dir)
        for name in names:
            argos.package.install_from_path(ARGOS_FIXTURES / f"translate-{name}-fixture.argosmodel")
        return packages_dir

    return install


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))["articles"]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_articles():
    """Every seed through the pipeline once (no Prefect), keyed by file name."""
    from newsnorm.runner.work import process_file
    from newsnorm.translation.protocol import NoTranslator

    return {p.name: process_file(p, NoTranslator()) for p in sorted(SEEDS.glob("*.txt"))}


# -- helpers for tests that start real subprocesses (test_faults, test_orchestration) --------
def subprocess_env(tmp: Path) -> dict[str, str]:
    """A clean environment for a newsnorm subprocess, marked so its descendants can be found."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp / "prefect-home")
    env["NEWSNORM_TEST_MARK"] = str(tmp)
    return env


def marked_processes(mark: str) -> list[int]:
    """Live processes started with NEWSNORM_TEST_MARK=mark (servers, workers, runners)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if f"NEWSNORM_TEST_MARK={mark}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids
