"""Jupyter notebooks: the Python code cells as one module, and the way back to ``cell N``.

Cells are joined in order so that a key assigned in one cell and passed to ``boto3`` in a
later one is still traced. IPython magics (``%time``, ``!pip``, ``obj?``, ``files = !ls``)
are blanked and cells run by a cell magic (``%%bash``) are skipped, keeping every line
number in place.
"""
from __future__ import annotations

import json
import re
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple

from .files import FileProblem

#: Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%debug")
_MAGIC_PREFIXES = ("%", "!", "?")
#: ``files = !ls`` and ``t = %timeit -o f()``: IPython assigns a magic's output.
_MAGIC_ASSIGNMENT = re.compile(r"\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*[!%]")


class Cell(NamedTuple):
    """One code cell: its 1-based position among all cells, and its source lines."""

    number: int
    lines: Tuple[str, ...]


class Notebook(NamedTuple):
    """The code cells of a notebook joined into one module."""

    cells: Tuple[Cell, ...]
    #: Python source of all analysed cells, one after the other.
    source: str
    #: For each line of ``source`` (index = line - 1): (cell number, line within the cell).
    line_map: Tuple[Tuple[int, int], ...]

    def locate(self, line: int) -> Tuple[Optional[int], int]:
        """(cell number, line in cell) of a 1-based line of :attr:`source`."""
        if 0 < line <= len(self.line_map):
            return self.line_map[line - 1]
        return None, line


def load_notebook(data: bytes, path: str) -> Notebook:
    """Parse ``.ipynb`` bytes; raise :class:`FileProblem` when it is not a notebook."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FileProblem(path, f"not a valid notebook: not JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise FileProblem(path, "not a valid notebook: no list of cells (nbformat 4 expected)")
    if not _is_python(document):
        return Notebook((), "", ())
    cells = [cell for cell in _code_cells(document["cells"], path) if cell.lines]
    return join_cells(cells)


def join_cells(cells: Sequence[Cell]) -> Notebook:
    """One module from ``cells``; each cell ends with a newline so statements stay apart."""
    lines: List[str] = []
    line_map: List[Tuple[int, int]] = []
    for cell in cells:
        for index, line in enumerate(cell.lines, start=1):
            lines.append(line)
            line_map.append((cell.number, index))
    return Notebook(tuple(cells), "".join(f"{line}\n" for line in lines), tuple(line_map))


def _is_python(document: Any) -> bool:
    metadata = document.get("metadata") or {}
    language = ((metadata.get("language_info") or {}).get("name")
                or (metadata.get("kernelspec") or {}).get("language") or "python")
    return isinstance(language, str) and language.lower() in ("python", "python3", "ipython")


def _code_cells(cells: List[Any], path: str) -> List[Cell]:
    found = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise FileProblem(path, f"not a valid notebook: cell {number} has no source text")
        lines = source.splitlines()
        if lines and lines[0].startswith("%%") and not lines[0].startswith(_PYTHON_CELL_MAGICS):
            continue  # %%bash, %%sql ...: not Python
        found.append(Cell(number, tuple(_blank_magic(line) for line in lines)))
    return found


def _blank_magic(line: str) -> str:
    """Keep the line (so numbers stay right) but drop IPython-only syntax."""
    stripped = line.lstrip()
    help_request = stripped.endswith("?") and stripped[:-1].isidentifier()  # obj?
    if stripped.startswith(_MAGIC_PREFIXES) or help_request or _MAGIC_ASSIGNMENT.match(line):
        return ""
    return line
