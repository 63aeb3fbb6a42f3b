"""Many files through the engine: read bytes, screen, decode, analyse, apply ``# noqa``.

Every file yields a :class:`FileResult`; a file that cannot be analysed carries a
``problem`` (a reason a user can act on) instead of crashing the run. Big batches are split
into chunks for a process pool; small ones (the usual pre-commit call) stay in-process,
because starting workers costs more than it saves.
"""
from __future__ import annotations

import os
import re
from typing import (
    TYPE_CHECKING, Callable, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple,
)

from ..findings import Applicability, Finding, Reported
from ..options import Options
from ..project.root import ProjectSpec
from ..source.files import (  # decode_source: re-exported for embedders
    FileProblem, Target, decode_source, read_bytes, split_lines,
)
from ..project import could_hold_finding
from ..source.pool import MIN_FILES_FOR_POOL, big_enough, in_chunks
from ..source.prefilter import prepare_for_many_files, start_preparing
from .progress import Progress, tracked

if TYPE_CHECKING:  # pragma: no cover
    from ..source.notebooks import Notebook

_LINE_REFERENCE = re.compile(r"\bline (\d+)\b")


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


def check_path(path: str, options: Options,
               project: Optional[ProjectSpec] = None) -> FileResult:
    """Read and check one file."""
    try:
        data = read_bytes(path)
    except FileProblem as problem:
        return FileResult(path, problem=problem.reason, analysed=False)
    return check_data(data, path, options, project)


def check_data(data: bytes, path: str, options: Options,
               project: Optional[ProjectSpec] = None) -> FileResult:
    """Check the bytes of one file; ``path`` decides notebook vs Python and is reported."""
    try:
        if path.endswith(".ipynb"):
            return _check_notebook(data, path, options, project)
        if not could_hold_finding(data, options, path, project):
            return FileResult(path, analysed=False)
        text = decode_source(data, path)
        findings, suppressed = _analyse(text, path, options, project)
    except FileProblem as problem:
        return FileResult(path, problem=problem.reason)
    if not findings:  # the usual case: no need to split a big module into lines
        return FileResult(path, noqa_suppressed=suppressed)
    lines = split_lines(text)
    return FileResult(path, tuple(_place(f, path, None, f.line, lines) for f in findings),
                      None, suppressed)


def _analyse(text: str, path: str, options: Options,
             project: Optional[ProjectSpec] = None) -> Tuple[List[Finding], int]:
    """Engine findings after ``# noqa``; engine failures become :class:`FileProblem`."""
    # Imported here: a run whose files all fail the prefilter (the usual pre-commit call
    # on files that mention nothing of AWS) never loads the engine.
    from ..engine import check_source
    from ..project import view_for
    from ..source.noqa import filter_findings

    try:
        findings = check_source(text, path, options, view_for(project, options, path))
    except SyntaxError as error:
        raise FileProblem(path, _syntax_problem(text, error)) from None
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


def _syntax_problem(text: str, error: SyntaxError) -> str:
    from ..source.syntax_version import syntax_problem  # the error path only

    return syntax_problem(text, error)


def _check_notebook(data: bytes, path: str, options: Options,
                    project: Optional[ProjectSpec] = None) -> FileResult:
    from ..source.notebooks import join_cells, load_notebook

    notebook = load_notebook(data, path)
    if not could_hold_finding(notebook.source.encode("utf-8", "surrogatepass"), options,
                              path, project):
        return FileResult(path, analysed=False)
    try:
        findings, suppressed = _analyse(notebook.source, path, options, project)
        parts = [(notebook, findings)]
        problems: List[str] = []
    except FileProblem:  # one broken cell: analyse the cells one by one instead
        parts, problems, suppressed = [], [], 0
        for cell in notebook.cells:
            single = join_cells([cell])
            try:
                cell_findings, cell_suppressed = _analyse(single.source, path, options, project)
            except FileProblem as problem:
                problems.append(f"cell {cell.number}: {problem.reason}")
                continue
            parts.append((single, cell_findings))
            suppressed += cell_suppressed
    reported = []
    verdict: List[bool] = []

    def rewritable() -> bool:
        if not verdict:
            from ..fix.notebook_fix import NotebookEdit

            verdict.append(NotebookEdit(data, path).why_not() is None)
        return verdict[0]

    for part, part_findings in parts:
        lines = split_lines(part.source)
        for finding in part_findings:
            cell, line = part.locate(finding.line)
            end_cell, end_line = part.locate(finding.span.end_line)
            placed = _place(finding, path, cell, line, lines)
            placed = placed._replace(message=_cell_lines(placed.message, part))
            if not rewritable():  # no finding claims a fix the fixer would refuse
                placed = placed._replace(fix=Applicability.NONE.value)
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


