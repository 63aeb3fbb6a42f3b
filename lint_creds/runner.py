"""Many files through the engine: read bytes, screen, decode, analyse, apply ``# noqa``.

Every file yields a :class:`FileResult`; a file that cannot be analysed carries a
``problem`` (a reason a user can act on) instead of crashing the run. Big batches are split
into chunks for a process pool; small ones (the usual pre-commit call) stay in-process,
because starting workers costs more than it saves.
"""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, List, NamedTuple, Optional, Sequence, Tuple

from .engine import check_source
from .files import FileProblem, read_bytes, split_lines
from .findings import Finding
from .noqa import filter_findings
from .options import Options
from .prefilter import could_hold_finding

if TYPE_CHECKING:  # pragma: no cover
    from .notebooks import Notebook

#: Files per task sent to a worker; large enough to amortise pickling and scheduling.
CHUNK_SIZE = 48
#: Below this many files a pool does not pay for its start-up.
MIN_FILES_FOR_POOL = 200
_LINE_REFERENCE = re.compile(r"\bline (\d+)\b")


class Reported(NamedTuple):
    """A finding placed in its file: what every report format needs."""

    code: str
    message: str
    #: ``safe`` / ``unsafe`` / ``none`` (the finding's fix applicability).
    fix: str
    path: str
    #: 1-based notebook cell number; ``None`` for ``.py`` files.
    cell: Optional[int]
    #: 1-based line (within the cell for notebooks), 0-based character column (engine's).
    line: int
    col: int
    end_line: int
    end_col: int
    #: The text of the reported line (used for excerpts and baseline fingerprints; it may
    #: hold a secret, so reports never print it except as a terminal excerpt, masked).
    source_line: str
    #: Identity for baselines and SARIF (see :mod:`lint_creds.baseline`); set by ``check``.
    fingerprint: str = ""


class FileResult(NamedTuple):
    """Everything learnt about one path."""

    path: str
    findings: Tuple[Reported, ...] = ()
    #: Why (part of) the file could not be analysed.
    problem: Optional[str] = None
    #: Findings hidden by ``# noqa``.
    noqa_suppressed: int = 0
    #: False when the prefilter proved there was nothing to find.
    analysed: bool = True


def check_path(path: str, options: Options) -> FileResult:
    """Read and check one file."""
    try:
        data = read_bytes(path)
    except FileProblem as problem:
        return FileResult(path, problem=problem.reason, analysed=False)
    return check_data(data, path, options)


def check_data(data: bytes, path: str, options: Options) -> FileResult:
    """Check the bytes of one file; ``path`` decides notebook vs Python and is reported."""
    try:
        if path.endswith(".ipynb"):
            return _check_notebook(data, path, options)
        if not could_hold_finding(data, options):
            return FileResult(path, analysed=False)
        text = decode_source(data, path)
        findings, suppressed = _analyse(text, path, options)
    except FileProblem as problem:
        return FileResult(path, problem=problem.reason)
    lines = split_lines(text)
    return FileResult(path, tuple(_place(f, path, None, f.line, lines) for f in findings),
                      None, suppressed)


def decode_source(data: bytes, path: str) -> str:
    """Source bytes to text as Python would decode them (BOM, coding cookie, UTF-8)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "coding" not in data[:1024].decode("ascii", "replace"):
            encoding = "utf-8"  # no declaration: the first lines are not UTF-8
        else:
            raise FileProblem(path, f"bad encoding declaration: {error.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(path, f"cannot decode as {encoding}: invalid byte "
                                f"0x{data[error.start]:02x} on line {line}") from None
    except LookupError:  # pragma: no cover - detect_encoding validates the codec
        raise FileProblem(path, f"unknown encoding {encoding!r}") from None
    return text[1:] if text.startswith("\ufeff") else text


def _analyse(text: str, path: str, options: Options) -> Tuple[List[Finding], int]:
    """Engine findings after ``# noqa``; engine failures become :class:`FileProblem`."""
    try:
        findings = check_source(text, path, options)
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        raise FileProblem(path, f"syntax error: {error.msg}{where}") from None
    except ValueError as error:  # NUL bytes before Python 3.12
        raise FileProblem(path, f"cannot parse: {error}") from None
    except RecursionError:
        raise FileProblem(path, "too deeply nested to analyse (RecursionError)") from None
    except MemoryError:
        raise FileProblem(path, "too complex to analyse (MemoryError)") from None
    except Exception as error:  # an engine bug must not hide every other file's findings
        raise FileProblem(path, f"internal error, please report: "
                                f"{type(error).__name__}: {error}") from None
    return filter_findings(findings, text)


def _check_notebook(data: bytes, path: str, options: Options) -> FileResult:
    from .notebooks import join_cells, load_notebook

    notebook = load_notebook(data, path)
    if not could_hold_finding(notebook.source.encode("utf-8", "surrogatepass"), options):
        return FileResult(path, analysed=False)
    try:
        findings, suppressed = _analyse(notebook.source, path, options)
        parts = [(notebook, findings)]
        problems: List[str] = []
    except FileProblem:  # one broken cell: analyse the cells one by one instead
        parts, problems, suppressed = [], [], 0
        for cell in notebook.cells:
            single = join_cells([cell])
            try:
                cell_findings, cell_suppressed = _analyse(single.source, path, options)
            except FileProblem as problem:
                problems.append(f"cell {cell.number}: {problem.reason}")
                continue
            parts.append((single, cell_findings))
            suppressed += cell_suppressed
    reported = []
    for part, part_findings in parts:
        lines = split_lines(part.source)
        for finding in part_findings:
            cell, line = part.locate(finding.line)
            end_cell, end_line = part.locate(finding.span.end_line)
            placed = _place(finding, path, cell, line, lines)
            placed = placed._replace(message=_cell_lines(placed.message, part))
            if end_cell != cell:  # a span crossing cells is cut at the end of the cell
                end_line = line
            reported.append(placed._replace(end_line=end_line))
    return FileResult(path, tuple(reported), "; ".join(problems) or None, suppressed)


def _cell_lines(message: str, notebook: "Notebook") -> str:
    """Engine messages cite module lines ("line 7"); in a notebook say "cell 2, line 3"."""
    def cite(match: "re.Match[str]") -> str:
        cell, line = notebook.locate(int(match.group(1)))
        return f"cell {cell}, line {line}" if cell is not None else match.group(0)

    return _LINE_REFERENCE.sub(cite, message)


def _place(finding: Finding, path: str, cell: Optional[int], line: int,
           lines: Sequence[str]) -> Reported:
    number = finding.line
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    end_line = line + (finding.span.end_line - finding.span.line)
    return Reported(finding.code, finding.message, finding.applicability.value, path, cell,
                    line, finding.col, end_line, finding.span.end_col, text)


def _check_chunk(paths: Sequence[str], options: Options) -> List[FileResult]:
    return [check_path(path, options) for path in paths]


def check_paths(paths: Sequence[str], options: Options,
                jobs: Optional[int] = None) -> List[FileResult]:
    """Check every path, in order; ``jobs`` caps worker processes (default: CPU count,
    1 disables the pool)."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(paths) < MIN_FILES_FOR_POOL:
        return _check_chunk(paths, options)
    from concurrent.futures import ProcessPoolExecutor

    chunks = [paths[i:i + CHUNK_SIZE] for i in range(0, len(paths), CHUNK_SIZE)]
    results: List[FileResult] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
        for chunk_results in pool.map(_check_chunk, chunks, [options] * len(chunks)):
            results += chunk_results
    return results
