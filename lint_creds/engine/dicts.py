"""Dicts that carry credentials: the entries of a dict literal, ``dict(...)`` call, or a
name built up by ``d["k"] = v`` / ``d.update(...)`` / ``d.setdefault(...)``."""
from __future__ import annotations

import ast
from typing import Dict, List, Optional, Tuple

from .origins import MAX_DEPTH, DictEntry, Kind, Value, constant_string
from .scopes import Binding, Scope, lookup


def dict_entries(value: Value) -> Dict[str, List[DictEntry]]:
    """Constant-keyed entries of a dict literal / ``dict(...)``, plus the later item
    assignments and ``update``/``setdefault`` calls on the names it was bound to."""
    entries: Dict[str, List[DictEntry]] = {}
    node = value.node
    if isinstance(node, ast.Dict):
        for key_node, value_node in zip(node.keys, node.values):
            key = constant_string(key_node) if key_node is not None else None
            if key is not None and key_node is not None:
                entries.setdefault(key, []).append(
                    DictEntry(key, value_node, value.scope, key_node, value_node, node))
    elif isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg is not None:
                entries.setdefault(keyword.arg, []).append(
                    DictEntry(keyword.arg, keyword.value, value.scope, keyword, keyword, node))
    for name in value.via:
        for key, bindings in value.scope.item_assigns.get(name, {}).items():
            for binding in bindings:
                entry = _mutation_entry(key, binding)
                if entry is not None:
                    entries.setdefault(key, []).append(entry)
    return entries


def _mutation_entry(key: str, binding: Binding) -> Optional[DictEntry]:
    """The entry a ``d["k"] = v`` statement or a ``d.update(k=v)`` call adds."""
    statement, value = binding.statement, binding.value
    if value is None or statement is None:
        return None
    if not isinstance(statement, ast.Call):  # d["k"] = v: the whole statement is the entry
        return DictEntry(key, value, binding.scope, statement, statement, None)
    for keyword in statement.keywords:  # d.update(k=v)
        if keyword.value is value:
            return DictEntry(key, value, binding.scope, keyword, keyword, statement)
    if statement.args and isinstance(statement.args[0], ast.Dict):  # d.update({"k": v})
        literal = statement.args[0]
        for key_node, value_node in zip(literal.keys, literal.values):
            if value_node is value and key_node is not None:
                return DictEntry(key, value, binding.scope, key_node, value_node, literal)
    # d.setdefault("k", v)
    return DictEntry(key, value, binding.scope, statement.args[0], value, statement)


def resolve_dict(node: ast.AST, scope: Scope) -> Optional[Value]:
    """Follow ``node`` through names to a dict literal, remembering the names it went
    through (their item assignments add entries)."""
    via: Tuple[str, ...] = ()
    for _ in range(MAX_DEPTH):
        if isinstance(node, ast.Dict) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "dict" and not node.args):
            return Value(Kind.DICT, node, scope, via=via)
        if not isinstance(node, ast.Name):
            return None
        bindings = [b for b in lookup(scope, node.id, node.lineno) if b.kind == "assign"]
        if not bindings or bindings[0].value is None:
            return None
        via = (*via, node.id)
        node, scope = bindings[0].value, bindings[0].scope
    return None
