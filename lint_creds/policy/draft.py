"""Draft the policy for a set of files: read, parse, collect SDK calls, map them to actions
and narrow their resources (see :mod:`lint_creds.policy`)."""
from __future__ import annotations

import ast
import os
import re
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Set, Tuple

from ..engine.scopes import ModuleScopes
from ..engine.values import ValueResolver
from ..options import Options
from ..project import index_for, view_for
from ..project.root import ProjectSpec
from ..source.files import FileProblem, Target, decode_source, read_bytes
from .actions import needs_of
from .calls import Handoff, Receiver, SdkCalls
from .document import Draft, Use, build
from .resources import Place, ResourceNarrower

#: Every SDK this command reads is imported under a name holding this (module names are
#: case-sensitive: ``boto3``, ``botocore``, ``aioboto3``, ``aiobotocore``).
_ANCHOR = b"boto"
#: The module of an import statement: ``from app.aws import s3`` or ``import app.aws``.
_IMPORTED_MODULE = re.compile(
    rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w.]+))", re.MULTILINE)


class Drafted(NamedTuple):
    draft: Draft
    problems: Tuple[Tuple[str, str], ...]  # (path, reason)
    files: int


class ImportedClients:
    """Other modules of the project, as importers see them: the clients and resources they
    define (``from app.aws import s3``), and the functions that receive them
    (``storage.upload(s3, ...)``). Each module is parsed once, never run."""

    def __init__(self, project: Optional[ProjectSpec], options: Options) -> None:
        self.options = options
        self.project = project
        #: path -> (its calls, whether it names the SDK); None: unreadable, or a cycle.
        self._modules: Dict[str, Optional[Tuple[SdkCalls, bool]]] = {}
        #: path -> whether the module defines SDK objects at its top level.
        self._exports: Dict[str, bool] = {}

    def for_importer(self, importer: str) -> Callable[[str], Optional[Receiver]]:
        """``imported(qualname)`` as :class:`SdkCalls` of ``importer`` asks it."""
        def imported(qualname: str) -> Optional[Receiver]:
            """``app.aws.s3``; ``app.aws.make_s3()``: what that function returns."""
            if self.project is None:
                return None
            called = qualname.endswith("()")
            module, _, name = qualname[:-2 if called else None].rpartition(".")
            if not module.strip("."):
                return None
            path = self.module_path(importer, module)
            loaded = self._module(path) if path is not None else None
            if loaded is None or not loaded[1]:
                return None
            return loaded[0].returned_by(name) if called else loaded[0].module_level(name)
        return imported

    def imports_sdk_objects(self, importer: str, data: bytes) -> bool:
        """Does ``importer`` (source ``data``) import from a module of the project that
        defines a client, resource or session at its top level, given or not?"""
        if self.project is None:
            return False
        for match in _IMPORTED_MODULE.finditer(data):
            module = (match.group(1) or match.group(2)).decode("ascii", "replace")
            path = self.module_path(importer, module)
            if path is None:
                continue
            if path not in self._exports:
                loaded = self._module(path)
                self._exports[path] = bool(loaded and loaded[1] and loaded[0].exported())
            if self._exports[path]:
                return True
        return False

    def module_path(self, importer: str, module: str) -> Optional[str]:
        """The file of ``module`` as ``importer`` imports it, if it is in the project."""
        if self.project is None or not module.strip("."):
            return None
        return index_for(self.project, self.options).module_path(importer, module)

    def followed(self, importer: str, handoff: Handoff) -> Optional[Tuple[str, SdkCalls]]:
        """The file defining what ``handoff`` calls, and the calls it makes with the SDK
        objects passed."""
        module, _, name = handoff.qualname.rpartition(".")
        path = self.module_path(importer, module)
        loaded = self._module(path) if path is not None else None
        if path is None or loaded is None:
            return None
        return path, loaded[0].followed(name, handoff.args, handoff.keywords, handoff.depth)

    def constant_text(self, importer: str, qualname: str, depth: int = 0) -> Optional[str]:
        """The text of a string constant another module defines at its top level
        (``from app.names import BUCKET``), read from its source: the index keeps none
        that could be key material, and resource names often look like it."""
        module, _, name = qualname.rpartition(".")
        path = self.module_path(importer, module)
        loaded = self._module(path) if path is not None and depth < 4 else None
        bindings = loaded[0].scopes.module.bindings.get(name, []) if loaded else []
        if not loaded or not bindings or bindings[-1].kind not in ("assign", "import"):
            return None
        binding, resolver = bindings[-1], loaded[0].resolver
        if binding.kind == "import":  # re-exported: ``from .names import BUCKET``
            return self.constant_text(path or "", binding.qualname or "", depth + 1)
        value = binding.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        return ResourceNarrower(resolver, Place(), lambda q: self.constant_text(
            path or "", q, depth + 1)).text(value, binding.scope) if value else None

    def _module(self, path: str) -> Optional[Tuple[SdkCalls, bool]]:
        if path not in self._modules:
            self._modules[path] = None  # an import cycle ends here
            try:
                data = read_bytes(path)
                text = decode_source(data, path)
                tree = ast.parse(text, path)
            except (FileProblem, SyntaxError, ValueError, RecursionError, MemoryError):
                return None  # reported where the file itself is drafted, if it is
            scopes = ModuleScopes(tree)
            resolver = ValueResolver(scopes, self.options.settings_objects, text.splitlines(),
                                     view_for(self.project, self.options, path))
            self._modules[path] = (SdkCalls(tree, resolver, scopes, self.for_importer(path),
                                            visit=False), _ANCHOR in data)
        return self._modules[path]


