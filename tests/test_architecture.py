"""The package layout as a test: import directions between newsnorm's packages, where Prefect may
be imported, that `flows/` is a deployment entrypoint and not an installed package, and soft size
signs (module length, modules per folder). docs/architecture.md explains the why of each rule.

Every import is read from the source with `ast`, including imports inside functions (the lazy ones
are exactly where a wrong direction hides) and relative imports. The checker itself is tested on
small synthetic module trees, so a broken rule is known to fail the test.
"""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# --- the rules, as data -------------------------------------------------------------------------

# A part is a top-level package or module of newsnorm (steps, cli, document, ...); a target
# "prefect" stands for prefect and prefect_dask, "flows" for the deployment folder.
PACKAGES = ("readers", "steps", "translation", "stories", "warehouse", "runner", "orchestrate", "perf")
# perf may import only these parts of newsnorm (and itself); every other part, present or future, is refused.
PERF_MAY_IMPORT = frozenset({"atomic"})

# source part -> parts it must never import, and why (the why is printed with a violation).
FORBIDDEN: dict[str, tuple[frozenset[str], str]] = {
    "steps": (frozenset({"warehouse", "stories", "runner", "orchestrate", "cli", "prefect"}),
              "steps are pure functions over one article's data: no storage, no stories, no orchestration"),
    "stories": (frozenset({"warehouse", "runner", "orchestrate", "cli", "prefect"}),
                "stories take rows in and give updates out; only the runner joins them to the warehouse"),
    "warehouse": (frozenset({"stories", "steps", "runner", "orchestrate", "cli", "prefect"}),
                  "the warehouse stores tables and knows nothing of how rows are made"),
    "readers": (frozenset({"steps", "stories", "warehouse", "runner", "orchestrate"}),
                "readers turn files into text and come first in the flow"),
}
PERF_WHY = "perf is speed and memory helpers anyone may import: it imports no other newsnorm package"
# Only these parts may import Prefect (or prefect_dask): the Prefect layer stays thin and replaceable.
PREFECT_ALLOWED = frozenset({"cli", "orchestrate"})
PREFECT_TOP = frozenset({"prefect", "prefect_dask"})

MAX_LINES = 600
MAX_MODULES_PER_FOLDER = 15
# Modules over MAX_LINES today, each with its reason. Listed, not hidden: the test also fails when
# a listed module has come under the limit, so the list only shrinks.
KNOWN_LONG: dict[str, str] = {}
# Folders over MAX_MODULES_PER_FOLDER today, each with its reason (same rule: listed, and only shrinking).
KNOWN_CROWDED: dict[str, str] = {}

# Imports that break a direction today, each with its reason, as (importing module, imported
# module). Listed, not hidden: the test fails on any other violation, and on a listed one that
# is gone, so the list only shrinks.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


# --- the checker --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    module: str   # the importing module, e.g. newsnorm.steps.roles
    target: str   # what it imports, absolute, e.g. newsnorm.warehouse.store
    line: int


