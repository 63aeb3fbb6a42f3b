"""Wrappers: functions whose parameters reach a credential argument of an SDK call.

``def make_client(key_id, secret): return boto3.client("s3", aws_access_key_id=key_id, ...)``
is silent by itself (a parameter is plumbing), but a call ``make_client(os.environ["K"],
...)`` hands the SDK a credential all the same: it is reported at the caller's argument,
with the wrapper and the SDK call in the message, once. The wrapper is found in the same
module or, through the project index, in another one (its summary lists the parameters).
Fixing it takes two edits, the call and the wrapper, so such findings are never auto-fixed.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, Iterator, List, NamedTuple, Optional, Tuple

from ..patterns import Role
from ..sinks import SinkSpec
from .exports import FUNCTION
from .origins import LIBRARY_ROOTS, Kind
from .scopes import FunctionNode, Scope, decorated
from .visitor import child_nodes

if TYPE_CHECKING:  # pragma: no cover
    from .sink_calls import SinkCallAnalyzer

#: How many wrapper levels are followed (a wrapper of a wrapper of ...).
MAX_WRAPPER_DEPTH = 3
#: ``SinkSpec.fix`` of a wrapper: reported, never fixed by the codemod.
WRAPPER_FIX = "wrapper"


class WrapperParam(NamedTuple):
    """One parameter of a wrapper and the SDK argument it reaches."""

    name: str
    index: Optional[int]  # position, None for keyword-only parameters
    role: str  # a Role value
    sink: str  # the SDK call, as messages show it
    line: int


class WrapperFinder:
    """Which parameters of a function reach a sink, and the spec that makes a call of the
    function a sink of its own."""

    def __init__(self, sinks: "SinkCallAnalyzer") -> None:
        self.sinks = sinks
        self.resolver = sinks.resolver
        self._params: Dict[int, Tuple[WrapperParam, ...]] = {}
        self._methods: Dict[int, Dict[str, FunctionNode]] = {}
        self._defined: Optional["frozenset[str]"] = None

    def _function_names(self) -> "frozenset[str]":
        """Names some ``def`` or ``class`` of this module binds (a call of any other name
        is not a call of a function or class defined here)."""
        if self._defined is None:
            self._defined = frozenset(
                name for scope in self.resolver.scopes.scope_of.values()
                for name, bindings in scope.bindings.items()
                if any(b.kind in ("function", "class") for b in bindings))
        return self._defined

    def params_reaching_sinks(self, function: FunctionNode,
                              depth: int = 0) -> Tuple[WrapperParam, ...]:
        """The function's parameters that some SDK call in its body receives as a
        credential, directly or through a wrapper it calls itself."""
        key = id(function)
        if key not in self._params:
            self._params[key] = ()  # recursion guard
            scope = self.resolver.scopes.scope_of.get(key)
            if scope is not None and depth <= MAX_WRAPPER_DEPTH:
                self._params[key] = tuple(self._reaching(function, scope, depth))
        return self._params[key]

    def _reaching(self, function: FunctionNode, scope: Scope,
                  depth: int) -> Iterator[WrapperParam]:
        positions = {a.arg: i for i, a in enumerate(
            [*function.args.posonlyargs, *function.args.args])}
        static = decorated(function, "staticmethod")
        seen = set()
        for call in _calls_in(function):
            found = self.sinks.sink_of(call, scope, depth + 1)
            if found is None:
                continue
            display, spec = found
            if not self.sinks.options.check_custom_endpoints and (
                    self.sinks.endpoints.call_is_custom(call, scope, spec)):
                continue  # MinIO, localstack: explicit keys are legitimate there
            for candidate in self.sinks.candidates(call, scope, spec):
                value = self.resolver.classify(candidate.value, candidate.scope)
                if value is None or value.kind is not Kind.PARAM or not isinstance(
                        value.node, ast.Name) or value.scope is not scope:
                    continue
                name = value.node.id
                if name in seen or (name == scope.self_name and not static
                                    and scope.enclosing_class() is not None):
                    continue
                seen.add(name)
                innermost = display.split(" via ", 1)[0]  # a wrapper's own wrapper
                yield WrapperParam(name, positions.get(name), candidate.role.value, innermost,
                                   call.lineno)

    def constructor_params(self, class_node: ast.ClassDef,
                           depth: int = 0) -> Tuple[WrapperParam, ...]:
        """A class whose ``__init__`` hands its parameters to the SDK (``S3(key, secret)``
        building ``self.client``): the parameters, positioned as the call gives them."""
        init = next((s for s in class_node.body if isinstance(s, ast.FunctionDef)
                     and s.name == "__init__"), None)
        if init is None:
            return ()
        return tuple(p._replace(index=p.index - 1 if p.index else None)
                     for p in self.params_reaching_sinks(init, depth))

    def method_params(self, method: ast.Attribute, scope: Scope,
                      depth: int = 0) -> Tuple[WrapperParam, ...]:
        """``obj.connect(key, secret)`` where ``obj``'s class is defined here (``Store()``,
        ``store = Store()``, ``store: Store``, ``self``, or the class itself for a static
        or class method) and its ``connect`` hands the parameters to the SDK: the
        parameters, positioned as the call gives them."""
        on_class = self._class_named(method.value, scope)  # Store.make(...)
        named = None if on_class else self._class_expression(method.value, scope)
        owner = on_class or (self._class_named(*named) if named else None)
        found = self._methods_of(owner).get(method.attr) if owner is not None else None
        if found is None:
            return ()
        if on_class and not decorated(found, "classmethod"):
            return self.params_reaching_sinks(found, depth)  # nothing bound to ``self``
        return self.bound_params(found, depth)

    def _methods_of(self, owner: ast.ClassDef) -> Dict[str, FunctionNode]:
        """The methods a class body defines, by name (the first of a name, as before), read
        once per class: ``self.x()`` calls fill a large class's methods."""
        key = id(owner)
        if key not in self._methods:
            methods: Dict[str, FunctionNode] = {}
            for statement in owner.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.setdefault(statement.name, statement)
            self._methods[key] = methods
        return self._methods[key]

    def bound_params(self, method: FunctionNode, depth: int = 0) -> Tuple[WrapperParam, ...]:
        """A method's parameters that reach the SDK, positioned as a call through an
        instance gives them (``self`` bound; a static method binds nothing)."""
        params = self.params_reaching_sinks(method, depth)
        if decorated(method, "staticmethod"):
            return params
        return tuple(p._replace(index=p.index - 1 if p.index else None) for p in params)

    def _class_expression(self, node: ast.AST, scope: Scope
                          ) -> Optional[Tuple[ast.expr, Scope]]:
        """The expression naming the class of the object ``node`` stands for, and where to
        resolve it: ``Store`` of ``Store()``, of ``store = Store()``, of ``store: Store``;
        ``self``'s class is returned as its own name."""
        if isinstance(node, ast.Call):
            return node.func, scope
        if not isinstance(node, ast.Name):
            return None
        owner = scope.enclosing_class()
        if node.id == scope.self_name and owner is not None and isinstance(
                owner.node, ast.ClassDef):
            name = ast.copy_location(ast.Name(owner.node.name, ast.Load()), node)
            return name, owner.parent or scope
        bindings = self.resolver.bindings(node, scope)
        last = bindings[-1] if bindings else None
        if last is not None and last.kind == "assign" and isinstance(last.value, ast.Call):
            return last.value.func, last.scope
        if last is not None and last.kind == "param":
            annotation = _annotation(last.scope.node, node.id)
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                annotation = ast.copy_location(ast.Name(annotation.value, ast.Load()), annotation)
            return (annotation, last.scope) if annotation is not None else None
        return None

    def _class_named(self, node: ast.AST, scope: Scope) -> Optional[ast.ClassDef]:
        """The class ``node`` names, when this module defines it."""
        if not isinstance(node, ast.Name) or node.id not in self._function_names():
            return None
        bindings = self.resolver.bindings(node, scope)
        if bindings and bindings[-1].kind == "class" and isinstance(
                bindings[-1].value, ast.ClassDef):
            return bindings[-1].value
        return None

    def _imported_method(self, method: ast.Attribute, scope: Scope) -> Optional[str]:
        """``pkg.store.Store.connect`` for ``store.connect`` when ``store``'s class is
        imported (the index looks the method up in the defining module's summary)."""
        named = self._class_expression(method.value, scope)
        qualname = self.resolver.qualname(*named) if named else None
        return f"{qualname}.{method.attr}" if qualname else None

    def spec_for(self, call: ast.Call, scope: Scope,
                 depth: int = 0) -> Optional[Tuple[str, SinkSpec]]:
        """``(display, spec)`` when the called function is a wrapper."""
        if depth > MAX_WRAPPER_DEPTH or not (call.args or call.keywords):
            return None
        params: Tuple[WrapperParam, ...] = ()
        where = ""
        if isinstance(call.func, ast.Name) and call.func.id in self._function_names():
            bindings = self.resolver.bindings(call.func, scope)
            if bindings and bindings[-1].kind == "function" and isinstance(
                    bindings[-1].value, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = self.params_reaching_sinks(bindings[-1].value, depth)
            elif bindings and bindings[-1].kind == "class" and isinstance(
                    bindings[-1].value, ast.ClassDef):
                params = self.constructor_params(bindings[-1].value, depth)
        elif isinstance(call.func, ast.Attribute):
            params = self.method_params(call.func, scope, depth)
        if not params and self.resolver.project is not None:
            qualname = self.resolver.qualname(call.func, scope) or (
                self._imported_method(call.func, scope) if isinstance(
                    call.func, ast.Attribute) else None)
            export = self.resolver.project.lookup_wrapper(qualname) if qualname and (
                qualname.split(".", 1)[0] not in LIBRARY_ROOTS) else None
            if export is not None and export.kind == FUNCTION and export.sink_params:
                params = tuple(WrapperParam(*p) for p in export.sink_params)
                where = export.where.rsplit(":", 1)[0]
        if not params:
            return None
        name = self.resolver.describe(call.func)
        spec = SinkSpec({p.name: Role(p.role) for p in params},
                        {p.index: Role(p.role) for p in params if p.index is not None},
                        fix=WRAPPER_FIX)
        inner = params[0]
        place = f"{where}:{inner.line}" if where else f"line {inner.line}"
        return f"{inner.sink} via {name}() at {place}", spec


def _annotation(function: ast.AST, name: str) -> Optional[ast.expr]:
    """The annotation of parameter ``name`` of ``function``, if it has one."""
    arguments = getattr(function, "args", None)
    if not isinstance(arguments, ast.arguments):
        return None
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return next((a.annotation for a in every if a.arg == name), None)


def _calls_in(function: FunctionNode) -> List[ast.Call]:
    """Calls in the function's own body (not in nested functions or classes)."""
    calls: List[ast.Call] = []
    stack: List[ast.AST] = list(function.body) if isinstance(function.body, list) else [
        function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Call):
            calls.append(node)
        stack.extend(child_nodes(node))
    return calls
