"""SDK objects that reach a function through its parameters.

A client is often built in one place and handed to the code that uses it:
``upload(s3, "reports", path)``, ``ReportStore(boto3.client("s3"))``, a handler module
calling a storage module. The policy follows such a call into the callee with the
parameters bound to what the caller passed (:func:`bind_arguments`); a parameter no call
binds is still known by its type hint (``mypy_boto3_s3.S3Client``, ``BaseClient``:
:func:`annotated_receiver`) or by its default.
"""
from __future__ import annotations

import ast
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import catalog

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

#: Stub packages that name a service's types: ``mypy_boto3_s3.client.S3Client``.
_STUB_PACKAGES = ("mypy_boto3_", "types_aiobotocore_", "types_boto3_")
#: Type hints for a client whose service the hint does not say (its calls are unresolved).
_ANY_CLIENT = frozenset({
    "botocore.client.BaseClient", "aiobotocore.client.AioBaseClient",
})


def bind_arguments(function: FunctionNode, args: Sequence[Optional[object]],
                   keywords: Sequence[Tuple[str, object]], skip_first: bool,
                   ) -> Dict[str, object]:
    """``{parameter name: what the caller passed}`` for the arguments that stand for an SDK
    object; ``skip_first`` drops ``self``/``cls`` (a method or a class being called)."""
    spec = function.args
    positional = [*getattr(spec, "posonlyargs", []), *spec.args][1 if skip_first else 0:]
    bound: Dict[str, object] = {}
    for parameter, passed in zip(positional, args):
        if passed is not None:
            bound[parameter.arg] = passed
    by_keyword = {p.arg for p in [*spec.args, *spec.kwonlyargs]}
    for name, passed in keywords:
        if name in by_keyword:
            bound[name] = passed
    return bound


def initializer(cls: ast.ClassDef) -> Optional[FunctionNode]:
    """The class's own ``__init__``, whose parameters the class's call binds."""
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                statement.name == "__init__"):
            return statement
    return None


def annotation_of(function: ast.AST, name: str) -> Optional[ast.expr]:
    """The type hint of parameter ``name`` of ``function``, parsed if written as a string."""
    spec = getattr(function, "args", None)
    if not isinstance(spec, ast.arguments):
        return None
    for parameter in [*getattr(spec, "posonlyargs", []), *spec.args, *spec.kwonlyargs]:
        if parameter.arg == name and parameter.annotation is not None:
            hint = parameter.annotation
            if isinstance(hint, ast.Constant) and isinstance(hint.value, str):
                try:
                    hint = ast.parse(hint.value, mode="eval").body
                except SyntaxError:
                    return None
                for node in ast.walk(hint):  # a parsed hint has no place of its own
                    ast.copy_location(node, parameter)
            return hint
    return None


class HintedType(NamedTuple):
    """What a type hint says of a parameter: ``client`` or ``resource`` (with its type
    name, ``ServiceResource`` for the service's root) of ``service`` (None: not said)."""

    kind: str
    service: Optional[str]
    name: str


def hinted_type(qualnames: List[str]) -> Optional[HintedType]:
    """The SDK type one of ``qualnames`` (a hint's candidates, ``Optional[...]`` unwrapped
    by the caller) names, if any."""
    for qualname in qualnames:
        if qualname in _ANY_CLIENT:
            return HintedType("client", None, "")
        for package in _STUB_PACKAGES:
            if not qualname.startswith(package):
                continue
            module, _, type_name = qualname.rpartition(".")
            service = _service_of_stub(module.split(".", 1)[0][len(package):])
            if service is None:
                continue
            if type_name.endswith("Client"):
                return HintedType("client", service, "")
            if type_name.endswith("ServiceResource"):
                return HintedType("resource", service, "ServiceResource")
            if ".service_resource" in module:
                return HintedType("resource", service, type_name)
    return None


def hint_candidates(hint: ast.expr) -> List[ast.expr]:
    """The types a hint allows: ``Optional[X]``, ``X | None``, ``Union[X, Y]`` unwrapped."""
    if isinstance(hint, ast.BinOp) and isinstance(hint.op, ast.BitOr):
        return hint_candidates(hint.left) + hint_candidates(hint.right)
    if isinstance(hint, ast.Subscript):
        inner = hint.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return [hint] + [c for item in items for c in hint_candidates(item)]
    if isinstance(hint, ast.Constant) and isinstance(hint.value, str):  # ``Optional["X"]``
        try:
            parsed = ast.parse(hint.value, mode="eval").body
        except SyntaxError:
            return []
        for node in ast.walk(parsed):
            ast.copy_location(node, hint)
        return hint_candidates(parsed)
    return [hint]


def _service_of_stub(suffix: str) -> Optional[str]:
    """``s3`` for ``mypy_boto3_s3``; ``sso-admin`` for ``mypy_boto3_sso_admin``."""
    for service in (suffix.replace("_", "-"), suffix):
        if service and catalog.service_prefix(service) is not None:
            return service
    return None
