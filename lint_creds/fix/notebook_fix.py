"""Fixing a Jupyter notebook: its code cells rewritten in place, every other byte kept.

The code cells are fixed as the one module ``check`` analyses (a key set in one cell and
passed to boto3 in a later one is one finding). The fixed module goes back cell by cell:

- a line the fix did not touch keeps its original text (so a blanked IPython magic comes
  back as it was);
- each change must lie inside one cell and touch no magic line, or nothing is rewritten;
- the notebook is written back only if serialising the untouched document reproduces the
  file byte for byte (indentation, key order, non-ASCII text, final newline): then only the
  changed cells' ``source`` differ, and outputs, metadata and cell ids are kept.

Anything else leaves the notebook as it is and says why.
"""
from __future__ import annotations

import difflib
import json
from typing import Any, Dict, List, Optional, Tuple

from ..source.notebooks import Notebook, load_notebook

#: What each finding of a notebook that cannot be rewritten reports.
CANNOT_REWRITE = "the notebook cannot be rewritten safely ({why}); fix it by hand"


class NotebookEdit:
    """A notebook's document, its code cells joined, and the way back from fixed text."""

    def __init__(self, data: bytes, path: str) -> None:
        self.data = data
        self.notebook: Notebook = load_notebook(data, path)
        self.document: Any = json.loads(data.decode("utf-8-sig"))
        self._indent = _indent_of(data)

    def why_not(self) -> Optional[str]:
        """Why the notebook cannot be written back byte for byte, or None."""
        if self.data.startswith(b"\xef\xbb\xbf"):
            return "it starts with a byte-order mark"
        if self._dump(self.document) != self.data:
            return "its JSON is not laid out as Jupyter writes it"
        return None

    def rewritten(self, fixed: str) -> Tuple[Optional[bytes], Optional[str]]:
        """The notebook's new bytes with the code cells of ``fixed`` (the joined source
        after the fix), or ``(None, why)`` when a change cannot be mapped back."""
        before = self.notebook.source.splitlines()
        after = fixed.splitlines()
        new_lines: Dict[int, List[str]] = {}  # cell number -> new lines
        originals = {cell.number: list(_source_lines(self.document["cells"][cell.number - 1]))
                     for cell in self.notebook.cells}
        kept_from: Dict[int, List[str]] = {n: [] for n in originals}
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, a0, a1, b0, b1 in matcher.get_opcodes():
            if tag == "equal":
                for offset in range(a1 - a0):
                    cell, line = self.notebook.line_map[a0 + offset]
                    kept_from[cell].append(originals[cell][line - 1])
                continue
            cells = {self.notebook.line_map[i][0] for i in range(a0, a1)}
            if a0 == a1:  # an insertion: it belongs to the cell of the line before it
                cells = {self.notebook.line_map[max(a0 - 1, 0)][0]}
            if len(cells) != 1:
                return None, "a change spans two cells"
            cell = cells.pop()
            if any(originals[cell][self.notebook.line_map[i][1] - 1].strip() and not before[i]
                   for i in range(a0, a1)):
                return None, "a change touches an IPython magic"
            kept_from[cell].extend(after[b0:b1])
        for number, lines in kept_from.items():
            if lines != originals[number]:
                new_lines[number] = lines
        if not new_lines:
            return None, None
        document = json.loads(self.data.decode("utf-8"))
        for number, lines in new_lines.items():
            cell = document["cells"][number - 1]
            cell["source"] = _as_source(lines, cell["source"], _text(cell).endswith("\n"))
        return self._dump(document), None

    def _dump(self, document: Any) -> bytes:
        text = json.dumps(document, indent=self._indent, ensure_ascii=False)
        return (text + ("\n" if self.data.endswith(b"\n") else "")).encode("utf-8")


def _indent_of(data: bytes) -> int:
    """The indentation of the notebook's JSON (Jupyter writes 1)."""
    lines = data.split(b"\n", 2)
    if len(lines) > 1:
        return len(lines[1]) - len(lines[1].lstrip(b" "))
    return 1


def _text(cell: Dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _source_lines(cell: Dict[str, Any]) -> List[str]:
    return _text(cell).splitlines()


def _as_source(lines: List[str], like: Any, final_newline: bool) -> Any:
    """Cell source in the form the cell had: a string, or a list of lines each ending with
    a newline but the last (as Jupyter writes them), the last one too if it had one."""
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    return text if isinstance(like, str) else text.splitlines(keepends=True)
