"""A faster :class:`ast.NodeVisitor` for the engine's passes over a module.

The engine walks every node of every module that passes the prefilter, twice, so the walk is
its largest cost.  ``ast.NodeVisitor`` looks up ``visit_<Class>`` with ``getattr`` and string
formatting at every node, and its ``generic_visit`` goes through ``ast.iter_fields`` and
visits leaves (names, operators, contexts) that no pass cares about.  This visitor keeps the
same interface (``visit``, ``generic_visit``, ``visit_<Class>`` methods) but:

- resolves each node class's method once per visitor class;
- descends only into the fields of a node class that can hold nodes;
- skips nodes with no visitor method and no child nodes at all (``Name``, ``Load``, ``Add``,
  ``Constant``...), without a call;
- calls a child's method straight from ``generic_visit``, with no ``visit`` frame between
  (a tenth faster, and a level of nesting costs one frame, not two).
"""
from __future__ import annotations

import ast
from typing import Any, Callable, ClassVar, Dict, Iterator, Tuple, Type

#: Fields that never hold a node, whatever the class (``Constant.value`` is a Python value).
_SCALAR_FIELDS = frozenset({
    "ctx", "id", "attr", "arg", "kind", "level", "module", "type_comment", "conversion",
    "is_async", "simple", "lineno", "tag",
})
_NODE_FIELDS: Dict[Type[ast.AST], Tuple[str, ...]] = {ast.Constant: ()}


def _node_fields(node_class: Type[ast.AST]) -> Tuple[str, ...]:
    fields = _NODE_FIELDS.get(node_class)
    if fields is None:
        fields = _NODE_FIELDS[node_class] = tuple(
            f for f in node_class._fields if f not in _SCALAR_FIELDS)
    return fields


def child_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """:func:`ast.iter_child_nodes` (same nodes, same order) without the fields that never
    hold a node, or only a leaf no pass looks into (contexts)."""
    for field in _NODE_FIELDS.get(type(node)) or _node_fields(type(node)):
        value = getattr(node, field, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def _skip(visitor: "FastVisitor", node: ast.AST) -> None:
    """The method of a leaf class nobody visits."""


class FastVisitor:
    """Drop-in for :class:`ast.NodeVisitor` (no ``visit_Num``-style legacy hooks)."""

    _methods: ClassVar[Dict[Type[ast.AST], Callable[[Any, Any], Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._methods = {}

    def visit(self, node: ast.AST) -> Any:
        node_class = type(node)
        method = self._methods.get(node_class)
        if method is None:
            method = self._methods[node_class] = self._method_for(node_class)
        return method(self, node)

    @classmethod
    def _method_for(cls, node_class: Type[ast.AST]) -> Callable[[Any, Any], Any]:
        method = getattr(cls, "visit_" + node_class.__name__, None)
        if method is not None:
            return method  # type: ignore[no-any-return]
        return cls.generic_visit if _node_fields(node_class) else _skip

    def generic_visit(self, node: ast.AST) -> None:
        # ``visit`` inlined: this loop runs for every node, and most children are leaves.
        methods = self._methods
        fields = _NODE_FIELDS.get(type(node)) or _node_fields(type(node))
        for field in fields:
            value = getattr(node, field, None)
            for child in value if type(value) is list else (value,):
                method = methods.get(type(child))
                if method is None:
                    if not isinstance(child, ast.AST):
                        continue  # None: an absent optional child, or a dict's ``**`` key
                    method = methods[type(child)] = self._method_for(type(child))
                if method is not _skip:
                    method(self, child)
