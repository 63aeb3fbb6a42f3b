"""Draft the policy for a set of files: read, parse, collect SDK calls, map them to actions
and narrow their resources (see :mod:`lint_creds.policy`)."""
from __future__ import annotations

import ast
import os
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from ..engine.scopes import ModuleScopes
from ..engine.values import ValueResolver
from ..options import Options
from ..project import view_for
from ..project.root import ProjectSpec
from ..source.files import FileProblem, Target, decode_source, read_bytes
from ..source.pool import big_enough, in_chunks
from .actions import needs_of
from .calls import SdkCalls
from .document import Draft, Use, build
from .modules import ANCHOR, ImportedClients, shown
from .resources import Place, ResourceNarrower


class Drafted(NamedTuple):
    draft: Draft
    problems: Tuple[Tuple[str, str], ...]  # (path, reason)
    files: int


class _Part(NamedTuple):
    """What some of the targets give the draft: the uses, the unresolved calls, the
    problems (with each target's number, to report them in the targets' order)."""

    uses: List[Use]
    unresolved: List[Tuple[str, str, str]]
    problems: List[Tuple[int, str, str]]
    files: int


def draft_policy(targets: Iterable[Target], options: Options, place: Place,
                 project: Optional[ProjectSpec] = None, jobs: Optional[int] = None) -> Drafted:
    """The draft for every target, with the files that could not be read or parsed.
    A big tree is drafted by ``jobs`` worker processes (default: the CPU count); the draft
    is the same either way."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    _CLIENTS.clear()  # read afresh by every run: the files may have changed since the last
    pooled, numbered = big_enough(enumerate(targets), jobs)
    if pooled:
        if project is not None:  # forked workers inherit what every one of them needs
            _clients_for(project, options).find_sdk_modules()
        parts: Iterable[_Part] = in_chunks(_draft_chunk, numbered, jobs,
                                           (options, place, project))
    else:
        parts = [_draft_part(numbered, options, place, project)]
    uses: List[Use] = []
    unresolved: List[Tuple[str, str, str]] = []
    problems: List[Tuple[int, str, str]] = []
    files = 0
    for part in parts:
        uses.extend(part.uses)
        unresolved.extend(part.unresolved)
        problems.extend(part.problems)
        files += part.files
    return Drafted(build(uses, unresolved), tuple((path, reason) for _, path, reason in sorted(
        problems, key=lambda problem: problem[0])), files)


def _draft_chunk(chunk: Sequence[Tuple[int, Target]], options: Options, place: Place,
                 project: Optional[ProjectSpec]) -> List[_Part]:
    return [_draft_part(chunk, options, place, project)]


_CLIENTS: Dict[Tuple[Optional[ProjectSpec], Options], ImportedClients] = {}


def _clients_for(project: Optional[ProjectSpec], options: Options) -> ImportedClients:
    """One :class:`ImportedClients` per project and options in a process (a worker's
    chunks share what it has read of the project)."""
    key = (project, options)
    if key not in _CLIENTS:
        _CLIENTS.clear()
        _CLIENTS[key] = ImportedClients(project, options)
    return _CLIENTS[key]


def _draft_part(numbered: Iterable[Tuple[int, Target]], options: Options, place: Place,
                project: Optional[ProjectSpec]) -> _Part:
    clients = _clients_for(project, options)
    part = _Part([], [], [], 0)
    #: Files that name no SDK, kept in case they use a client another module defines.
    later: List[Tuple[int, Target]] = []

    def draft_file(number: int, target: Target, data: bytes) -> None:
        text = ""
        try:
            text = decode_source(data, target.path)
            tree = ast.parse(text, target.path)
        except FileProblem as problem:
            part.problems.append((number, target.path, problem.reason))
            return
        except SyntaxError as error:
            part.problems.append((number, target.path, _syntax_problem(text, error)))
            return
        except (ValueError, RecursionError, MemoryError) as error:
            part.problems.append((number, target.path, f"cannot parse: {type(error).__name__}"))
            return
        found = _module(tree, text, target.path, options, place, project, clients)
        part.uses.extend(found.uses)
        part.unresolved.extend(found.unresolved)

    files = 0
    for number, target in numbered:
        files += 1
        if target.problem:
            part.problems.append((number, target.path, target.problem))
            continue
        try:
            data = target.data if target.data is not None else read_bytes(target.path)
        except FileProblem as problem:
            part.problems.append((number, target.path, problem.reason))
            continue
        if target.path.endswith(".ipynb"):
            continue
        clients.read(target.path, data)
        if ANCHOR in data:
            draft_file(number, target, data)
        elif project is not None:
            later.append((number, target._replace(data=data) if target.data is not None
                          else target))
    for number, target in later:
        try:
            data = target.data if target.data is not None else read_bytes(target.path)
        except FileProblem:
            continue  # read a moment ago: gone since, nothing to draft
        if clients.imports_sdk_objects(target.path, data):
            draft_file(number, target, data)
    return part._replace(files=files)


class _ModuleDraft(NamedTuple):
    uses: List[Use]
    unresolved: List[Tuple[str, str, str]]


def _module(tree: ast.Module, text: str, path: str, options: Options, place: Place,
            project: Optional[ProjectSpec], clients: ImportedClients) -> _ModuleDraft:
    lines = text.splitlines()
    scopes = ModuleScopes(tree)
    resolver = ValueResolver(scopes, options.settings_objects, lines,
                             view_for(project, options, path))
    found = _ModuleDraft([], [])
    try:
        collector = SdkCalls(tree, resolver, scopes, clients.for_importer(path))
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
    named = shown(path) if os.path.isabs(path) else path
    for call in sorted(collector.calls, key=lambda c: (c.node.lineno, c.node.col_offset)):
        where = f"{named}:{call.node.lineno}"
        text = f"{resolver.describe(call.node.func, 50)}()"
        needs, problem = needs_of(call)
        if problem is not None:
            found.unresolved.append((where, text, problem.reason))
            continue
        for need in needs:
            for resource in narrower.resources(need):
                note = need.implied_by and f"implied by {need.implied_by}"
                if resource.unknown:
                    widened = "widened: " + ", ".join(resource.unknown) + " not known"
                    note = f"{note}; {widened}" if note else widened
                found.uses.append(Use(need.action, resource.arn, where, text, note))


def _syntax_problem(text: str, error: SyntaxError) -> str:
    from ..source.syntax_version import syntax_problem  # the error path only

    return syntax_problem(text, error)
