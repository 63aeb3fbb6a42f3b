"""The project-wide view: names imported from other modules of the project, resolved.

``root.find_project_root`` finds the project; ``index.ProjectIndex`` answers the engine's
lookups (:class:`lint_creds.engine.ProjectView`) by summarising, on demand, the modules a
checked file imports from, with a JSON cache beside them. It reads files as text and never
imports or runs the project's code. It imports the engine and the source part, nothing of
``fix/``, ``cli/`` or ``report/``. This package imports nothing by itself, so naming a
project (``root.ProjectSpec``) costs a run whose files the screen drops nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from ..options import Options
    from .index import ModuleView, ProjectIndex
    from .root import ProjectSpec

_INDEXES: "Dict[Tuple[ProjectSpec, Options], ProjectIndex]" = {}


def index_for(spec: "ProjectSpec", options: "Options") -> "ProjectIndex":
    """One index per project and options in a process (workers build theirs on first use)."""
    key = (spec, options)
    if key not in _INDEXES:
        from .index import ProjectIndex

        _INDEXES.clear()  # one project at a time: memory stays flat across runs
        _INDEXES[key] = ProjectIndex(spec, options)
    return _INDEXES[key]


def view_for(spec: "Optional[ProjectSpec]", options: "Options",
             path: str) -> "Optional[ModuleView]":
    """The engine's view of the project from the module at ``path`` (None without a
    project: the module is analysed alone). What ``check``, ``fix`` and flake8 call."""
    return None if spec is None else index_for(spec, options).view_for(path)


def could_hold_finding(data: bytes, options: "Options", path: str,
                       spec: "Optional[ProjectSpec]") -> bool:
    """The byte screen (:mod:`lint_creds.source.prefilter`), and, in a project, a second
    look at what it rejects: a call of one of the project's wrappers needs no anchor of
    its own (``make_client(os.environ["KEY"], ...)``)."""
    from ..source.prefilter import could_hold_finding as screen_alone, screen

    if spec is None:
        return screen_alone(data, options, path)
    index = index_for(spec, options)
    names = index.known_wrapper_names()
    verdict, may_name = screen(data, options, path, names or frozenset())
    if verdict:
        return True
    if names is not None and not may_name:
        return False  # the screen's first stage looked for the wrappers' names too
    return index.may_call_a_wrapper(data, path)
