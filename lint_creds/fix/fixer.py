"""File I/O around the codemod: decode, fix, check, diff, write atomically; many files.

Data safety rules: bytes are decoded as Python would (BOM, PEP 263 cookie) and encoded
back the same way; the newline style, comments and whitespace survive (libcst round-trips
text exactly); a result that does not parse is never written; writes go to a temporary
file in the same directory that replaces the original (``os.replace``) with its mode; a
failing file is reported and the run goes on.  libcst is imported only for files the
engine flagged.
"""
from __future__ import annotations

import ast
import difflib
import io
import os
import stat
import tempfile
import tokenize
from concurrent.futures import ProcessPoolExecutor
from typing import (
    Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple,
)

from ..engine import analyze_tree
from ..engine.gc_pause import collector_paused
from ..findings import Analysis
from ..options import DEFAULT_OPTIONS, Options
from ..patterns import mask_key_material
from ..project import could_hold_finding, view_for
from ..project.root import ProjectSpec
from ..source.files import FileProblem, read_bytes
from ..source.syntax_version import newer_syntax_reason
from .outcomes import (
    ProjectReads, contains, report_without_fixing, statement_reason, wants_libcst,
    without_suppressed,
)
from .project_pass import project_reads

#: Batches smaller than this run in-process: a pool costs more to start than it saves.
PARALLEL_THRESHOLD = 48
NOTEBOOK_SUFFIX = ".ipynb"


class FixSettings(NamedTuple):
    """What a fix run does, the same for every file."""

    options: Options = DEFAULT_OPTIONS
    unsafe_fixes: bool = False
    write: bool = True
    diff: bool = False
    #: The project whose other modules the engine may read (None: each file alone).
    project: Optional[ProjectSpec] = None


class FileResult(NamedTuple):
    """What happened to one file (picklable, so it can come back from a worker)."""

    path: str
    changed: bool = False
    #: ``lint_creds.fix.outcomes.Outcome`` records (kept untyped here so this module never
    #: imports libcst).
    outcomes: Tuple[object, ...] = ()
    diff: str = ""
    error: Optional[str] = None
    skipped: Optional[str] = None
    #: The new bytes, when the fix changed the file (written by :func:`fix_files`).
    new_data: Optional[bytes] = None
    #: ``(file, line)`` of the definitions whose values the fix removed from sink calls.
    definitions: Tuple[Tuple[str, int], ...] = ()
    #: ``(line, name)`` in the fixed text of each public module-level read of a credential
    #: variable the fix kept (``FixReport.kept``): it still fails the import on ECS or EC2.
    kept: Tuple[Tuple[int, str], ...] = ()


class Decoded(NamedTuple):
    """Source text plus what is needed to turn it back into the same bytes."""

    text: str  # with "\n" newlines when the file used one newline style
    encoding: str
    newline: Optional[str]  # the file's single newline style; None when mixed or none


