"""The fixer's libcst codemod: removes hand-passed AWS credentials the engine flagged.

The only module that imports libcst. Detection stays with the stdlib-``ast`` engine: the
codemod runs :func:`lint_creds.engine.analyze_source` on the module, turns the engine's
records (sink calls, statement findings) into a plan of node removals, matched to libcst
nodes by their source spans, and applies it. Three passes:

1. remove credential arguments, dict entries and credential statements (the plan), and
   collapse an ``if``/``else`` that only tests the credentials when both branches agree
   once the credentials are gone (unsafe);
2. remove assignments that fed only the removed code and are now dead, until nothing
   changes (an ``os.environ`` read or a literal bound to an unused name; public
   module-level names only with unsafe fixes, other modules may import them);
3. remove the imports the removed code used, if nothing else uses them (queued with
   ``RemoveImportsVisitor`` and run at the end, as libcst's ``CodemodCommand`` does).

Anything the plan cannot prove is left alone and reported as an :class:`Outcome` with a
reason. Run it on its own with::

    python -m libcst.tool codemod -x --no-format \\
        lint_creds.codemod.RemoveHandPassedCredentials PATH [--unsafe-fixes]
"""
from __future__ import annotations

import argparse
import ast
from dataclasses import replace
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.codemod.visitors._remove_imports import RemovedNodeVisitor
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider
from libcst.metadata import Assignment, ClassScope, GlobalScope, Scope

from .cst_imports import remove_unused_imports
from .cst_removal import Edits, Remover, leading_blanks
from .cst_slicing import restore, slice_module
from .engine import analyze_source
from .findings import Analysis, ArgKind, CredentialArg, Finding, SinkCall, Span
from .fix_report import (
    HELD_BACK, NO_FIX, SINK_CODES, FixReport, Outcome, contains as _contains, innermost_sink,
    report_without_fixing, sink_reason, statement_reason, wants_libcst,
)
from .options import DEFAULT_OPTIONS, Options
from .origins import ENV_WRITERS
from .patterns import CREDENTIAL_ENV_NAMES

#: Calls whose result may be dropped with the name they were bound to (reads, no effects).
_PURE_CALLS = frozenset({"os.getenv", "os.environ.get", "decouple.config"})
_PURE_METHODS = frozenset({"get", "str", "strip", "rstrip", "lstrip"})
_MAX_PRUNE_ROUNDS = 8


def _span_of(position: object) -> Span:
    start, end = position.start, position.end  # type: ignore[attr-defined]
    return Span(start.line, start.column, end.line, end.column)


class _Unfixable(Exception):
    """A plan step the codemod cannot prove safe; the message is the reason."""