def check_target(target: Target, options: Options,
                 project: Optional[ProjectSpec] = None) -> FileResult:
    """The result for one discovered target (its data may already be in hand: stdin)."""
    if target.problem:
        return FileResult(target.path, problem=target.problem, analysed=False)
    if target.data is not None:
        return check_data(target.data, target.path, options, project)
    return check_path(target.path, options, project)


def _check_chunk(targets: Sequence[Target], options: Options,
                 project: Optional[ProjectSpec]) -> List[FileResult]:
    return [check_target(target, options, project) for target in targets]


def check_targets(targets: Iterable[Target], options: Options, jobs: Optional[int] = None,
                  project: Optional[ProjectSpec] = None,
                  progress: Optional[Progress] = None,
                  whole_project: bool = False) -> Iterator[FileResult]:
    """Check every target, streaming results in the targets' order.

    ``jobs`` caps worker processes (default: CPU count; 1 disables the pool).  Targets are
    consumed lazily and at most a few chunks per worker are in flight, so memory does not
    grow with the size of the tree; a batch too small to repay a pool's start-up (the
    usual pre-commit call) is checked in-process. ``progress`` counts the targets as they
    are discovered and the results as they come back. ``whole_project``: the targets are
    the walk of the whole ``project``, not made yet (``check .``).
    """
    if progress is None:
        return _check_all(targets, options, jobs, project, whole_project)
    return tracked(_check_all(progress.counted(targets), options, jobs, project, whole_project),
                   progress, lambda result: len(result.findings))


def _check_all(targets: Iterable[Target], options: Options, jobs: Optional[int],
               project: Optional[ProjectSpec], whole_project: bool) -> Iterator[FileResult]:
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    compiling = _compile_while_walking(options, jobs, project) if whole_project else None
    pooled, targets = big_enough(targets, jobs)
    if not pooled:
        if compiling is not None:
            compiling()
        for target in targets:
            yield check_target(target, options, project)
        return
    names: "frozenset[bytes]" = frozenset()
    if project is not None and project.cache_dir is not None:
        # Found once here and cached, so the workers read the table instead of each
        # screening the whole project for it. The screen is compiled meanwhile (or while
        # the project was walked) for the names the cache holds, which checking the table
        # seldom changes.
        from ..project import index_for

        index = index_for(project, options)
        compiled = compiling or start_preparing(options, index.cached_wrapper_names())
        names = index.wrapper_names()
        compiled()
    # Forked workers inherit the screen compiled here, the wrapper names among its words;
    # spawned ones compile it at start.
    prepare_for_many_files(options, names)
    yield from in_chunks(_check_chunk, targets, jobs, (options, project),
                         prepare_for_many_files, (options, names))


def _compile_while_walking(options: Options, jobs: int,
                           project: Optional[ProjectSpec]) -> Optional[Callable[[], None]]:
    """Start compiling the screen for the pool before the project is walked, when its
    cached table of wrapper names says the walk will find enough files for one (Hyperscan
    compiles on the other core meanwhile); returns what waits for it, or None."""
    if jobs < 2 or project is None or project.cache_dir is None:
        return None
    from ..project import index_for

    index = index_for(project, options)
    names = index.cached_wrapper_names()
    if index.cached_file_count() < MIN_FILES_FOR_POOL:
        return None
    return start_preparing(options, names)


def check_paths(paths: Sequence[str], options: Options, jobs: Optional[int] = None,
                project: Optional[ProjectSpec] = None) -> List[FileResult]:
    """Check every path, in order (see :func:`check_targets`)."""
    return list(check_targets((Target(path) for path in paths), options, jobs, project))
