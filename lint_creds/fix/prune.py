"""Pass 2 of the codemod: assignments that fed only the removed code, now dead.

``name = <pure value>`` goes when nothing reads ``name`` any more (an ``os.environ`` read or
a literal bound to an unused name), round after round, since a dead name can make the next
one dead. Public module-level names go only with unsafe fixes: other modules may import
them, and this pass sees one module.
"""
from __future__ import annotations

from typing import Callable, Iterable, List, Optional, Set, Tuple, Union

import libcst as cst
from libcst.metadata import (
    Assignment, ClassScope, GlobalScope, MetadataWrapper, ParentNodeProvider, Scope,
    ScopeProvider,
)

from ..patterns import STANDARD_ENV_NAMES
from .removal import Edits, Remover


#: Calls whose result may be dropped with the name they were bound to (reads, no effects).
_PURE_CALLS = frozenset({"os.getenv", "os.environ.get", "decouple.config"})
_PURE_METHODS = frozenset({"get", "str", "strip", "rstrip", "lstrip"})
_MAX_PRUNE_ROUNDS = 8


def names_in(nodes: Iterable[cst.CSTNode]) -> Set[str]:
    found: Set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    for node in nodes:
        node.visit(_Names())
    return found


def is_pure(node: cst.BaseExpression, scope: Optional[Scope]) -> bool:
    """Can the expression be dropped with its unused target?  Literals, names, attribute
    and item reads, and environment/config reads; never a call with other effects."""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Name)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_pure(node.left, scope) and is_pure(node.right, scope)
    if isinstance(node, cst.FormattedString):
        return all(is_pure(p.expression, scope) for p in node.parts
                   if isinstance(p, cst.FormattedStringExpression))
    if isinstance(node, cst.Attribute):
        return is_pure(node.value, scope)
    if isinstance(node, cst.Subscript):
        return is_pure(node.value, scope) and all(
            isinstance(e.slice, cst.Index) and is_pure(e.slice.value, scope) for e in node.slice)
    if isinstance(node, (cst.BooleanOperation, cst.BinaryOperation)):
        return is_pure(node.left, scope) and is_pure(node.right, scope)
    if isinstance(node, cst.Comparison):  # "AWS_ACCESS_KEY_ID" in os.environ
        return is_pure(node.left, scope) and all(
            is_pure(c.comparator, scope) for c in node.comparisons)
    if isinstance(node, cst.UnaryOperation):
        return is_pure(node.expression, scope)
    if isinstance(node, cst.NamedExpr):  # if (key := os.environ.get(...)):
        return is_pure(node.value, scope)
    if isinstance(node, cst.Tuple):  # key, secret = os.environ.get(...), os.environ.get(...)
        return all(is_pure(e.value, scope) for e in node.elements)
    if isinstance(node, cst.Call):
        names = {q.name for q in scope.get_qualified_names_for(node.func)} if scope else set()
        method = isinstance(node.func, cst.Attribute) and node.func.attr.value in _PURE_METHODS
        return bool(names & _PURE_CALLS or method) and (
            not isinstance(node.func, cst.Attribute) or is_pure(node.func.value, scope)) and all(
            is_pure(a.value, scope) for a in node.args)
    return False


def dead_assignments(wrapper: MetadataWrapper, candidates: Set[str], public_globals: bool,
                     read_elsewhere: Optional[Callable[[str], bool]] = None) -> Set[cst.CSTNode]:
    """Statements ``name = <pure value>`` whose name is a candidate and is never read here.

    A public module-level name may be imported by other modules: it goes only when
    ``public_globals`` (an unsafe fix), as ruff's F841 leaves module-level names alone,
    and not when ``read_elsewhere`` (the project's other files) says another file reads it.
    With the project's answer, a read of a variable boto3's chain reads itself
    (``KEY = os.environ["AWS_ACCESS_KEY_ID"]``) goes in a safe fix too: it gives the SDK
    nothing it would not find, and on ECS or EC2 it only crashes the import."""
    resolved = wrapper.resolve_many({ScopeProvider, ParentNodeProvider})
    scopes, parents = resolved[ScopeProvider], resolved[ParentNodeProvider]
    exported = "__all__" in wrapper.module.code
    dead: Set[cst.CSTNode] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        if isinstance(scope, ClassScope):  # class attributes are read through ``self.``
            continue
        for name in candidates:
            statements = [_assigning_statement(a, parents) for a in scope.assignments[name]]
            if not statements or any(s is None for s in statements) or any(
                    a.references for a in scope.assignments[name]):
                continue
            if isinstance(scope, GlobalScope) and (exported or not (
                    public_globals or name.startswith("_") or (
                        read_elsewhere is not None and all(
                            _reads_standard_variable(s.value) for s in statements
                            if s is not None)))):
                continue
            if isinstance(scope, GlobalScope) and read_elsewhere is not None and (
                    read_elsewhere(name)):
                continue
            together = {n for s in statements if isinstance(s, cst.Assign)
                        for n in (_paired_names(s) or ())}
            if any(a.references for n in together for a in scope.assignments[n]):
                continue  # ``a, b = x, y`` with ``b`` still read
            if all(is_pure(s.value, scope) for s in statements if s is not None and s.value):
                dead.update(s for s in statements if s is not None)
    return dead


