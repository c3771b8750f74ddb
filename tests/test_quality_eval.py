"""Issue 4's held-out targets on samples of the public evaluation data (slow).

The data lives outside the repository (`../shared/eval`, or `NEWSNORM_FLORES` /
`NEWSNORM_BOILERPLATE`); FLORES text is read at run time and never copied here. The tests
skip when the folders are absent. The full runs are `python benchmarks/langid_eval.py` and
`python benchmarks/boilerplate_eval.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_langid_targets_on_a_flores_devtest_sample():
    ev = _load("langid_eval")
    root = ev.flores_dir(None)
    if not (root / "devtest").is_dir():
        pytest.skip(f"no FLORES data at {root}")
    report = ev.evaluate(ev.load_split(root, "devtest", limit=200), "devtest")
    assert not ev.failures(report)
