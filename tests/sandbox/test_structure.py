"""The sandbox's shape, checked from its source: small modules and functions, one settings reader, limits that
import no router, and stores and engines that know nothing about HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
# Data, not logic: the labelled sentences the moderation stand-in was fitted on.
DATA_MODULES = {"engines/moderation_exemplars.py", "engines/moderation_exemplars_ko.py"}


def modules() -> list[Path]:
    return sorted(SANDBOX.rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(SANDBOX).as_posix()


def imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_module_over_600_lines_and_no_function_over_80() -> None:
    too_long = []
    for path in modules():
        text = path.read_text()
        if name(path) not in DATA_MODULES and len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name(path)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - start + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name(path)}:{node.lineno} {node.name}(): {length} lines")
    assert too_long == []


def test_only_the_settings_read_the_environment() -> None:
    readers = []
    for path in modules():
        source = path.read_text()
        if "os.environ" in source or "getenv" in source:
            readers.append(name(path))
    assert readers == ["__main__.py"]  # __main__ hands os.environ to sandbox.config.resolve


def test_limits_import_no_router_store_or_engine() -> None:
    imported = imported_modules(ast.parse((SANDBOX / "limits.py").read_text()))
    assert not {m for m in imported if m.startswith(("sandbox.routers", "sandbox.stores", "sandbox.engines"))}


@pytest.mark.parametrize("folder", ["stores", "engines"])
def test_stores_and_engines_raise_domain_errors_not_http_ones(folder: str) -> None:
    """They raise sandbox.errors' refusals; sandbox.envelope alone turns those into statuses and bodies."""
    for path in sorted((SANDBOX / folder).glob("*.py")):
        imported = imported_modules(ast.parse(path.read_text()))
        web = {m for m in imported if m.split(".")[0] in ("fastapi", "starlette") or m == "sandbox.envelope"}
        assert web == set(), name(path)


def test_one_place_maps_refusals_to_statuses() -> None:
    from sandbox import errors
    from sandbox.envelope import ANSWERS

    kinds = {k for k in vars(errors).values() if isinstance(k, type) and issubclass(k, errors.Refusal)}
    assert kinds - {errors.Refusal} == set(ANSWERS)