def kept_public_reads(module: cst.Module, candidates: Set[str]) -> Tuple[str, ...]:
    """The names of ``candidates`` that a safe fix of a module seen alone keeps only for
    being public module-level names (see :func:`dead_assignments`), bound to a read of a
    variable boto3's chain reads itself: what the fix summary tells the user is left to
    crash the import."""
    if not candidates:
        return ()
    dead = dead_assignments(MetadataWrapper(module, unsafe_skip_copy=True), candidates, True)
    return tuple(sorted({name for statement in dead
                         if _reads_standard_variable(getattr(statement, "value", None))
                         for name in names_in(_targets(statement)) & candidates}))


def _targets(statement: cst.CSTNode) -> List[cst.CSTNode]:
    if isinstance(statement, cst.Assign):
        return [target.target for target in statement.targets]
    return [getattr(statement, "target", statement)]


def _reads_standard_variable(value: Optional[cst.BaseExpression]) -> bool:
    """Is ``value`` a read of ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` or
    ``AWS_SESSION_TOKEN`` (the variables boto3's chain reads itself)?"""
    found: Set[str] = set()

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            if isinstance(node.evaluated_value, str):
                found.add(node.evaluated_value)

    if value is None:
        return False
    value.visit(_Strings())
    code = cst.Module([]).code_for_node(value)
    return bool(found & STANDARD_ENV_NAMES.keys()) and ("environ" in code or "getenv" in code)


def _assigning_statement(assignment: object, parents: "object") -> Optional[
        Union[cst.Assign, cst.AnnAssign]]:
    """The single-target ``name = value`` statement behind a scope assignment, if it is one;
    also ``a, b = x, y`` (names to as many values), whose names die together."""
    if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
        return None
    parent = parents.get(assignment.node)  # type: ignore[attr-defined]
    if isinstance(parent, cst.AnnAssign) and parent.value is not None:
        return parent
    if isinstance(parent, cst.Element):
        parent = parents.get(parents.get(parent))  # type: ignore[attr-defined]
        statement = parents.get(parent)  # type: ignore[attr-defined]
        if isinstance(statement, cst.Assign) and _paired_names(statement) is None:
            return None
    if isinstance(parent, cst.AssignTarget):
        statement = parents.get(parent)  # type: ignore[attr-defined]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement
    return None


def _paired_names(statement: cst.Assign) -> Optional[Set[str]]:
    """The names of ``a, b = x, y`` (a tuple of names to a tuple as long), else None."""
    target, value = statement.targets[0].target, statement.value
    if len(statement.targets) != 1 or not isinstance(target, cst.Tuple) or not isinstance(
            value, cst.Tuple) or len(target.elements) != len(value.elements):
        return None
    names = {e.value.value for e in target.elements if isinstance(e.value, cst.Name)}
    return names if len(names) == len(target.elements) else None


def prune_dead_assignments(
        module: cst.Module, candidates: Set[str], public_globals: bool,
        queue_imports: Callable[[MetadataWrapper, Iterable[cst.CSTNode]], None],
        read_elsewhere: Optional[Callable[[str], bool]] = None,
) -> "tuple[cst.Module, Set[cst.CSTNode]]":
    """``module`` without the dead assignments to ``candidates`` (and to the names their
    values read, as those die in turn), and the statements removed. ``queue_imports`` is
    told of each round's removals, so their imports can go too."""
    removed: Set[cst.CSTNode] = set()
    candidates = set(candidates)
    for _ in range(_MAX_PRUNE_ROUNDS if candidates else 0):
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        dead = dead_assignments(wrapper, candidates, public_globals, read_elsewhere)
        if not dead:
            break
        removed |= dead
        queue_imports(wrapper, dead)
        fresh = names_in(dead) - candidates  # a dead name can make the next one dead
        candidates |= fresh
        pruning = Edits()
        pruning.drop = dead
        module = module.visit(Remover(pruning, wrapper.resolve(ParentNodeProvider)))
        if not fresh:
            break
    return module, removed
