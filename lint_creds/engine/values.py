"""Where does a value come from?  Follows expressions through names, attributes and dicts.

:class:`ValueResolver` answers with a :class:`Value`: a literal, an environment read, a
settings/config lookup, frozen session credentials, or one of the "legitimate" origins
(a function parameter, an STS response) that must not be reported.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..sinks import SESSION_FACTORIES
from .calls import FunctionsAndImports
from .derived import (
    configparser_call, dict_copy, element, format_field, index_of, percent_field,
    annotation_of, reads_configuration, sequence, split_pieces,
)
from .dicts import dict_entries, resolve_dict
from .exports import ProjectView
from .instances import constructor_argument
from .origins import (
    CONFIG_FACTORIES, CONFIG_OBJECTS, CREDENTIAL_KINDS, CREDS_METHODS, ENV_FUNCTIONS, ENV_HELPERS,
    ENV_MAPPINGS, ENV_READER_FACTORIES, FROZEN_ATTRIBUTES, LIBRARY_ROOTS, LOOKUP_METHODS,
    MAX_DEPTH, STS_KEYS, STS_METHODS, TRANSPARENT_FUNCTIONS, TRANSPARENT_METHODS, DictEntry,
    Kind, Value, constant_string, is_credential_key, is_empty, strongest,
)
from .scopes import Binding, ModuleScopes, Scope, lookup
from .secret_stores import is_parameter_value, is_secret_store_call
from .source_text import describe

__all__ = ["Kind", "Value", "ValueResolver", "constant_string", "strongest"]


class ValueResolver(FunctionsAndImports):
    """Classifies expressions of one module."""

    def __init__(self, scopes: ModuleScopes, settings_objects: Iterable[str] = (),
                 lines: Sequence[str] = (), project: Optional["ProjectView"] = None) -> None:
        self.scopes = scopes
        self.lines = lines
        self.settings_objects = frozenset(settings_objects)
        #: The rest of the project, for names imported from it (None: this module alone).
        self.project = project
        self._cache: Dict[Tuple[int, int], Optional[Value]] = {}
        self._returns: Dict[int, Optional[Value]] = {}

    def describe(self, node: ast.AST, limit: int = 60) -> str:
        """Short source text of an expression for messages, key material masked."""
        return describe(self.lines, node, limit)

    # -- names ----------------------------------------------------------------------
    def qualname(self, node: ast.AST, scope: Scope) -> Optional[str]:
        """The dotted name an expression refers to through imports, e.g. ``boto3.client``."""
        if isinstance(node, ast.Name):
            for binding in lookup(scope, node.id, node.lineno)[:1]:
                if binding.kind == "import":
                    return binding.qualname
            return None
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, scope)
            return f"{base}.{node.attr}" if base else None
        return None

    def bindings(self, node: ast.Name, scope: Scope) -> List[Binding]:
        return lookup(scope, node.id, node.lineno)

    # -- classification -------------------------------------------------------------
    def classify(self, node: ast.AST, scope: Scope, depth: int = 0) -> Optional[Value]:
        """The origin of ``node`` evaluated in ``scope``, or None when unknown."""
        if depth > MAX_DEPTH:
            return None
        key = (id(node), id(scope))
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = None  # cycle guard
        result = self._classify(node, scope, depth + 1)
        self._cache[key] = result
        return result

    def _classify(self, node: ast.AST, scope: Scope, depth: int) -> Optional[Value]:
        handler = _HANDLERS.get(type(node))
        return handler(self, node, scope, depth) if handler else None

    def _constant(self, node: ast.Constant, scope: Scope, depth: int) -> Optional[Value]:
        if node.value is None:
            return Value(Kind.NONE, node, scope)
        if isinstance(node.value, str):
            return Value(Kind.LITERAL, node, scope, literal=node.value)
        return None

    def _joined(self, node: ast.AST, scope: Scope, depth: int) -> Optional[Value]:
        """f-strings and ``+`` concatenations: a literal if every part is, else the first
        credential origin among the parts."""
        parts = _string_parts(node)
        values = [self.classify(part, scope, depth) for part in parts]
        if all(v is not None and v.kind is Kind.LITERAL for v in values):
            text = "".join(v.literal or "" for v in values if v is not None)
            return Value(Kind.LITERAL, node, scope, literal=text)
        for value in values:
            if value is not None and value.kind in (Kind.ENV, Kind.SETTINGS, Kind.FROZEN):
                return value
        return None

    def _formatted(self, node: ast.FormattedValue, scope: Scope, depth: int) -> Optional[Value]:
        return self.classify(node.value, scope, depth)

    def _name(self, node: ast.Name, scope: Scope, depth: int) -> Optional[Value]:
        bindings = self.bindings(node, scope)
        if not bindings:
            for module in reversed(self.scopes.star_imports):  # the last one wins
                known, value = self._from_project(f"{module}.{node.id}", node, scope)
                if known:
                    return value
            # A star import, or a credential-named name defined elsewhere (another notebook
            # cell, an exec'd config): configuration this file cannot see.
            if self.scopes.has_star_import or is_credential_key(node.id):
                return Value(Kind.SETTINGS, node, scope)
            return None
        # ``key = os.environ.get(...)`` then ``if not key: key = None``: a credential origin
        # on any path wins over a None reset on another.
        value = strongest(self._from_binding(b, node, depth) for b in bindings)
        if value is not None and value.kind in CREDENTIAL_KINDS:
            return value._replace(via=(node.id, *value.via))
        return value

    def _from_binding(self, binding: Binding, node: ast.AST, depth: int) -> Optional[Value]:
        if binding.kind == "assign" and binding.value is not None:
            return self.classify(binding.value, binding.scope, depth)
        if binding.kind == "unpack" and binding.value is not None:
            source = self.classify(binding.value, binding.scope, depth)
            return element(self, source, binding.position or 0, depth)  # key, secret = creds
        if binding.kind == "param":
            # ``def make(key=os.environ["K"])``: the default flows in whenever callers omit it.
            if binding.value is not None:
                default = self.classify(binding.value, binding.scope, depth)
                if default is not None and default.kind in CREDENTIAL_KINDS:
                    return default
            return Value(Kind.PARAM, node, binding.scope)
        if binding.kind == "import":
            return self._imported(binding.qualname or "", node, binding.scope)
        if binding.kind == "class" and isinstance(binding.value, ast.ClassDef):
            class_scope = self.scopes.scope_of.get(id(binding.value))
            if class_scope is not None:
                return Value(Kind.CLASS, binding.value, class_scope)
        return None

    def _imported(self, qualname: str, node: ast.AST, scope: Scope) -> Optional[Value]:
        if qualname in ENV_MAPPINGS:
            return Value(Kind.CONFIG, node, scope, env_name="")  # os.environ itself
        if qualname in CONFIG_OBJECTS or qualname in self.settings_objects:
            return Value(Kind.CONFIG, node, scope)
        if qualname.split(".", 1)[0] in LIBRARY_ROOTS:
            return None
        known, value = self._from_project(qualname, node, scope)
        if known:
            return value
        # A name imported from the application: configuration this file cannot see.
        return Value(Kind.SETTINGS, node, scope)

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> Optional[Value]:
        qualname = self.qualname(node, scope)
        if qualname in ENV_MAPPINGS:
            return Value(Kind.CONFIG, node, scope, env_name="")
        if qualname and (qualname in CONFIG_OBJECTS or qualname in self.settings_objects):
            return Value(Kind.CONFIG, node, scope)
        if qualname and any(qualname.startswith(o + ".") for o in CONFIG_OBJECTS):
            return Value(Kind.SETTINGS, node, scope)
        if qualname and qualname.split(".", 1)[0] in LIBRARY_ROOTS:
            return None
        known, value = self._from_project(qualname, node, scope) if qualname else (False, None)
        if known:  # ``credentials.KEY``, ``Settings.KEY`` of another module
            return value
        owner = self._owner(node.value, scope, depth)
        if owner is not None:
            return self._member(owner, node, node.attr, scope, depth)
        if node.attr == "config":  # app.config, current_app.config
            return Value(Kind.CONFIG, node, scope)
        if is_credential_key(node.attr):
            return Value(Kind.SETTINGS, node, scope)
        return None

    def _owner(self, node: ast.AST, scope: Scope, depth: int) -> Optional[Value]:
        """Classify the object an attribute is read from, ``self`` included."""
        if isinstance(node, ast.Name) and node.id == scope.self_name:
            owner_class = scope.enclosing_class()
            if owner_class is not None:
                return Value(Kind.INSTANCE, node, owner_class)
        if isinstance(node, ast.Name) and node.id in self.settings_objects:
            return Value(Kind.CONFIG, node, scope)
        return self.classify(node, scope, depth)

    def _member(self, owner: Value, node: ast.AST, member: str, scope: Scope,
                depth: int, shaped: bool = False) -> Optional[Value]:
        """Classify ``owner.member`` / ``owner[member]`` (``shaped``: ``cfg.get(sect, opt)``)."""
        if owner.kind is Kind.CONFIG:
            if owner.env_name == "":  # os.environ["NAME"]
                return Value(Kind.ENV, node, scope, env_name=member, direct_env=True)
            return Value(Kind.SETTINGS, node, scope)
        if owner.kind is Kind.SETTINGS:
            return owner._replace(node=node)
        if owner.kind is Kind.PARAM and reads_configuration(owner, node, member, shaped) and (
                not self._holds_arguments(owner)):
            return Value(Kind.SETTINGS, node, scope)  # settings: Settings, cfg["aws"][...]
        if owner.kind in (Kind.STS, Kind.PARAM):  # a caller's mapping is plumbing too
            return owner._replace(node=node)
        if owner.kind is Kind.CREDS_OBJECT and member in FROZEN_ATTRIBUTES:
            return Value(Kind.FROZEN, node, scope)
        if owner.kind is Kind.DICT:
            return self._dict_member(owner, member, depth)
        if owner.kind in (Kind.CLASS, Kind.INSTANCE):
            return self._class_member(owner, node, member, depth)
        if owner.kind is Kind.ENV_READER:
            return None
        if is_credential_key(member):  # cfg["aws_secret_access_key"], config.aws_key
            return Value(Kind.SETTINGS, node, scope)
        return None

    def _class_member(self, owner: Value, node: ast.AST, member: str,
                      depth: int) -> Optional[Value]:
        class_scope = owner.scope
        candidates: List[Binding] = []
        if owner.kind is Kind.INSTANCE:
            candidates += list(reversed(class_scope.self_attrs.get(member, [])))
        candidates += list(reversed(class_scope.bindings.get(member, [])))
        if not candidates:  # inherited from an in-file base class
            for base in getattr(class_scope.node, "bases", []):
                parent = self.classify(base, class_scope.parent or class_scope, depth)
                if parent is not None and parent.kind is Kind.CLASS:
                    value = self._class_member(owner._replace(scope=parent.scope), node, member,
                                               depth + 1)
                    if value is not None:
                        return value
        value = strongest(self._from_binding(b, node, depth) for b in candidates)
        if (value is None or value.kind is Kind.PARAM) and owner.made_in is not None:
            stored = self._stored_argument(owner, member, depth)  # AwsConfig(key, ...).key
            if stored is not None:
                return stored
        if is_credential_key(member) and (not candidates or (
                self._is_config_class(class_scope) and is_empty(value))):
            # An undeclared credential attribute, or a settings class (pydantic
            # ``BaseSettings``) whose empty default is filled in from env/config at run time.
            return Value(Kind.SETTINGS, node, owner.scope)
        return value

    def _holds_arguments(self, parameter: Value) -> bool:
        """Is the parameter typed with a class of this module that stores its constructor's
        arguments (``conf: AwsConfig``)?  Its values are reported where the instance is
        made and reaches the SDK, not again at every function it is handed to."""
        annotation = annotation_of(parameter)
        if not isinstance(annotation, ast.Name):
            return False
        bindings = self.bindings(annotation, parameter.scope)
        return bool(bindings) and bindings[-1].kind == "class" and isinstance(
            bindings[-1].value, ast.ClassDef) and any(
            isinstance(s, ast.FunctionDef) and s.name == "__init__"
            for s in bindings[-1].value.body)

    def _stored_argument(self, owner: Value, member: str, depth: int) -> Optional[Value]:
        class_node = owner.scope.node
        if not isinstance(owner.node, ast.Call) or not isinstance(class_node, ast.ClassDef):
            return None
        argument = constructor_argument(owner.node, class_node, member)
        if argument is None or owner.made_in is None:
            return None
        return self.classify(argument, owner.made_in, depth)

    def _is_config_class(self, class_scope: Scope) -> bool:
        """Does the class derive from an imported base (``BaseSettings``, ``Config``)?"""
        bases = getattr(class_scope.node, "bases", [])
        return any(self.qualname(base, class_scope.parent or class_scope) for base in bases)

    def _dict_member(self, owner: Value, key: str, depth: int) -> Optional[Value]:
        for entry in self.dict_entries(owner).get(key, [])[::-1]:
            value = self.classify(entry.value, entry.scope, depth)
            if value is not None:
                return value
        return None

    def _subscript(self, node: ast.Subscript, scope: Scope, depth: int) -> Optional[Value]:
        key = constant_string(node.slice)
        if key in STS_KEYS:
            return Value(Kind.STS, node, scope)
        if is_parameter_value(node):
            return Value(Kind.SETTINGS, node, scope)
        index = index_of(node.slice)
        if index is not None:  # creds[0], parts[1]
            return element(self, self._owner(node.value, scope, depth), index, depth)
        owner = self._owner(node.value, scope, depth)
        if owner is not None and owner.kind is Kind.CONFIG and owner.env_name == "" and key is None:
            return Value(Kind.ENV, node, scope, direct_env=True)  # os.environ[variable]
        if key is None:
            return None
        if owner is not None:
            value = self._member(owner, node, key, scope, depth)
            if value is not None or owner.kind in (Kind.DICT, Kind.CLASS, Kind.INSTANCE):
                return value
        if is_credential_key(key):
            return Value(Kind.SETTINGS, node, scope)
        return None

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> Optional[Value]:
        func = node.func
        qualname = self.qualname(func, scope)
        first = constant_string(node.args[0]) if node.args else None
        if is_secret_store_call(node, qualname):
            return Value(Kind.SETTINGS, node, scope)
        if qualname in ENV_FUNCTIONS or qualname in ENV_HELPERS:
            default = node.args[1] if len(node.args) > 1 else _keyword(node, "default")
            has_default = default is not None and not (
                isinstance(default, ast.Constant) and default.value is None)
            return Value(Kind.ENV, node, scope, env_name=first, has_default=has_default,
                         direct_env=qualname in ENV_FUNCTIONS,
                         env_param=self._parameter_named(node.args[:1], scope))
        if qualname in ENV_READER_FACTORIES:
            return Value(Kind.ENV_READER, node, scope)
        if qualname in SESSION_FACTORIES:
            return Value(Kind.SESSION, node, scope)
        if qualname in CONFIG_FACTORIES or (qualname or "").endswith(".Dynaconf"):
            return Value(Kind.CONFIG, node, scope)
        if qualname == "dict" or (isinstance(func, ast.Name) and func.id == "dict"
                                  and qualname is None and not node.args):
            return Value(Kind.DICT, node, scope)
        if isinstance(func, ast.Name) and func.id in TRANSPARENT_FUNCTIONS and len(node.args) == 1:
            return self.classify(node.args[0], scope, depth)
        returned = self._call_result(node, scope, depth)
        if returned is not None:
            return returned
        if isinstance(func, ast.Attribute):
            return self._method_call(node, func, first, scope, depth)
        if isinstance(func, ast.Name):
            callee = self.classify(func, scope, depth)
            if callee is not None and callee.kind is Kind.ENV_READER:
                return Value(Kind.ENV, node, scope, env_name=first)
            if callee is not None and callee.kind is Kind.CLASS:
                return Value(Kind.INSTANCE, node, callee.scope, made_in=scope)
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2:
            member = constant_string(node.args[1])
            owner = self._owner(node.args[0], scope, depth)
            if member is not None and owner is not None:
                return self._member(owner, node, member, scope, depth)
        return None

    def _method_call(self, node: ast.Call, func: ast.Attribute, first: Optional[str],
                     scope: Scope, depth: int) -> Optional[Value]:
        method = func.attr
        if method in STS_METHODS:
            return Value(Kind.STS, node, scope)
        if method in CREDS_METHODS:
            return Value(Kind.CREDS_OBJECT, node, scope)
        derived = split_pieces(self, node, scope, depth) or format_field(self, node, scope, depth)
        if derived is not None:  # key, secret = creds.split(":"); "{}".format(key)
            return derived
        if method in TRANSPARENT_METHODS:
            return self.classify(func.value, scope, depth)
        owner = self.classify(func.value, scope, depth)
        if owner is not None and owner.kind is Kind.ENV_READER:
            return Value(Kind.ENV, node, scope, env_name=first)
        if method in LOOKUP_METHODS or method.startswith("get"):
            # d.get("key", default) and parser.get("section", "option"): the credential-named
            # constant among the arguments is the key; otherwise the first one.
            keys = [k for k in map(constant_string, node.args) if k is not None]
            key = next((k for k in keys if is_credential_key(k)), keys[0] if keys else None)
            if owner is not None and owner.kind is Kind.CONFIG and owner.env_name == "":
                return Value(Kind.ENV, node, scope, env_name=first, direct_env=True)
            if owner is not None and owner.kind is Kind.CONFIG:
                return Value(Kind.SETTINGS, node, scope)
            if owner is not None and owner.kind is Kind.DICT and key is not None:
                return self._dict_member(owner, key, depth)
            if key in STS_KEYS:  # creds.get("AccessKeyId"), as creds["AccessKeyId"]
                return Value(Kind.STS, node, scope)
            if owner is not None and owner.kind in (Kind.STS, Kind.PARAM) and key is not None:
                return self._member(owner, node, key, scope, depth, configparser_call(node, method))
            if key is not None and is_credential_key(key):
                return Value(Kind.SETTINGS, node, scope)
        return None

    # -- dicts: see dicts.py ------------------------------------------------------------
    def dict_entries(self, value: Value) -> Dict[str, List[DictEntry]]:
        """Constant-keyed entries of a followed dict (see :func:`dicts.dict_entries`)."""
        return dict_entries(value)

    def resolve_dict(self, node: ast.AST, scope: Scope) -> Optional[Value]:
        """Follow ``node`` to a dict literal (see :func:`dicts.resolve_dict`)."""
        return resolve_dict(node, scope)


def _string_parts(node: ast.AST) -> List[ast.AST]:
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_string_parts(node.left), *_string_parts(node.right)]
    return [node]


def _keyword(node: ast.Call, name: str) -> Optional[ast.expr]:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _boolop(self: ValueResolver, node: ast.BoolOp, scope: Scope, depth: int) -> Optional[Value]:
    return strongest(self.classify(operand, scope, depth) for operand in node.values)


def _ifexp(self: ValueResolver, node: ast.IfExp, scope: Scope, depth: int) -> Optional[Value]:
    return _boolop(self, ast.BoolOp(op=ast.Or(), values=[node.body, node.orelse]), scope, depth)


def _binop(self: ValueResolver, node: ast.BinOp, scope: Scope, depth: int) -> Optional[Value]:
    if isinstance(node.op, ast.Add):
        return self._joined(node, scope, depth)
    return percent_field(self, node, scope, depth)  # "%s" % key


def _await(self: ValueResolver, node: ast.Await, scope: Scope, depth: int) -> Optional[Value]:
    return self.classify(node.value, scope, depth)


def _dict(self: ValueResolver, node: ast.Dict, scope: Scope, depth: int) -> Optional[Value]:
    return Value(Kind.DICT, node, scope)


def _namedexpr(self: ValueResolver, node: ast.NamedExpr, scope: Scope,
               depth: int) -> Optional[Value]:
    return self.classify(node.value, scope, depth)


_HANDLERS: Dict[type, Callable[..., Optional[Value]]] = {
    ast.Constant: ValueResolver._constant,
    ast.JoinedStr: ValueResolver._joined,
    ast.FormattedValue: ValueResolver._formatted,
    ast.Name: ValueResolver._name,
    ast.Attribute: ValueResolver._attribute,
    ast.Subscript: ValueResolver._subscript,
    ast.Call: ValueResolver._call,
    ast.BoolOp: _boolop,
    ast.IfExp: _ifexp,
    ast.BinOp: _binop,
    ast.Await: _await,
    ast.Dict: _dict,
    ast.Tuple: sequence,
    ast.List: sequence,
    ast.DictComp: dict_copy,
    ast.NamedExpr: _namedexpr,
}
