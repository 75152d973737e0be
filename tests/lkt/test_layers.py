"""The layers hold without hiding: an import inside a function is how a back-arrow dodges a
cycle (and import-linter, which reads every import, would still see it as an arrow). Only an
AppConfig.ready() imports inside a function, to connect a hook after the apps are loaded."""

from __future__ import annotations

import ast
from pathlib import Path

APPS = ("actors", "careplans", "coordination", "lkt")
ROOT = Path(__file__).resolve().parents[2]


def _imports_inside_functions(source: str) -> list[tuple[int, str, str]]:
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(node.lineno, function.name, n) for n in names if n.split(".")[0] in APPS]
    return found


def test_the_rule_finds_an_import_inside_a_function():
    source = "def f():\n    from coordination.referral.services import x\n\ndef ready():\n    import lkt\n"
    assert _imports_inside_functions(source) == [(2, "f", "coordination.referral.services")]


def test_no_app_module_imports_another_inside_a_function():
    hidden = [
        f"{path.relative_to(ROOT)}:{line}: {function}() imports {module}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, function, module in _imports_inside_functions(path.read_text())
    ]
    assert hidden == []
