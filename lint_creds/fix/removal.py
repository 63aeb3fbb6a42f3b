"""Applying planned removals to a libcst tree: arguments, dict entries and statements go,
and the commas, comments and blank lines around them end up where a person would put them.

The planner (:mod:`lint_creds.fix.plan`) decides *what* to remove; this module only knows
*how* to take nodes out of a tree without disturbing anything else.
"""
from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Set, TypeVar, Union

import libcst as cst


class Edits:
    """Node removals and positional->keyword renames, keyed by node identity."""

    def __init__(self) -> None:
        self.drop: Set[cst.CSTNode] = set()
        self.rename: Dict[cst.Arg, str] = {}
        #: ``if``/``else`` statements replaced by their ``else`` body (guard simplification),
        #: and ``try`` statements replaced by their body (a handler that only repeats it).
        self.collapse: Set[Union[cst.If, cst.Try]] = set()

    def merge(self, other: "Edits") -> None:
        self.drop |= other.drop
        self.rename.update(other.rename)
        self.collapse |= other.collapse

    def removed(self) -> List[cst.CSTNode]:
        """Nodes whose code disappears (for imports and dead names)."""
        return [*self.drop, *[n for i in self.collapse for n in (
            (i.test, i.body) if isinstance(i, cst.If) else i.handlers)]]


Item = TypeVar("Item", cst.Arg, cst.DictElement)


def _without(originals: Sequence[Item], updated: Sequence[Item],
             drop: Set[cst.CSTNode]) -> List[Item]:
    """``updated`` minus the items whose originals are dropped.

    Comments on a removed item's own line go with it; comments on lines of their own
    (they may describe the next item) move to the previous kept item. The caller repairs
    the ending when the last item went (see :func:`_closing`).
    """
    kept: List[Item] = []
    for original, item in zip(originals, updated):
        if original not in drop:
            kept.append(item)
        elif kept:
            kept[-1] = _with_lines(kept[-1], _own_line_comments(item.comma))
    return kept


def _own_line_comments(comma: object) -> List[cst.EmptyLine]:
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after,
                                                   cst.ParenthesizedWhitespace):
        return [line for line in comma.whitespace_after.empty_lines if line.comment is not None]
    return []


def _with_lines(item: Item, lines: List[cst.EmptyLine]) -> Item:
    comma = item.comma
    if not lines or not isinstance(comma, cst.Comma) or not isinstance(
            comma.whitespace_after, cst.ParenthesizedWhitespace):
        return item
    after = comma.whitespace_after
    return item.with_changes(comma=comma.with_changes(whitespace_after=after.with_changes(
        empty_lines=[*after.empty_lines, *lines])))


def _closing(own: cst.BaseParenthesizableWhitespace,
             closing: cst.BaseParenthesizableWhitespace) -> cst.ParenthesizedWhitespace:
    """The whitespace before the closing bracket once the new last item ends its line:
    the new last item's own line (and comment), then the old closing line."""
    assert isinstance(own, cst.ParenthesizedWhitespace)
    if isinstance(closing, cst.ParenthesizedWhitespace):
        return own.with_changes(empty_lines=[*own.empty_lines, *closing.empty_lines],
                                indent=closing.indent, last_line=closing.last_line)
    return own.with_changes(indent=False, last_line=cst.SimpleWhitespace(""))


def _own_line(item: Union[cst.Arg, cst.DictElement],
              last: Union[cst.Arg, cst.DictElement]) -> Optional[cst.ParenthesizedWhitespace]:
    """The whitespace after the item's comma when the item ends its line and that line
    must stay: the old last item had a trailing comma, or the line has a comment."""
    comma = item.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after,
                                                   cst.ParenthesizedWhitespace):
        after = comma.whitespace_after
        if isinstance(last.comma, cst.Comma) or after.first_line.comment is not None:
            return after
    return None


def _end_args(kept: List[cst.Arg], last: cst.Arg) -> List[cst.Arg]:
    """The old last argument went: the new last one takes over the closing line."""
    new_last = kept[-1]
    own = _own_line(new_last, last)
    if own is None:  # arguments share a line: take the old ending as it was
        kept[-1] = new_last.with_changes(comma=last.comma,
                                         whitespace_after_arg=last.whitespace_after_arg)
        return kept
    closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else (
        last.whitespace_after_arg)
    comma = new_last.comma.with_changes(  # type: ignore[union-attr]
        whitespace_after=_closing(own, closing))
    kept[-1] = new_last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
    return kept


def _end_elements(node: cst.Dict, kept: List[cst.DictElement],
                  last: cst.DictElement) -> cst.Dict:
    """The old last entry went: the new last one takes over the closing line (a dict
    keeps that line in the closing brace)."""
    new_last = kept[-1]
    own = _own_line(new_last, last)
    if own is None:
        kept[-1] = new_last.with_changes(comma=last.comma)
        return node.with_changes(elements=kept)
    kept[-1] = new_last.with_changes(comma=new_last.comma.with_changes(  # type: ignore[union-attr]
        whitespace_after=cst.SimpleWhitespace("")))
    rbrace = node.rbrace.with_changes(
        whitespace_before=_closing(own, node.rbrace.whitespace_before))
    return node.with_changes(elements=kept, rbrace=rbrace)


