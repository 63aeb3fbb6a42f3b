"""The engine's walks see every node ``ast`` has: :func:`child_nodes` against
:func:`ast.iter_child_nodes` over every node of the fixtures and of some standard library
modules (only expression contexts, leaves no pass looks into, are left out)."""
from __future__ import annotations

import ast
import pathlib
import sysconfig
from typing import List

from lint_creds.engine.visitor import child_nodes

REPO = pathlib.Path(__file__).resolve().parent.parent
STDLIB = pathlib.Path(sysconfig.get_paths()["stdlib"])


def sources() -> List[pathlib.Path]:
    return sorted(REPO.glob("fixtures/**/*.py")) + [
        STDLIB / name for name in ("ast.py", "typing.py", "argparse.py", "dataclasses.py")]


def test_child_nodes_are_those_of_ast_in_the_same_order() -> None:
    nodes = 0
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            expected = [child for child in ast.iter_child_nodes(node)
                        if not isinstance(child, ast.expr_context)]
            assert list(child_nodes(node)) == expected, (path, ast.dump(node)[:200])
            nodes += 1
    assert nodes > 40_000