def draft_policy(targets: Iterable[Target], options: Options, place: Place,
                 project: Optional[ProjectSpec] = None) -> Drafted:
    """The draft for every target, with the files that could not be read or parsed."""
    clients = ImportedClients(project, options)
    uses: List[Use] = []
    unresolved: List[Tuple[str, str, str]] = []
    problems: List[Tuple[str, str]] = []
    #: Files that name no SDK, kept in case they use a client another module defines.
    later: List[Target] = []
    exported: Set[bytes] = set()
    files = 0

    def draft_file(target: Target, data: bytes) -> None:
        try:
            text = decode_source(data, target.path)
            tree = ast.parse(text, target.path)
        except FileProblem as problem:
            problems.append((target.path, problem.reason))
            return
        except SyntaxError as error:
            where = f" (line {error.lineno})" if error.lineno else ""
            problems.append((target.path, f"syntax error: {error.msg}{where}"))
            return
        except (ValueError, RecursionError, MemoryError) as error:
            problems.append((target.path, f"cannot parse: {type(error).__name__}"))
            return
        found = _module(tree, text, target.path, options, place, project, clients)
        uses.extend(found.uses)
        unresolved.extend(found.unresolved)
        exported.update(name.encode("utf-8") for name in found.exported)

    for target in targets:
        files += 1
        if target.problem:
            problems.append((target.path, target.problem))
            continue
        try:
            data = target.data if target.data is not None else read_bytes(target.path)
        except FileProblem as problem:
            problems.append((target.path, problem.reason))
            continue
        if target.path.endswith(".ipynb"):
            continue
        if _ANCHOR in data:
            draft_file(target, data)
        elif project is not None:
            later.append(target._replace(data=data) if target.data is not None else target)
    for target in later:
        try:
            data = target.data if target.data is not None else read_bytes(target.path)
        except FileProblem:
            continue  # read a moment ago: gone since, nothing to draft
        if _uses_any(data, exported) or clients.imports_sdk_objects(target.path, data):
            draft_file(target, data)
    return Drafted(build(uses, unresolved), tuple(problems), files)


def _shown(path: str) -> str:
    """A file the index found, as the report names it: relative to the working directory
    when inside it, as the paths given on the command line usually are."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith(os.pardir) else relative


def _uses_any(data: bytes, names: Set[bytes]) -> bool:
    """Does ``data`` hold one of ``names`` as a word (``s3.put_object``, ``upload(s3)``)?"""
    for name in names:
        start = data.find(name)
        while start != -1:
            end = start + len(name)
            before, after = data[start - 1:start], data[end:end + 1]
            if not (before.isalnum() or before == b"_" or after.isalnum() or after == b"_"):
                return True
            start = data.find(name, end)
    return False


class _ModuleDraft(NamedTuple):
    uses: List[Use]
    unresolved: List[Tuple[str, str, str]]
    exported: List[str]  # top-level names standing for a client, resource or session


def _module(tree: ast.Module, text: str, path: str, options: Options, place: Place,
            project: Optional[ProjectSpec], clients: ImportedClients) -> _ModuleDraft:
    lines = text.splitlines()
    scopes = ModuleScopes(tree)
    resolver = ValueResolver(scopes, options.settings_objects, lines,
                             view_for(project, options, path))
    found = _ModuleDraft([], [], [])
    try:
        collector = SdkCalls(tree, resolver, scopes, clients.for_importer(path))
        found.exported.extend(collector.exported())
        _draft_calls(collector, path, place, found, clients)
        # Calls passing SDK objects to other modules: followed there while the objects'
        # own module (whose scopes they refer to) is still whole.
        pending = [(path, handoff) for handoff in collector.handoffs]
        while pending:
            importer, handoff = pending.pop()
            followed = clients.followed(importer, handoff)
            if followed is not None:
                callee_path, callee = followed
                _draft_calls(callee, callee_path, place, found, clients)
                pending.extend((callee_path, h) for h in callee.handoffs)
    finally:
        scopes.release()
    return found


def _draft_calls(collector: SdkCalls, path: str, place: Place, found: _ModuleDraft,
                 clients: ImportedClients) -> None:
    """The uses (or the unresolved calls) of every call ``collector`` found in ``path``."""
    resolver = collector.resolver
    narrower = ResourceNarrower(resolver, place,
                                lambda qualname: clients.constant_text(path, qualname))
    shown_path = _shown(path) if os.path.isabs(path) else path
    for call in sorted(collector.calls, key=lambda c: (c.node.lineno, c.node.col_offset)):
        where = f"{shown_path}:{call.node.lineno}"
        shown = f"{resolver.describe(call.node.func, 50)}()"
        needs, problem = needs_of(call)
        if problem is not None:
            found.unresolved.append((where, shown, problem.reason))
            continue
        for need in needs:
            for resource in narrower.resources(need):
                note = need.implied_by and f"implied by {need.implied_by}"
                if resource.unknown:
                    widened = "widened: " + ", ".join(resource.unknown) + " not known"
                    note = f"{note}; {widened}" if note else widened
                found.uses.append(Use(need.action, resource.arn, where, shown, note))