class Remover(cst.CSTTransformer):
    """Applies :class:`Edits` (matched on the original nodes).

    Subtrees without edits are neither visited nor rebuilt: they come back as the very
    same objects, so later passes can still map them to their original source spans.
    """

    def __init__(self, edits: Edits, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.edits = edits
        self.touched: Set[cst.CSTNode] = set()
        for node in [*edits.drop, *edits.rename, *edits.collapse]:
            while node is not None and node not in self.touched:
                self.touched.add(node)
                node = parents.get(node)  # type: ignore[assignment]

    def on_visit(self, node: cst.CSTNode) -> bool:
        return node in self.touched and super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> object:
        if original_node in self.edits.drop and isinstance(original_node, (
                cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            return cst.RemoveFromParent()
        if original_node not in self.touched:
            return original_node
        if original_node in self.edits.collapse:
            return _else_body(original_node) if isinstance(  # type: ignore[arg-type]
                original_node, cst.If) else _try_body(updated_node)  # type: ignore[arg-type]
        return super().on_leave(original_node, updated_node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._keep_spacing(
            original_node.body, updated_node.body, keep_headers=True))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._keep_spacing(original_node.body,
                                                                 updated_node.body))

    def _keep_spacing(self, originals: Sequence[cst.BaseStatement],
                      updated: Sequence[cst.BaseStatement],
                      keep_headers: bool = False) -> List[cst.BaseStatement]:
        """A removed statement's leading blank lines pass to the next kept statement, so
        removals do not glue paragraphs together. Its comments go with it, except, at
        module level (``keep_headers``), a comment heading a paragraph that goes on after
        the removed run (a settings module's ``# --- storage ---``): that one passes to the
        first statement kept. In a function, such a comment explains the removed code."""
        if len(originals) == len(updated) or any(o in self.edits.collapse for o in originals):
            return list(updated)
        result: List[cst.BaseStatement] = []
        remaining = iter(updated)
        first_removed: Optional[cst.BaseStatement] = None
        for original in originals:
            if self._removed(original):
                first_removed = original if first_removed is None else first_removed
                continue
            statement = next(remaining)
            if first_removed is not None and isinstance(statement, (
                    cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                statement = _after_removed_run(first_removed, statement, keep_headers)
            first_removed = None
            result.append(statement)
        return result

    def _removed(self, statement: cst.BaseStatement) -> bool:
        return statement in self.edits.drop or (
            isinstance(statement, cst.SimpleStatementLine) and all(
                s in self.edits.drop for s in statement.body))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not any(a in self.edits.drop or a in self.edits.rename for a in original_node.args):
            return updated_node
        args = [_as_keyword(u, self.edits.rename[o]) if o in self.edits.rename else u
                for o, u in zip(original_node.args, updated_node.args)]
        kept = _without(original_node.args, args, self.edits.drop)
        if kept and original_node.args[-1] in self.edits.drop:
            kept = _end_args(kept, args[-1])
        if kept:
            return updated_node.with_changes(args=kept)
        return updated_node.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        if not any(e in self.edits.drop for e in original_node.elements):
            return updated_node
        kept = _without(original_node.elements, updated_node.elements, self.edits.drop)
        if kept and original_node.elements[-1] in self.edits.drop:
            last = updated_node.elements[-1]
            return _end_elements(updated_node, kept, last)  # type: ignore[arg-type]
        if kept:
            return updated_node.with_changes(elements=kept)
        return updated_node.with_changes(
            elements=(), lbrace=cst.LeftCurlyBrace(), rbrace=cst.RightCurlyBrace())


def _after_removed_run(first_removed: cst.BaseStatement,
                       statement: Union[cst.SimpleStatementLine, cst.BaseCompoundStatement],
                       keep_headers: bool
                       ) -> Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]:
    """The first statement kept after a run of removed ones, given the run's blank lines
    and, when it continues the run's paragraph (no blank line between), its header."""
    leading = list(getattr(first_removed, "leading_lines", ()))
    own = list(statement.leading_lines)
    if keep_headers and any(line.comment is not None for line in leading) and all(
            line.comment is not None for line in own):
        return statement.with_changes(leading_lines=[*leading, *own])
    missing = leading_blanks(first_removed) - leading_blanks(statement)
    if missing > 0:
        return statement.with_changes(leading_lines=[*[cst.EmptyLine(indent=False)] * missing,
                                                     *own])
    return statement


def _else_body(guard: cst.If) -> "cst.FlattenSentinel[cst.BaseStatement]":
    """The statements of the ``else`` branch, in place of the whole ``if`` (whose own
    comments described the test that is gone; its blank lines stay)."""
    statements = list(guard.orelse.body.body)  # type: ignore[union-attr]
    blanks = [line for line in guard.leading_lines if line.comment is None]
    statements[0] = statements[0].with_changes(leading_lines=[
        *blanks, *getattr(statements[0], "leading_lines", [])])
    return cst.FlattenSentinel(statements)


def _try_body(statement: cst.Try) -> "cst.FlattenSentinel[cst.BaseStatement]":
    """The statements of the ``try`` body, in place of the whole ``try`` (the statement's
    own comments and blank lines stay, above the first)."""
    statements = list(statement.body.body)  # type: ignore[union-attr]
    statements[0] = statements[0].with_changes(leading_lines=[
        *statement.leading_lines, *getattr(statements[0], "leading_lines", [])])
    return cst.FlattenSentinel(statements)


def leading_blanks(statement: cst.BaseStatement) -> int:
    count = 0
    for line in getattr(statement, "leading_lines", ()):
        if line.comment is not None:
            break
        count += 1
    return count


def _as_keyword(arg: cst.Arg, name: str) -> cst.Arg:
    return arg.with_changes(keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
