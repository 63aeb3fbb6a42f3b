"""Values that come out of calls and imports: what a helper function returns (here or in
another module, through the project index), and names other modules define.

A mixin of :class:`~lint_creds.engine.values.ValueResolver`: it needs the resolver's
``classify``, ``bindings``, ``qualname`` and ``scopes``.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from .exports import ALIAS, FUNCTION, UNKNOWN, Export, ProjectView, returns_of
from .origins import Kind, Value, constant_string, is_credential_key, strongest
from .scopes import Binding, FunctionNode, Scope

if TYPE_CHECKING:  # pragma: no cover
    from .scopes import ModuleScopes


class FunctionsAndImports:
    """Helper results and project lookups for :class:`ValueResolver`."""

    scopes: "ModuleScopes"
    project: Optional[ProjectView]
    _returns: Dict[int, Optional[Value]]

    def classify(self, node: ast.AST, scope: Scope, depth: int = 0) -> Optional[Value]:
        raise NotImplementedError  # pragma: no cover - ValueResolver's

    def bindings(self, node: ast.Name, scope: Scope) -> List[Binding]:
        raise NotImplementedError  # pragma: no cover - ValueResolver's

    def qualname(self, node: ast.AST, scope: Scope) -> Optional[str]:
        raise NotImplementedError  # pragma: no cover - ValueResolver's

    def returned(self, function: FunctionNode, depth: int = 0) -> Optional[Value]:
        """What calls of ``function`` give: the strongest origin among its returns."""
        if id(function) not in self._returns:
            self._returns[id(function)] = None  # recursion guard
            scope = self.scopes.scope_of.get(id(function))
            self._returns[id(function)] = None if scope is None else strongest(
                self.classify(r.value, scope, depth) for r in returns_of(function)
                if r.value is not None)
        return self._returns[id(function)]

    def _call_result(self, call: ast.Call, scope: Scope, depth: int) -> Optional[Value]:
        """The origin a call of a helper function gives (``_get_env("KEY")``,
        ``get_aws_keys()``), for functions of this module and, through the index, others."""
        func = call.func
        if isinstance(func, ast.Name):
            bindings = self.bindings(func, scope)
            if bindings and bindings[-1].kind == "function" and isinstance(
                    bindings[-1].value, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function = bindings[-1].value
                value = self.returned(function, depth)
                if value is None or value.kind in (Kind.PARAM, Kind.NONE):
                    return None
                if value.kind is Kind.ENV and value.env_param is not None:
                    parameters = _parameters(function)
                    index = parameters.index(value.env_param) if (
                        value.env_param in parameters) else None
                    return self._named_env_read(call, value, scope, value.env_param, index)
                return value._replace(via=(func.id, *value.via))
        qualname = self.qualname(func, scope)
        export = self.project.lookup(qualname) if (
            self.project and qualname and _helper_shaped(call)) else None
        if export is None or export.kind != FUNCTION or not export.elements:
            return None
        value = self._value_of_export(export.elements[0]._replace(where=export.where), call,
                                      scope)
        if value is not None and export.env_param_name is not None:
            return self._named_env_read(call, value, scope, export.env_param_name,
                                        export.env_param)
        return value

    @staticmethod
    def _named_env_read(call: ast.Call, read: Value, scope: Scope, parameter: str,
                        index: Optional[int]) -> Value:
        """``helper("NAME")`` of a helper that reads the variable its ``parameter`` (at
        ``index`` among the positional ones) names."""
        argument = call.args[index] if index is not None and index < len(call.args) else (
            _keyword(call, parameter))
        return Value(Kind.ENV, call, scope,
                     env_name=constant_string(argument) if argument is not None else None,
                     has_default=read.has_default, external=read.external)

    def _parameter_named(self, arguments: Sequence[ast.expr], scope: Scope) -> Optional[str]:
        """The parameter an ``os.getenv(name)`` names its variable by, if it is one."""
        if arguments and isinstance(arguments[0], ast.Name):
            bindings = self.bindings(arguments[0], scope)
            if bindings and bindings[-1].kind == "param" and bindings[-1].scope is scope:
                return arguments[0].id
        return None

    def _from_project(self, qualname: str, node: ast.AST,
                      scope: Scope) -> Tuple[bool, Optional[Value]]:
        """``(known, origin)`` of a name another module of the project defines; known is
        False when the index cannot see it (then the caller guesses, as without an index)."""
        if self.project is None:
            return False, None
        export = self.project.lookup(qualname)
        if export is None:
            return False, None
        if export.kind == UNKNOWN:  # bound there to something that is not a credential
            last = qualname.rsplit(".", 1)[-1]
            return True, Value(Kind.SETTINGS, node, scope, external=export) if (
                is_credential_key(last)) else None
        return True, self._value_of_export(export, node, scope)

    def _value_of_export(self, export: Export, node: ast.AST, scope: Scope) -> Optional[Value]:
        if export.kind == Kind.TUPLE.value:
            return Value(Kind.TUPLE, node, scope, elements=tuple(
                self._value_of_export(e._replace(where=export.where), node, scope)
                for e in export.elements))
        if export.kind == ALIAS:  # summarising a module: the index follows it later
            return Value(Kind.SETTINGS, node, scope, external=export)
        try:
            kind = Kind(export.kind)
        except ValueError:  # a FUNCTION used as a value
            return None
        return Value(kind, node, scope, env_name=export.env_name, literal=export.literal,
                     has_default=export.has_default, direct_env=export.direct_env,
                     external=export)


def _parameters(function: FunctionNode) -> List[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _helper_shaped(call: ast.Call) -> bool:
    """A call another module's helper could answer: constant arguments only
    (``_get_env("NAME")``, ``get_aws_keys()``, ``env("NAME", default=None)``). Other calls
    are not worth reading a module for."""
    return all(isinstance(a, ast.Constant) for a in (*call.args,
                                                     *(k.value for k in call.keywords)))


def _keyword(node: ast.Call, name: str) -> Optional[ast.expr]:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None