class _Planner:
    """Turns the engine's records into :class:`Edits` on one libcst tree."""

    def __init__(self, wrapper: MetadataWrapper, analysis: Analysis, options: Options,
                 unsafe_fixes: bool) -> None:
        self.analysis = analysis
        self.options = options
        self.unsafe_fixes = unsafe_fixes
        resolved = wrapper.resolve_many({ParentNodeProvider, ScopeProvider, PositionProvider})
        self.parents = resolved[ParentNodeProvider]
        self.scopes = resolved[ScopeProvider]
        self.positions = resolved[PositionProvider]
        self.at: Dict[Span, List[cst.CSTNode]] = {}
        for node, position in self.positions.items():
            self.at.setdefault(_span_of(position), []).append(node)
        self.edits = Edits()
        self.outcomes: Dict[int, Outcome] = {}
        #: Writer calls (``os.environ.update``) whose entries the plan removes.
        self.writers: Set[cst.Call] = set()
        self.shared: Dict[Span, int] = {}
        self.fixing: List[Span] = []  # spans of the sink calls the plan may fix
        #: finding index -> the ``NAME = ...`` setting statement its fix removes.
        self.setting_drops: Dict[int, cst.BaseSmallStatement] = {}

    # -- the plan ---------------------------------------------------------------------
    def plan(self) -> Tuple[Edits, FixReport]:
        findings = self.analysis.findings
        reasons = {s: sink_reason(s, self.options, self.unsafe_fixes)
                   for s in self.analysis.sink_calls}
        # Dicts (and item assignments) that also feed a call left alone must stay whole.
        self.shared = {(a.container or a.span): s.span.line for s, reason in reasons.items()
                       if reason is not None for a in s.args
                       if a.kind in (ArgKind.SPLAT_ENTRY, ArgKind.OPTION_ENTRY)}
        self.fixing = [s.span for s, reason in reasons.items() if reason is None]
        for sink, reason in reasons.items():
            if reason is None:
                reasons[sink] = self._attempt(lambda: self._plan_sink(sink))
        for line, guarded in self._guarded(reasons).items():
            if self._attempt(lambda: self._plan_guard(line, guarded)) is None:
                reasons.update({sink: None for sink in guarded})
        for index, finding in enumerate(findings):
            owner = innermost_sink(finding, self.analysis.sink_calls)
            if owner is not None:
                self.outcomes[index] = Outcome(finding, reasons[owner] is None, reasons[owner])
        for index, finding in enumerate(findings):
            if index not in self.outcomes and finding.code not in SINK_CODES:
                reason = statement_reason(finding, self.unsafe_fixes)
                if reason is None:
                    reason = self._attempt(lambda: self._plan_statement(index, finding))
                self.outcomes[index] = Outcome(finding, reason is None, reason)
        self._keep_used_settings()
        self._drop_emptied_writers()
        outcomes = tuple(self.outcomes.get(i) or Outcome(f, False, f.not_fixable_reason or NO_FIX)
                         for i, f in enumerate(findings))
        return self.edits, FixReport(outcomes)

    def _attempt(self, step: "object") -> Optional[str]:
        """Run one plan step atomically: its edits are kept only if it succeeds whole."""
        saved = self.edits
        self.edits = Edits()
        try:
            step()  # type: ignore[operator]
        except _Unfixable as problem:
            self.edits = saved
            return str(problem)
        except (LookupError, ValueError, TypeError, AttributeError) as error:
            self.edits = saved  # engine and tree disagree: leave the code alone, say so
            return f"internal error while planning the fix ({type(error).__name__}: {error})"
        saved.merge(self.edits)
        self.edits = saved
        return None

    # -- sink calls -----------------------------------------------------------------------
    def _plan_sink(self, sink: SinkCall) -> None:
        call = self._node_at(sink.span, cst.Call)
        if sink.fix == "statement":
            self._drop(self._statement_of(call, f"the result of {sink.sink}() is used"))
            return
        positional = [a for a in call.args if a.keyword is None and not a.star]
        removed: Set[int] = set()
        for arg in sink.args:
            if arg.kind is ArgKind.KEYWORD:
                self._drop(self._keyword(call, arg.key))
            elif arg.kind is ArgKind.POSITIONAL:
                removed.add(int(arg.key))
                self._drop(positional[int(arg.key)])
            elif (arg.container or arg.span) in self.shared:
                raise _Unfixable(f"the {arg.key!r} entry also feeds the call on line "
                                 f"{self.shared[arg.container or arg.span]}, which is not fixed")
            elif not _contains(sink.span, arg.container or arg.span):
                self._check_dict_only_feeds(arg.container or arg.span)
                self._drop_entry(arg)
            else:
                self._drop_entry(arg)
        self._rename_positionals(sink, positional, removed)

    # -- guards -------------------------------------------------------------------------
    def _guarded(self, reasons: Mapping[SinkCall, Optional[str]]) -> Dict[int, List[SinkCall]]:
        """Sink calls blocked only by an ``if`` that tests the credentials, by its line."""
        found: Dict[int, List[SinkCall]] = {}
        if self.unsafe_fixes:
            for sink, reason in reasons.items():
                if sink.guard_line is not None and reason == sink.blocked:
                    found.setdefault(sink.guard_line, []).append(sink)
        return found

    def _plan_guard(self, line: int, sinks: List[SinkCall]) -> None:
        """``if <credentials set>: client(creds) else: client()`` -> ``client()``: when the
        ``if`` branch without its credentials is the ``else`` branch, both do the same."""
        guard = next((n for n, p in self.positions.items() if isinstance(n, cst.If)
                      and p.start.line == line and _contains(_span_of(p), sinks[0].span)), None)
        if guard is None or not isinstance(guard.orelse, cst.Else):
            raise _Unfixable("the guard is not a plain if/else")
        body = _span_of(self.positions[guard.body])
        if not all(_contains(body, sink.span) for sink in sinks) or not _is_pure(
                guard.test, self.scopes.get(guard.test)):
            raise _Unfixable("the guard does more than test the credentials")
        for sink in sinks:
            self._plan_sink(sink)
        without = guard.body.visit(Remover(self.edits, self.parents))
        if _meaning(without) != _meaning(guard.orelse.body):
            raise _Unfixable("the branch that tests the credentials differs from its else "
                             "branch by more than the credentials")
        self.edits = Edits()
        self.edits.collapse.add(guard)

    def _drop_entry(self, arg: CredentialArg) -> None:
        if arg.container is None:  # ``kwargs["aws_access_key_id"] = ...``
            self._drop(self._node_at(arg.span, cst.BaseSmallStatement))
        else:
            self._drop(self._node_at(arg.span, (cst.DictElement, cst.Arg)))

    def _rename_positionals(self, sink: SinkCall, positional: List[cst.Arg],
                            removed: Set[int]) -> None:
        if removed:
            params = sink.params
            for index in range(max(removed) + 1, len(positional)):
                if index >= len(params):
                    raise _Unfixable(f"cannot name positional argument {index + 1} of "
                                     f"{sink.sink} after removing the credentials before it")
                self.edits.rename[positional[index]] = params[index]

    def _check_dict_only_feeds(self, where: Span) -> None:
        """A named credentials dict may lose entries only if nothing but fixed sink calls
        (and its own item assignments) uses it: a MinIO client may share it."""
        node = next((n for n in self.at.get(where, []) if isinstance(
            n, (cst.Dict, cst.Call, cst.BaseSmallStatement))), None)
        statement = node if isinstance(node, cst.BaseSmallStatement) else self.parents.get(node)
        target = _assigned_name(statement) if statement is not None else None
        if target is None and isinstance(statement, cst.Assign):
            target = _subscript_base(statement)
        scope = self.scopes.get(target) if target is not None else None
        if target is None or scope is None:
            raise _Unfixable("could not prove what else uses the credentials dict")
        for assignment in scope.assignments[target.value]:
            for access in assignment.references:
                position = self.positions.get(access.node)
                if position is None:
                    raise _Unfixable(f"{target.value} is used where it cannot be tracked")
                span = _span_of(position)
                if not (any(_contains(f, span) for f in self.fixing)
                        or self._item_assignment(access.node)):
                    raise _Unfixable(f"the credentials dict {target.value} is also used on "
                                     f"line {span.line}")

    def _item_assignment(self, node: cst.CSTNode) -> bool:
        """Is ``node`` the ``d`` of ``d["key"] = value``?"""
        subscript = self.parents.get(node)
        return isinstance(subscript, cst.Subscript) and isinstance(
            self.parents.get(subscript), cst.AssignTarget)

    def _keyword(self, call: cst.Call, name: str) -> cst.Arg:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg
        raise _Unfixable(f"keyword {name}= not found in the call")

    # -- statements -----------------------------------------------------------------------
    def _plan_statement(self, index: int, finding: Finding) -> None:
        nodes = self.at.get(finding.span, [])
        statement = next((n for n in nodes if isinstance(n, cst.BaseSmallStatement)), None)
        if finding.code == "CRD102":
            self._plan_env_literal(finding)
        elif statement is not None:
            self._drop(statement)
            if _assigned_name(statement) is not None:
                self.setting_drops[index] = statement
        elif any(isinstance(n, cst.Call) for n in nodes):  # os.putenv(K, v), setdefault(K, v)
            call = next(n for n in nodes if isinstance(n, cst.Call))
            self._drop(self._statement_of(call, "the write's result is used"))
        else:  # a keyword or dict key inside ``.update(...)``
            self._drop_writer_entry(nodes)

    def _plan_env_literal(self, finding: Finding) -> None:
        """CRD102 is fixable only where a literal key is written into the environment,
        directly or through a name (``KEY = "AKIA..."; os.environ[...] = KEY``); a name
        left unused afterwards goes with the dead assignments."""
        literal = self._node_at(finding.span, cst.BaseExpression)
        if self._drop_env_write(literal):
            return
        statement = self.parents.get(literal)
        target = _assigned_name(statement) if statement is not None else None
        scope = self.scopes.get(target) if target is not None else None
        if target is not None and scope is not None:
            reads = [a.node for s in scope.assignments[target.value] for a in s.references]
            if reads and all(self._drop_env_write(read) for read in reads):
                return
        raise _Unfixable(NO_FIX + " (the literal is not written into the environment)")

    def _drop_env_write(self, value: cst.CSTNode) -> bool:
        """Plan the removal of the environment write of ``value``, if it is one."""
        parent = self.parents.get(value)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Subscript) and self._qualified(target.value) == {
                    "os.environ"} and _subscript_key(target) in CREDENTIAL_ENV_NAMES:
                self._drop(parent)
                return True
        if isinstance(parent, (cst.Arg, cst.DictElement)) and parent.value is value:
            call = self._enclosing_call(parent)
            if call is not None and self._qualified(call.func) & ENV_WRITERS:
                if isinstance(parent, cst.Arg) and parent.keyword is None:
                    self._drop(self._statement_of(call, "the write's result is used"))
                else:
                    self._drop(parent)
                    self.writers.add(call)
                return True
        return False

    def _drop_writer_entry(self, nodes: Sequence[cst.CSTNode]) -> None:
        for node in nodes:
            entry = node if isinstance(node, cst.Arg) else self.parents.get(node)
            if isinstance(entry, (cst.Arg, cst.DictElement)):
                call = self._enclosing_call(entry)
                if call is not None:
                    self._drop(entry)
                    self.writers.add(call)
                    return
        raise _Unfixable("could not find the statement to remove")

    def _keep_used_settings(self) -> None:
        """A setting still read by code that stays (``OTHER = AWS_ACCESS_KEY_ID``) stays too."""
        changed = True
        while changed:
            changed = False
            for index, statement in list(self.setting_drops.items()):
                user = self._remaining_user(statement)
                if user is not None:
                    self.edits.drop.discard(statement)
                    del self.setting_drops[index]
                    finding = self.analysis.findings[index]
                    name = getattr(_assigned_name(statement), "value", "")
                    self.outcomes[index] = Outcome(
                        finding, False, f"{name} is still used at line {user}")
                    changed = True

    def _remaining_user(self, statement: cst.BaseSmallStatement) -> Optional[int]:
        """The line of a read of the statement's name outside removed statements."""
        target = _assigned_name(statement)
        scope = self.scopes.get(target) if target is not None else None
        if target is None or scope is None:
            return None
        for assignment in scope.assignments[target.value]:
            for access in assignment.references:
                holder: Optional[cst.CSTNode] = access.node
                while holder is not None and not isinstance(holder, cst.BaseSmallStatement):
                    holder = self.parents.get(holder)
                if holder not in self.edits.drop:
                    position = self.positions.get(access.node)
                    return position.start.line if position is not None else 0
        return None

    def removed_spans(self, nodes: Iterable[cst.CSTNode]) -> List[Span]:
        """Source spans of removed nodes that come from the original tree."""
        return [_span_of(self.positions[n]) for n in nodes if n in self.positions]

    def _drop_emptied_writers(self) -> None:
        """``os.environ.update({...})`` with every entry removed goes as a whole."""
        for call in self.writers:
            entries: List[cst.CSTNode] = []
            for arg in call.args:
                entries += list(arg.value.elements) if isinstance(arg.value, cst.Dict) else [arg]
            parent = self.parents.get(call)
            if all(e in self.edits.drop for e in entries) and isinstance(parent, cst.Expr):
                self.edits.drop -= set(entries)
                self.edits.drop.add(parent)

    # -- lookups ----------------------------------------------------------------------------
    def _node_at(self, span: Span, kind: "Union[type, Tuple[type, ...]]") -> "cst.CSTNode":
        for node in self.at.get(span, []):
            if isinstance(node, kind):
                return node
        raise _Unfixable(f"could not locate the code at line {span.line}, column {span.col + 1}")

    def _statement_of(self, call: cst.CSTNode, reason: str) -> cst.Expr:
        parent = self.parents.get(call)
        if isinstance(parent, cst.Expr):
            return parent
        raise _Unfixable(reason)

    def _enclosing_call(self, node: cst.CSTNode) -> Optional[cst.Call]:
        for _ in range(4):  # Arg -> Call, or DictElement -> Dict -> Arg -> Call
            node = self.parents.get(node)  # type: ignore[assignment]
            if isinstance(node, cst.Call):
                return node
            if node is None:
                return None
        return None

    def _qualified(self, node: cst.CSTNode) -> Set[str]:
        scope = self.scopes.get(node)
        return {q.name for q in scope.get_qualified_names_for(node)} if scope else set()

    def _drop(self, node: cst.CSTNode) -> None:
        self.edits.drop.add(node)


