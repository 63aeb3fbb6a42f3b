"""What a module offers other modules, in origin terms: the project index's unit.

:func:`summarize_module` reads one module's top level (names, class attributes, functions'
return values, ``__all__``, star imports) and says, for each name, where its value comes
from: a literal, an environment read, a setting, another module's name (an alias, resolved
later by the index), or a function whose result is one of those. The summary is plain data
(it is cached on disk as JSON), and it never holds key material: a literal that could be a
key keeps only its masked form and the verdicts the engine needs about it.

The engine reads other modules only through :class:`ProjectView`, which the project part
implements; without one, each module is analysed alone, as before.
"""
from __future__ import annotations

import ast
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from ..options import Options
from ..patterns import is_placeholder, looks_like_credential, looks_real, mask
from .origins import Kind, Value
from .scopes import Binding, ModuleScopes, Scope

#: Kinds an export can have: the origin kinds, plus the two the index resolves further.
ALIAS = "alias"  # the name is imported from elsewhere: ``target`` says from where
FUNCTION = "function"  # a function: ``elements[0]`` is what its calls give
UNKNOWN = "unknown"  # bound, but to nothing the engine follows (not a credential origin)
#: Which parameters of a function reach an SDK call (``WrapperFinder.params_reaching_sinks``).
WrapperParams = Callable[[Any], Sequence[Sequence[Any]]]
#: Nodes a ``return`` can sit in (``match_case`` from 3.10 on).
_BLOCK_PARTS = tuple(t for t in (ast.stmt, ast.excepthandler, getattr(ast, "match_case", None))
                     if t is not None)
#: Origin kinds worth recording; any other value is left out of the summary.
_RECORDED = frozenset({Kind.LITERAL, Kind.ENV, Kind.SETTINGS, Kind.FROZEN, Kind.NONE,
                       Kind.PARAM, Kind.STS, Kind.TUPLE, Kind.CONFIG})


class Export(NamedTuple):
    """The origin of one exported value, as plain data."""

    kind: str  # a :class:`Kind` value, or ALIAS / FUNCTION / UNKNOWN
    line: int
    env_name: Optional[str] = None
    has_default: bool = False
    direct_env: bool = False
    #: A literal's text when it cannot be key material (a URL, a region, a placeholder).
    literal: Optional[str] = None
    #: A literal as messages show it (key material masked).
    masked: str = ""
    #: Verdicts on a literal, made where its text was known.
    placeholder: bool = False
    plausible: bool = False  # looks_like_credential
    real: bool = False  # looks_real(literal, None): an AWS-shaped key even at a custom endpoint
    #: ALIAS: the import as written (``.base.KEY``, ``pkg.settings.KEY``).
    target: Optional[str] = None
    #: TUPLE: the element origins; FUNCTION: the origin of what it returns (one element).
    elements: Tuple["Export", ...] = ()
    #: FUNCTION returning an env read named by a parameter (``_get_env(name)``): its index.
    env_param: Optional[int] = None
    env_param_name: Optional[str] = None
    #: ``path:line`` of the definition, filled in by the index when it answers a lookup.
    where: str = ""
    #: FUNCTION that is a wrapper: ``(parameter, position, role, sdk call, line)`` of each
    #: parameter that reaches a credential argument of an SDK call inside it.
    sink_params: Tuple[Tuple[Any, ...], ...] = ()


class ModuleSummary(NamedTuple):
    """Everything other modules can import from one module."""

    #: ``NAME`` and ``Class.NAME`` -> origin.
    names: Dict[str, Export]
    #: ``from X import *`` targets, as written, in source order.
    star_imports: Tuple[str, ...] = ()
    #: ``__all__`` when it is a literal list/tuple of strings.
    all_names: Optional[Tuple[str, ...]] = None


class ProjectView:
    """The engine's window on the rest of the project (implemented by ``lint_creds.project``).

    ``lookup`` takes an import target as the module's own import statements spell it
    (``.base.KEY``, ``pkg.settings.KEY``, ``pkg.settings.Settings.KEY``) and answers with the
    final origin of that name, aliases followed, or None when it is not a project name or
    cannot be resolved (then the engine treats it as it always did)."""

    def lookup(self, target: str) -> Optional[Export]:  # pragma: no cover - interface
        return None

    def credential_use(self, name: str, line: int) -> str:  # pragma: no cover - interface
        """``path:line`` of a module that passes this module's ``name`` (bound at ``line``)
        to an SDK call as a credential ('' when none does, or it cannot be known)."""
        return ""

    def lookup_wrapper(self, target: str) -> Optional[Export]:  # pragma: no cover
        """``lookup`` for a function called with arguments, to see whether it is a wrapper:
        only modules that could hand a credential to the SDK (those the byte screen passes,
        and package ``__init__`` files on the way) are read, so ordinary calls cost little."""
        return None


def export_of_value(value: Optional[Value], options: Options, line: int) -> Optional[Export]:
    """The plain-data form of a resolved origin (None when it is nothing to record)."""
    if value is None:
        return None
    if value.external is not None:
        return value.external
    if value.kind not in _RECORDED:
        return None
    if value.kind is Kind.LITERAL:
        return literal_export(value.literal or "", options, line)
    if value.kind is Kind.TUPLE:
        elements = tuple(export_of_value(e, options, line) or Export(UNKNOWN, line)
                         for e in value.elements)
        return Export(Kind.TUPLE.value, line, elements=elements)
    return Export(value.kind.value, line, env_name=value.env_name,
                  has_default=value.has_default, direct_env=value.direct_env)


#: Longer literals are kept as verdicts only: no endpoint, region or name is this long, and
#: a module-level blob (a JSON policy table, an embedded file) would bloat every cache entry.
MAX_KEPT_LITERAL = 4096


