"""Draft the policy for a set of files: read, parse, collect SDK calls, map them to actions
and narrow their resources (see :mod:`lint_creds.policy`)."""
from __future__ import annotations

import ast
import os
from typing import Iterable, List, NamedTuple, Optional, Tuple

from ..engine.scopes import ModuleScopes
from ..engine.values import ValueResolver
from ..options import Options
from ..project import view_for
from ..project.root import ProjectSpec
from ..source.files import FileProblem, Target, decode_source, read_bytes
from .actions import needs_of
from .calls import SdkCalls
from .document import Draft, Use, build
from .modules import ANCHOR, ImportedClients, shown
from .resources import Place, ResourceNarrower


class Drafted(NamedTuple):
    draft: Draft
    problems: Tuple[Tuple[str, str], ...]  # (path, reason)
    files: int


def draft_policy(targets: Iterable[Target], options: Options, place: Place,
                 project: Optional[ProjectSpec] = None) -> Drafted:
    """The draft for every target, with the files that could not be read or parsed."""
    clients = ImportedClients(project, options)
    uses: List[Use] = []
    unresolved: List[Tuple[str, str, str]] = []
    problems: List[Tuple[str, str]] = []
    #: Files that name no SDK, kept in case they use a client another module defines.
    later: List[Target] = []
    files = 0

    def draft_file(target: Target, data: bytes) -> None:
        text = ""
        try:
            text = decode_source(data, target.path)
            tree = ast.parse(text, target.path)
        except FileProblem as problem:
            problems.append((target.path, problem.reason))
            return
        except SyntaxError as error:
            problems.append((target.path, _syntax_problem(text, error)))
            return
        except (ValueError, RecursionError, MemoryError) as error:
            problems.append((target.path, f"cannot parse: {type(error).__name__}"))
            return
        found = _module(tree, text, target.path, options, place, project, clients)
        uses.extend(found.uses)
        unresolved.extend(found.unresolved)

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
        clients.read(target.path, data)
        if ANCHOR in data:
            draft_file(target, data)
        elif project is not None:
            later.append(target._replace(data=data) if target.data is not None else target)
    for target in later:
        try:
            data = target.data if target.data is not None else read_bytes(target.path)
        except FileProblem:
            continue  # read a moment ago: gone since, nothing to draft
        if clients.imports_sdk_objects(target.path, data):
            draft_file(target, data)
    return Drafted(build(uses, unresolved), tuple(problems), files)


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
