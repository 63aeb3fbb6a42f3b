"""Source text for messages: short, on one line, with key material masked."""
from __future__ import annotations

import ast
from typing import Optional, Sequence

from ..patterns import find_key_ids, looks_like_credential, mask_all


def describe(lines: Sequence[str], node: ast.AST, limit: int = 60) -> str:
    """Short source text of an expression for messages, key material masked."""
    text = _source_segment(lines, node)
    if text is None:
        text = ast.unparse(node)
    # Anything that could be key material is masked, AWS-shaped or not.
    secrets = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
               and isinstance(n.value, str)
               and (looks_like_credential(n.value) or find_key_ids(n.value))]
    text = mask_all(" ".join(text.split()), [k for s in secrets for k in (s, *find_key_ids(s))])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_segment(lines: Sequence[str], node: ast.AST) -> Optional[str]:
    """The node's own text when it sits on one line (ast columns are UTF-8 offsets)."""
    line = getattr(node, "lineno", None)
    end_line = getattr(node, "end_lineno", None)
    if line is None or line != end_line or not 0 < line <= len(lines):
        return None
    raw = lines[line - 1].encode("utf-8")
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    return raw[start:end].decode("utf-8", "replace")
