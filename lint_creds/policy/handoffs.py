"""Following SDK objects handed to the project's functions and classes: ``upload(s3,
path)``, ``Store(table)``, ``storage.archive(s3, key)`` in another module, and a factory
given its service name (``client("sqs")``). A mixin of :class:`policy.calls.SdkCalls`, which
provides the attributes used here (``resolver``, ``scopes``, ``receiver()``...)."""
from __future__ import annotations

import ast
from typing import (TYPE_CHECKING, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Set,
                    Tuple)

from ..engine.exports import returns_of
from ..engine.scopes import ModuleScopes, Scope, decorated
from ..engine.values import ValueResolver
from .parameters import bind_arguments, initializer
from .sdk_objects import LIBRARIES, SESSION_FACTORIES, Receiver

if TYPE_CHECKING:
    from .calls import SdkCall, SdkCalls

#: How deep calls that pass SDK objects on are followed (``handler -> store -> upload``).
MAX_HANDOFFS = 6


class Handoff(NamedTuple):
    """A call passing SDK objects to a function or class of another module of the project
    (``storage.upload(s3, path)``): the policy follows it there (see
    :meth:`SdkCalls.followed`)."""

    qualname: str  # ``app.storage.upload``
    args: Tuple[Optional[Receiver], ...]  # what each positional argument stands for
    keywords: Tuple[Tuple[str, Receiver], ...]  # (parameter, what was passed)
    depth: int


#: Functions already followed with the same parameters bound: (id(function), bound).
Seen = Set[Tuple[int, FrozenSet[Tuple[str, Receiver]]]]


class FollowsHandoffs:
    """The handing-on half of :class:`policy.calls.SdkCalls`."""

    # Provided by SdkCalls.
    tree: ast.Module
    resolver: ValueResolver
    scopes: ModuleScopes
    imported: Callable[[str], Optional[Receiver]]
    bound: Dict[Tuple[int, str], Receiver]
    seen: Seen
    depth: int
    calls: List["SdkCall"]
    handoffs: List[Handoff]
    receiver: Callable[..., Optional[Receiver]]
    _service_name: Callable[[ast.expr, Scope], Optional[str]]

    def _passes_on(self, node: ast.Call, scope: Scope) -> None:
        """``upload(s3, ...)``, ``Store(client)``: follow the callee with its parameters
        bound to the SDK objects passed, here or (through :class:`Handoff`) in the module
        that defines it."""
        if self.depth >= MAX_HANDOFFS:
            return
        func = node.func  # the callee first: most calls are of nothing to follow
        callee = self._local_callee(func, scope)
        qualname = None if callee is not None else self.resolver.qualname(func, scope)
        if callee is None and not (qualname and "." in qualname
                                   and not qualname.startswith(LIBRARIES)):
            return
        if isinstance(func, ast.Attribute) and self.receiver(func.value, scope) is not None:
            return  # an SDK call itself (``s3.copy(...)``)
        args: List[Optional[Receiver]] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                break
            args.append(self.receiver(arg, scope))
        keywords = tuple((k.arg, found) for k in node.keywords if k.arg is not None
                         for found in [self.receiver(k.value, scope)] if found is not None)
        if not keywords and not any(args):
            return
        if callee is not None:
            self._follow(callee[0], callee[1], tuple(args), keywords)
        elif qualname:
            self.handoffs.append(Handoff(qualname, tuple(args), keywords, self.depth + 1))

    def _local_callee(self, func: ast.expr, scope: Scope) -> "Optional[Tuple[ast.AST, bool]]":
        """The function or class of this module ``func`` names, and whether the call skips
        its first parameter (``self`` of a class's ``__init__`` or of a method)."""
        if isinstance(func, ast.Name):
            for binding in self.resolver.bindings(func, scope)[:1]:
                if binding.kind in ("function", "class") and binding.value is not None:
                    return binding.value, binding.kind == "class"
            return None
        owner = scope.enclosing_class()
        if (owner is not None and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name) and func.value.id == scope.self_name):
            for binding in owner.bindings.get(func.attr, [])[-1:]:
                function = binding.value
                if binding.kind == "function" and isinstance(
                        function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    return function, not decorated(function, "staticmethod")
        return None

    def followed(self, name: str, args: Tuple[Optional[Receiver], ...],
                 keywords: Tuple[Tuple[str, Receiver], ...], depth: int) -> "SdkCalls":
        """The calls top-level function or class ``name`` makes with its parameters bound
        to ``args``/``keywords`` (a :class:`Handoff` from another module)."""
        found = type(self)(self.tree, self.resolver, self.scopes, self.imported, visit=False,
                           seen=self.seen, depth=depth)
        for binding in self.scopes.module.bindings.get(name, [])[-1:]:
            if binding.kind in ("function", "class") and binding.value is not None:
                found._follow(binding.value, binding.kind == "class", args, keywords)
        return found

    def _follow(self, callee: ast.AST, skip_first: bool, args: Tuple[Optional[Receiver], ...],
                keywords: Tuple[Tuple[str, Receiver], ...]) -> None:
        function: Optional[ast.AST] = initializer(callee) if isinstance(
            callee, ast.ClassDef) else callee
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        passed = bind_arguments(function, args, keywords, skip_first)
        inner = self.scopes.scope_of.get(id(function))
        if not passed or inner is None:
            return
        key = (id(function), frozenset(passed.items()))
        if key in self.seen:
            return
        self.seen.add(key)
        bound = dict(self.bound)
        bound.update(((id(inner), name), value) for name, value in passed.items()
                     if isinstance(value, Receiver))
        inside = type(self)(self.tree, self.resolver, self.scopes, self.imported, visit=False,
                            bound=bound, seen=self.seen, depth=self.depth + 1)
        inside.visit(callee)
        self.calls.extend(inside.calls)
        self.handoffs.extend(inside.handoffs)

    def _service_passed(self, function: Optional[ast.AST], call: ast.Call,
                        scope: Scope) -> Optional[str]:
        """The service a factory function builds when its service name is a parameter
        (``def client(name): return boto3.client(name)``), from the call's argument."""
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        passed = bind_arguments(function, [(a, scope) for a in call.args],
                                [(k.arg, (k.value, scope)) for k in call.keywords if k.arg],
                                skip_first=False)
        for returned in returns_of(function):
            made = returned.value
            while isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute) and (
                    made.func.attr not in SESSION_FACTORIES and not made.args):
                made = made.func.value  # ``boto3.client(name).meta``... not a factory
            if not isinstance(made, ast.Call):
                continue
            named = next((k.value for k in made.keywords if k.arg == "service_name"),
                         made.args[0] if made.args else None)
            if isinstance(named, ast.Name) and isinstance(passed.get(named.id), tuple):
                node, where = passed[named.id]  # type: ignore[misc]
                return self._service_name(node, where)
        return None