def _assigned_name(statement: cst.CSTNode) -> Optional[cst.Name]:
    """The target of ``NAME = value`` / ``NAME: T = value``."""
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        return target if isinstance(target, cst.Name) else None
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
        return statement.target
    return None


def _subscript_base(statement: cst.Assign) -> Optional[cst.Name]:
    """``d`` of the item assignment ``d["key"] = value``."""
    target = statement.targets[0].target if len(statement.targets) == 1 else None
    if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
        return target.value
    return None


def _subscript_key(node: cst.Subscript) -> Optional[str]:
    if len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            value = index.value.evaluated_value
            return value if isinstance(value, str) else None
    return None


def _meaning(block: cst.BaseSuite) -> List[str]:
    """A block's statements as ``ast`` dumps: equal blocks do the same, whatever their
    comments and formatting."""
    body = block.body if isinstance(block, cst.IndentedBlock) else [
        cst.SimpleStatementLine(list(block.body))]  # type: ignore[arg-type]
    return [ast.dump(ast.parse(cst.Module(body=[statement]).code)) for statement in body]


def _names_in(nodes: Iterable[cst.CSTNode]) -> Set[str]:
    found: Set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    for node in nodes:
        node.visit(_Names())
    return found


def _is_pure(node: cst.BaseExpression, scope: Optional[Scope]) -> bool:
    """Can the expression be dropped with its unused target?  Literals, names, attribute
    and item reads, and environment/config reads; never a call with other effects."""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Name)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _is_pure(node.left, scope) and _is_pure(node.right, scope)
    if isinstance(node, cst.FormattedString):
        return all(_is_pure(p.expression, scope) for p in node.parts
                   if isinstance(p, cst.FormattedStringExpression))
    if isinstance(node, cst.Attribute):
        return _is_pure(node.value, scope)
    if isinstance(node, cst.Subscript):
        return _is_pure(node.value, scope) and all(
            isinstance(e.slice, cst.Index) and _is_pure(e.slice.value, scope) for e in node.slice)
    if isinstance(node, (cst.BooleanOperation, cst.BinaryOperation)):
        return _is_pure(node.left, scope) and _is_pure(node.right, scope)
    if isinstance(node, cst.Comparison):  # "AWS_ACCESS_KEY_ID" in os.environ
        return _is_pure(node.left, scope) and all(
            _is_pure(c.comparator, scope) for c in node.comparisons)
    if isinstance(node, cst.UnaryOperation):
        return _is_pure(node.expression, scope)
    if isinstance(node, cst.Call):
        names = {q.name for q in scope.get_qualified_names_for(node.func)} if scope else set()
        method = isinstance(node.func, cst.Attribute) and node.func.attr.value in _PURE_METHODS
        return bool(names & _PURE_CALLS or method) and (
            not isinstance(node.func, cst.Attribute) or _is_pure(node.func.value, scope)) and all(
            _is_pure(a.value, scope) for a in node.args)
    return False


