"""One pass over a module that records what every name is bound to, scope by scope.

Enough of Python's scoping to follow credentials through names: module, class, function,
lambda and comprehension scopes; imports and aliases; ``self.x = ...`` in methods; and
``d["k"] = v`` item assignments on dict names (for ``**kwargs`` built up step by step).
The same pass collects the ``.client()``/``.resource()`` calls of the module, which the
endpoint checks look through (a walk of their own cost a fifth of the analysis).
"""
from __future__ import annotations

import ast
from typing import Dict, List, NamedTuple, Optional, Set, Tuple, Union

from .visitor import FastVisitor


class Binding(NamedTuple):
    """What one binding of a name says about its value."""

    kind: str  # "assign" | "unpack" | "param" | "import" | "class" | "function" | "unknown"
    value: Optional[ast.AST]  # the assigned expression, a parameter's default, a ClassDef
    line: int
    scope: "Scope"  # where ``value`` must be resolved
    qualname: Optional[str] = None  # for imports
    statement: Optional[ast.stmt] = None  # the binding statement, for item assignments
    position: Optional[int] = None  # for "unpack": which element of ``value`` (<0: from the end)


class Scope:
    """A namespace: its bindings, and for classes the ``self.`` attributes of its methods."""

    __slots__ = ("node", "kind", "parent", "bindings", "self_attrs", "item_assigns", "self_name",
                 "global_names")

    def __init__(self, node: ast.AST, kind: str, parent: Optional["Scope"]) -> None:
        self.node = node
        self.kind = kind  # "module" | "class" | "function" | "comprehension"
        self.parent = parent
        self.bindings: Dict[str, List[Binding]] = {}
        self.self_attrs: Dict[str, List[Binding]] = {}
        self.item_assigns: Dict[str, Dict[str, List[Binding]]] = {}
        self.self_name: Optional[str] = None  # first parameter of a method
        self.global_names: Set[str] = set()  # ``global NAME`` declared in this scope

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def enclosing_class(self) -> Optional["Scope"]:
        """The class whose method this scope is (for ``self.`` lookups)."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None


FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


def decorated(function: object, *names: str) -> bool:
    """Is ``function`` decorated with one of ``names`` (``@staticmethod``, or a dotted
    ``@functools.cached_property``)? A lambda or any other node is not."""
    return any((d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", None)) in names
               for d in getattr(function, "decorator_list", ()))


class ModuleScopes(FastVisitor):
    """Build the scope tree of a module; ``scope_of`` maps scope nodes to their Scope."""

    def __init__(self, tree: ast.Module) -> None:
        self.module = Scope(tree, "module", None)
        self.scope_of: Dict[int, Scope] = {id(tree): self.module}
        self.has_star_import = False
        #: ``from X import *`` modules, as written (``.base``), in source order.
        self.star_imports: List[str] = []
        #: Every ``x.client(...)``/``x.resource(...)`` call, with the scope it runs in.
        self.client_calls: List[Tuple[ast.Call, Scope]] = []
        self._stack: List[Scope] = [self.module]
        for statement in tree.body:
            self.visit(statement)

    def release(self) -> None:
        """Break the scope <-> binding cycles, so the tree they hold is freed by reference
        counting when the analysis ends instead of by a collector pass over every node."""
        for scope in self.scope_of.values():
            scope.bindings.clear()
            scope.self_attrs.clear()
            scope.item_assigns.clear()
        self.client_calls.clear()

    # -- helpers -------------------------------------------------------------------
    @property
    def _scope(self) -> Scope:
        return self._stack[-1]

    def _push(self, node: ast.AST, kind: str) -> Scope:
        scope = Scope(node, kind, self._scope)
        self.scope_of[id(node)] = scope
        self._stack.append(scope)
        return scope

    def _bind_target(self, target: ast.AST, value: Optional[ast.AST], statement: ast.stmt) -> None:
        scope = self._scope
        if isinstance(target, ast.Name):
            kind = "assign" if value is not None else "unknown"
            # ``global KEY`` then ``KEY = ...``: a module binding whose value is resolved here.
            owner = self.module if target.id in scope.global_names else scope
            owner.bind(target.id, Binding(kind, value, target.lineno, scope, statement=statement))
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            if values is not None and len(values) != len(target.elts):
                values = None
            if values is None and value is not None:
                self._bind_unpacked(target, value, statement)
                return
            for index, element in enumerate(target.elts):
                self._bind_target(element, values[index] if values else None, statement)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None, statement)
        elif isinstance(target, ast.Attribute):
            self.visit(target.value)
            owner = scope.enclosing_class()
            if (owner is not None and isinstance(target.value, ast.Name)
                    and target.value.id == scope.self_name):
                owner.self_attrs.setdefault(target.attr, []).append(
                    Binding("assign" if value is not None else "unknown", value,
                            target.lineno, scope, statement=statement))
        elif isinstance(target, ast.Subscript):
            self.visit(target)
            key = target.slice
            if (isinstance(target.value, ast.Name) and isinstance(key, ast.Constant)
                    and isinstance(key.value, str) and value is not None):
                scope.item_assigns.setdefault(target.value.id, {}).setdefault(key.value, []).append(
                    Binding("assign", value, target.lineno, scope, statement=statement))
        else:
            self.visit(target)

    def _bind_unpacked(self, target: Union[ast.Tuple, ast.List], value: ast.AST,
                       statement: ast.stmt) -> None:
        """``key, secret = source``: each name is one element of ``source``, counted from the
        end after a starred target; the starred name and nested targets stay unknown."""
        elements = target.elts
        star = next((i for i, e in enumerate(elements) if isinstance(e, ast.Starred)), None)
        for index, element in enumerate(elements):
            if not isinstance(element, ast.Name):
                self._bind_target(element, None, statement)
                continue
            position = index if star is None or index < star else index - len(elements)
            owner = self.module if element.id in self._scope.global_names else self._scope
            owner.bind(element.id, Binding("unpack", value, element.lineno, self._scope,
                                           statement=statement, position=position))

    def visit_Call(self, node: ast.Call) -> None:
        """``kwargs.update(aws_access_key_id=...)`` / ``kwargs.update({...})`` /
        ``kwargs.setdefault("k", v)`` build a dict up step by step, like ``kwargs["k"] = v``."""
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in CLIENT_METHODS:
            self.client_calls.append((node, self._scope))
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.attr in DICT_MUTATORS):
            return
        owner = func.value.id
        for key, value in _mutated_entries(node):
            binding = Binding("assign", value, node.lineno, self._scope,
                              statement=node)  # type: ignore[arg-type]
            self._scope.item_assigns.setdefault(owner, {}).setdefault(key, []).append(binding)

    def _bind_store_names(self, node: ast.AST) -> None:
        """Bind every name stored by a target we cannot follow (for, with, except ...)."""
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                self._scope.bind(child.id, Binding("unknown", None, child.lineno, self._scope))

    def _bind_parameters(self, args: ast.arguments, scope: Scope) -> None:
        positional = [*getattr(args, "posonlyargs", []), *args.args]
        defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                pairs.append((extra, None))
        for arg, default in pairs:
            scope.bind(arg.arg, Binding("param", default, arg.lineno, scope))
        if positional:
            scope.self_name = positional[0].arg

    # -- scopes --------------------------------------------------------------------
    def _visit_function(self, node: FunctionNode) -> None:
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self.visit(node.returns)
            self._scope.bind(node.name, Binding("function", node, node.lineno, self._scope))
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        scope = self._push(node, "function")
        self._bind_parameters(node.args, scope)
        body = node.body if isinstance(node.body, list) else [node.body]
        for statement in body:
            self.visit(statement)
        self._stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        self._scope.bind(node.name, Binding("class", node, node.lineno, self._scope))
        self._push(node, "class")
        for statement in node.body:
            self.visit(statement)
        self._stack.pop()

    def _visit_comprehension(self, node: ast.AST) -> None:
        generators = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        self._push(node, "comprehension")
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self._bind_store_names(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for field in ("elt", "key", "value"):
            child = getattr(node, field, None)
            if child is not None:
                self.visit(child)
        self._stack.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _visit_comprehension

    # -- bindings ------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._bind_target(target, node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self._bind_target(node.target, node.value, node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self._bind_target(node.target, None, node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        scope_index = len(self._stack) - 1
        while self._stack[scope_index].kind == "comprehension":
            scope_index -= 1
        scope = self._stack[scope_index]
        owner = self.module if node.target.id in scope.global_names else scope
        owner.bind(node.target.id, Binding("assign", node.value, node.lineno, self._scope))

    def visit_Global(self, node: ast.Global) -> None:
        self._scope.global_names.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                local, qualname = alias.asname, alias.name
            else:
                local = qualname = alias.name.split(".", 1)[0]
            self._scope.bind(local, Binding("import", None, node.lineno, self._scope, qualname))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.has_star_import = True
                self.star_imports.append(module)
                continue
            qualname = f"{module}.{alias.name}" if module and not module.endswith(".") else (
                module + alias.name)
            self._scope.bind(alias.asname or alias.name,
                             Binding("import", None, node.lineno, self._scope, qualname))

    def _visit_loop_or_with(self, node: ast.AST) -> None:
        for field, value in ast.iter_fields(node):
            if field in ("target", "optional_vars") and value is not None:
                self._bind_store_names(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    visit_For = visit_AsyncFor = visit_withitem = _visit_loop_or_with

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._scope.bind(node.name, Binding("unknown", None, node.lineno, self._scope))
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.AST) -> None:  # Python 3.10+
        self._bind_capture(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:  # Python 3.10+
        self._bind_capture(node, "rest")

    def _bind_capture(self, node: ast.AST, field: str = "name") -> None:
        name = getattr(node, field, None)
        if name:
            line = node.lineno  # type: ignore[attr-defined]
            self._scope.bind(name, Binding("unknown", None, line, self._scope))
        self.generic_visit(node)


#: Methods that add entries to a dict in place.
DICT_MUTATORS = frozenset({"update", "setdefault"})
#: Session methods that make a client (see :attr:`ModuleScopes.client_calls`).
CLIENT_METHODS = frozenset({"client", "resource"})


def _mutated_entries(call: ast.Call) -> List[Tuple[str, ast.expr]]:
    """(key, value) pairs a ``update``/``setdefault`` call writes, constant keys only."""
    func = call.func
    if getattr(func, "attr", None) == "setdefault":
        if len(call.args) == 2 and isinstance(call.args[0], ast.Constant) and isinstance(
                call.args[0].value, str):
            return [(call.args[0].value, call.args[1])]
        return []
    pairs = [(k.arg, k.value) for k in call.keywords if k.arg is not None]
    if len(call.args) == 1 and isinstance(call.args[0], ast.Dict):
        pairs += [(k.value, v) for k, v in zip(call.args[0].keys, call.args[0].values)
                  if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return pairs


def lookup(scope: Scope, name: str, line: int) -> List[Binding]:
    """The bindings a use of ``name`` at ``line`` in ``scope`` may see, latest first.

    Follows Python's rule that class bodies are not enclosing scopes of their methods.
    When the use runs in the flow of the binding scope (the same scope, or a comprehension
    in it), bindings at or before the use come first; a function or lambda runs later, so
    it may see every binding of its enclosing scopes.
    """
    current: Optional[Scope] = scope
    first = True
    in_flow = True
    while current is not None:
        if current.kind == "class" and not first:
            current = current.parent
            continue
        bindings = current.bindings.get(name)
        if bindings:
            earlier = [b for b in bindings if b.line <= line] if in_flow else []
            return list(reversed(earlier or bindings))
        first = False
        in_flow = in_flow and current.kind == "comprehension"
        current = current.parent
    return []
