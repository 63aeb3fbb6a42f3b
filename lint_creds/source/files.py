"""Finding the files to analyse and reading them safely; shared by ``check`` and ``fix``."""
from __future__ import annotations

import fnmatch
import functools
import operator
import os
import posixpath
import re
import stat
from typing import Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple

#: Directories nobody wants linted; pruned before descending.
DEFAULT_EXCLUDES: Tuple[str, ...] = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
    "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".eggs", "*.egg-info", "site-packages", ".direnv", ".ipynb_checkpoints", "__pypackages__",
    "_build", "buck-out", ".pytype", ".pants.d",
)
SOURCE_SUFFIXES: Tuple[str, ...] = (".py", ".pyi", ".ipynb")
#: Files larger than this are reported, not read (a generated blob is not source).
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileProblem(Exception):
    """A path that cannot be analysed, with a reason a user can act on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Target(NamedTuple):
    """One discovered path; ``problem`` is set when it cannot be analysed."""

    path: str
    problem: Optional[str] = None
    #: The contents, when already read (standard input); ``path`` is then its display name.
    data: Optional[bytes] = None


def is_excluded(path: str, patterns: Iterable[str]) -> bool:
    """Does ``path`` or any of its components match one of the glob ``patterns``?"""
    excludes = _compiled_excludes(tuple(patterns))
    normalized = path.replace(os.sep, "/")
    return excludes.whole.match(normalized) is not None or any(
        excludes.name(p) for p in normalized.split("/") if p not in ("", "."))


class _Excludes(NamedTuple):
    """Exclude patterns, compiled: a walk checks every entry against them."""

    #: Patterns that are one plain name (``build``, ``.git``): a component equal to one.
    names: "frozenset[str]"
    #: The other patterns on the whole path (``pattern`` or ``*/pattern``), one regex.
    whole: "re.Pattern[str]"
    #: The other patterns on one component.
    part: "re.Pattern[str]"

    def name(self, name: str) -> bool:
        """Does a component called ``name`` match a pattern?"""
        return name in self.names or self.part.match(name) is not None


@functools.lru_cache(maxsize=16)
def _compiled_excludes(patterns: Tuple[str, ...]) -> _Excludes:
    """One regex alternation is far cheaper than ``fnmatch`` per pattern and part, and a set
    than the alternation: most patterns are plain names, which match the whole path
    (``name`` or ``*/name``) exactly where they match its last component."""
    globs = [p.rstrip("/") for p in patterns]
    names = frozenset(g for g in globs if g and not any(c in g for c in "*?[/"))
    globs = [g for g in globs if g not in names]
    if not globs:
        never = re.compile("(?!)")
        return _Excludes(names, never, never)
    translated = [fnmatch.translate(g) for g in globs]
    whole = translated + [fnmatch.translate(f"*/{g}") for g in globs]
    return _Excludes(names, re.compile("|".join(whole)), re.compile("|".join(translated)))


def discover(paths: Sequence[str], excludes: Sequence[str] = DEFAULT_EXCLUDES,
             root: Optional[str] = None, force_exclude: bool = False,
             visit: Optional["Visit"] = None) -> Iterator[Target]:
    """Every source file under ``paths``, in a stable order, selected as ruff does.

    Paths named explicitly are analysed whatever their suffix and even when they match an
    exclude, unless ``force_exclude`` (pre-commit hooks pass it, since pre-commit names
    every staged file). Directories are walked for :data:`SOURCE_SUFFIXES`; an entry is
    excluded when the part of its path below the named directory matches a pattern, or its
    path from the project ``root`` does. Excluded directories are pruned before descending.

    A file is yielded once, under the first path the user gave for it: a symlink (to a file
    or a directory) whose target lies inside a named directory is not followed, since the
    walk reaches the target by its own path; one that leads outside is followed once; a
    directory is never walked twice. So a link back into the tree (a loop) is neither
    followed twice nor an error. Calls that share ``visit`` share that memory.
    """
    visit = visit or Visit.of(paths)
    for path in paths:
        if not os.path.lexists(path):
            yield Target(path, "no such file or directory")
            continue
        if force_exclude and _force_excluded(path, root, excludes):
            continue
        try:
            info = os.stat(path)
        except OSError as error:
            yield Target(path, _reason(error))
            continue
        if stat.S_ISDIR(info.st_mode):
            if visit.first_visit(info.st_dev, info.st_ino):
                yield from _walk(path, "", root, excludes, visit, info.st_dev)
        elif visit.first_file(path):
            yield Target(path)


class Visit(NamedTuple):
    """What a walk remembers, so that it follows each symlink and directory at most once."""

    named_dirs: Tuple[str, ...]  # real paths of the directories the user named
    directories: "set[Tuple[int, int]]"  # (device, inode) of every directory walked
    files: "set[str]"  # real paths of the named files and of those reached by a symlink

    @classmethod
    def of(cls, paths: Sequence[str]) -> "Visit":
        return cls(tuple(os.path.realpath(p) for p in paths if os.path.isdir(p)), set(), set())

    def first_visit(self, device: int, inode: int) -> bool:
        if (device, inode) in self.directories:
            return False
        self.directories.add((device, inode))
        return True

    def first_file(self, path: str) -> bool:
        real = os.path.realpath(path)
        if real in self.files:
            return False
        self.files.add(real)
        return True

    def follows(self, path: str) -> bool:
        """Follow a symlink?  Not into a named directory: its own path reaches it."""
        real = os.path.realpath(path)
        return not any(real == d or real.startswith(d.rstrip(os.sep) + os.sep)
                       for d in self.named_dirs)


def _force_excluded(path: str, root: Optional[str], excludes: Sequence[str]) -> bool:
    """Is a path named under ``force_exclude`` excluded? When it, one of its parts or a
    directory above it matches, as named or from the project ``root``: pre-commit names
    ``src/gen/x.py``, which ``exclude = ["src/gen"]`` drops, as ruff's ``--force-exclude``
    does. (A walk needs no ancestors: it never descends into an excluded directory.)"""
    named = [posixpath.normpath(path.replace(os.sep, "/"))]  # ./src/x.py is src/x.py
    relative = _relative_to_root(path, root)
    if relative is not None:
        named.append(relative)
    return any(is_excluded(p, excludes) or _a_directory_above_matches(p, excludes)
               for p in named)


def _a_directory_above_matches(path: str, patterns: Sequence[str]) -> bool:
    """Does a whole-path pattern match a directory above ``path`` (``src/gen`` of
    ``src/gen/x.py``)? Its parts were matched by :func:`is_excluded`; the ``..`` that
    lead out of the working directory are no directory of the project."""
    whole = _compiled_excludes(tuple(patterns)).whole
    normalized = path.replace(os.sep, "/")
    start = 0
    while normalized.startswith("../", start):
        start += 3
    end = normalized.find("/", start + 1)
    while end != -1:
        if whole.match(normalized, start, end):  # as if the path ended at this slash
            return True
        end = normalized.find("/", end + 1)
    return False


def _relative_to_root(path: str, root: Optional[str]) -> Optional[str]:
    """``path`` from the project ``root``; None when it lies outside it (or, on Windows,
    on another drive)."""
    if root is None:
        return None
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive
        return None
    return None if relative == ".." or relative.startswith(".." + os.sep) else relative


def _excluded_from_root(path: str, root: Optional[str], excludes: Sequence[str]) -> bool:
    """Match a walked path relative to the project root. Only path patterns (``src/gen/*``)
    apply this way: a bare name (``fixtures``) must not exclude the very directory the
    user asked for."""
    if root is None:
        return False
    path_patterns = _path_patterns(tuple(excludes))
    if not path_patterns:
        return False
    relative = _relative_to_root(path, root)
    return relative is not None and is_excluded(relative, path_patterns)


@functools.lru_cache(maxsize=16)
def _path_patterns(patterns: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(p for p in patterns if "/" in p.rstrip("/"))


#: The sort key of a directory's entries (their order is the report's order).
_NAME = operator.attrgetter("name")


def _walk(directory: str, below: str, root: Optional[str], excludes: Sequence[str],
          visit: Visit, device: int) -> Iterator[Target]:
    """Walk ``directory``, whose path below the directory named by the user is ``below``."""
    try:
        with os.scandir(directory) as entries:
            # Only source files and directories are sorted (the rest are never looked
            # at): site-packages holds more data files, libraries and stubs than sources.
            ordered = sorted((entry for entry in entries if entry.name.endswith(
                SOURCE_SUFFIXES) or _is_dir_or_unknown(entry)), key=_NAME)
    except OSError as error:
        yield Target(directory, _reason(error))
        return
    compiled = _compiled_excludes(tuple(excludes))
    for entry in ordered:
        path = entry.path
        relative = f"{below}/{entry.name}" if below else entry.name
        # is_excluded(relative): the other parts of the path were matched on the way down.
        if compiled.name(entry.name) or compiled.whole.match(relative) or _excluded_from_root(
                path, root, excludes):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError as error:  # a link loop: only worth a word when it names a source file
            if entry.name.endswith(SOURCE_SUFFIXES):
                yield Target(path, _reason(error))
            continue
        if is_dir:
            inner_device = device
            if entry.is_symlink():
                try:
                    info = os.stat(path)
                except OSError as error:  # a dangling link to a directory
                    yield Target(path, _reason(error))
                    continue
                if not visit.follows(path):
                    continue
                inner_device, inode = info.st_dev, info.st_ino
            else:
                inode = entry.inode()  # from the directory listing: no system call
            if visit.first_visit(inner_device, inode):
                yield from _walk(path, relative, root, excludes, visit, inner_device)
        elif entry.name.endswith(SOURCE_SUFFIXES):
            if entry.is_symlink():
                if not os.path.exists(path):
                    yield Target(path, "broken symlink or symlink loop")
                    continue
                if not visit.follows(path) or not visit.first_file(path):
                    continue
            yield Target(path)


def _is_dir_or_unknown(entry: "os.DirEntry[str]") -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: let the walk below decide whether to report it
        return True


def collect(paths: Sequence[str], excludes: Sequence[str], root: Optional[str] = None,
            force_exclude: bool = False) -> List[Target]:
    """:func:`discover` for the command line: paths shown as users typed them
    (``./src/a.py`` -> ``src/a.py``, as ruff and flake8 print them)."""
    return list(iter_collect(paths, excludes, root, force_exclude))


def iter_collect(paths: Sequence[str], excludes: Sequence[str], root: Optional[str] = None,
                 force_exclude: bool = False, visit: Optional["Visit"] = None,
                 ) -> Iterator[Target]:
    """:func:`collect`, lazily: a walk of a huge tree never holds its whole list."""
    for target in discover(paths, excludes, root, force_exclude, visit):
        yield target._replace(path=display_path(target.path))


def display_path(path: str) -> str:
    """Drop leading ``./`` components."""
    while path.startswith("./") and len(path) > 2:
        path = path[2:]
    return path


def read_bytes(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole file as bytes, raising :class:`FileProblem` with a clear reason.

    One descriptor, no buffered file object (this runs for every file of a run): opened
    non-blocking, so a FIFO is reported instead of waiting for a writer."""
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except OSError as error:  # Windows refuses to open a directory: say what it is
        reason = "is a directory, not a file" if os.path.isdir(path) else _reason(error)
        raise FileProblem(path, reason) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(path, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise FileProblem(path, "not a regular file")
        size = info.st_size
        if size > max_bytes:
            raise FileProblem(path, f"file is too large ({size:,} bytes; limit {max_bytes:,})")
        chunks = [os.read(descriptor, size + 1)]
        read = len(chunks[0])
        while chunks[-1]:  # the file grew (or shrank) since the fstat: read to its end
            if read > max_bytes:
                raise FileProblem(path, f"file is too large (over {max_bytes:,} bytes)")
            chunks.append(os.read(descriptor, 1 << 20))
            read += len(chunks[-1])
        return b"".join(chunks)
    except OSError as error:
        raise FileProblem(path, _reason(error)) from None
    finally:
        os.close(descriptor)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _reason(error: OSError) -> str:
    if error.errno is not None and error.errno == getattr(__import__("errno"), "ELOOP", -1):
        return "symlink loop"
    return error.strerror or str(error)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> "list[str]":
    """Physical lines as Python's tokenizer counts them (``\\n``, ``\\r\\n``, ``\\r``), without
    their endings. Unlike ``str.splitlines`` this does not break at form feeds and other
    Unicode line separators, so line numbers match ``ast``'s."""
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def declaration_lines(data: bytes) -> bytes:
    """The first two lines of source bytes: the only place a coding declaration counts
    (PEP 263)."""
    first_end = data.find(b"\n")
    second_end = data.find(b"\n", first_end + 1) if first_end >= 0 else -1
    return data if second_end < 0 else data[:second_end]


def decode_source(data: bytes, path: str) -> str:
    """Source bytes to text as Python would decode them (BOM, coding cookie, UTF-8)."""
    try:
        encoding = _declared_encoding(data)
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


def _declared_encoding(data: bytes) -> str:
    """The encoding Python would use; ``tokenize`` (a costly import) only when the first two
    lines could declare one."""
    if b"coding" not in declaration_lines(data) and not data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
