"""Fix a large module by showing the codemod only the top-level statements that matter.

libcst's scope, parent and position passes and every transformer walk the whole module, so
a fix costs time in proportion to the module, not to the fix: two seconds of CPU for one
removed keyword in a 3,000-line file.  The codemod's decisions depend on the rest of the
module only through names (is this import, this assignment still used?), so the statements
that hold nothing to change are swapped for *stand-ins* before the codemod runs, and back
afterwards:

- a statement is **kept** when it holds a finding, a sink call or a credential argument,
  holds an import (imports are what the codemod removes) or assigns ``__all__``, or binds at
  module level a name that a kept statement reads (repeated until nothing changes: these
  are the assignments the codemod may find dead);
- each run of consecutive other statements becomes one stand-in that reads every name the
  run reads (so nothing it uses looks unused) and binds every name it binds in its scope, to
  a call (so no binding looks removable), padded to the run's height by a string of line
  breaks, so every kept node keeps its line and column and the engine's spans still find it.

This applies block by block: the class or function that holds a finding keeps only the
statements of its body that matter, too.

After the codemod, each stand-in is swapped back for its statements, byte for byte.  A
stand-in the codemod changed or removed makes the caller fall back to the whole module.
The outcome can differ from the whole-module run only towards keeping more: a name read in
a stand-in may have been a local of a function there.
"""
from __future__ import annotations

import ast
from typing import (
    Dict, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple,
)

import libcst as cst

from ..findings import Analysis, Span

#: Smaller modules are fixed whole: the stand-ins would save little.
MIN_LINES_TO_SLICE = 50
_MARKER_PREFIX = "__lint_creds_stand_in_"
_MARKER = _MARKER_PREFIX + "{}__"


class SlicedModule(NamedTuple):
    """The module the codemod sees, and the statements its stand-ins replace."""

    module: cst.Module
    #: marker name -> (stand-in, the consecutive statements it replaces)
    stand_ins: Dict[str, Tuple[cst.BaseStatement, Tuple[cst.BaseStatement, ...]]]


def slice_module(module: cst.Module, source: str, tree: ast.Module, analysis: Analysis,
                 min_lines: Optional[int] = None) -> Optional[SlicedModule]:
    """The module (parsed from ``source``, also as ``tree``) with stand-ins for the
    statements that cannot matter to the fix; ``None`` when slicing would not pay (a small
    module, or nothing to leave out)."""
    if source.count("\r") != source.count("\r\n"):  # lines are counted by "\n" below
        return None
    lines = source.count("\n") + (not source.endswith("\n"))
    if lines < (MIN_LINES_TO_SLICE if min_lines is None else min_lines):
        return None
    slicer = _Slicer(list(_seed_spans(analysis)))
    body = slicer.block(module.body, tree.body, frozenset(), lines - len(module.footer))
    if not slicer.stand_ins:
        return None
    return SlicedModule(module.with_changes(body=body), slicer.stand_ins)


def restore(result: cst.Module, sliced: SlicedModule) -> Optional[cst.Module]:
    """``result`` with every stand-in swapped back; ``None`` if one was changed or lost."""
    swapper = _SwapBack(sliced.stand_ins)
    restored = result.visit(swapper)
    if swapper.changed or swapper.found != set(sliced.stand_ins):
        return None
    return restored


class _SwapBack(cst.CSTTransformer):
    def __init__(self, stand_ins: Dict[str, Tuple[cst.BaseStatement,
                                                  Tuple[cst.BaseStatement, ...]]]) -> None:
        super().__init__()
        self.stand_ins = stand_ins
        self.found: Set[str] = set()
        self.changed = False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False  # nothing inside a simple line is a statement

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> "cst.BaseStatement | cst.FlattenSentinel":
        marker = _marker_of(updated_node)
        if marker is None:
            return updated_node
        stand_in, statements = self.stand_ins[marker]
        self.found.add(marker)
        self.changed |= not updated_node.deep_equals(stand_in)
        return cst.FlattenSentinel(statements)


