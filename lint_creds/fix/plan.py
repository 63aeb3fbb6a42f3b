"""Pass 1 of the codemod: the engine's records turned into a plan of node removals.

Sink calls lose their credential group (keywords, positional credentials, entries of splatted
dicts and ``storage_options``), whole or not at all; statement findings (settings, env
writes, ``set_credentials``) lose their statement; a guard that only tests the credentials
collapses to the default client (unsafe; :mod:`lint_creds.fix.guards`); a fix that would hand
the code to other static keys waits (:mod:`lint_creds.fix.identity`). Each step is planned
atomically: a step the planner cannot prove safe raises :class:`Unfixable`, its edits are
dropped, and the reason goes into the finding's outcome.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import (
    ClassScope, GlobalScope, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider,
)

from ..engine.origins import ENV_WRITERS
from ..findings import Analysis, ArgKind, CredentialArg, Finding, SinkCall, Span
from ..options import Options
from ..patterns import CREDENTIAL_ENV_NAMES, looks_like_credential
from .guards import collapse_repeating_handlers, guarded, plan_guard
from .identity import inherited_credentials, storage_fallback
from .outcomes import (
    NO_FIX, SINK_CODES, FixReport, Outcome, ProjectReads, Unfixable, contains as _contains,
    innermost_sink, sink_reason, span_of, statement_reason,
)
from .removal import Edits


class Planner:
    """Turns the engine's records into :class:`Edits` on one libcst tree."""

    def __init__(self, wrapper: MetadataWrapper, analysis: Analysis, options: Options,
                 unsafe_fixes: bool, project: Optional[ProjectReads] = None) -> None:
        self.analysis = analysis
        self.options = options
        self.unsafe_fixes = unsafe_fixes
        #: What the project's other files say; None: this module is seen alone.
        self.project = project
        resolved = wrapper.resolve_many({ParentNodeProvider, ScopeProvider, PositionProvider})
        self.parents = resolved[ParentNodeProvider]
        self.scopes = resolved[ScopeProvider]
        self.positions = resolved[PositionProvider]
        self.at: Dict[Span, List[cst.CSTNode]] = {}
        for node, position in self.positions.items():
            self.at.setdefault(span_of(position), []).append(node)
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
        for sink, reason in list(reasons.items()):
            if reason is None:
                reasons[sink] = inherited_credentials(self, sink, reasons)
        self.fixing = [s.span for s, reason in reasons.items() if reason is None]
        for sink, reason in reasons.items():
            if reason is None:
                reasons[sink] = self._attempt(lambda: self.plan_sink(sink))
        for line, held in guarded(self, reasons).items():
            if self._attempt(lambda: plan_guard(self, line, held)) is None:
                reasons.update({sink: None for sink in held})
        if self.unsafe_fixes:
            collapse_repeating_handlers(self, [s for s, r in reasons.items() if r is None])
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
        except Unfixable as problem:
            self.edits = saved
            return str(problem)
        except (LookupError, ValueError, TypeError, AttributeError) as error:
            self.edits = saved  # engine and tree disagree: leave the code alone, say so
            return f"internal error while planning the fix ({type(error).__name__}: {error})"
        saved.merge(self.edits)
        self.edits = saved
        return None

    # -- sink calls -----------------------------------------------------------------------
    def plan_sink(self, sink: SinkCall) -> None:
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
                raise Unfixable(f"the {arg.key!r} entry also feeds the call on line "
                                f"{self.shared[arg.container or arg.span]}, which is not fixed")
            elif not _contains(sink.span, arg.container or arg.span):
                self._check_dict_only_feeds(arg.container or arg.span)
                self._drop_entry(arg)
            else:
                self._drop_entry(arg)
        self._rename_positionals(sink, positional, removed)

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
                    raise Unfixable(f"cannot name positional argument {index + 1} of "
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
            raise Unfixable("could not prove what else uses the credentials dict")
        for assignment in scope.assignments[target.value]:
            for access in assignment.references:
                position = self.positions.get(access.node)
                if position is None:
                    raise Unfixable(f"{target.value} is used where it cannot be tracked")
                span = span_of(position)
                if not (any(_contains(f, span) for f in self.fixing)
                        or self._item_assignment(access.node)):
                    raise Unfixable(f"the credentials dict {target.value} is also used on "
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
        raise Unfixable(f"keyword {name}= not found in the call")

    # -- statements -----------------------------------------------------------------------
    def _plan_statement(self, index: int, finding: Finding) -> None:
        nodes = self.at.get(finding.span, [])
        statement = next((n for n in nodes if isinstance(n, cst.BaseSmallStatement)), None)
        if finding.code == "CRD102":
            self._plan_env_literal(index, finding)
        elif statement is not None:
            self._keep_storage_identity(statement)
            self._drop(statement)
            if _assigned_name(statement) is not None:
                self.setting_drops[index] = statement
        elif any(isinstance(n, cst.Call) for n in nodes):  # os.putenv(K, v), setdefault(K, v)
            call = next(n for n in nodes if isinstance(n, cst.Call))
            self._drop(self._statement_of(call, "the write's result is used"))
        else:  # a keyword or dict key inside ``.update(...)``
            self._drop_writer_entry(nodes)

    def _keep_storage_identity(self, statement: cst.BaseSmallStatement) -> None:
        target = _assigned_name(statement)
        if target is not None and self.project is not None:
            reason = storage_fallback(statement, target, self.scopes.get(target), self.project)
            if reason is not None:
                raise Unfixable(reason)

    def _plan_env_literal(self, index: int, finding: Finding) -> None:
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
            if not reads and isinstance(statement, (cst.Assign, cst.AnnAssign)) and (
                    _whole_credential(literal)):
                self._drop_unread_binding(index, statement)
                return
        raise Unfixable(NO_FIX + " (the literal is not a key bound to a name of its own)")

    def _drop_unread_binding(self, index: int, statement: cst.BaseSmallStatement) -> None:
        """``NAME = "<key>"`` goes, unless :meth:`_keep_used_settings` finds ``NAME`` still
        read once the plan's removals are done: in this module or, for a module-level name
        or a class attribute, in any other file of the project."""
        self._keep_storage_identity(statement)
        self._drop(statement)
        self.setting_drops[index] = statement

    def _drop_env_write(self, value: cst.CSTNode) -> bool:
        """Plan the removal of the environment write of ``value``, if it is one."""
        parent = self.parents.get(value)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Subscript) and self.qualified(target.value) == {
                    "os.environ"} and _subscript_key(target) in CREDENTIAL_ENV_NAMES:
                self._drop(parent)
                return True
        if isinstance(parent, (cst.Arg, cst.DictElement)) and parent.value is value:
            call = self._enclosing_call(parent)
            if call is not None and self.qualified(call.func) & ENV_WRITERS:
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
        raise Unfixable("could not find the statement to remove")

    def _keep_used_settings(self) -> None:
        """A setting or key still read by code that stays (``OTHER = AWS_ACCESS_KEY_ID``, in
        this module or, through the project, in another) stays too."""
        changed = True
        while changed:
            changed = False
            for index, statement in list(self.setting_drops.items()):
                where = self._still_read_at(statement)
                if where is not None:
                    self.edits.drop.discard(statement)
                    del self.setting_drops[index]
                    finding = self.analysis.findings[index]
                    name = getattr(_assigned_name(statement), "value", "")
                    self.outcomes[index] = Outcome(
                        finding, False, f"{name} is still read at {where}")
                    changed = True

    def _still_read_at(self, statement: cst.BaseSmallStatement) -> Optional[str]:
        """Where the name the statement binds is read outside the planned removals."""
        target = _assigned_name(statement)
        scope = self.scopes.get(target) if target is not None else None
        if target is None or scope is None:
            return None
        line = self._remaining_user(statement)
        if line is None and isinstance(scope, (ClassScope, GlobalScope)):
            line = self._attribute_read(target.value)  # self.NAME, __all__, getattr(m, "NAME")
        if line is not None:
            return f"line {line}"
        if self.project is not None and isinstance(scope, GlobalScope):
            return self.project.read_elsewhere(target.value, None)
        if self.project is not None and isinstance(scope, ClassScope):
            return self.project.read_elsewhere(target.value, scope.name)
        return None

    def _remaining_user(self, statement: cst.BaseSmallStatement) -> Optional[int]:
        """The line of a read of the statement's name outside the planned removals."""
        target = _assigned_name(statement)
        scope = self.scopes.get(target) if target is not None else None
        if target is None or scope is None:
            return None
        for assignment in scope.assignments[target.value]:
            for access in assignment.references:
                if not self._removed(access.node):
                    position = self.positions.get(access.node)
                    return position.start.line if position is not None else 0
        return None

    def _removed(self, node: cst.CSTNode) -> bool:
        """Is ``node`` inside a node the plan removes?"""
        holder: Optional[cst.CSTNode] = node
        while holder is not None:
            if holder in self.edits.drop:
                return True
            holder = self.parents.get(holder)
        return False

    def _attribute_read(self, name: str) -> Optional[int]:
        """The line of a ``.name`` read or a ``"name"`` string in this module, if any (a
        class attribute is read through its instances; a module-level name may be listed in
        ``__all__`` or looked up by ``getattr``)."""
        for node, position in self.positions.items():
            if ((isinstance(node, cst.Attribute) and node.attr.value == name) or (
                    isinstance(node, cst.SimpleString) and node.evaluated_value == name)) and (
                    not self._removed(node)):
                return position.start.line
        return None

    def removed_spans(self, nodes: Iterable[cst.CSTNode]) -> List[Span]:
        """Source spans of removed nodes that come from the original tree."""
        return [span_of(self.positions[n]) for n in nodes if n in self.positions]

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
        raise Unfixable(f"could not locate the code at line {span.line}, column {span.col + 1}")

    def _statement_of(self, call: cst.CSTNode, reason: str) -> cst.Expr:
        parent = self.parents.get(call)
        if isinstance(parent, cst.Expr):
            return parent
        raise Unfixable(reason)

    def _enclosing_call(self, node: cst.CSTNode) -> Optional[cst.Call]:
        for _ in range(4):  # Arg -> Call, or DictElement -> Dict -> Arg -> Call
            node = self.parents.get(node)  # type: ignore[assignment]
            if isinstance(node, cst.Call):
                return node
            if node is None:
                return None
        return None

    def qualified(self, node: cst.CSTNode) -> Set[str]:
        """The qualified names ``node`` may stand for (``boto3.Session`` ...)."""
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


def _whole_credential(node: cst.CSTNode) -> bool:
    """Is ``node`` a string that is a credential as a whole (not prose that mentions one)?"""
    value = node.evaluated_value if isinstance(
        node, (cst.SimpleString, cst.ConcatenatedString)) else None
    return isinstance(value, str) and looks_like_credential(value)


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
