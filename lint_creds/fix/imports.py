"""Remove the imports a fix left unused, mostly without libcst's whole-module analysis.

The codemod queues every import the removed code used (libcst's ``RemoveImportsVisitor``
context); libcst's visitor then runs a scope analysis of the whole module to see which of
them are still used.  That analysis and the visitors it builds cost 70 ms per fixed file on
average (on the bench's dense corpus), more than the fix itself, and most queued imports are
decided by the module's ``ast``:

- a name still read somewhere keeps its import (as libcst keeps it; if only a local that
  shadows it is read, libcst would drop the import and this keeps it: the outcome differs
  only towards keeping more, as with :mod:`lint_creds.fix.slicing`'s stand-ins);
- a name read nowhere, and in no string (so no ``__all__`` entry or string annotation can
  use it), loses its import, as in libcst.

A top-level import statement on a line of its own whose every name goes is removed with
its line, leading comments included, as libcst removes it.  Anything else (a statement that
keeps some of its names, an import below the top level, a relative import, a name left in a
string) goes to libcst's visitor on the whole module, as before.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from typing import Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.codemod.visitors._remove_imports import RemovedNodeVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper

#: A queued import: ``(module, obj, asname)``, as libcst's context holds them.
Queued = Tuple[str, Optional[str], Optional[str]]


def queue_removed_imports(context: CodemodContext, wrapper: MetadataWrapper,
                          removed: Iterable[cst.CSTNode]) -> None:
    """Queue the imports the removed code used; :func:`remove_unused_imports` drops those
    left unused.

    This is ``RemoveImportsVisitor.remove_unused_import_by_node`` with one visitor for
    all nodes (building a visitor per node costs a tenth of a second each)."""
    visitor = RemovedNodeVisitor(replace(context, wrapper=wrapper))
    for node in removed:
        try:
            node.visit(visitor)
        except (ValueError, KeyError):  # a relative import libcst cannot resolve: keep it
            continue


def remove_unused_imports(module: cst.Module, context: CodemodContext) -> cst.Module:
    """``module`` without the queued imports of ``context`` that nothing uses any more."""
    queued: List[Queued] = context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY, [])
    if not queued:
        return module
    unused = _unused(module, queued)
    if unused is None:
        return RemoveImportsVisitor(context).transform_module(module)
    if not unused:
        return module
    body = []
    matched: Set[Queued] = set()
    for statement in module.body:
        entries = _import_line_entries(statement)
        if entries is None or not set(entries) & set(unused):
            body.append(statement)
        elif set(entries) <= set(unused):
            matched.update(entries)  # every name of the line goes: the line goes
        else:
            return RemoveImportsVisitor(context).transform_module(module)
    if matched != set(unused):
        return RemoveImportsVisitor(context).transform_module(module)
    return module.with_changes(body=body)


def _unused(module: cst.Module, queued: Sequence[Queued]) -> Optional[List[Queued]]:
    """The queued imports whose names the module no longer uses, or ``None`` when that is
    not decided here (a name left only in a string, an import below the top level)."""
    try:
        tree = ast.parse(module.code)
    except (SyntaxError, ValueError):
        return None
    read: Set[str] = set()
    strings: List[str] = []
    nested: Set[str] = set()
    top_level = {id(statement) for statement in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            read.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top_level:
            nested.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    unused = []
    for entry in queued:
        name = _bound_name(entry)
        if name in read:
            continue
        if name in nested or any(name in string for string in strings):
            return None
        unused.append(entry)
    return unused


def _bound_name(entry: Queued) -> str:
    module, obj, asname = entry
    return asname or obj or module.split(".")[0]


def _import_line_entries(statement: cst.BaseStatement) -> Optional[List[Queued]]:
    """The ``(module, obj, asname)`` of each name a line holding one absolute import
    statement binds; ``None`` for any other statement."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if isinstance(node, cst.Import):
        return [(alias.evaluated_name, None, alias.evaluated_alias) for alias in node.names]
    if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None \
            and not isinstance(node.names, cst.ImportStar):
        module = get_full_name_for_node(node.module)
        return [(module, alias.evaluated_name, alias.evaluated_alias)
                for alias in node.names] if module else None
    return None
