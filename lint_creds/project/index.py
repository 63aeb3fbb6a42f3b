"""The project index: what each module of the project offers, read on demand.

A module is summarised (parsed, its exports recorded) the first time an analysed file
imports a name from it, then kept in memory and in the on-disk cache. Only modules that a
screened file really imports from are read, so the cost grows with what the checked files
use, not with the size of the tree, and the answer for a file does not depend on which
other files were given (pre-commit passes only the staged ones). Nothing here imports or
runs the project's code: modules are found on disk as Python's import system would find
them, and read as text.
"""
from __future__ import annotations

import ast
import os
from typing import Dict, List, Optional, Set, Tuple

from ..engine import analyze_source, check_source, summarize_tree
from ..engine.exports import ALIAS, UNKNOWN, Export, ModuleSummary, ProjectView
from ..options import Options
from ..source.files import FileProblem, Target, decode_source, discover, read_bytes
from ..source.prefilter import could_hold_finding
from .cache import SummaryCache
from .readers import Readers
from .root import ProjectSpec, module_file, search_roots
from .wrapper_names import (
    Signature, called, loosest, may_pass_credentials, names_of, project_wrapper_table,
    signature_of,
)

#: Aliases followed before a name is given up on (``a`` re-exports ``b`` re-exports ...).
MAX_HOPS = 16
#: Files the screen rejects that the engine itself looks at (see :meth:`ProjectIndex.
#: may_call_a_wrapper`) before the project-wide wrapper table is built instead.
DIRECT_LOOKS = 4


