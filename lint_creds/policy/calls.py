"""The AWS SDK calls of one module, each with its service, method and arguments.

A call counts when its receiver resolves, through names, ``self.`` attributes, ``with``
targets and the project index, to something the SDK built: a client (``boto3.client("s3")``,
``session.client(...)``, ``aioboto3``/``aiobotocore`` sessions, ``resource.meta.client``),
a resource (``boto3.resource("s3")``) or one of its objects (``s3.Bucket("b")``,
``Table("t")``, ``bucket.Object(key)``, ``bucket.objects``), a paginator or a waiter. A call
on something that resolves to a client whose service cannot be known (``boto3.client(name)``)
is kept as unresolved, never dropped: the policy lists it.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

from ..engine.exports import returns_of
from ..engine.origins import constant_string
from ..engine.scopes import Binding, ModuleScopes, Scope, decorated
from ..engine.values import ValueResolver
from ..engine.visitor import FastVisitor
from .handoffs import FollowsHandoffs, Handoff, Seen
from .parameters import annotation_of, hint_candidates, hinted_type
from .sdk_objects import (CLIENT_PLUMBING, ELEMENTS, FACTORIES, LIBRARIES, MADE_BY_ACTIONS,
                          NARROWING, SESSION_FACTORIES, SESSIONS, Receiver)

MAX_DEPTH = 12


class SdkCall(NamedTuple):
    """One call of the SDK, as the policy reads it."""

    service: Optional[str]
    #: ``client``, ``paginator``, ``waiter``, ``resource``, or ``dynamic`` (a client method
    #: chosen at run time: ``getattr(client, name)(...)``).
    kind: str
    #: The client method, the paginator or waiter name, or ``Type.method`` of a resource.
    method: str
    node: ast.Call
    scope: Scope
    identifiers: Tuple[Tuple[str, ast.expr, Scope], ...] = ()


class SdkCalls(FollowsHandoffs, FastVisitor):
    """Collects :class:`SdkCall` of a module (see the module docstring)."""

    def __init__(self, tree: ast.Module, resolver: ValueResolver, scopes: ModuleScopes,
                 imported: "Callable[[str], Optional[Receiver]]" = lambda qualname: None,
                 visit: bool = True, bound: Optional[Dict[Tuple[int, str], Receiver]] = None,
                 seen: Optional[Seen] = None, depth: int = 0) -> None:
        self.tree = tree
        self.resolver = resolver
        self.scopes = scopes
        #: What a name imported from another module of the project stands for.
        self.imported = imported
        #: Parameters bound by the call being followed: (id(function scope), name) -> value.
        self.bound = bound or {}
        self.seen: Seen = seen if seen is not None else set()
        self.depth = depth
        self.calls: List[SdkCall] = []
        #: Calls passing SDK objects to other modules, for the caller to follow.
        self.handoffs: List[Handoff] = []
        self._stack: List[Scope] = [scopes.module]
        #: ``with EXPR as NAME`` targets: (scope id, name) -> [(EXPR, line)].
        self._with_targets: Dict[Tuple[int, str], List[Tuple[ast.expr, int]]] = {}
        #: ``for NAME in EXPR`` (and comprehension) targets, the same way.
        self._loop_targets: Dict[Tuple[int, str], List[Tuple[ast.expr, int]]] = {}
        self._cache: Dict[int, Optional[Receiver]] = {}
        for statement in tree.body if visit else ():
            self.visit(statement)

    # -- scopes ----------------------------------------------------------------------
    def generic_visit(self, node: ast.AST) -> None:  # type: ignore[override]
        scope = self.scopes.scope_of.get(id(node))
        if scope is not None and node is not self.scopes.module.node:
            self._stack.append(scope)
            super().generic_visit(node)
            self._stack.pop()
        else:
            super().generic_visit(node)

    def visit_With(self, node: "ast.With | ast.AsyncWith") -> None:
        """``with EXPR as NAME``: recorded before the body, where NAME is used."""
        scope = self._stack[-1]
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name):
                self._with_targets.setdefault((id(scope), item.optional_vars.id), []).append(
                    (item.context_expr, node.lineno))
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_For(self, node: "ast.For | ast.AsyncFor") -> None:
        """``for NAME in EXPR``: NAME is an element of EXPR (``bucket.objects.all()``)."""
        if isinstance(node.target, ast.Name):
            self._loop_targets.setdefault((id(self._stack[-1]), node.target.id), []).append(
                (node.iter, node.lineno))
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def _visit_comprehension(self, node: ast.AST) -> None:
        scope = self.scopes.scope_of.get(id(node), self._stack[-1])
        for generator in getattr(node, "generators", ()):
            if isinstance(generator.target, ast.Name):
                self._loop_targets.setdefault((id(scope), generator.target.id), []).append(
                    (generator.iter, getattr(node, "lineno", 0)))
        self.generic_visit(node)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = (
        _visit_comprehension)

    # -- calls -----------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Call) and _is_getattr(func):
            self._dynamic(node, func)
            return
        scope = self._stack[-1]
        if node.args or node.keywords:
            self._passes_on(node, scope)
        if not isinstance(func, ast.Attribute):
            return
        receiver = self.receiver(func.value, scope)
        if receiver is None:
            return
        method = func.attr
        if receiver.kind == "client" and method not in CLIENT_PLUMBING:
            self.calls.append(SdkCall(receiver.service, "client", method, node, scope))
        elif receiver.kind in ("paginator", "waiter") and method in ("paginate", "wait"):
            self.calls.append(SdkCall(receiver.service, receiver.kind, receiver.name, node,
                                      scope))
        elif receiver.kind == "resource" and method[:1].islower():
            self.calls.append(SdkCall(receiver.service, "resource",
                                      f"{receiver.name}.{method}", node, scope,
                                      receiver.identifiers))

    def _dynamic(self, node: ast.Call, getter: ast.Call) -> None:
        """``getattr(client, name)(...)``: a constant name is an ordinary call; any other
        is kept, so the policy lists it as unresolved."""
        scope = self._stack[-1]
        receiver = self.receiver(getter.args[0], scope)
        if receiver is None or receiver.kind != "client":
            return
        name = constant_string(getter.args[1])
        self.calls.append(SdkCall(receiver.service, "client" if name else "dynamic",
                                  name or "", node, scope))

    def _parameter(self, node: ast.Name, binding: Binding, depth: int) -> Optional[Receiver]:
        """A parameter: what the followed call passed, a ``with`` target, its type hint or
        its default."""
        passed = self.bound.get((id(binding.scope), node.id))
        if passed is not None:
            return passed
        found = self._with_target(node.id, binding.scope, binding.line, depth)
        if found is not None or binding.kind != "param":
            return found
        hint = annotation_of(binding.scope.node, node.id)
        if hint is not None:
            parent = binding.scope.parent or binding.scope
            hinted = hinted_type([q for c in hint_candidates(hint)
                                  for q in [self.resolver.qualname(c, parent)] if q])
            if hinted is not None:
                return Receiver(hinted.kind, hinted.service, hinted.name or "ServiceResource")
        if binding.value is not None:  # ``def f(s3=boto3.client("s3"))``
            return self.receiver(binding.value, binding.scope.parent or binding.scope, depth)
        return None

    # -- receivers ------------------------------------------------------------------
    def receiver(self, node: ast.AST, scope: Scope, depth: int = 0) -> Optional[Receiver]:
        """What ``node`` stands for, if the SDK built it."""
        if depth > MAX_DEPTH:
            return None
        key = id(node)
        if key not in self._cache:
            self._cache[key] = None  # cycle guard
            self._cache[key] = self._receiver(node, scope, depth + 1)
        return self._cache[key]

    def _receiver(self, node: ast.AST, scope: Scope, depth: int) -> Optional[Receiver]:
        if isinstance(node, ast.Await):
            return self.receiver(node.value, scope, depth)
        if isinstance(node, ast.Name):
            return self._name(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._built_by(node, scope, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.BoolOp):  # ``client or boto3.client("s3")``
            return next(filter(None, (self.receiver(v, scope, depth) for v in node.values)),
                        None)
        if isinstance(node, ast.IfExp):
            return self.receiver(node.body, scope, depth) or self.receiver(
                node.orelse, scope, depth)
        if isinstance(node, ast.Subscript):  # ``CLIENTS["s3"]``
            entry = self._dict_entry(node, scope)
            return self.receiver(entry[0], entry[1], depth) if entry else None
        return None

    def _dict_entry(self, node: ast.Subscript, scope: Scope
                    ) -> Optional[Tuple[ast.expr, Scope]]:
        """The value a constant key names in a dict literal the container is bound to
        (``CLIENTS = {"s3": boto3.client("s3")}``; ``self.clients``)."""
        key = constant_string(node.slice)
        container, owner = node.value, scope.enclosing_class()
        bindings: List[Binding] = []
        if isinstance(container, ast.Name):
            bindings = self.resolver.bindings(container, scope)[:1]
        elif owner is not None and isinstance(container, ast.Attribute) and isinstance(
                container.value, ast.Name) and container.value.id == scope.self_name:
            bindings = owner.self_attrs.get(container.attr, [])[-1:]
        for binding in bindings:
            if key is not None and isinstance(binding.value, ast.Dict):
                for name, value in zip(binding.value.keys, binding.value.values):
                    if name is not None and constant_string(name) == key:
                        return value, binding.scope
        return None

    def _name(self, node: ast.Name, scope: Scope, depth: int) -> Optional[Receiver]:
        qualname = self.resolver.qualname(node, scope)
        if qualname in SESSIONS:
            return Receiver("session", None, qualname or "")
        for binding in self.resolver.bindings(node, scope)[:1]:
            if binding.kind == "assign" and binding.value is not None:
                return self.receiver(binding.value, binding.scope, depth)
            if binding.kind == "import" and binding.qualname:
                return self.imported(binding.qualname)
            if binding.kind in ("unknown", "param"):
                return self._parameter(node, binding, depth)
        return None

    def exports_sdk_objects(self) -> bool:
        """Does the module define (not import) a client, resource or session, or a
        function that returns one, at its top level?"""
        return any(bindings[-1].kind == "assign" and self.module_level(name)
                   or bindings[-1].kind == "function" and self.returned_by(name)
                   for name, bindings in self.scopes.module.bindings.items())

    def module_level(self, name: str) -> Optional[Receiver]:
        """What the module's top-level ``name`` stands for, as an importer sees it."""
        bindings = self.scopes.module.bindings.get(name)
        if not bindings:
            return None
        node = ast.Name(name, ast.Load(), lineno=10 ** 9, col_offset=0)
        return self._name(node, self.scopes.module, 0)

    def _with_target(self, name: str, scope: Scope, line: int,
                     depth: int) -> Optional[Receiver]:
        for expr, with_line in self._with_targets.get((id(scope), name), ()):
            if with_line <= line:
                return self.receiver(expr, scope, depth)
        for expr, loop_line in self._loop_targets.get((id(scope), name), ()):
            if loop_line <= line:
                return self._element(expr, scope, depth)
        return None

    def _element(self, iterated: ast.expr, scope: Scope, depth: int) -> Optional[Receiver]:
        """What iterating ``iterated`` yields: an SDK resource of a collection
        (``bucket.objects.filter(...)``) or of an action returning several
        (``queue.receive_messages()``)."""
        source = self.receiver(iterated, scope, depth)
        if source is None and isinstance(iterated, ast.Call) and isinstance(
                iterated.func, ast.Attribute):
            owner = self.receiver(iterated.func.value, scope, depth)
            if owner is not None and owner.kind == "resource":
                source = Receiver("resource", owner.service,
                                  f"{owner.name}.{iterated.func.attr}", owner.identifiers)
        if source is None or source.kind != "resource":
            return None
        element = ELEMENTS.get((source.service or "", source.name))
        return None if element is None else Receiver("resource", source.service, element,
                                                     source.identifiers)

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> Optional[Receiver]:
        value = node.value
        owner = scope.enclosing_class()
        if owner is not None and isinstance(value, ast.Name) and value.id == scope.self_name:
            for binding in reversed(owner.self_attrs.get(node.attr, [])):
                if binding.value is not None:
                    found = self.receiver(binding.value, binding.scope, depth)
                    if found is not None:
                        return found
            prop = owner.bindings.get(node.attr, [])[-1:]  # ``@property def s3(self): ...``
            if prop and decorated(prop[0].value, "property", "cached_property"):
                return self._returns_of(prop[0], depth)
            return None
        qualname = self.resolver.qualname(node, scope)
        if qualname in SESSIONS:
            return Receiver("session", None, qualname or "")
        if qualname is not None:  # ``aws.s3`` with ``from app import aws``
            found = self.imported(qualname)
            if found is not None:
                return found
        base = self.receiver(value, scope, depth)
        if base is None:
            return None
        if base.kind == "resource" and node.attr == "meta":
            return Receiver("meta", base.service)
        if base.kind == "meta" and node.attr == "client":
            return Receiver("client", base.service)
        if base.kind == "resource" and node.attr.islower() and not node.attr.startswith("_"):
            # ``bucket.objects``: a collection, whose calls list what it holds.
            return Receiver("resource", base.service, f"{base.name}.{node.attr}",
                            base.identifiers)
        return None

    def _built_by(self, call: ast.Call, scope: Scope, depth: int) -> Optional[Receiver]:
        func = call.func
        qualname = self.resolver.qualname(func, scope)
        if qualname in FACTORIES:
            return Receiver(FACTORIES[qualname], self._service(call, scope), "ServiceResource")
        if qualname in SESSIONS:
            return Receiver("session", None, qualname or "")
        if qualname and not qualname.startswith(LIBRARIES):
            # ``make_queue()`` imported from the project: what that function returns.
            return self.imported(qualname + "()")
        if isinstance(func, ast.Name):
            return self._returned(func, scope, depth, call)
        if not isinstance(func, ast.Attribute):
            return None
        method = self._own_method(func, scope)
        if method is not None:  # ``self.table()``, ``cls._client()``: what it returns
            return self._returns_of(method, depth)
        base = self.receiver(func.value, scope, depth)
        if base is None:
            return None
        if base.kind == "session" and func.attr in SESSION_FACTORIES:
            return Receiver(SESSION_FACTORIES[func.attr], self._service(call, scope),
                            "ServiceResource")
        if base.kind == "client" and func.attr in ("get_paginator", "get_waiter") and call.args:
            name = constant_string(call.args[0])
            return Receiver("paginator" if func.attr == "get_paginator" else "waiter",
                            base.service, name or "?")
        if base.kind == "resource" and "." in base.name and func.attr in NARROWING:
            return base  # ``bucket.objects.filter(...)`` is the collection, narrowed
        made = MADE_BY_ACTIONS.get((base.service or "", func.attr)) if (
            base.kind == "resource") else None
        if made is not None:  # ``sqs.get_queue_by_name(QueueName="jobs")``: a Queue
            kind, parameter = made
            named = next((k.value for k in call.keywords if k.arg == parameter), None)
            return Receiver("resource", base.service, kind, base.identifiers + (
                ((f"={parameter}", named, scope),) if named is not None else ()))
        if base.kind == "resource" and func.attr[:1].isupper():
            # ``s3.Bucket("b")``, ``bucket.Object("k")``, ``dynamodb.Table("t")``.
            identifiers = base.identifiers + tuple(
                (f"{func.attr}:{index}", arg, scope) for index, arg in enumerate(call.args))
            return Receiver("resource", base.service, func.attr, identifiers)
        return None

    def _returned(self, func: ast.Name, scope: Scope, depth: int,
                  call: Optional[ast.Call] = None) -> Optional[Receiver]:
        """What a function of this module returns: ``def s3(): return boto3.client("s3")``;
        ``def client(name): return boto3.client(name)`` called as ``client("sqs")``."""
        for binding in self.resolver.bindings(func, scope)[:1]:
            found = self._returns_of(binding, depth)
            if found is not None and found.service is None and call is not None:
                service = self._service_passed(binding.value, call, scope)
                return found._replace(service=service) if service else found
            return found
        return None

    @staticmethod
    def _own_method(func: ast.Attribute, scope: Scope) -> Optional[Binding]:
        """The method of the enclosing class that ``self.name``, ``cls.name`` or
        ``Class.name`` calls from one of its methods (None for anything else)."""
        owner = scope.enclosing_class()
        if owner is None or not isinstance(func.value, ast.Name) or func.value.id not in (
                scope.self_name, getattr(owner.node, "name", None)):
            return None
        bindings = owner.bindings.get(func.attr, [])
        return bindings[-1] if bindings and bindings[-1].kind == "function" else None

    def returned_by(self, name: str) -> Optional[Receiver]:
        """What the module's top-level function ``name`` returns, as an importer calls it."""
        for binding in self.scopes.module.bindings.get(name, [])[-1:]:
            return self._returns_of(binding, 0)
        return None

    def _returns_of(self, binding: Binding, depth: int) -> Optional[Receiver]:
        function = binding.value
        inner = self.scopes.scope_of.get(id(function))
        if binding.kind == "function" and inner is not None and isinstance(
                function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for returned in returns_of(function):
                found = returned.value and self.receiver(returned.value, inner, depth)
                if found:
                    return found
        return None

    def _service(self, call: ast.Call, scope: Scope) -> Optional[str]:
        node = next((k.value for k in call.keywords if k.arg == "service_name"),
                    call.args[0] if call.args else None)
        return None if node is None else self._service_name(node, scope)

    def _service_name(self, node: ast.expr, scope: Scope) -> Optional[str]:
        value = self.resolver.classify(node, scope)
        text = value.literal if value is not None and value.literal else constant_string(node)
        return text if text and text.replace("-", "").isalnum() else None


def _is_getattr(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "getattr" and len(
        call.args) >= 2 and not call.keywords


def sdk_calls(tree: ast.Module, resolver: ValueResolver, scopes: ModuleScopes,
              imported: "Callable[[str], Optional[Receiver]]" = lambda qualname: None,
              ) -> Iterator[SdkCall]:
    """Every SDK call of the module, in source order."""
    collected = SdkCalls(tree, resolver, scopes, imported).calls
    yield from sorted(collected, key=lambda c: (c.node.lineno, c.node.col_offset))
