"""The fix across modules: definitions no code reads any more, removed after their readers.

A fix run first fixes every file on its own (:mod:`lint_creds.fix.fixer`), asking the
project which names other files read (:mod:`lint_creds.project.readers`) before it removes a
module-level one. Those answers describe the files as they were; once the consumers are
fixed, a definition they alone read is dead: ``AWS_SECRET_ACCESS_KEY = "..."`` in
``credentials.py`` after ``jobs.py`` stopped passing it, ``KEY = os.environ[...]`` in
``config.py`` (which would crash on ECS, where the variable does not exist). This pass fixes
the definitions' files again with the project as the run left it, round after round (a
settings module may read another's name), until nothing changes.

Only files among the paths given are rewritten: a definition outside them stays, and the
run says so. Files are written consumers first, definitions last, so an interrupted run can
leave an unused definition but never an import of a name that no longer exists.
"""
from __future__ import annotations

import ast
import os
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..options import Options
from ..project import index_for
from ..project.index import ProjectIndex
from ..project.root import ProjectSpec
from .outcomes import STORAGE_FALLBACKS, ProjectReads

#: Rounds of re-fixing before the pass stops (each can free the next definition).
MAX_ROUNDS = 4
#: ``(path, text, the project's reads, names to remove if unread) -> new text`` (None: no
#: change): one file fixed with a given view of the project.
Refix = Callable[[str, str, ProjectReads, Set[str]], Optional[str]]


def project_reads(index: ProjectIndex, path: str,
                  texts: Optional[Dict[str, str]] = None) -> ProjectReads:
    """What the project's other files tell a fix of ``path`` (``texts``: new text of files
    the run rewrote), with locations as ``path:line`` for messages."""
    readers = index.readers(texts)

    def shown(found: Optional[Tuple[str, int]]) -> Optional[str]:
        return None if found is None else f"{index.display(found[0])}:{found[1]}"

    return ProjectReads(
        lambda name, owner: shown(readers.first_reader(path, name, owner)),
        lambda: shown(readers.first_setting(STORAGE_FALLBACKS)))


def defined_names(path: str, text: str, lines: Iterable[int]) -> Set[str]:
    """The names the module-level ``NAME = ...`` statements spanning ``lines`` of ``text``
    bind."""
    wanted = set(lines)
    try:
        tree = ast.parse(text, path)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    names: Set[str] = set()
    for statement in tree.body:
        end = getattr(statement, "end_lineno", None) or statement.lineno
        if any(statement.lineno <= line <= end for line in wanted):
            targets = statement.targets if isinstance(statement, ast.Assign) else (
                [statement.target] if isinstance(statement, ast.AnnAssign) else [])
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


class ProjectPass:
    """Re-fixes definition files until the project settles (see the module docstring)."""

    def __init__(self, spec: ProjectSpec, options: Options, in_scope: Sequence[str],
                 read_text: Callable[[str], Optional[str]], refix: Refix) -> None:
        self.index = index_for(spec, options)
        self.in_scope = {os.path.abspath(p) for p in in_scope}
        self._read_text = read_text
        self._refix = refix
        #: Absolute path -> current text of every file the run has changed.
        self.texts: Dict[str, str] = {}
        #: Files changed by this pass, in the order they settled (written in that order).
        self.changed: List[str] = []

    def run(self, first_texts: Dict[str, str], definitions: Dict[str, Set[int]],
            still_read: Iterable[str]) -> None:
        """``first_texts``: the files the per-file fixes changed; ``definitions``: file ->
        lines of the definitions whose values those fixes removed; ``still_read``: files
        whose names were kept because another file read them."""
        self.texts = {os.path.abspath(p): t for p, t in first_texts.items()}
        pending = {os.path.abspath(p): set(lines) for p, lines in definitions.items()}
        for path in still_read:
            pending.setdefault(os.path.abspath(path), set())
        pending = {p: lines for p, lines in pending.items() if p in self.in_scope}
        original = {path: self._read_text(path) for path in pending}
        names = {path: defined_names(path, original[path] or "", lines)
                 for path, lines in pending.items()}
        for _ in range(MAX_ROUNDS):
            changed = False
            for path in sorted(pending):
                current = self.texts.get(path, original[path])
                if current is None:
                    continue
                fixed = self._refix(path, current,
                                    project_reads(self.index, path, self.texts), names[path])
                if fixed is not None and fixed != current:
                    self.texts[path] = fixed
                    if path in self.changed:
                        self.changed.remove(path)
                    self.changed.append(path)
                    changed = True
            if not changed:
                break
