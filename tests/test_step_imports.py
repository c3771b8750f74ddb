"""Steps are independent: a step module imports the shared modules (text, roles_data,
patterns), plain data and perf, never another step."""

from __future__ import annotations

import ast
from pathlib import Path

import newsnorm.steps

STEPS = Path(newsnorm.steps.__file__).parent
SHARED = {"newsnorm.steps.text", "newsnorm.steps.roles_data", "newsnorm.steps.patterns"}
STEP_MODULES = {"segment", "langid", "roles", "align", "translate", "metadata", "compose"}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "newsnorm.steps":  # from newsnorm.steps import langid
                names.update(f"newsnorm.steps.{a.name}" for a in node.names)
    return names


def test_every_step_is_there():
    assert {p.stem for p in STEPS.glob("*.py")} >= STEP_MODULES


def test_no_step_imports_another_step():
    wrong = {}
    for path in sorted(STEPS.glob("*.py")):
        steps = {n for n in _imported(path) if n.startswith("newsnorm.steps.")} - SHARED
        if steps:
            wrong[path.name] = sorted(steps)
    assert wrong == {}


def test_the_shared_modules_import_no_step():
    for name in SHARED:
        path = STEPS / f"{name.rsplit('.', 1)[1]}.py"
        assert {n for n in _imported(path) if n.startswith("newsnorm.steps.")} <= {"newsnorm.steps.patterns"}, name