def decode(data: bytes) -> Decoded:
    """Decode source bytes as the interpreter would (raises SyntaxError/UnicodeDecodeError)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    crlf = text.count("\r\n")
    counts = {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}
    styles = [newline for newline, count in counts.items() if count]
    if len(styles) == 1:
        newline = styles[0]
        return Decoded(text.replace(newline, "\n") if newline != "\n" else text, encoding, newline)
    return Decoded(text, encoding, None)


def encode(text: str, decoded: Decoded) -> bytes:
    """Text back to bytes with the original encoding (BOM included) and newline style."""
    if decoded.newline not in (None, "\n"):
        text = text.replace("\n", decoded.newline)  # type: ignore[arg-type]
    return text.encode(decoded.encoding)


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file: ``git diff`` headers (``a/x.py``, ``b/x.py``) for relative
    paths, the path itself for absolute ones (as ``diff -u`` prints them)."""
    old, new = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), old, new)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` (a symlink's target) with ``data`` atomically, keeping its mode (and
    owner when allowed).

    Readers and a killed run see the old bytes or the new ones, never a mix. On Linux the
    data goes into an anonymous ``O_TMPFILE`` inode that gets a name only once it is
    complete, so a kill while writing leaves nothing behind; the only window for a
    leftover temporary name is between the ``link`` and the ``rename`` system calls.
    Elsewhere a named temporary sibling is written, then renamed.
    """
    target = os.path.realpath(path)
    if not os.access(target, os.W_OK):
        raise PermissionError(13, "file is not writable", path)
    info = os.stat(target)
    directory = os.path.dirname(target) or "."
    handle = _anonymous_file(directory)
    if handle is None:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".lint-creds-",
                                             suffix=".tmp")
    else:
        temporary = ""
    try:
        _write_all(handle, data, info)
        if not temporary:
            temporary = os.path.join(directory, f".lint-creds-{os.getpid()}-{id(data):x}.tmp")
            _name_anonymous_file(handle, temporary, directory)
        os.replace(temporary, target)
    except BaseException:
        if temporary and os.path.lexists(temporary):
            os.unlink(temporary)
        raise
    finally:
        os.close(handle)


def _anonymous_file(directory: str) -> Optional[int]:
    """An unnamed file in ``directory`` (Linux ``O_TMPFILE``), or None where unsupported."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, 0o600)
    except OSError:  # the filesystem does not support it
        return None


def _name_anonymous_file(handle: int, name: str, directory: str) -> None:
    """``linkat(AT_SYMLINK_FOLLOW)`` of the ``/proc`` link; ``os.link`` only calls
    ``linkat`` (rather than ``link``, which would link the magic link itself) when given a
    directory descriptor, which an absolute source path then ignores."""
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{handle}", name, src_dir_fd=directory_fd, follow_symlinks=True)
    finally:
        os.close(directory_fd)


def _write_all(handle: int, data: bytes, info: os.stat_result) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]
    os.fchmod(handle, stat.S_IMODE(info.st_mode))
    try:
        os.fchown(handle, info.st_uid, info.st_gid)
    except OSError:  # only root may give a file away; the mode is what matters
        pass
    os.fsync(handle)


def fix_file(path: str, settings: FixSettings = FixSettings()) -> FileResult:
    """Fix one file according to ``settings``; never raises for a bad file."""
    try:
        data = read_bytes(path)
    except FileProblem as problem:
        return FileResult(path, error=problem.reason)
    if path.endswith(NOTEBOOK_SUFFIX):
        result, new_data = fix_notebook(data, path, settings)
    else:
        result, new_data = fix_bytes(data, path, settings)
    if new_data is not None and settings.write:
        try:
            write_atomically(path, new_data)
        except OSError as error:
            held = tuple(o._replace(fixed=False, reason="not written") if o.fixed else o
                         for o in result.outcomes)  # type: ignore[attr-defined]
            return FileResult(path, outcomes=held, error=f"could not write: {_describe(error)}")
    return result


def fix_bytes(data: bytes, path: str, settings: FixSettings = FixSettings()
              ) -> Tuple[FileResult, Optional[bytes]]:
    """Fix source bytes without touching the disk: the result, and the new bytes when
    they differ (``path`` names the source in messages and for the engine)."""
    if not could_hold_finding(data, settings.options, path, settings.project):  # most files
        return FileResult(path), None
    with collector_paused():
        return _fix_screened(data, path, settings)


def fix_notebook(data: bytes, path: str, settings: FixSettings = FixSettings()
                 ) -> Tuple[FileResult, Optional[bytes]]:
    """Fix a notebook's code cells in place (:mod:`lint_creds.fix.notebook_fix`)."""
    from .notebook_fix import CANNOT_REWRITE, NotebookEdit

    try:
        edit = NotebookEdit(data, path)
    except (FileProblem, ValueError, UnicodeDecodeError) as error:
        return FileResult(path, error=getattr(error, "reason", str(error))), None
    source = edit.notebook.source
    if not source or not could_hold_finding(source.encode("utf-8", "surrogatepass"),
                                            settings.options, path, settings.project):
        return FileResult(path), None
    with collector_paused():
        result, _ = _fix_screened(source.encode("utf-8", "surrogatepass"), path, settings)
    if not result.changed or result.new_data is None:
        return result._replace(new_data=None, diff=""), None
    why = edit.why_not()
    new_data = None
    if why is None:
        new_data, why = edit.rewritten(result.new_data.decode("utf-8"))
    if new_data is None:
        held = tuple(o._replace(fixed=False, reason=CANNOT_REWRITE.format(why=why)) if o.fixed
                     else o for o in result.outcomes)  # type: ignore[attr-defined]
        return FileResult(path, outcomes=held), None
    diff = mask_key_material(unified_diff(path, data.decode("utf-8"), new_data.decode(
        "utf-8")), []) if settings.diff else ""
    return result._replace(diff=diff, new_data=new_data, definitions=()), new_data


def _fix_screened(data: bytes, path: str, settings: FixSettings
                  ) -> Tuple[FileResult, Optional[bytes]]:
    view = view_for(settings.project, settings.options, path)
    reads = None if view is None else project_reads(view.index, path)
    try:
        decoded = decode(data)
    except (SyntaxError, UnicodeDecodeError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        return FileResult(path, error=f"cannot decode: {reason}"), None
    try:  # one parse serves the engine and, if the file is rewritten, the slicing
        tree = ast.parse(decoded.text, path)
        analysis = without_suppressed(analyze_tree(
            tree, decoded.text.splitlines(), path, settings.options, view), decoded.text)
    except (SyntaxError, ValueError, RecursionError) as error:
        return FileResult(path, error=_describe(error, decoded.text)), None
    if not analysis.findings:
        return FileResult(path), None
    if not wants_libcst(analysis, settings.options, settings.unsafe_fixes):
        report = report_without_fixing(analysis, settings.options, settings.unsafe_fixes)
        return FileResult(path, outcomes=tuple(report.outcomes)), None
    from .codemod import fix_source  # libcst only for modules with something to fix

    try:
        text, report = fix_source(decoded.text, path, settings.options, settings.unsafe_fixes,
                                  analysis, tree, reads)
    except Exception as error:  # a libcst failure on one file must not stop the run
        return FileResult(path, error=f"could not rewrite: {_describe(error)}"), None
    outcomes = tuple(report.outcomes)
    new_data = encode(text, decoded)
    if new_data == data:
        return FileResult(path, outcomes=outcomes), None
    try:
        ast.parse(text, path)
    except (SyntaxError, ValueError) as error:
        unfixed = tuple(o._replace(fixed=False, reason="the fixed code would not parse")
                        for o in outcomes)
        return FileResult(path, outcomes=unfixed, error=(
            f"fix produced code that does not parse ({_describe(error)}); left unchanged")), None
    diff = _masked_diff(path, data, new_data, decoded, _literals(analysis)) if settings.diff else ""
    definitions = _definitions(path, analysis, outcomes, view.index.root if view else None)
    return FileResult(path, True, outcomes, diff, new_data=new_data, definitions=definitions,
                      kept=_kept_lines(text, report.kept)), new_data


def _kept_lines(text: str, names: Sequence[str]) -> Tuple[Tuple[int, str], ...]:
    """Where each of ``names`` is bound at the module's top level in ``text`` (line 0 when
    no line starts with its assignment)."""
    lines = text.splitlines()
    found = []
    for name in names:
        line = next((number for number, content in enumerate(lines, 1)
                     if content.startswith(name)
                     and content[len(name):].lstrip(" \t")[:1] in ("=", ":")), 0)
        found.append((line, name))
    return tuple(found)


def _masked_diff(path: str, before: bytes, after: bytes, decoded: Decoded,
                 literals: Sequence[str]) -> str:
    return mask_key_material(unified_diff(path, before.decode(decoded.encoding), after.decode(
        decoded.encoding)), literals)


def _definitions(path: str, analysis: Analysis, outcomes: Sequence[object],
                 root: Optional[str]) -> Tuple[Tuple[str, int], ...]:
    """Where the values of the fixed sink calls' credentials are defined: the module-level
    names of this module and, with a project, of others, which may now be unread."""
    fixed = [o.finding.span for o in outcomes if o.fixed]  # type: ignore[attr-defined]
    found = []
    for sink in analysis.sink_calls:
        if not any(contains(sink.span, span) for span in fixed):
            continue
        for argument in sink.args:
            origin = argument.origin
            if origin is None:
                continue
            if origin.defined_at and root is not None:
                where, _, line = origin.defined_at.rpartition(":")
                found.append((os.path.join(root, *where.split("/")), int(line)))
            elif origin.via_names:
                found.append((os.path.abspath(path), origin.line))
    return tuple(found)


def _literals(analysis: Analysis) -> List[str]:
    """The credential literals the engine found, to mask wherever the diff shows them."""
    return [arg.origin.literal for sink in analysis.sink_calls for arg in sink.args
            if arg.origin is not None and arg.origin.literal]


def _describe(error: BaseException, source: Optional[str] = None) -> str:
    """An error as the summary lists it; ``source``: the text that failed to parse, to
    tell syntax of a newer Python from a mistake."""
    if isinstance(error, SyntaxError):
        newer = newer_syntax_reason(source, error) if source is not None else None
        return newer or f"syntax error at line {error.lineno}: {error.msg}"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _fix_one(job: Tuple[str, FixSettings]) -> FileResult:
    return fix_file(*job)


def fix_files(paths: Sequence[str], settings: FixSettings = FixSettings(),
              jobs: Optional[int] = None,
              on_result: Optional[Callable[[FileResult], None]] = None) -> List[FileResult]:
    """Fix many files, in parallel when the batch is large enough; results in input order
    and identical to a sequential run. With a project, definitions the fixes left unread
    are removed across modules (:mod:`lint_creds.fix.project_pass`), and the files are
    written afterwards, consumers first."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    each = settings if settings.project is None else settings._replace(write=False)
    results: List[FileResult] = []
    for result in _results(paths, each, workers):
        results.append(result)
        if on_result is not None:
            on_result(result)
    if settings.project is None:
        return results
    order = _fix_across_modules(results, paths, settings)
    return _write_in_order(results, order) if settings.write else results


def _fix_across_modules(results: List[FileResult], paths: Sequence[str],
                        settings: FixSettings) -> List[int]:
    """Run the project pass over the per-file ``results`` (updated in place); returns the
    order in which to write the changed files: consumers, then definitions."""
    from .project_pass import ProjectPass

    assert settings.project is not None
    by_path = {os.path.abspath(r.path): i for i, r in enumerate(results)}
    decoded: Dict[str, Decoded] = {}
    originals: Dict[str, bytes] = {}

    def read_text(path: str) -> Optional[str]:
        try:
            originals[path] = read_bytes(path)
            decoded[path] = decode(originals[path])
        except (FileProblem, SyntaxError, UnicodeDecodeError):
            return None
        return decoded[path].text

    first_texts = {}
    for path, index in by_path.items():
        if results[index].new_data is not None and read_text(path) is not None:
            first_texts[path] = decode(results[index].new_data).text  # type: ignore[arg-type]
    definitions: Dict[str, Set[int]] = {}
    for result in results:
        for where, line in result.definitions:
            definitions.setdefault(where, set()).add(line)
    # Only a statement kept for what the plan saw around it (a reader that stays, a global
    # key a storage falls back to) can go in a later round; one held back (an unsafe fix
    # without --unsafe-fixes, or never fixable) stays held back, so its file is not redone.
    keeping = [r.path for r in results if any(
        not o.fixed and o.finding.code in ("CRD102", "CRD203")  # type: ignore[attr-defined]
        and statement_reason(o.finding, settings.unsafe_fixes) is None  # type: ignore[attr-defined]
        for o in r.outcomes)]
    later: Dict[str, Tuple[object, ...]] = {}

    def refix(path: str, text: str, reads: ProjectReads, names: Set[str]) -> Optional[str]:
        from .codemod import fix_source, remove_unread_definitions

        try:
            view = view_for(settings.project, settings.options, path)
            analysis = without_suppressed(analyze_tree(
                ast.parse(text, path), text.splitlines(), path, settings.options, view), text)
            fixed, report = fix_source(text, path, settings.options, settings.unsafe_fixes,
                                       analysis, None, reads)
            fixed = remove_unread_definitions(fixed, path, names, settings.unsafe_fixes, reads)
            ast.parse(fixed, path)
        except Exception:  # the per-file result stands
            return None
        earlier = tuple(o for o in later.get(path, ()) if o.fixed)  # type: ignore[attr-defined]
        later[path] = earlier + tuple(report.outcomes)
        return fixed

    project_pass = ProjectPass(settings.project, settings.options, paths, read_text, refix)
    project_pass.run(first_texts, definitions, keeping)
    for path in project_pass.changed:
        if path not in decoded:
            continue
        new_data = encode(project_pass.texts[path], decoded[path])
        index = by_path.get(path)
        before = results[index] if index is not None else FileResult(path)
        kept = tuple(o for o in before.outcomes if o.fixed)  # type: ignore[attr-defined]
        outcomes = kept + later[path]
        diff = _masked_diff(before.path, originals[path], new_data, decoded[path], []) if (
            settings.diff) else ""
        updated = before._replace(changed=True, outcomes=outcomes, diff=diff, new_data=new_data)
        if index is None:
            by_path[path] = len(results)
            results.append(updated)
        else:
            results[index] = updated
    settled = [by_path[p] for p in project_pass.changed if p in by_path]
    return [i for i, r in enumerate(results) if r.changed and i not in settled] + settled


def _write_in_order(results: List[FileResult], order: Sequence[int]) -> List[FileResult]:
    """Write the changed files in ``order``; a file that cannot be written keeps its old
    bytes and its fixes are reported as not written."""
    for index in order:
        result = results[index]
        if result.new_data is None:
            continue
        try:
            write_atomically(result.path, result.new_data)
        except OSError as error:
            held = tuple(o._replace(fixed=False, reason="not written") if o.fixed else o
                         for o in result.outcomes)  # type: ignore[attr-defined]
            results[index] = result._replace(outcomes=held, changed=False,
                                             error=f"could not write: {_describe(error)}")
    return results


def _results(paths: Sequence[str], settings: FixSettings, workers: int) -> Iterator[FileResult]:
    jobs: Iterable[Tuple[str, FixSettings]] = ((p, settings) for p in paths)
    if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
        yield from map(_fix_one, jobs)
        return
    chunk = max(1, min(64, len(paths) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_fix_one, jobs, chunksize=chunk)
