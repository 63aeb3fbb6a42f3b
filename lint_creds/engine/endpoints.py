"""Custom endpoints: is a call (or the settings around it) talking to something that is
not provably AWS (MinIO, localstack, another cloud)? There explicit keys are legitimate,
so env/settings/frozen credentials are not reported by default."""
from __future__ import annotations

import ast
import re
import string
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..patterns import lazy_compile
from ..sinks import ENDPOINT_KEYWORDS, SESSION_METHOD_SINKS, SinkSpec, is_aws_skeleton
from .origins import MAX_DEPTH
from .scopes import Scope
from .values import Kind, ValueResolver

#: Settings / storage-class attributes that point the SDK at another service.
ENDPOINT_SETTINGS = ("AWS_S3_ENDPOINT_URL", "endpoint_url", "AWS_ENDPOINT_URL")
Located = Tuple[ast.AST, Scope]
#: A string expression as constant text, ``None`` for each part known only at run time.
Parts = List[Optional[str]]
#: One ``%`` conversion: ``%s``, ``%(name)s``, ``%-5d``, ``%%``.
PERCENT_CONVERSION = lazy_compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<spec>[-#0 +*.\d]*[hlL]?)(?P<type>.)", re.DOTALL)


class EndpointFinder:
    """Answers "custom endpoint?" for the calls and settings of one module."""

    def __init__(self, resolver: ValueResolver) -> None:
        self.resolver = resolver
        self._session_clients: Optional[Dict[int, List[Tuple[ast.Call, Scope]]]] = None

    def is_custom(self, node: ast.AST, scope: Scope) -> bool:
        """Is an ``endpoint_url`` value not provably AWS (``None`` is the default)?  A URL
        built at run time whose constant text pins its host to AWS
        (``f"https://s3.{region}.amazonaws.com"``) is AWS: the keys passed with it are AWS keys."""
        value = self.resolver.classify(node, scope)
        if value is not None and value.kind is Kind.NONE:
            return False
        parts = self.url_parts(node, scope)
        return not (parts == [""] * len(parts) or is_aws_skeleton(tuple(parts)))

    def url_parts(self, node: ast.AST, scope: Scope, depth: int = 0) -> Parts:
        """The skeleton of a string expression: f-strings, ``+``, ``%`` and ``.format`` are
        taken apart, names with one assignment followed; a part that resolves to a literal
        is constant text, any other part is ``None``."""
        builder = _PART_BUILDERS.get(type(node))
        parts = builder(self, node, scope, depth + 1) if builder and depth < MAX_DEPTH else None
        if parts is not None:
            return parts
        value = self.resolver.classify(node, scope)
        return [value.literal if value is not None and value.kind is Kind.LITERAL else None]

    def _constant_text(self, node: ast.AST, scope: Scope, depth: int) -> Optional[str]:
        """The whole text of an expression when every part of it is constant (a template)."""
        parts = self.url_parts(node, scope, depth)
        return None if None in parts else "".join(part or "" for part in parts)

    def _joined_parts(self, node: ast.JoinedStr, scope: Scope, depth: int) -> Parts:
        parts: Parts = []
        for piece in node.values:
            # ``{x!r}`` and ``{x:>9}`` change the text of even a literal ``x``.
            plain = not isinstance(piece, ast.FormattedValue) or (
                piece.conversion == -1 and piece.format_spec is None)
            inner = piece.value if isinstance(piece, ast.FormattedValue) else piece
            parts += self.url_parts(inner, scope, depth) if plain else [None]
        return parts

    def _binop_parts(self, node: ast.BinOp, scope: Scope, depth: int) -> Optional[Parts]:
        if isinstance(node.op, ast.Add):
            left = self.url_parts(node.left, scope, depth)
            return left + self.url_parts(node.right, scope, depth)
        template = self._constant_text(node.left, scope, depth)
        if isinstance(node.op, ast.Mod) and template is not None:
            return self._percent_parts(template, node.right, scope, depth)
        return None

    def _percent_parts(self, template: str, operand: ast.AST, scope: Scope,
                       depth: int) -> Parts:
        """``"https://sqs.%s.amazonaws.com" % region``: each plain ``%s`` is its argument."""
        arguments = operand.elts if isinstance(operand, ast.Tuple) else [operand]
        parts: Parts = []
        start, index = 0, 0
        for match in PERCENT_CONVERSION.finditer(template):
            parts.append(template[start:match.start()])
            start = match.end()
            if match.group(0) == "%%":
                parts.append("%")
                continue
            plain = match.group("key") is None and match.group("spec") == "" and (
                match.group("type") == "s" and index < len(arguments))
            parts += self.url_parts(arguments[index], scope, depth) if plain else [None]
            index += 1
        return parts + [template[start:]]

    def _name_parts(self, node: ast.Name, scope: Scope, depth: int) -> Optional[Parts]:
        """Follow a name to its value when it has exactly one assignment
        (``ENDPOINT = f"https://s3.{REGION}.amazonaws.com"``)."""
        bindings = self.resolver.bindings(node, scope)
        if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].value is not None:
            return self.url_parts(bindings[0].value, bindings[0].scope, depth)
        return None

    def _call_parts(self, node: ast.Call, scope: Scope, depth: int) -> Optional[Parts]:
        """``"https://s3.{}.amazonaws.com".format(region)``: each plain field is its argument."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "format"):
            return None
        template = self._constant_text(func.value, scope, depth)
        try:
            fields = list(string.Formatter().parse(template)) if template is not None else []
        except ValueError:  # a malformed template fails at run time
            fields = []
        return self._format_parts(fields, node, scope, depth) if fields else [None]

    def _format_parts(self, fields: Sequence[Tuple[str, Optional[str], Optional[str],
                                                   Optional[str]]],
                      call: ast.Call, scope: Scope, depth: int) -> Parts:
        parts: Parts = []
        auto = 0
        for text, name, spec, conversion in fields:
            parts.append(text)
            if name == "":
                name, auto = str(auto), auto + 1
            if name is not None:
                argument = None if spec or conversion else _format_argument(call, name)
                parts += [None] if argument is None else self.url_parts(argument, scope, depth)
        return parts

    def call_is_custom(self, call: ast.Call, scope: Scope, spec: Optional[SinkSpec]) -> bool:
        """Does the call, its splatted dicts, or (for a session) any client made from it
        name a custom endpoint?"""
        if any(self.is_custom(node, node_scope)
               for node, node_scope in self._endpoints(call, scope, spec)):
            return True
        return any(self.call_is_custom(client, client_scope, SESSION_METHOD_SINKS["client"])
                   for client, client_scope in self.session_clients().get(id(call), []))

    def _endpoints(self, call: ast.Call, scope: Scope,
                   spec: Optional[SinkSpec]) -> List[Located]:
        endpoints: List[Located] = []
        for keyword in call.keywords:
            if keyword.arg in ENDPOINT_KEYWORDS:
                endpoints.append((keyword.value, scope))
            elif keyword.arg in (None, "storage_options", "client_kwargs"):
                endpoints += self._dict_endpoints(keyword.value, scope, nested=True)
        if spec is not None and spec.endpoint_index is not None and spec.endpoint_index < len(
                call.args):
            endpoints.append((call.args[spec.endpoint_index], scope))
        return endpoints

    def _dict_endpoints(self, node: ast.AST, scope: Scope, nested: bool) -> List[Located]:
        """``endpoint_url`` entries of a dict, and of its ``client_kwargs`` (s3fs)."""
        resolved = self.resolver.resolve_dict(node, scope)
        if resolved is None:
            return []
        entries = self.resolver.dict_entries(resolved)
        found = [(e.value, e.scope) for e in entries.get("endpoint_url", [])]
        if nested:
            for inner in entries.get("client_kwargs", []):
                found += self._dict_endpoints(inner.value, inner.scope, nested=False)
        return found

    def session_clients(self) -> Dict[int, List[Tuple[ast.Call, Scope]]]:
        """Session constructor call -> the ``.client()``/``.resource()`` calls made on it
        (``s = boto3.Session(keys); s.client("s3", endpoint_url=MINIO)``)."""
        if self._session_clients is None:
            self._session_clients = {}
            for call, scope in self.resolver.scopes.client_calls:
                method: ast.Attribute = call.func  # type: ignore[assignment]
                receiver = self.resolver.classify(method.value, scope)
                if receiver is not None and receiver.kind is Kind.SESSION:
                    self._session_clients.setdefault(id(receiver.node), []).append((call, scope))
        return self._session_clients

    def settings_are_custom(self, scopes: Iterable[Scope]) -> bool:
        """Does a settings module / storage class set a non-AWS ``AWS_S3_ENDPOINT_URL`` or
        ``endpoint_url`` (or an ``OPTIONS`` dict its ``endpoint_url`` entry)?"""
        for scope in scopes:
            for name in ENDPOINT_SETTINGS:
                for binding in scope.bindings.get(name, []):
                    if binding.value is not None and self.is_custom(binding.value, binding.scope):
                        return True
        return False


def _format_argument(call: ast.Call, name: str) -> Optional[ast.AST]:
    """The argument a ``.format`` field names (``{0}``, ``{region}``); None when it sits
    behind ``*args`` or the field reads an attribute or an item of it."""
    if name.isdigit():
        index = int(name)
        before = call.args[:index + 1]
        if index < len(call.args) and not any(isinstance(arg, ast.Starred) for arg in before):
            return call.args[index]
        return None
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


_PART_BUILDERS: Dict[type, Callable[..., Optional[Parts]]] = {
    ast.JoinedStr: EndpointFinder._joined_parts,
    ast.BinOp: EndpointFinder._binop_parts,
    ast.Name: EndpointFinder._name_parts,
    ast.Call: EndpointFinder._call_parts,
}