class ProjectIndex:
    """Summaries of the project's modules, loaded lazily (see the module docstring)."""

    def __init__(self, spec: ProjectSpec, options: Options) -> None:
        self.root = os.path.abspath(spec.root)
        self.options = options
        self.cache = SummaryCache(spec.cache_dir, options) if spec.cache_dir else None
        self._summaries: Dict[str, Optional[ModuleSummary]] = {}
        self._screened: Dict[str, bool] = {}  # path -> may hold a wrapper
        self._roots: Dict[str, List[str]] = {}  # importer's directory -> search roots
        self._files: Dict[Tuple[str, Tuple[str, ...]], Optional[str]] = {}
        self._uses: Dict[Tuple[str, str, int], str] = {}
        self._walked: Optional[List[Target]] = None
        self._all_files: Optional[List[str]] = None
        self._all_readers: Optional[List[str]] = None
        self._disk_readers: Optional[Readers] = None
        self._disk_bytes: Dict[str, Optional[bytes]] = {}
        self._wrapper_names: "Optional[frozenset[bytes]]" = None
        self._wrapper_table: Dict[str, Tuple[int, int, Tuple[str, ...]]] = {}
        self._cached_table: Optional[Dict[str, Tuple[int, int, Tuple[str, ...]]]] = None
        self._signatures: Dict[bytes, Optional[Signature]] = {}
        self._direct_looks = DIRECT_LOOKS

    def view_for(self, path: str) -> "ModuleView":
        """The engine's view of the project from the module at ``path``."""
        return ModuleView(self, os.path.abspath(path))

    def summary(self, path: str, screened: bool = False) -> Optional[ModuleSummary]:
        """The module's summary; None when it cannot be read or parsed, or, when
        ``screened``, when it is not a package ``__init__`` and the byte screen shows it
        cannot hand a credential to the SDK (so it can hold no wrapper)."""
        if screened and path not in self._summaries and not self._may_wrap(path):
            return None
        if path not in self._summaries:
            self._summaries[path] = self._summarize(path)
        return self._summaries[path]

    def wrapper_names(self) -> "frozenset[bytes]":
        """The names under which the project's wrappers are called (a function, a class
        whose constructor, or a method that hands its parameters to the SDK): a file that
        calls one can hold a finding even where the byte screen sees no anchor
        (``make_client(os.environ["KEY"], ...)``). See :mod:`.wrapper_names`."""
        if self._wrapper_names is None:
            self._wrapper_table = project_wrapper_table(
                self.python_files(), self._may_wrap, self.summary, self.cache,
                self._cached_table)
            self._wrapper_names = names_of(self._wrapper_table)
        return self._wrapper_names

    def known_wrapper_names(self) -> "Optional[frozenset[bytes]]":
        """:meth:`wrapper_names` if the table is built already, else None."""
        return self._wrapper_names

    def cached_wrapper_names(self) -> "frozenset[bytes]":
        """The names of the table as the cache holds it, not yet checked against the files:
        most runs find them unchanged (what the first stage can be compiled for while
        :meth:`wrapper_names` checks)."""
        if self._cached_table is None:
            self._cached_table = self.cache.load_wrappers() if self.cache is not None else {}
        return names_of(self._cached_table)

    def cached_file_count(self) -> int:
        """How many files the cached table holds: about the project's size when it was
        last checked (0 before :meth:`cached_wrapper_names` read it, or with no cache)."""
        return len(self._cached_table or ())

    def may_call_a_wrapper(self, data: bytes, path: Optional[str] = None) -> bool:
        """Does source the screen rejected call one of the project's wrappers?

        Given its ``path``, the first few such files of a run are answered by the engine
        itself: does the file hold a finding, its imports resolved through this index
        (which reads only the modules it imports)? That is what analysing it would find,
        and costs far less than the table, which reads every file of the project: a
        pre-commit call never builds it. A file the engine cannot read falls back on it."""
        if path is not None and self._wrapper_names is None and self._direct_looks > 0:
            self._direct_looks -= 1
            try:
                return bool(check_source(decode_source(data, path), path, self.options,
                                         self.view_for(path)))
            except Exception:  # unparsable or worse: the table decides, as it would have
                pass
        names = called(data, self.wrapper_names())
        return bool(names) and may_pass_credentials(
            data, {name: self._signature(name) for name in names})

    def _signature(self, name: bytes) -> Optional[Signature]:
        """How calls of ``name`` can pass its wrappers a credential (all of them: every
        module defining one), read from their summaries."""
        if name not in self._signatures:
            text = name.decode("utf-8")
            self._signatures[name] = loosest(
                signature_of(self.summary(path), text)
                for path, entry in self._wrapper_table.items() if text in entry[2])
        return self._signatures[name]

    def _may_wrap(self, path: str) -> bool:
        if path not in self._screened:
            try:
                self._screened[path] = os.path.basename(path) == "__init__.py" or (
                    could_hold_finding(read_bytes(path), self.options, path))
            except (OSError, FileProblem):
                self._screened[path] = False
        return self._screened[path]

    def _summarize(self, path: str) -> Optional[ModuleSummary]:
        try:
            stat = os.stat(path)
            if self.cache is not None:
                cached = self.cache.load(path, stat)
                if cached is not None:
                    return cached
            text = decode_source(read_bytes(path), path)
            summary = summarize_tree(ast.parse(text, path), text.splitlines(), self.options)
        except (OSError, FileProblem, SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the file's own problem is reported where it is checked
        if self.cache is not None:
            self.cache.store(path, stat, summary)
        return summary

    def resolve(self, importer: str, target: str,
                screened: bool = False) -> Optional[Tuple[str, Export]]:
        """``(defining file, export)`` of an import target seen from ``importer``, aliases
        and star imports followed; None when the project does not define it. ``screened``:
        read only modules that could hold a wrapper (see :meth:`summary`)."""
        seen: Set[Tuple[str, str]] = set()
        for _ in range(MAX_HOPS):
            if (importer, target) in seen:
                return None  # an import cycle
            seen.add((importer, target))
            found = self._find(importer, target, screened)
            if found is None:
                return None
            path, export = found
            if export.kind != ALIAS or export.target is None:
                return path, export
            importer, target = path, export.target
        return None

    def _find(self, importer: str, target: str,
              screened: bool) -> Optional[Tuple[str, Export]]:
        for path, attribute in self._candidates(importer, target):
            export = self._lookup_in(path, attribute, set(), screened)
            if export is not None:
                return export
        return None

    def _candidates(self, importer: str, target: str) -> List[Tuple[str, List[str]]]:
        """``(module file, attribute path)`` pairs the target could mean, best first: the
        longest module prefix that exists, in each directory Python would search."""
        level, parts, directories = self._searched(importer, target)
        found: List[Tuple[str, List[str]]] = []
        for directory in directories:
            for split in range(len(parts) - 1, -1, -1):
                path = self._module_file(directory, parts[:split]) if split else (
                    os.path.join(directory, "__init__.py") if level and os.path.isfile(
                        os.path.join(directory, "__init__.py")) else None)
                if path is not None and parts[split:]:
                    found.append((path, parts[split:]))
                    break
        return found

    def _module_file(self, directory: str, parts: List[str]) -> Optional[str]:
        key = (directory, tuple(parts))
        if key not in self._files:
            self._files[key] = module_file(directory, parts)
        return self._files[key]

    def _lookup_in(self, path: str, attribute: List[str], visiting: Set[str],
                   screened: bool = False, by_star: bool = False,
                   ) -> Optional[Tuple[str, Export]]:
        """The export ``attribute`` of the module at ``path``, through its star imports
        (``by_star``: the name is wanted through ``from <this module> import *``, which
        takes only the names of ``__all__``, or else those without a leading ``_``)."""
        if path in visiting or len(attribute) > 2:
            return None
        visiting.add(path)
        summary = self.summary(path, screened)
        if summary is None or (by_star and not _star_exports(summary, attribute[0])):
            return None
        export = summary.names.get(".".join(attribute))
        if export is not None:
            return path, export
        if len(attribute) == 2 and attribute[0] in summary.names:
            head = summary.names[attribute[0]]
            if head.kind == ALIAS and head.target:  # ``from .base import Settings``
                return path, head._replace(target=f"{head.target}.{attribute[1]}")
            return path, Export(UNKNOWN, head.line)  # an attribute nothing records
        for star in reversed(summary.star_imports):
            for star_path, _ in self._candidates(path, f"{star}.{attribute[0]}"):
                found = self._lookup_in(star_path, attribute, visiting, screened, True)
                if found is not None:
                    return found
        return None

    def credential_use(self, path: str, name: str, line: int) -> str:
        """Where another module passes ``name`` of ``path`` (bound at ``line``) to the SDK
        as a credential, as ``path:line`` ('' when none does). Reads the project's files;
        those that mention the name and pass the byte screen are analysed, with a view that
        asks no such question back. Asked only for secret-shaped literals under names that
        are not credential names, so rarely."""
        key = (path, name, line)
        if key not in self._uses:
            self._uses[key] = ""
            defined_at = f"{self.display(path)}:{line}"
            needle = name.encode("utf-8")
            for candidate in self.python_files():
                if candidate == path:
                    continue
                try:
                    data = read_bytes(candidate)
                    if needle not in data or not could_hold_finding(
                            data, self.options, candidate):
                        continue
                    analysis = analyze_source(decode_source(data, candidate), candidate,
                                              self.options, ModuleView(self, candidate, False))
                except (OSError, FileProblem, SyntaxError, ValueError, RecursionError):
                    continue
                for sink in analysis.sink_calls:
                    for argument in sink.args:
                        if argument.code and argument.origin is not None and (
                                argument.origin.defined_at == defined_at):
                            self._uses[key] = f"{self.display(candidate)}:{sink.span.line}"
                            return self._uses[key]
        return self._uses[key]

    def module_path(self, importer: str, module: str) -> Optional[str]:
        """The file of ``module`` (dotted, maybe relative) imported from ``importer``, as
        Python would find it in the project; None when the project does not hold it."""
        level, parts, directories = self._searched(importer, module)
        if level and not parts:  # ``from . import x``: the package itself
            init = os.path.join(directories[0], "__init__.py")
            return init if os.path.isfile(init) else None
        for directory in directories if parts else ():
            found = self._module_file(directory, parts)
            if found is not None:
                return found
        return None

    def _searched(self, importer: str, target: str) -> Tuple[int, List[str], List[str]]:
        """``(level, parts, directories)`` of a dotted import target seen from ``importer``:
        its leading dots, its names, and where Python would look for them (the package
        ``level`` dots up for a relative import; else :func:`search_roots`)."""
        level = len(target) - len(target.lstrip("."))
        parts = [p for p in target[level:].split(".") if p]
        directory = os.path.dirname(importer)
        if level:
            for _ in range(level - 1):
                directory = os.path.dirname(directory)
            return level, parts, [directory]
        if directory not in self._roots:
            self._roots[directory] = search_roots(importer, self.root)
        return level, parts, self._roots[directory]

    def readers(self, texts: Optional[Dict[str, str]] = None) -> Readers:
        """Who reads a module-level name (:mod:`lint_creds.project.readers`), with
        ``texts`` (absolute path -> text) standing in for files a run has rewritten; the
        files as they are on disk share one (its parsed files are kept)."""
        if texts:
            return Readers(self._reader_files, self.module_path, texts, self._disk_bytes)
        if self._disk_readers is None:
            self._disk_readers = Readers(self._reader_files, self.module_path,
                                         disk=self._disk_bytes)
        return self._disk_readers

    def _reader_files(self) -> List[str]:
        """The project's Python files and notebooks, found once."""
        if self._all_readers is None:
            self._all_readers = [t.path for t in self.walk() if t.problem is None]
        return self._all_readers

    def python_files(self) -> List[str]:
        """The project's Python files (default excludes), found once."""
        if self._all_files is None:
            self._all_files = [t.path for t in self.walk()
                               if t.problem is None and t.path.endswith(".py")]
        return self._all_files

    def walk(self) -> List[Target]:
        """Every source file under the root, as :func:`discover` finds them with the
        default excludes (absolute paths), walked once: ``check`` of the whole project
        takes its targets from here instead of walking the tree a second time."""
        if self._walked is None:
            self._walked = list(discover([self.root]))
        return self._walked

    def display(self, path: str) -> str:
        """``path`` relative to the root, with ``/``, as messages show it."""
        relative = os.path.relpath(path, self.root)
        return path if relative.startswith("..") else relative.replace(os.sep, "/")


class ModuleView(ProjectView):
    """:class:`ProjectView` for one module: resolves its imports through the index."""

    def __init__(self, index: ProjectIndex, path: str, asks_back: bool = True) -> None:
        self.index = index
        self.path = path
        #: May this view ask which other modules use this one's names?  Not while such a
        #: question is being answered.
        self.asks_back = asks_back
        self._answers: Dict[Tuple[str, bool], Optional[Export]] = {}

    def credential_use(self, name: str, line: int) -> str:
        return self.index.credential_use(self.path, name, line) if self.asks_back else ""

    def lookup(self, target: str) -> Optional[Export]:
        return self._answer(target, screened=False)

    def lookup_wrapper(self, target: str) -> Optional[Export]:
        return self._answer(target, screened=True)

    def _answer(self, target: str, screened: bool) -> Optional[Export]:
        """The index's answer, once per target, with where the name is defined."""
        key = (target, screened)
        if key not in self._answers:
            found = self.index.resolve(self.path, target, screened)
            self._answers[key] = None if found is None else found[1]._replace(
                where=f"{self.index.display(found[0])}:{found[1].line}")
        return self._answers[key]


def _star_exports(summary: ModuleSummary, name: str) -> bool:
    """Does ``from <module> import *`` bind ``name``?"""
    if summary.all_names is not None:
        return name in summary.all_names
    return not name.startswith("_")