def literal_export(text: str, options: Options, line: int) -> Export:
    """A literal as the index keeps it: its text only if it cannot be key material (a URL,
    which ``endpoint_url`` checks need, never is: no key holds ``://``) and is short."""
    plausible, real = looks_like_credential(text), looks_real(text, None)
    keep = len(text) <= MAX_KEPT_LITERAL and ("://" in text or not (plausible or real))
    return Export(Kind.LITERAL.value, line, literal=text if keep else None,
                  masked=mask(text), placeholder=is_placeholder(text, options.allow_values),
                  plausible=plausible, real=real)


def summarize_module(scopes: ModuleScopes, resolver: "object", options: Options,
                     wrapper_params: "WrapperParams" = lambda function: (),
                     constructor_params: "WrapperParams" = lambda class_node: (),
                     method_params: "WrapperParams" = lambda method: (),
                     ) -> ModuleSummary:
    """The exports of one module whose scopes and resolver (``ValueResolver``) are built;
    ``wrapper_params`` says which parameters of a function reach an SDK call,
    ``constructor_params`` which of a class's constructor do, and ``method_params`` which
    of a method do, positioned as a call through an instance gives them."""
    module = scopes.module
    names: Dict[str, Export] = {}
    for name, bindings in module.bindings.items():
        export = _export_of_bindings(bindings, resolver, options, wrapper_params,
                                     constructor_params)
        if export is not None:
            names[name] = export
        for binding in bindings[-1:]:
            if binding.kind == "class" and isinstance(binding.value, ast.ClassDef):
                class_scope = scopes.scope_of.get(id(binding.value))
                if class_scope is not None:
                    for attribute, members in class_scope.bindings.items():
                        member = _export_of_bindings(members, resolver, options,
                                                     method_params, constructor_params)
                        if member is not None:
                            names[f"{name}.{attribute}"] = member
    return ModuleSummary(names, tuple(_star_imports(module.node)), _all_names(module))


def _export_of_bindings(bindings: Sequence[Binding], resolver: "object", options: Options,
                        wrapper_params: "WrapperParams",
                        constructor_params: "WrapperParams") -> Optional[Export]:
    binding = bindings[-1]  # what an importer sees: the last top-level binding
    if binding.kind == "import":
        return Export(ALIAS, binding.line, target=binding.qualname)
    if binding.kind == "function" and isinstance(binding.value, (ast.FunctionDef,
                                                                 ast.AsyncFunctionDef)):
        return function_export(binding.value, resolver, options, wrapper_params)
    if binding.kind == "class" and isinstance(binding.value, ast.ClassDef):
        sink_params = tuple(tuple(p) for p in constructor_params(binding.value))
        return Export(FUNCTION, binding.line, sink_params=sink_params) if sink_params else (
            Export(UNKNOWN, binding.line))
    if binding.kind == "assign" and binding.value is not None:
        value = resolver.classify(binding.value, binding.scope)  # type: ignore[attr-defined]
        return export_of_value(value, options, binding.line) or Export(UNKNOWN, binding.line)
    return Export(UNKNOWN, binding.line)


def function_export(node: "ast.FunctionDef | ast.AsyncFunctionDef", resolver: "object",
                    options: Options, wrapper_params: WrapperParams) -> Optional[Export]:
    """What calls of a top-level function give (if it returns a recorded origin), and the
    parameters it hands to an SDK call (if it is a wrapper)."""
    sink_params = tuple(tuple(p) for p in wrapper_params(node))
    value = resolver.returned(node)  # type: ignore[attr-defined]
    returned = None if value is None else export_of_value(
        value, options, getattr(value.node, "lineno", node.lineno))
    if value is not None and value.kind is Kind.ENV and value.env_param is not None:
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        index = params.index(value.env_param) if value.env_param in params else None
        return Export(FUNCTION, node.lineno, env_param=index, env_param_name=value.env_param,
                      elements=(returned,) if returned else (), sink_params=sink_params)
    if returned is not None and returned.kind in (Kind.PARAM.value, Kind.NONE.value):
        returned = None
    if returned is None and not sink_params:
        return None
    return Export(FUNCTION, node.lineno, elements=(returned,) if returned else (),
                  sink_params=sink_params)


def returns_of(node: "ast.FunctionDef | ast.AsyncFunctionDef") -> Iterator[ast.Return]:
    """The function's own ``return`` statements (not those of nested functions)."""
    stack: List[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Return):
            yield current
        elif not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                      ast.ClassDef)):
            stack.extend(child for child in ast.iter_child_nodes(current)
                         if isinstance(child, _BLOCK_PARTS))


def _star_imports(tree: ast.AST) -> Iterator[str]:
    """Star imports run at import time, in source order: top-level ones and those in
    top-level ``try``/``if`` blocks (``try: from .local import *``)."""
    for statement in _module_level(getattr(tree, "body", [])):
        if isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
            yield "." * statement.level + (statement.module or "")


def _module_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    for statement in body:
        yield statement
        if isinstance(statement, (ast.Try, ast.If)):
            blocks = [statement.body, statement.orelse]
            if isinstance(statement, ast.Try):
                blocks += [h.body for h in statement.handlers] + [statement.finalbody]
            for block in blocks:
                yield from _module_level(block)


def _all_names(module: Scope) -> Optional[Tuple[str, ...]]:
    for binding in module.bindings.get("__all__", [])[-1:]:
        if isinstance(binding.value, (ast.List, ast.Tuple)):
            values = [e.value for e in binding.value.elts
                      if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(values) == len(binding.value.elts):
                return tuple(values)
    return None