def _dead_assignments(wrapper: MetadataWrapper, candidates: Set[str],
                      public_globals: bool) -> Set[cst.CSTNode]:
    """Statements ``name = <pure value>`` whose name is a candidate and is never read here.

    A public module-level name may be imported by other modules, which this file cannot
    see: it goes only when ``public_globals`` (an unsafe fix), as ruff's F841 leaves
    module-level names alone."""
    resolved = wrapper.resolve_many({ScopeProvider, ParentNodeProvider})
    scopes, parents = resolved[ScopeProvider], resolved[ParentNodeProvider]
    exported = "__all__" in wrapper.module.code
    dead: Set[cst.CSTNode] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        if isinstance(scope, ClassScope):  # class attributes are read through ``self.``
            continue
        for name in candidates:
            if isinstance(scope, GlobalScope) and (exported or not (
                    public_globals or name.startswith("_"))):
                continue
            statements = [_assigning_statement(a, parents) for a in scope.assignments[name]]
            if not statements or any(s is None for s in statements) or any(
                    a.references for a in scope.assignments[name]):
                continue
            if all(_is_pure(s.value, scope) for s in statements if s is not None and s.value):
                dead.update(s for s in statements if s is not None)
    return dead


def _assigning_statement(assignment: object, parents: "object") -> Optional[
        Union[cst.Assign, cst.AnnAssign]]:
    """The single-target ``name = value`` statement behind a scope assignment, if it is one."""
    if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
        return None
    parent = parents.get(assignment.node)  # type: ignore[attr-defined]
    if isinstance(parent, cst.AnnAssign) and parent.value is not None:
        return parent
    if isinstance(parent, cst.AssignTarget):
        statement = parents.get(parent)  # type: ignore[attr-defined]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement
    return None


