"""The package's layout stays true: its parts, and which part may import which.

Reads every module's imports with ``ast`` (lazy imports inside functions included) and
checks the rules docs/architecture.md states. A rule broken here is a design change: argue
it in the docs first.
"""
from __future__ import annotations

import ast
import pathlib
from typing import Callable, Dict, Iterator, List, Set, Tuple

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "lint_creds"
DOCS = PACKAGE.parent / "docs" / "architecture.md"

PARTS = ("engine", "fix", "cli", "source", "report", "project", "policy")
#: Top-level modules every part may import: the catalog and the records.
SHARED_DATA = ("rules", "sinks", "patterns", "findings", "options")
MAX_TOP_LEVEL_MODULES = 12
MAX_MODULE_LINES = 500

#: (importer prefix, forbidden import prefixes, why). A prefix names a module and everything
#: below it; the importer is any module whose dotted name starts with it.
RULES: Tuple[Tuple[str, Tuple[str, ...], str], ...] = (
    ("lint_creds.engine", ("lint_creds.fix", "lint_creds.cli", "lint_creds.report",
                           "lint_creds.source", "lint_creds.project", "lint_creds.flake8_plugin",
                           "flake8", "libcst"),
     "the engine is source in, findings out: every front end shares it"),
    ("lint_creds.engine", ("lint_creds.policy",), "the engine knows nothing of policies"),
    ("lint_creds.project", ("lint_creds.policy",), "the index knows nothing of policies"),
    ("lint_creds.source", ("lint_creds.engine", "lint_creds.fix", "lint_creds.cli",
                           "lint_creds.report", "lint_creds.project", "flake8", "libcst"),
     "reading and screening bytes needs no analysis; the screen must stay cheap"),
    ("lint_creds.report", ("lint_creds.engine", "lint_creds.fix", "lint_creds.cli",
                           "lint_creds.source", "lint_creds.project", "flake8", "libcst"),
     "formatters are pure: findings in, text out"),
    ("lint_creds.fix", ("lint_creds.cli", "lint_creds.report", "flake8"),
     "the fixer is a library the CLI and libcst.tool both drive"),
    ("lint_creds.project", ("lint_creds.fix", "lint_creds.cli", "lint_creds.report", "flake8",
                            "libcst"),
     "the index is data about modules: the engine's input, below every front end"),
    ("lint_creds.policy", ("lint_creds.fix", "lint_creds.cli", "lint_creds.report", "flake8",
                           "libcst"),
     "the policy draft reads the code as the gate does: no fixer, no CLI, no libcst"),
    ("lint_creds.flake8_plugin", ("lint_creds.fix", "lint_creds.cli", "lint_creds.report",
                                  "libcst"),
     "flake8 runs the plugin on every file: no fixer, no CLI"),
    *((f"lint_creds.{name}", tuple(f"lint_creds.{part}" for part in PARTS)
       + ("lint_creds.flake8_plugin", "flake8", "libcst"),
       "shared data sits below every part")
      for name in SHARED_DATA),
)


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Dict[str, pathlib.Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: pathlib.Path) -> Iterator[Tuple[int, str]]:
    """``(line, absolute module)`` for every import in the module, lazy ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # ``from . import baseline`` imports a module
                yield node.lineno, f"{module}.{alias.name}"


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _violations(imports: "Callable[[str, pathlib.Path], Iterator[Tuple[int, str]]]" = _imports,
                ) -> List[str]:
    found: List[str] = []
    for name, path in _modules().items():
        for line, imported in imports(name, path):
            for importer, forbidden, why in RULES:
                if _within(name, importer) and any(_within(imported, f) for f in forbidden):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name} imports "
                                 f"{imported} ({why})")
    return found


def test_the_parts_are_packages() -> None:
    for part in PARTS:
        assert (PACKAGE / part / "__init__.py").is_file(), part


def test_no_part_imports_what_its_rules_forbid() -> None:
    assert _violations() == []


def test_only_the_fixer_imports_libcst() -> None:
    offenders = [f"{name}:{line}" for name, path in _modules().items()
                 for line, imported in _imports(name, path)
                 if _within(imported, "libcst") and not _within(name, "lint_creds.fix")]
    assert offenders == []


def test_only_the_entry_points_import_the_cli() -> None:
    allowed = ("lint_creds.cli", "lint_creds.__main__")
    offenders = [f"{name}:{line}" for name, path in _modules().items()
                 for line, imported in _imports(name, path)
                 if _within(imported, "lint_creds.cli")
                 and not any(_within(name, a) for a in allowed)]
    assert offenders == []


def test_the_rules_catch_a_forbidden_import() -> None:
    """The checker itself can fail: a lazy import of the CLI inside the engine is caught."""
    def with_a_bad_import(name: str, path: pathlib.Path) -> Iterator[Tuple[int, str]]:
        yield from _imports(name, path)
        if name == "lint_creds.engine.scopes":
            yield 1, "lint_creds.cli.runner"

    assert _violations(with_a_bad_import) == [
        "lint_creds/engine/scopes.py:1: lint_creds.engine.scopes imports lint_creds.cli.runner "
        "(the engine is source in, findings out: every front end shares it)"]


def test_relative_imports_resolve_to_real_modules() -> None:
    modules = _modules()
    missing: Set[str] = set()
    for name, path in modules.items():
        for _, imported in _imports(name, path):
            if _within(imported, "lint_creds") and imported not in modules:
                parent = imported.rpartition(".")[0]
                if parent not in modules:  # ``from .x import name`` names an attribute
                    missing.add(f"{name}: {imported}")
    assert missing == set()


def test_top_level_holds_only_shared_data_and_entry_points() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_is_longer_than_the_limit() -> None:
    long = {str(path.relative_to(PACKAGE.parent)): count
            for path in PACKAGE.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_the_architecture_doc_names_every_part() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for part in PARTS:
        assert f"`lint_creds/{part}/`" in text, part
