"""Guarded fallbacks: code that passes the credentials when they are set and builds the
same client without them otherwise. Without its credentials the guarded branch is the
fallback, so with ``--unsafe-fixes`` the guard collapses to the default client:

- ``if <credentials set>: client(creds) else: client()`` -> ``client()``;
- ``if <credentials set>: return client(creds)`` then ``return client()`` -> the latter
  (an early return; a walrus in the test is a read like any other);
- ``try: client(creds) except ...: client()`` -> ``client()``, once the credentials are gone
  and every handler repeats the ``try`` body.

A guard that does more than test the credentials, or branches that differ by more than the
credentials, stay as they are (the finding says why). Each function takes the
:class:`~lint_creds.fix.plan.Planner` whose tree and edits it works on.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence

import libcst as cst

from ..findings import SinkCall
from .outcomes import Unfixable, contains, span_of
from .prune import is_pure
from .removal import Edits, Remover

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Planner


def guarded(planner: "Planner", reasons: Mapping[SinkCall, Optional[str]]
            ) -> Dict[int, List[SinkCall]]:
    """Sink calls blocked only by an ``if`` that tests the credentials, by its line."""
    found: Dict[int, List[SinkCall]] = {}
    if planner.unsafe_fixes:
        for sink, reason in reasons.items():
            if sink.guard_line is not None and reason == sink.blocked:
                found.setdefault(sink.guard_line, []).append(sink)
    return found


def plan_guard(planner: "Planner", line: int, sinks: List[SinkCall]) -> None:
    """``if <credentials set>: client(creds) else: client()`` -> ``client()``: when the
    ``if`` branch without its credentials is the ``else`` branch, both do the same."""
    guard = next((n for n, p in planner.positions.items() if isinstance(n, cst.If)
                  and p.start.line == line and contains(span_of(p), sinks[0].span)), None)
    if guard is not None and guard.orelse is None:
        _plan_early_return(planner, guard, sinks)
        return
    if guard is None or not isinstance(guard.orelse, cst.Else):
        raise Unfixable("the guard is not a plain if/else")
    _check_test(planner, guard, sinks)
    without = _without_credentials(planner, guard, sinks)
    if _meaning(without) != _meaning(guard.orelse.body):
        raise Unfixable("the branch that tests the credentials differs from its else "
                        "branch by more than the credentials")
    planner.edits = Edits()
    planner.edits.collapse.add(guard)


def _plan_early_return(planner: "Planner", guard: cst.If, sinks: List[SinkCall]) -> None:
    """``if <credentials set>: return client(creds)`` followed by ``return client()``: the
    ``if`` goes when its branch, without the credentials, ends the function as the
    statements after it do."""
    block = planner.parents.get(guard)
    after = list(getattr(block, "body", ()))
    after = after[after.index(guard) + 1:] if guard in after else []
    if not after or not _ends_function(guard.body):
        raise Unfixable("the guard is not an early return before the same code")
    _check_test(planner, guard, sinks)
    without = _without_credentials(planner, guard, sinks)
    if _meaning(without) != _meaning_of(after):
        raise Unfixable("the branch that tests the credentials differs from the code after "
                        "it by more than the credentials")
    planner.edits = Edits()
    planner.edits.drop.add(guard)


def collapse_repeating_handlers(planner: "Planner", fixed: Sequence[SinkCall]) -> None:
    """``try: client(creds) except ...: client()``: once the plan removes the credentials,
    a ``try`` (no ``else``/``finally``) whose every handler repeats its body goes, leaving
    the body."""
    for node, position in planner.positions.items():
        if not isinstance(node, cst.Try) or node.orelse is not None or (
                node.finalbody is not None) or not node.handlers:
            continue
        body = span_of(planner.positions[node.body])
        if not any(contains(body, sink.span) for sink in fixed):
            continue
        without = _meaning(node.body.visit(Remover(planner.edits, planner.parents)))
        if all(_meaning(handler.body) == without for handler in node.handlers):
            planner.edits.collapse.add(node)


def _check_test(planner: "Planner", guard: cst.If, sinks: List[SinkCall]) -> None:
    body = span_of(planner.positions[guard.body])
    if not all(contains(body, sink.span) for sink in sinks) or not is_pure(
            guard.test, planner.scopes.get(guard.test)):
        raise Unfixable("the guard does more than test the credentials")


def _without_credentials(planner: "Planner", guard: cst.If,
                         sinks: List[SinkCall]) -> cst.BaseSuite:
    """The guarded branch with the sinks' credentials planned away."""
    for sink in sinks:
        planner.plan_sink(sink)
    return guard.body.visit(Remover(planner.edits, planner.parents))


def _meaning(block: cst.BaseSuite) -> List[str]:
    """A block's statements as ``ast`` dumps: equal blocks do the same, whatever their
    comments and formatting."""
    body = block.body if isinstance(block, cst.IndentedBlock) else [
        cst.SimpleStatementLine(list(block.body))]  # type: ignore[arg-type]
    return _meaning_of(body)


def _meaning_of(statements: Sequence[cst.BaseStatement]) -> List[str]:
    return [ast.dump(ast.parse(cst.Module(body=[statement]).code)) for statement in statements]


def _ends_function(block: cst.BaseSuite) -> bool:
    """Does the block end in ``return`` or ``raise`` (so nothing after it runs)?"""
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    small = last.body if isinstance(last, cst.SimpleStatementLine) else (
        block.body if isinstance(block, cst.SimpleStatementSuite) else [])
    return bool(small) and isinstance(small[-1], (cst.Return, cst.Raise))