class RemoveHandPassedCredentials(CodemodCommand):
    """Remove the credentials lint-creds flags, so boto3 uses its default credential chain."""

    DESCRIPTION = ("Remove hand-passed AWS credentials (lint-creds findings) so boto3 uses its "
                   "default, role-aware credential chain.")

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes", dest="unsafe_fixes", action="store_true",
            help="also apply fixes that may change which identity the code runs under")

    def __init__(self, context: CodemodContext, unsafe_fixes: bool = False,
                 options: Options = DEFAULT_OPTIONS, analysis: Optional[Analysis] = None) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes
        self.options = options
        self.analysis = analysis
        self.report = FixReport()

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """The codemod plus libcst's queued import removal; a module whose first
        statements were removed does not start with blank lines."""
        return _without_new_leading_blanks(tree, self.transform_and_remove_imports(tree))

    def transform_and_remove_imports(self, tree: cst.Module) -> cst.Module:
        """:meth:`transform_module` without the final tidying of leading blank lines."""
        # Not ``super().transform_module``: that wraps (deep-copies) the tree for metadata
        # this command does not declare; the queued import removal is all we need of it.
        return remove_unused_imports(self.transform_module_impl(tree), self.context)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        analysis = self.analysis or analyze_source(
            tree.code, self.context.filename or "<stdin>", self.options)
        module = tree
        if wants_libcst(analysis, self.options, self.unsafe_fixes):
            wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
            planner = _Planner(wrapper, analysis, self.options, self.unsafe_fixes)
            edits, self.report = planner.plan()
            module = self._apply(tree, wrapper, edits, planner)
        else:
            self.report = report_without_fixing(analysis, self.options, self.unsafe_fixes)
        for outcome in self.report.left():
            self.warn(f"line {outcome.finding.line}: {outcome.finding.code} not fixed: "
                      f"{outcome.reason}")
        return module

    def _apply(self, tree: cst.Module, wrapper: MetadataWrapper, edits: Edits,
               planner: _Planner) -> cst.Module:
        if not edits.drop and not edits.rename and not edits.collapse:
            return tree
        self._queue_imports(wrapper, edits.removed())
        module = tree.visit(Remover(edits, planner.parents))
        assigned = {name for scope in set(planner.scopes.values()) if scope is not None
                    for name in _names_in(edits.removed()) if name in scope.assignments}
        candidates = set(assigned)  # only names some statement assigns can be pruned
        removed = set(edits.removed())
        for _ in range(_MAX_PRUNE_ROUNDS if candidates else 0):
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            dead = _dead_assignments(wrapper, candidates, public_globals=self.unsafe_fixes)
            if not dead:
                break
            removed |= dead
            self._queue_imports(wrapper, dead)
            fresh = _names_in(dead) - candidates  # a dead name can make the next one dead
            candidates |= fresh
            pruning = Edits()
            pruning.drop = dead
            module = module.visit(Remover(pruning, wrapper.resolve(ParentNodeProvider)))
            if not fresh:
                break
        self.report = _credit_removed(self.report, planner.removed_spans(removed))
        return module

    def _queue_imports(self, wrapper: MetadataWrapper, removed: Iterable[cst.CSTNode]) -> None:
        """Queue the imports the removed code used; libcst drops those left unused.

        This is ``RemoveImportsVisitor.remove_unused_import_by_node`` with one visitor for
        all nodes (building a visitor per node costs a tenth of a second each)."""
        visitor = RemovedNodeVisitor(replace(self.context, wrapper=wrapper))
        for node in removed:
            try:
                node.visit(visitor)
            except (ValueError, KeyError):  # a relative import libcst cannot resolve: keep it
                continue


