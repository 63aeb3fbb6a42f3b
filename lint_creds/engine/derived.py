"""Values derived from a credential that keep its origin, and parameters read like settings.

Derived: elements of a tuple display, pieces of ``os.environ["CREDS"].split(":")``, a
template that is one replacement field (``"{}".format(key)``, ``"%s" % key``) and a filtered
copy of ``os.environ`` (``{k: v for k, v in os.environ.items() if ...}``).  Parameters: a
lookup by a credential name on ``settings: Settings`` or on ``cfg["aws"][...]`` is a
configuration read, not plumbing.  :mod:`.values` calls these; they classify through it.
"""
from __future__ import annotations

import ast
import string
from typing import TYPE_CHECKING, Iterator, List, Optional, Union

from .origins import (
    CONFIG_LOOKUP_METHODS, CREDENTIALS_TYPE_SUFFIXES, SPLIT_METHODS, VAGUE_TYPES, Kind, Value,
    constant_string, is_credential_key,
)
from .scopes import Scope

if TYPE_CHECKING:
    from .values import ValueResolver

#: Origins whose pieces are still the credential (a literal is split for real).
_SPLIT_ORIGINS = frozenset({Kind.ENV, Kind.SETTINGS})


# -- sequences -------------------------------------------------------------------------
def sequence(resolver: "ValueResolver", node: Union[ast.Tuple, ast.List], scope: Scope,
             depth: int) -> Optional[Value]:
    """``(os.environ["A"], os.environ["B"])``: a tuple whose element origins are known."""
    if any(isinstance(element, ast.Starred) for element in node.elts):
        return None  # positions after ``*rest`` are unknown
    elements = tuple(resolver.classify(element, scope, depth) for element in node.elts)
    return Value(Kind.TUPLE, node, scope, elements=elements)


def element(resolver: "ValueResolver", source: Optional[Value], index: int,
            depth: int) -> Optional[Value]:
    """Element ``index`` of a classified sequence: a known element of a tuple, or any piece
    of a split credential."""
    if source is None or source.kind is not Kind.TUPLE:
        return None
    if source.elements:
        in_range = -len(source.elements) <= index < len(source.elements)
        return source.elements[index] if in_range else None
    return _piece(resolver, source.node, source.scope, depth)


def split_pieces(resolver: "ValueResolver", call: ast.Call, scope: Scope,
                 depth: int) -> Optional[Value]:
    """``text.split(":")`` of a credential: the pieces of a literal, else a sequence whose
    every piece is the credential (taken by :func:`element`)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in SPLIT_METHODS):
        return None
    origin = resolver.classify(func.value, scope, depth)
    if origin is not None and origin.kind is Kind.LITERAL:
        pieces = _split_text(origin.literal or "", func.attr, call)
        return None if pieces is None else Value(
            Kind.TUPLE, call, scope, elements=tuple(origin._replace(literal=p) for p in pieces))
    return Value(Kind.TUPLE, call, scope) if origin is not None and (
        origin.kind in _SPLIT_ORIGINS) else None


def _piece(resolver: "ValueResolver", node: ast.AST, scope: Scope,
           depth: int) -> Optional[Value]:
    func = getattr(node, "func", None)
    if not (isinstance(func, ast.Attribute) and func.attr in SPLIT_METHODS):
        return None
    origin = resolver.classify(func.value, scope, depth)
    if origin is None or origin.kind not in _SPLIT_ORIGINS:
        return None
    # A piece is not the variable's value: removing it is never a safe fix.
    return origin._replace(direct_env=False)


def _split_text(text: str, method: str, call: ast.Call) -> Optional[List[str]]:
    """``"AKIA...:secret".split(":")`` evaluated, when every argument is a constant."""
    args = [a.value for a in call.args if isinstance(a, ast.Constant)]
    kwargs = {k.arg: k.value.value for k in call.keywords
              if k.arg is not None and isinstance(k.value, ast.Constant)}
    if len(args) != len(call.args) or len(kwargs) != len(call.keywords):
        return None
    try:
        pieces: List[str] = getattr(text, method)(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    return pieces


def index_of(node: ast.AST) -> Optional[int]:
    """The integer of ``parts[1]`` / ``parts[-1]``, else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node, sign = node.operand, -1
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


