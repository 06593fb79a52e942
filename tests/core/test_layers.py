"""Imports point down the layers: generators know nothing of files, exporters nothing of
generators, samples nothing of either (docs/design.md). A new upward import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "synthlab"

# package folder -> packages its modules may not import
FORBIDDEN = {
    "generators": ("synthlab.exporters", "synthlab.engine", "synthlab.cli", "synthlab.spotcheck"),
    "exporters": ("synthlab.generators", "synthlab.engine", "synthlab.cli", "synthlab.spotcheck"),
    "samples": ("synthlab.generators", "synthlab.exporters", "synthlab.engine", "synthlab.cli"),
}


def _type_checking_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` blocks: imports for annotations, no arrow at run time."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(c for c in ast.iter_child_nodes(node) if not _type_checking_only(c))
    return found


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def upward_imports(layer: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if module.startswith(FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_upward_imports(layer: str) -> None:
    assert upward_imports(layer) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from synthlab.exporters.base import Layout\n"
        "def f():\n    import synthlab.engine\n"
        "if TYPE_CHECKING:\n    from synthlab.cli import main\n"
    )
    found = imported_modules(module)
    assert found >= {"synthlab.exporters.base", "synthlab.engine"}
    assert "synthlab.cli" not in found  # an annotation's import is no arrow at run time
