"""Imports of project modules stay at module level, where import-linter sees them.

A function-local import hides a dependency (often a cycle) from the layer contracts in
pyproject.toml. The exceptions are the ones the contract's comment documents:
AppConfig.ready() and the helpers it registers (`apps.py`: models load after the app
registry), task bodies (`tasks.py`: services import their tasks at module level as
`x_task`, so a task imports its services when it runs) and `cli.py` (the offline `match`
command must not load Django).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "turnabout"
ALLOWED_MODULES = {"apps.py", "tasks.py"}
ALLOWED_FILES = {SRC / "cli.py"}


def _local_project_imports(path: Path, *, root: Path = SRC.parent) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if not node.level else ["(relative)"]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name == "(relative)" or name.startswith("turnabout") for name in names):
                where = path.relative_to(root)
                found.append(f"{where}:{node.lineno} in {function.name}(): {', '.join(names)}")
    return found


def test_no_function_local_import_of_a_project_module() -> None:
    offenders = [
        line
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        and path.name not in ALLOWED_MODULES
        and path not in ALLOWED_FILES
        for line in _local_project_imports(path)
    ]
    assert offenders == [], "move these imports to the top of the module:\n" + "\n".join(offenders)


def test_the_check_finds_a_local_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "import os\n\n"
        "def f():\n    from turnabout.common import errors\n    import json\n    return errors\n"
        "\nasync def g():\n    from . import sibling\n"
    )
    assert _local_project_imports(module, root=tmp_path) == [
        "probe.py:4 in f(): turnabout.common",
        "probe.py:9 in g(): (relative)",
    ]