# -- templates -------------------------------------------------------------------------
def format_field(resolver: "ValueResolver", call: ast.Call, scope: Scope,
                 depth: int) -> Optional[Value]:
    """``"{}".format(key)``, ``"{0}"``, ``"{name}".format(name=key)``: a template that is
    one replacement field and no other text gives its argument's origin."""
    func = call.func
    text = constant_string(func.value) if isinstance(func, ast.Attribute) and (
        func.attr == "format") else None
    try:
        parsed = list(string.Formatter().parse(text)) if text is not None else []
    except ValueError:
        return None
    if len(parsed) != 1 or parsed[0][0] or parsed[0][2] or parsed[0][3]:
        return None
    field = parsed[0][1]
    if field in ("", "0") and call.args and not isinstance(call.args[0], ast.Starred):
        return resolver.classify(call.args[0], scope, depth)
    argument = next((k.value for k in call.keywords if field and k.arg == field), None)
    return resolver.classify(argument, scope, depth) if argument is not None else None


def percent_field(resolver: "ValueResolver", node: ast.BinOp, scope: Scope,
                  depth: int) -> Optional[Value]:
    """``"%s" % key`` / ``"%s" % (key,)``: the origin of ``key``."""
    if not (isinstance(node.op, ast.Mod) and constant_string(node.left) == "%s"):
        return None
    operand = node.right
    if isinstance(operand, ast.Tuple):
        if len(operand.elts) != 1:
            return None
        operand = operand.elts[0]
    return resolver.classify(operand, scope, depth)


# -- mappings --------------------------------------------------------------------------
def dict_copy(resolver: "ValueResolver", node: ast.DictComp, scope: Scope,
              depth: int) -> Optional[Value]:
    """``{k: v for k, v in os.environ.items() if k.startswith("AWS_")}``: a filtered copy
    of a configuration mapping, read like the mapping itself."""
    generators = node.generators
    if len(generators) != 1 or generators[0].is_async:
        return None
    target, source = generators[0].target, generators[0].iter
    names = [e.id for e in getattr(target, "elts", []) if isinstance(e, ast.Name)]
    if not (len(names) == 2 and isinstance(target, ast.Tuple) and isinstance(source, ast.Call)
            and isinstance(source.func, ast.Attribute) and source.func.attr == "items"
            and not source.args and _is_name(node.key, names[0])
            and _is_name(node.value, names[1])):
        return None
    mapping = resolver.classify(source.func.value, scope, depth)
    return mapping if mapping is not None and mapping.kind is Kind.CONFIG else None


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


# -- parameters read like configuration -------------------------------------------------
def reads_configuration(owner: Value, node: ast.AST, member: str, shaped: bool) -> bool:
    """Is ``param.member`` / ``param[member]`` a settings read?  By a credential name, on a
    parameter annotated with a type that does not hold credentials, or on an unannotated one
    read like configuration: a nested section or a ConfigParser-style call (``shaped``)."""
    if not is_credential_key(member):
        return False
    typed = _configuration_type(annotation_of(owner))
    if typed is not None:
        return typed
    nested = isinstance(owner.node, (ast.Subscript, ast.Call))
    return shaped or (nested and isinstance(node, (ast.Subscript, ast.Call)))


def configparser_call(call: ast.Call, method: str) -> bool:
    """``cfg.get("aws", "aws_access_key_id")``, ``cfg.getstr(...)``: a section and an option,
    not ``d.get(key, default)``."""
    if method in CONFIG_LOOKUP_METHODS:
        return True
    if len(call.args) < 2:
        return False
    option, section = constant_string(call.args[1]), constant_string(call.args[0])
    return option is not None and is_credential_key(option) and not is_credential_key(
        section or "")


def annotation_of(owner: Value) -> Optional[ast.expr]:
    """The annotation of the parameter ``owner`` was read from (not ``*args``/``**kwargs``,
    whose annotation types the elements)."""
    node = owner.node
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    arguments = getattr(owner.scope.node, "args", None)
    if not (isinstance(node, ast.Name) and isinstance(arguments, ast.arguments)):
        return None
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if argument.arg == node.id:
            return argument.annotation
    return None


def _configuration_type(annotation: Optional[ast.expr]) -> Optional[bool]:
    """True: a configuration type (``Settings``, ``dict``, ``Mapping[str, str]``); False: a
    credentials type (``Credentials``, ``CredentialsTypeDef``); None: nothing useful."""
    names = set(_type_names(annotation)) - VAGUE_TYPES if annotation is not None else set()
    if any(name.endswith(CREDENTIALS_TYPE_SUFFIXES) for name in names):
        return False
    return True if names else None


def _type_names(node: ast.AST) -> Iterator[str]:
    text = constant_string(node)
    if text is not None:  # a string annotation: "Settings"
        try:
            node = ast.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.Subscript):
        yield from _type_names(node.value)
        yield from _type_names(node.slice)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for item in node.elts:
            yield from _type_names(item)
    elif isinstance(node, ast.BinOp):  # "Settings | None"
        yield from _type_names(node.left)
        yield from _type_names(node.right)