def _credit_removed(report: FixReport, spans: Sequence[Span]) -> FixReport:
    """A finding inside code the fix removed (a literal in a dead assignment) is fixed."""
    return FixReport(tuple(
        o._replace(fixed=True, reason=None) if not o.fixed and o.reason != HELD_BACK and any(
            _contains(span, o.finding.span) for span in spans) else o
        for o in report.outcomes))


def fix_source(source: str, filename: str = "<stdin>", options: Options = DEFAULT_OPTIONS,
               unsafe_fixes: bool = False,
               analysis: Optional[Analysis] = None,
               tree: Optional[ast.Module] = None) -> Tuple[str, FixReport]:
    """Fix one module's text; returns the new text and what happened to each finding.

    ``analysis`` is the engine's result for ``source`` and ``tree`` its ``ast`` tree, when
    the caller already has them; libcst parses only modules with something to fix.
    """
    analysis = analysis or analyze_source(source, filename, options)
    if not wants_libcst(analysis, options, unsafe_fixes):
        return source, report_without_fixing(analysis, options, unsafe_fixes)

    def command() -> RemoveHandPassedCredentials:
        return RemoveHandPassedCredentials(CodemodContext(filename=filename), unsafe_fixes,
                                           options, analysis)

    module = cst.parse_module(source)
    sliced = slice_module(module, source, tree or ast.parse(source), analysis)
    if sliced is not None:  # a large module: the codemod sees only what matters
        sliced_command = command()
        restored = restore(sliced_command.transform_and_remove_imports(sliced.module), sliced)
        if restored is not None:
            return _without_new_leading_blanks(module, restored).code, sliced_command.report
    whole = command()
    return whole.transform_module(module).code, whole.report


def _without_new_leading_blanks(tree: cst.Module, result: cst.Module) -> cst.Module:
    """A module whose first statements were removed does not start with blank lines."""
    if result is tree or not result.body or not tree.body:
        return result
    first = result.body[0]
    if leading_blanks(first) > leading_blanks(tree.body[0]) and isinstance(
            first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        lines = list(first.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        result = result.with_changes(body=[first.with_changes(leading_lines=lines),
                                           *result.body[1:]])
    return result
