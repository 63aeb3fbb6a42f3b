"""Custom endpoints: is a call (or the settings around it) talking to something that is
not provably AWS (MinIO, localstack, another cloud)? There explicit keys are legitimate,
so env/settings/frozen credentials are not reported by default."""
from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Tuple

from ..sinks import ENDPOINT_KEYWORDS, SESSION_METHOD_SINKS, SinkSpec, is_aws_endpoint
from .scopes import Scope
from .values import Kind, ValueResolver, constant_string

#: Settings / storage-class attributes that point the SDK at another service.
ENDPOINT_SETTINGS = ("AWS_S3_ENDPOINT_URL", "endpoint_url", "AWS_ENDPOINT_URL")
Located = Tuple[ast.AST, Scope]


class EndpointFinder:
    """Answers "custom endpoint?" for the calls and settings of one module."""

    def __init__(self, resolver: ValueResolver) -> None:
        self.resolver = resolver
        self._session_clients: Optional[Dict[int, List[Tuple[ast.Call, Scope]]]] = None

    def is_custom(self, node: ast.AST, scope: Scope) -> bool:
        """Is an ``endpoint_url`` value not provably AWS (``None`` is the default)?"""
        value = self.resolver.classify(node, scope)
        if value is not None and value.kind is Kind.NONE:
            return False
        url = constant_string(node) if value is None else value.literal
        return not (url is not None and (url == "" or is_aws_endpoint(url)))

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