# -- which statements the codemod must see ------------------------------------------------
class _Slicer:
    """Replaces, block by block, the statements that hold nothing to change."""

    def __init__(self, seeds: Sequence[Span]) -> None:
        self.seeds = seeds
        self.stand_ins: Dict[str, Tuple[cst.BaseStatement, Tuple[cst.BaseStatement, ...]]] = {}

    def block(self, statements: Sequence[cst.BaseStatement], nodes: Sequence[ast.stmt],
              protected: FrozenSet[str], last_line: int) -> List[cst.BaseStatement]:
        """``statements`` (one block, ending on ``last_line``) with stand-ins; ``nodes`` are
        their ``ast`` twins.

        A statement stays when it overlaps a seed, binds a name that such a statement reads
        (repeated to a fixed point: the assignments that may become dead), must always stay,
        or reads a ``protected`` name."""
        owners = _owners(statements, nodes)
        starts = [_first_line(statement, owned) for statement, owned in zip(statements, owners)]
        ranges = list(zip(starts, [start - 1 for start in starts[1:]] + [last_line]))
        seeded = {index for index, (first, last) in enumerate(ranges)
                  if any(first <= span.end_line and span.line <= last for span in self.seeds)}
        binders: Dict[str, Set[int]] = {}
        for index, owned in enumerate(owners):
            for name in _bound_names(owned):
                binders.setdefault(name, set()).add(index)
        kept, frontier = set(seeded), set(seeded)
        while frontier:  # what the removed code reads may become dead: the codemod must see it
            read = {name for index in frontier for name in _read_names(owners[index])}
            frontier = {i for name in read for i in binders.get(name, ())} - kept
            kept |= frontier
        kept |= {index for index, owned in enumerate(owners)
                 if any(_always_kept(node) for node in owned) or protected & _read_names(owned)}
        result: List[cst.BaseStatement] = []
        run: List[int] = []  # consecutive statements left out: one stand-in for them all
        for index, statement in enumerate(statements):
            if index not in kept:
                run.append(index)
                continue
            if run:
                result.append(self._stand_in(statements, owners, ranges, run))
                run = []
            if index in seeded:
                result.append(self._inner(statement, owners[index][0], ranges[index][1]))
            else:
                result.append(statement)
        if run:
            result.append(self._stand_in(statements, owners, ranges, run))
        return result

    def _inner(self, statement: cst.BaseStatement, node: ast.stmt,
               last_line: int) -> cst.BaseStatement:
        """A class or function that holds a seed, with its own body sliced.  A class body's
        names are protected: moved into a stand-in in the class body, a method's read of a
        global would resolve to the class attribute of the same name instead."""
        if not isinstance(statement, (cst.ClassDef, cst.FunctionDef)) or not isinstance(
                statement.body, cst.IndentedBlock):
            return statement
        protected = frozenset(_bound_names(node.body)) if isinstance(
            statement, cst.ClassDef) else frozenset()
        body = self.block(statement.body.body, node.body,  # type: ignore[attr-defined]
                          protected, last_line - len(statement.body.footer))
        return statement.with_changes(body=statement.body.with_changes(body=body))

    def _stand_in(self, statements: Sequence[cst.BaseStatement],
                  owners: Sequence[Sequence[ast.stmt]], ranges: Sequence[Tuple[int, int]],
                  run: Sequence[int]) -> cst.BaseStatement:
        """One stand-in for the consecutive statements ``run`` (indices into the block)."""
        marker = _MARKER.format(len(self.stand_ins))
        reads: Set[str] = set()
        binds: Set[str] = set()
        for index in run:
            read = _read_names(owners[index])
            reads |= read
            binds |= _bound_names(owners[index]) - read
        height = ranges[run[-1]][1] - ranges[run[0]][0] + 1
        # One string holds the line breaks: a node per padding line would cost a visit each.
        padding = f'"""{chr(10) * (height - 1)}"""' if height > 1 else ""
        code = f"{marker} = ({''.join(f'{name}, ' for name in sorted(reads))}{padding})"
        if binds:
            code += f"; {' = '.join(sorted(binds))} = {marker}()"
        stand_in = cst.parse_statement(code + "\n")
        self.stand_ins[marker] = (stand_in, tuple(statements[index] for index in run))
        return stand_in


def _first_line(statement: cst.BaseStatement, owned: Sequence[ast.stmt]) -> int:
    """The first line of a statement, its leading comments and decorators included (the
    lines up to the next statement's first line are its own: a block's trailing comments)."""
    node = owned[0]
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return first - len(statement.leading_lines)


def _owners(statements: Sequence[cst.BaseStatement],
            nodes: Sequence[ast.stmt]) -> List[List[ast.stmt]]:
    """The ``ast`` statements of each libcst statement: one per small statement of a line
    (``a = 1; b = 2``), one per compound statement."""
    owners = []
    position = 0
    for statement in statements:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        owners.append(list(nodes[position:position + count]))
        position += count
    return owners


def _seed_spans(analysis: Analysis) -> Iterator[Span]:
    for finding in analysis.findings:
        yield finding.span
    for sink in analysis.sink_calls:
        yield sink.span
        for arg in sink.args:
            yield arg.span
            if arg.container is not None:
                yield arg.container


def _always_kept(statement: ast.stmt) -> bool:
    """Imports (the codemod removes them), ``__all__`` (it keeps what that names) and
    ``global``/``nonlocal`` (without them a kept assignment would change scope), in this
    block's own scope: an import inside a method is another scope's business."""
    return any(isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)) or (
        isinstance(node, ast.Name) and node.id == "__all__") for node in _same_scope([statement]))


def _same_scope(statements: Iterable[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of the statements that runs in their scope: function and class bodies,
    lambdas and comprehensions are entered only for their names and decorators."""
    pending: List[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(node.decorator_list)
        elif not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                   ast.GeneratorExp)):
            pending.extend(ast.iter_child_nodes(node))


def _read_names(statements: Iterable[ast.stmt]) -> Set[str]:
    """Every name read (or deleted) anywhere in the statements, string annotations too."""
    names: Set[str] = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                names.add(node.id)
            for annotation in _string_annotations(node):
                names |= _read_names([ast.Expr(annotation)])
    return names


def _string_annotations(node: ast.AST) -> Iterator[ast.expr]:
    for field in ("annotation", "returns"):
        value = getattr(node, field, None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            try:
                yield ast.parse(value.value, mode="eval").body
            except (SyntaxError, ValueError):
                continue


def _bound_names(statements: Iterable[ast.stmt]) -> Set[str]:
    """Names the statements bind in their own scope (not inside functions or classes)."""
    return {node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            else node.id for node in _same_scope(statements)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
                isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))}


def _marker_of(statement: cst.BaseStatement) -> Optional[str]:
    if isinstance(statement, cst.SimpleStatementLine) and statement.body:
        first = statement.body[0]
        if isinstance(first, cst.Assign) and len(first.targets) == 1:
            target = first.targets[0].target
            if isinstance(target, cst.Name) and target.value.startswith(_MARKER_PREFIX):
                return target.value
    return None