@dataclass(frozen=True)
class Violation:
    module: str
    target: str
    line: int
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}: {self.why}"


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, src: Path) -> list[Import]:
    """Every import in a module, at any depth, as absolute names. `from a import b` yields both
    `a` and `a.b` (b may be a submodule); `importlib.import_module("x")` with a literal counts too."""
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [Import(name, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            out.append(Import(name, base, node.lineno))
            out += [Import(name, f"{base}.{alias.name}", node.lineno) for alias in node.names if alias.name != "*"]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            out.append(Import(name, node.args[0].value, node.lineno))
    return out


def part_of(name: str) -> str | None:
    """The layout part a dotted name belongs to: a newsnorm package or module, `prefect`, `flows`."""
    top, _, rest = name.partition(".")
    if top in PREFECT_TOP:
        return "prefect"
    if top == "flows":
        return "flows"
    if top == "newsnorm" and rest:
        return rest.split(".")[0]
    return None


def check(src: Path) -> list[Violation]:
    """All rule violations in the newsnorm tree under `src` (a folder holding `newsnorm/`)."""
    found: dict[tuple[str, int, str], Violation] = {}
    for path in sorted((src / "newsnorm").rglob("*.py")):
        for imp in imports_of(path, src):
            source, target = part_of(imp.module), part_of(imp.target)
            if target is None or target == source:
                continue
            key = (imp.module, imp.line, target)
            if key in found and len(found[key].target) <= len(imp.target):
                continue  # `from a.b import c` is one import: report it once, by its module
            forbidden, why = FORBIDDEN.get(source, (frozenset(), ""))
            if source == "perf" and target not in PERF_MAY_IMPORT | {"prefect", "flows"}:
                found[key] = Violation(imp.module, imp.target, imp.line, PERF_WHY)
            elif target in forbidden:
                found[key] = Violation(imp.module, imp.target, imp.line, why)
            elif target == "prefect" and source not in PREFECT_ALLOWED:
                found[key] = Violation(imp.module, imp.target, imp.line,
                                       "only newsnorm.cli and newsnorm.orchestrate import Prefect")
            elif target == "flows":
                found[key] = Violation(imp.module, imp.target, imp.line,
                                       "flows/ is a deployment entrypoint, not a package the library imports")
    return sorted(found.values(), key=lambda v: (v.module, v.line, v.target))


def long_modules(src: Path, limit: int = MAX_LINES) -> dict[str, int]:
    out = {}
    for path in sorted((src / "newsnorm").rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out[path.relative_to(src).as_posix()] = n
    return out


def crowded_folders(src: Path, limit: int = MAX_MODULES_PER_FOLDER) -> dict[str, int]:
    """Folders with more than `limit` modules (`__init__.py` not counted)."""
    out = {}
    for folder in sorted({p.parent for p in (src / "newsnorm").rglob("*.py")}):
        n = sum(1 for p in folder.glob("*.py") if p.name != "__init__.py")
        if n > limit:
            out[folder.relative_to(src).as_posix()] = n
    return out


# --- the real tree ------------------------------------------------------------------------------

def test_import_directions_hold():
    violations = check(SRC)
    new = [v for v in violations if (v.module, v.target) not in KNOWN_VIOLATIONS]
    assert not new, "import directions broken:\n" + "\n".join(map(str, new))
    stale = set(KNOWN_VIOLATIONS) - {(v.module, v.target) for v in violations}
    assert not stale, f"fixed (or moved): remove from KNOWN_VIOLATIONS: {sorted(stale)}"


def test_checker_sees_the_real_tree():
    """The walk reaches the packages and the lazy imports inside functions (cli imports the runner
    only inside its commands), so a clean result above is not a walk that found nothing."""
    imports = [i for p in (SRC / "newsnorm").rglob("*.py") for i in imports_of(p, SRC)]
    parts = {part_of(i.module) for i in imports}
    assert set(PACKAGES) <= parts
    lazy = {(i.module, i.target) for i in imports}
    assert ("newsnorm.cli", "newsnorm.orchestrate.launch") in lazy
    assert any(part_of(i.module) == "orchestrate" and part_of(i.target) == "prefect" for i in imports)


def test_no_module_too_long_except_the_listed_ones():
    long = long_modules(SRC)
    unlisted = {m: n for m, n in long.items() if m not in KNOWN_LONG}
    assert not unlisted, f"modules over {MAX_LINES} lines (split them, or list them with a reason): {unlisted}"
    stale = [m for m in KNOWN_LONG if m not in long]
    assert not stale, f"no longer over {MAX_LINES} lines (or gone): remove from KNOWN_LONG: {stale}"


def test_no_folder_too_crowded():
    crowded = crowded_folders(SRC)
    unlisted = {f: n for f, n in crowded.items() if f not in KNOWN_CROWDED}
    assert not unlisted, f"folders with more than {MAX_MODULES_PER_FOLDER} modules (group them, or list them " \
                         f"with a reason): {unlisted}"
    stale = [f for f in KNOWN_CROWDED if f not in crowded]
    assert not stale, f"no longer over {MAX_MODULES_PER_FOLDER} modules: remove from KNOWN_CROWDED: {stale}"


def installed_packages(root: Path) -> list[str]:
    """The packages pyproject's `[tool.setuptools.packages.find]` installs, found as setuptools'
    namespace finder finds them (its default there): every folder under `where` whose dotted
    name matches an `include` pattern and no `exclude` pattern (fnmatch, case-sensitive)."""
    find = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    include, exclude = find.get("include", ["*"]), find.get("exclude", [])
    found = []
    for where in find.get("where", ["."]):
        base = root / where
        for folder in sorted(p for p in base.rglob("*") if p.is_dir()):
            rel = folder.relative_to(base).parts
            if any("." in part or part == "__pycache__" for part in rel):
                continue
            name = ".".join(rel)
            if any(fnmatch.fnmatchcase(name, pat) for pat in include) \
                    and not any(fnmatch.fnmatchcase(name, pat) for pat in exclude):
                found.append(name)
    return found


def test_flows_is_not_an_installed_package():
    assert not (ROOT / "flows" / "__init__.py").exists()
    found = installed_packages(ROOT)
    assert "newsnorm" in found and "newsnorm.steps" in found
    assert [p for p in found if p.split(".")[0] != "newsnorm"] == []


def test_package_check_sees_flows_when_pyproject_would_install_it(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "src" / "newsnorm").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.setuptools.packages.find]\nwhere = ["src", "."]\n')
    assert "flows" in installed_packages(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools.packages.find]\nwhere = ["src", "."]\ninclude = ["newsnorm*"]\n')
    assert installed_packages(tmp_path) == ["newsnorm"]


def test_flows_entrypoint_only_re_exports_the_library_flow():
    """prefect.yaml deploys flows/newsnorm_flow.py:newsnorm_flow; loaded the way Prefect loads an
    entrypoint (by file path), it is the flow defined in newsnorm.orchestrate.flow."""
    spec = (ROOT / "prefect.yaml").read_text()
    assert "entrypoint: flows/newsnorm_flow.py:newsnorm_flow" in spec
    entry = ROOT / "flows" / "newsnorm_flow.py"
    names = {i.target for i in imports_of(entry, ROOT)}
    assert "newsnorm.orchestrate.flow.newsnorm_flow" in names
    tree = ast.parse(entry.read_text())
    assert not [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]

    from prefect.flows import load_flow_from_entrypoint

    from newsnorm.orchestrate.flow import newsnorm_flow
    loaded = load_flow_from_entrypoint(f"{entry}:newsnorm_flow")
    assert loaded.name == newsnorm_flow.name
    assert loaded.fn.__module__ == newsnorm_flow.fn.__module__ == "newsnorm.orchestrate.flow"


# --- the checker on synthetic trees -------------------------------------------------------------

def make_tree(root: Path, files: dict[str, str]) -> Path:
    """A newsnorm tree under root/src with the given modules (relative path -> source)."""
    src = root / "src"
    for rel, text in files.items():
        path = src / "newsnorm" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(src).parents:
            init = src / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("")
        path.write_text(text)
    return src


CLEAN = {
    "document.py": "from dataclasses import dataclass\n",
    "atomic.py": "import os\n",
    "steps/roles.py": "from newsnorm.document import Segment\nfrom newsnorm.perf.linematch import fold_case\n",
    "perf/child_build.py": "from newsnorm.atomic import atomic_write_bytes\n",
    "runner/work.py": "from newsnorm.steps import roles\nfrom newsnorm.stories.index import x\n"
                      "import newsnorm.warehouse\n",
    "orchestrate/flow.py": "from prefect import flow\nfrom newsnorm.runner.work import process_paths\n",
    "cli.py": "def main():\n    from prefect.client.schemas.schedules import CronSchedule\n",
    "warehouse/store.py": "from newsnorm.atomic import atomic_write\nfrom newsnorm import PIPELINE_VERSION\n",
}


def test_checker_passes_a_clean_tree(tmp_path):
    assert check(make_tree(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(("module", "code", "target"), [
    ("steps/roles.py", "from newsnorm.warehouse.store import Warehouse\n", "newsnorm.warehouse.store"),
    ("steps/roles.py", "def f():\n    import newsnorm.stories.index\n", "newsnorm.stories.index"),
    ("steps/roles.py", "def f():\n    from .. import runner\n", "newsnorm.runner"),
    ("steps/align.py", "from ..orchestrate import flow\n", "newsnorm.orchestrate"),
    ("steps/roles.py", "import prefect\n", "prefect"),
    ("steps/roles.py", "from newsnorm import cli\n", "newsnorm.cli"),
    ("stories/index.py", "from newsnorm.warehouse import store\n", "newsnorm.warehouse"),
    ("stories/store.py", "class A:\n    def m(self):\n        from newsnorm.runner import execute\n",
     "newsnorm.runner"),
    ("warehouse/store.py", "from newsnorm.stories.table import STORIES\n", "newsnorm.stories.table"),
    ("warehouse/store.py", "from newsnorm.steps import langid\n", "newsnorm.steps"),
    ("warehouse/query.py", "import importlib\nimportlib.import_module('newsnorm.runner.execute')\n",
     "newsnorm.runner.execute"),
    ("readers/ingest.py", "from newsnorm.steps.segment import split_segments\n", "newsnorm.steps.segment"),
    ("readers/discover.py", "from newsnorm.warehouse.store import Warehouse\n", "newsnorm.warehouse.store"),
    ("perf/memory.py", "from newsnorm.document import Segment\n", "newsnorm.document"),
    ("perf/memory.py", "from newsnorm.steps import langid\n", "newsnorm.steps"),
    ("perf/memory.py", "from newsnorm import settings\n", "newsnorm.settings"),
    ("perf/memory.py", "import prefect\n", "prefect"),
    ("runner/execute.py", "from prefect.context import FlowRunContext\n", "prefect.context"),
    ("translation/cache.py", "def f():\n    import prefect_dask\n", "prefect_dask"),
    ("warehouse/query.py", "import flows.newsnorm_flow\n", "flows.newsnorm_flow"),
])
def test_checker_catches_a_broken_rule(tmp_path, module, code, target):
    src = make_tree(tmp_path, {**CLEAN, module: code})
    found = check(src)
    assert [(v.module, v.target) for v in found] == \
        [(module_name(src / "newsnorm" / module, src), target)], found
    assert found[0].why


def test_size_signs_fail_on_a_long_module_and_a_crowded_folder(tmp_path):
    files = {**CLEAN, "steps/long.py": "x = 1\n" * (MAX_LINES + 1)}
    files |= {f"readers/r{i}.py": "" for i in range(MAX_MODULES_PER_FOLDER + 1)}
    src = make_tree(tmp_path, files)
    assert long_modules(src) == {"newsnorm/steps/long.py": MAX_LINES + 1}
    assert crowded_folders(src) == {"newsnorm/readers": MAX_MODULES_PER_FOLDER + 1}
    exactly = make_tree(tmp_path / "b", {"steps/ok.py": "x = 1\n" * MAX_LINES})
    assert long_modules(exactly) == {}
