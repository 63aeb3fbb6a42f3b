"""Fixes that would change who the code runs as: held back, with what to do instead.

Removing keys is meant to hand the code to the default credential chain, the role. Two
places hand it to *other* static keys instead:

- ``session = boto3.Session(<credentials>)`` then ``session.client("s3", <keys>)``: without
  its keys the client takes the session's, which stay when the session is not fixed (its
  credentials come from a parameter, or are exempted);
- a django-storages class without ``access_key``/``secret_key`` of its own takes the global
  ``AWS_S3_ACCESS_KEY_ID``/``AWS_ACCESS_KEY_ID`` settings (``S3Storage.get_default_settings``),
  which stay while the project defines them (another bucket's key, exempted).

Each check returns the reason the fix must wait, or None.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional

import libcst as cst
from libcst.metadata import ClassScope, Scope

from ..findings import SinkCall, Span
from .outcomes import STORAGE_FALLBACKS, ProjectReads

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Planner

#: Session classes whose clients take the session's credentials.
SESSIONS = frozenset({"boto3.Session", "boto3.session.Session", "aioboto3.Session",
                      "aioboto3.session.Session"})
#: django-storages' per-class credentials (see ``STORAGE_FALLBACKS``).
STORAGE_KEYS = frozenset({"access_key", "secret_key", "security_token"})
_CREDENTIAL_KEYWORDS = frozenset({"aws_access_key_id", "aws_secret_access_key",
                                  "aws_session_token"})


def inherited_credentials(planner: "Planner", sink: SinkCall,
                          reasons: Mapping[SinkCall, Optional[str]]) -> Optional[str]:
    """Why ``session.client(<keys>)`` must keep its keys, if the session it is made from
    keeps credentials of its own."""
    call = next((n for n in planner.at.get(sink.span, []) if isinstance(n, cst.Call)), None)
    func = call.func if call is not None else None
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name) or (
            func.attr.value not in ("client", "resource")):
        return None
    scope = planner.scopes.get(func.value)
    by_span = {s.span: s for s in reasons}
    for assignment in scope.assignments[func.value.value] if scope is not None else ():
        statement = planner.parents.get(getattr(assignment, "node", None))
        if isinstance(statement, cst.AssignTarget):
            statement = planner.parents.get(statement)
        value = getattr(statement, "value", None)
        if not isinstance(value, cst.Call) or not _passes_credentials(value) or not (
                planner.qualified(value.func) & SESSIONS):
            continue
        position = planner.positions.get(value)
        if position is None:
            continue
        session = by_span.get(Span(position.start.line, position.start.column,
                                   position.end.line, position.end.column))
        if session is None or reasons[session] is not None:
            why = f" ({reasons[session]})" if session is not None else ""
            return (f"without them the client would take the credentials of the session at "
                    f"line {position.start.line}, which stay{why}")
    return None


def storage_fallback(statement: cst.BaseSmallStatement, target: cst.Name,
                     scope: Optional[Scope], project: ProjectReads) -> Optional[str]:
    """Why a storage class's ``target`` key must stay: the project still defines a global
    key setting the class would fall back to. (A class attribute that reads that very
    setting changes nothing.)"""
    if target.value not in STORAGE_KEYS or not isinstance(scope, ClassScope):
        return None
    value = getattr(statement, "value", None)
    if isinstance(value, cst.Attribute) and value.attr.value in STORAGE_FALLBACKS:
        return None
    where = project.global_keys()
    if where is None:
        return None
    return (f"without {target.value} the storage falls back to the global key setting at "
            f"{where}, another static key; remove that setting too")


def _passes_credentials(call: cst.Call) -> bool:
    """Does the session call pass credentials (as keywords, positionally or splatted)?"""
    return any(a.keyword is None or a.keyword.value in _CREDENTIAL_KEYWORDS for a in call.args)
