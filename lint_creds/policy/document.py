"""The policy document: actions grouped by service and resource, sorted, with readable
``Sid``s, plus what the text report shows beside it (who needs each statement, the calls
that could not be resolved, the resources widened to ``*``). The same findings always give
byte-identical output."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, DefaultDict, Dict, FrozenSet, List, NamedTuple, Set, Tuple

_WORDS = re.compile(r"[A-Za-z0-9]+")


class Use(NamedTuple):
    """One call's need of an action on a resource."""

    action: str
    resource: str
    where: str  # ``path:line``
    call: str  # ``s3.put_object()``
    note: str = ""  # an implied permission's reason; a widened resource's unknowns


class Statement(NamedTuple):
    sid: str
    actions: Tuple[str, ...]
    resources: Tuple[str, ...]
    uses: Tuple[Use, ...]


class Draft(NamedTuple):
    """Everything ``lint-creds policy`` reports."""

    statements: Tuple[Statement, ...]
    unresolved: Tuple[Tuple[str, str, str], ...]  # (where, call, reason)
    warnings: Tuple[str, ...]

    def document(self) -> Dict[str, Any]:
        """The identity policy, ready for ``aws iam put-role-policy``."""
        return {"Version": "2012-10-17", "Statement": [
            {"Sid": s.sid, "Effect": "Allow", "Action": list(s.actions),
             "Resource": list(s.resources) if len(s.resources) > 1 else s.resources[0]}
            for s in self.statements]}


def build(uses: List[Use], unresolved: List[Tuple[str, str, str]]) -> Draft:
    """Group ``uses`` into statements (one per service and resource set)."""
    resources: DefaultDict[str, Set[str]] = defaultdict(set)
    for use in uses:
        resources[use.action].add(use.resource)
    for action, arns in resources.items():
        if "*" in arns:
            resources[action] = {"*"}
    grouped: DefaultDict[Tuple[str, FrozenSet[str]], Set[str]] = defaultdict(set)
    for action, arns in resources.items():
        grouped[(action.split(":", 1)[0], frozenset(arns))].add(action)
    statements: List[Statement] = []
    taken: Set[str] = set()
    for (prefix, arns), actions in sorted(grouped.items(),
                                          key=lambda item: (item[0][0], sorted(item[0][1]))):
        ordered = tuple(sorted(arns))
        statement_uses = tuple(sorted({u for u in uses if u.action in actions
                                       and (u.resource in arns or arns == {"*"})}))
        statements.append(Statement(_sid(prefix, ordered, taken), tuple(sorted(actions)),
                                    ordered, statement_uses))
    warnings = sorted({f"{u.where}: {u.call} needs {u.action} on {u.resource}"
                       f" ({u.note})" for u in uses if "widened" in u.note})
    return Draft(tuple(statements), tuple(sorted(set(unresolved))), tuple(warnings))


def _sid(prefix: str, arns: Tuple[str, ...], taken: Set[str]) -> str:
    """``S3ReportsBucket``, ``SqsAny``: the service and the first resource's name."""
    name = "Any" if arns == ("*",) else "".join(
        word[:1].upper() + word[1:] for word in _WORDS.findall(_resource_name(arns[0])))[:40]
    base = _camel(prefix) + (name or "Resources")
    sid, number = base, 2
    while sid in taken:
        sid, number = f"{base}{number}", number + 1
    taken.add(sid)
    return sid


def _resource_name(arn: str) -> str:
    """What names the resource in an ARN: after the account field (``my-bucket/*``)."""
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else arn


def _camel(prefix: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in _WORDS.findall(prefix))


def render_text(draft: Draft) -> str:
    """Each statement with the calls that need it, then what the draft could not know."""
    lines: List[str] = []
    for statement in draft.statements:
        lines.append(f"{statement.sid}: {', '.join(statement.actions)}")
        lines.extend(f"  on {arn}" for arn in statement.resources)
        for use in statement.uses:
            note = f" [{use.note}]" if use.note else ""
            lines.append(f"    {use.where}: {use.call} -> {use.action}{note}")
    if not draft.statements:
        lines.append("No AWS SDK call found: the role needs no permission for this code.")
    if draft.unresolved:
        lines += ["", "Unresolved calls (their permissions are not in the draft):"]
        lines.extend(f"  {where}: {call}: {reason}" for where, call, reason in draft.unresolved)
    if draft.warnings:
        lines += ["", "Warnings (resources the code does not name; narrow them by hand):"]
        lines.extend(f"  {warning}" for warning in draft.warnings)
    return "\n".join(lines) + "\n"
