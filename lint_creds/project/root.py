"""Where a project starts, and where Python would look for the modules it imports."""
from __future__ import annotations

import os
from typing import Iterable, List, NamedTuple, Optional

#: Files that mark a project's root directory, as ruff, pytest and pip recognise them.
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
#: Directories under the root that hold importable code in the usual layouts.
SOURCE_DIRS = ("src", "lib")
#: The index cache's directory under the project root, unless ``cache-dir`` says otherwise.
DEFAULT_CACHE_DIRECTORY = ".lint-creds-cache"


class ProjectSpec(NamedTuple):
    """How to build an index; plain data, so worker processes can build their own."""

    root: str
    #: The cache directory; None disables the cache (``--no-cache``).
    cache_dir: Optional[str] = None

    @classmethod
    def default(cls, root: str, use_cache: bool = True,
                cache_dir: Optional[str] = None) -> "ProjectSpec":
        directory = cache_dir or os.path.join(root, DEFAULT_CACHE_DIRECTORY)
        return cls(root, os.path.abspath(directory) if use_cache else None)


def find_project_root(paths: Iterable[str]) -> Optional[str]:
    """The nearest directory above the paths (their common ancestor, or the directory of a
    single file) that holds a root marker; None outside any project."""
    current = common_directory(paths)
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in ROOT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def common_directory(paths: Iterable[str]) -> str:
    """The directory holding all of ``paths``: where a project without a root marker is
    taken to start, as Python runs a script from its own directory."""
    absolute = [os.path.abspath(p) for p in paths] or [os.getcwd()]
    common = os.path.commonpath(absolute)
    return common if os.path.isdir(common) else os.path.dirname(common)


def package_root(path: str) -> str:
    """The directory above the outermost package holding ``path`` (its ``sys.path`` entry
    when the project is installed or run from there)."""
    directory = os.path.dirname(os.path.abspath(path))
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return directory


def module_name(path: str) -> str:
    """The dotted name ``path`` is imported by from its package root (``app.jobs`` for
    ``app/jobs.py``, ``app`` for ``app/__init__.py``)."""
    relative = os.path.relpath(os.path.abspath(path), package_root(path))
    parts = os.path.splitext(relative)[0].split(os.sep)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def search_roots(importer: str, project_root: str) -> List[str]:
    """Where an absolute import in ``importer`` is looked for, first match wins: the
    importer's own directory (a script's ``sys.path[0]``), its package root, the project
    root and its ``src``/``lib`` directories. Only directories inside the project."""
    candidates = [os.path.dirname(os.path.abspath(importer)), package_root(importer),
                  project_root, *(os.path.join(project_root, d) for d in SOURCE_DIRS)]
    roots: List[str] = []
    for candidate in candidates:
        if candidate not in roots and _inside(candidate, project_root) and os.path.isdir(
                candidate):
            roots.append(candidate)
    return roots


def module_file(directory: str, parts: List[str]) -> Optional[str]:
    """``directory/a/b.py`` or ``directory/a/b/__init__.py`` for ``parts == [a, b]``."""
    base = os.path.join(directory, *parts)
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
