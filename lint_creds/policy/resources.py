"""The resource ARNs an action is needed on, narrowed by what the call's arguments say.

AWS publishes an ARN template per resource type (``arn:${Partition}:s3:::${BucketName}/
${ObjectName}``). Each variable is filled from the call's arguments where they are constants
(a literal, a module constant, an f-string's literal prefix followed by ``*``); a variable
that cannot be known becomes ``*`` and the resource is marked as widened. An action with no
resource type, or none whose name the call gives, is needed on ``*``.
"""
from __future__ import annotations

import ast
import re
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from ..engine.origins import Kind
from ..engine.values import ValueResolver
from . import catalog
from .actions import Need

_VARIABLE = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Place(NamedTuple):
    """Where the ARNs are: ``partition``, ``region``, ``account`` (``*``: any)."""

    partition: str = "aws"
    region: str = "*"
    account: str = "*"


class Resolved(NamedTuple):
    """An action's resource, and what could not be known of it (empty: fully narrowed)."""

    arn: str
    unknown: Tuple[str, ...]


def _last(separator: str) -> Callable[[str], str]:
    return lambda text: text.rstrip(separator).rsplit(separator, 1)[-1]


#: Template variable -> [(argument, how its text becomes the variable's value)].
_FROM_ARGUMENTS: Dict[str, List[Tuple[str, Callable[[str], str]]]] = {
    "BucketName": [("Bucket", str)],
    "ObjectName": [("Key", str)],
    "QueueName": [("QueueName", str), ("QueueUrl", _last("/"))],
    "TableName": [("TableName", str)],
    "TopicName": [("TopicArn", _last(":")), ("Name", str)],
    "SecretId": [("SecretId", lambda t: t.rsplit(":", 1)[-1] if t.startswith("arn:") else (
        f"{t}-??????"))],  # a secret's ARN ends in six random characters
    "FunctionName": [("FunctionName", _last(":"))],
    "StreamName": [("StreamName", str), ("StreamARN", _last("/"))],
    "LogGroupName": [("logGroupName", str)],
    "LogStreamName": [("logStreamName", str)],
    "ParameterNameWithoutLeadingSlash": [("Name", lambda t: t.lstrip("/"))],
    "KeyId": [("KeyId", lambda t: _last("/")(t) if t.startswith("arn:") else t)],
}


def _spelled_like(variable: str, texts: Dict[str, Optional[str]]) -> Optional[str]:
    """The value of an argument the SDK spells like an ARN template's variable, for the
    services the table above does not list: ``DeliveryStreamName``, ``WorkGroup`` for
    ``WorkGroupName``, an ARN argument (``stateMachineArn``) for ``StateMachineName``."""
    wanted = variable.lower()
    base = wanted[:-4] if wanted.endswith("name") and len(wanted) > 4 else wanted
    for argument, text in sorted(texts.items()):
        name = argument.lower()
        if not text or name not in (wanted, base, base + "arn"):
            continue
        if text.startswith("arn:"):  # ``arn:aws:states:...:stateMachine:etl`` -> ``etl``
            return re.split(r"[:/]", text)[-1] or None
        return None if name == base + "arn" else text
    return None


class ResourceNarrower:
    """Fills ARN templates for one module (its resolver evaluates the arguments;
    ``imported`` gives the text of a constant another module of the project defines)."""

    def __init__(self, resolver: ValueResolver, place: Place,
                 imported: Callable[[str], Optional[str]] = lambda qualname: None) -> None:
        self.resolver = resolver
        self.place = place
        self.imported = imported

    def resources(self, need: Need) -> List[Resolved]:
        """The resources of ``need``: one per resource type the call names fully, else
        those whose identifying part it names (the rest ``*``), else ``*``."""
        prefix, _, name = need.action.partition(":")
        action = catalog.action(prefix, name)
        types = action.resources if action is not None else ()
        if not types:
            return [Resolved("*", ())]
        texts = {argument: self.text(*value) for argument, value in need.arguments.items()}
        filled = [self._fill(t.arn, texts) for t in types]
        narrowed = [r for r, t in zip(filled, types) if not r.unknown]
        if narrowed:
            return narrowed
        partial = [r for r, t in zip(filled, types) if _named(r, t.arn)]
        if partial:
            return partial
        return [Resolved("*", ("every resource",))]

    def _fill(self, template: str, texts: Dict[str, Optional[str]]) -> Resolved:
        unknown: List[str] = []

        def value(match: "re.Match[str]") -> str:
            variable = match.group(1)
            if variable == "Partition":
                return self.place.partition
            if variable == "Region":
                return self.place.region
            if variable == "Account":
                return self.place.account
            for argument, convert in _FROM_ARGUMENTS.get(variable, ()):
                text = texts.get(argument)
                if text:
                    if variable == "KeyId" and not _UUID.match(convert(text)):
                        break  # an alias names no key ARN
                    return convert(text)
            else:
                named = _spelled_like(variable, texts)
                if named:
                    return named
            unknown.append(variable)
            return "*"

        return Resolved(_VARIABLE.sub(value, template), tuple(unknown))

    def text(self, node: ast.expr, scope: object) -> Optional[str]:
        """The constant text of an argument; an f-string or ``+`` with a constant start
        gives that start and ``*``; None when nothing of it is known."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts: List[str] = []
            for part in node.values:
                known = self.text(part.value, scope) if isinstance(
                    part, ast.FormattedValue) and part.format_spec is None else (
                    part.value if isinstance(part, ast.Constant) else None)
                if known is None or "*" in known:
                    parts.append((known or "").split("*", 1)[0] + "*")
                    break
                parts.append(known)
            return "".join(parts) if parts and parts[0] != "*" else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.text(node.left, scope)
            if left is None or left.endswith("*"):
                return left
            right = self.text(node.right, scope)
            return left + (right if right is not None else "*")
        value = self.resolver.classify(node, scope)  # type: ignore[arg-type]
        if value is not None and value.kind is Kind.LITERAL and value.literal is not None:
            return value.literal
        # The index keeps no text that could be key material ("policy-e2e-thumbnailer"
        # could be), so a name imported from the project is read from its module.
        qualname = self.resolver.qualname(node, scope)  # type: ignore[arg-type]
        return self.imported(qualname) if qualname else None


def _named(resolved: Resolved, template: str) -> bool:
    """Did the call name what identifies the resource (the template's first own variable:
    the bucket of an object, the table of an index)?"""
    own = [v for v in _VARIABLE.findall(template) if v not in ("Partition", "Region", "Account")]
    return bool(own) and own[0] not in resolved.unknown
