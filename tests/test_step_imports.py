"""Steps are independent: a step module imports the shared modules (text, roles_data,
patterns), plain data and perf, and its own parts, never another step. A part belongs to one
step: it imports only the shared modules and only its step imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import newsnorm.steps

STEPS = Path(newsnorm.steps.__file__).parent
SHARED = {"newsnorm.steps.text", "newsnorm.steps.roles_data", "newsnorm.steps.patterns"}
STEP_MODULES = {"segment", "langid", "roles", "align", "translate", "metadata", "compose"}
# A step's own parts, each with the one step that uses it.
PARTS = {"newsnorm.steps.headline": "roles", "newsnorm.steps.pair_evidence": "align",
         "newsnorm.steps.dates": "metadata"}


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
        own = {part for part, step in PARTS.items() if step == path.stem}
        steps = {n for n in _imported(path) if n.startswith("newsnorm.steps.")} - SHARED - own
        if steps:
            wrong[path.name] = sorted(steps)
    assert wrong == {}


def test_the_shared_modules_import_no_step():
    for name in SHARED:
        stem = name.rsplit(".", 1)[1]
        # patterns is a package split by kind: each of its modules imports only its siblings
        paths = sorted((STEPS / stem).glob("*.py")) if (STEPS / stem).is_dir() else [STEPS / f"{stem}.py"]
        assert paths and all(p.is_file() for p in paths), name
        for path in paths:
            steps = {n for n in _imported(path) if n.startswith("newsnorm.steps.")}
            assert all(n == "newsnorm.steps.patterns" or n.startswith("newsnorm.steps.patterns.") for n in steps), path


def test_a_part_belongs_to_its_step():
    for part, step in PARTS.items():
        assert step in STEP_MODULES
        path = STEPS / f"{part.rsplit('.', 1)[1]}.py"
        assert {n for n in _imported(path) if n.startswith("newsnorm.steps.")} <= SHARED, part
        users = {p.stem for p in STEPS.glob("*.py") if part in _imported(p)}
        assert users <= {step}, (part, users)
