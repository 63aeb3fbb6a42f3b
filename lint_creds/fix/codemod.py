"""The fixer's libcst codemod: removes hand-passed AWS credentials the engine flagged.

Detection stays with the stdlib-``ast`` engine: the codemod runs
:func:`lint_creds.engine.analyze_source` on the module, turns the engine's
records (sink calls, statement findings) into a plan of node removals, matched to libcst
nodes by their source spans, and applies it. Three passes:

1. :mod:`.plan`: remove credential arguments, dict entries and credential statements, and
   collapse an ``if``/``else`` that only tests the credentials when both branches agree
   once the credentials are gone (unsafe);
2. :mod:`.prune`: remove assignments that fed only the removed code and are now dead,
   until nothing changes (an ``os.environ`` read or a literal bound to an unused name;
   public module-level names only with unsafe fixes, other modules may import them);
3. :mod:`.imports`: remove the imports the removed code used, if nothing else uses them
   (queued as libcst's ``RemoveImportsVisitor`` queues them, and run at the end).

Anything the plan cannot prove is left alone and reported as an :class:`Outcome` with a
reason. Run it on its own with::

    python -m libcst.tool codemod -x --no-format \\
        lint_creds.fix.codemod.RemoveHandPassedCredentials PATH [--unsafe-fixes]
"""
from __future__ import annotations

import argparse
import ast
import os
from typing import Callable, Iterable, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.metadata import MetadataWrapper

from ..engine import analyze_source
from ..findings import Analysis, Span
from ..options import DEFAULT_OPTIONS, Options
from ..project.root import module_name
from .imports import queue_removed_imports, remove_unused_imports
from .outcomes import (
    HELD_BACK, FixReport, ProjectReads, contains as _contains, report_without_fixing,
    wants_libcst,
)
from .plan import Planner
from .prune import kept_public_reads, names_in, prune_dead_assignments
from .removal import Edits, Remover, leading_blanks
from .slicing import restore, slice_module


class RemoveHandPassedCredentials(CodemodCommand):
    """Remove the credentials lint-creds flags, so boto3 uses its default credential chain."""

    DESCRIPTION = ("Remove hand-passed AWS credentials (lint-creds findings) so boto3 uses its "
                   "default, role-aware credential chain.")

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes", dest="unsafe_fixes", action="store_true",
            help="also apply fixes that may change which identity the code runs under")

    def __init__(self, context: CodemodContext, unsafe_fixes: bool = False,
                 options: Options = DEFAULT_OPTIONS, analysis: Optional[Analysis] = None,
                 project: Optional[ProjectReads] = None) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes
        self.options = options
        self.analysis = analysis
        #: What the project's other files say of this module (None: it is seen alone).
        self.project = project
        self.report = FixReport()

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """The codemod plus libcst's queued import removal; a module whose first
        statements were removed does not start with blank lines."""
        return _without_new_leading_blanks(tree, self.transform_and_remove_imports(tree))

    def transform_and_remove_imports(self, tree: cst.Module) -> cst.Module:
        """:meth:`transform_module` without the final tidying of leading blank lines."""
        # Not ``super().transform_module``: that wraps (deep-copies) the tree for metadata
        # this command does not declare; the queued import removal is all we need of it.
        return remove_unused_imports(self.transform_module_impl(tree), self.context)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        analysis = self.analysis or analyze_source(
            tree.code, self.context.filename or "<stdin>", self.options)
        module = tree
        if wants_libcst(analysis, self.options, self.unsafe_fixes):
            wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
            planner = Planner(wrapper, analysis, self.options, self.unsafe_fixes, self.project)
            edits, self.report = planner.plan()
            module = self._apply(tree, wrapper, edits, planner)
        else:
            self.report = report_without_fixing(analysis, self.options, self.unsafe_fixes)
        for outcome in self.report.left():
            self.warn(f"line {outcome.finding.line}: {outcome.finding.code} not fixed: "
                      f"{outcome.reason}")
        for name in self.report.kept:
            self.warn(f"{name} kept: a public name that still reads a credential variable "
                      "when the module is imported")
        return module

    def _apply(self, tree: cst.Module, wrapper: MetadataWrapper, edits: Edits,
               planner: Planner) -> cst.Module:
        if not edits.drop and not edits.rename and not edits.collapse:
            return tree
        self._queue_imports(wrapper, edits.removed())
        module = tree.visit(Remover(edits, planner.parents))
        # Only names some statement assigns can be pruned.
        assigned = {name for scope in set(planner.scopes.values()) if scope is not None
                    for name in names_in(edits.removed()) if name in scope.assignments}
        module, dead = prune_dead_assignments(module, assigned, self.unsafe_fixes,
                                              self._queue_imports, _read_elsewhere(self.project))
        removed = set(edits.removed()) | dead
        self.report = _credit_removed(self.report, planner.removed_spans(removed))
        if self.project is None and not self.unsafe_fixes and any(
                o.fixed and o.finding.code == "CRD201" for o in self.report.outcomes):
            # In a project the safe fix removes these reads unless another file reads them.
            self.report = self.report._replace(kept=kept_public_reads(module, assigned))
        return module

    def _queue_imports(self, wrapper: MetadataWrapper, removed: Iterable[cst.CSTNode]) -> None:
        queue_removed_imports(self.context, wrapper, removed)


def _credit_removed(report: FixReport, spans: Sequence[Span]) -> FixReport:
    """A finding inside code the fix removed (a literal in a dead assignment) is fixed."""
    return FixReport(tuple(
        o._replace(fixed=True, reason=None) if not o.fixed and o.reason != HELD_BACK and any(
            _contains(span, o.finding.span) for span in spans) else o
        for o in report.outcomes))


def fix_source(source: str, filename: str = "<stdin>", options: Options = DEFAULT_OPTIONS,
               unsafe_fixes: bool = False,
               analysis: Optional[Analysis] = None,
               tree: Optional[ast.Module] = None,
               project: Optional[ProjectReads] = None) -> Tuple[str, FixReport]:
    """Fix one module's text; returns the new text and what happened to each finding.

    ``analysis`` is the engine's result for ``source`` and ``tree`` its ``ast`` tree, when
    the caller already has them; libcst parses only modules with something to fix.
    ``project`` tells where the project's other files read this module's names (a name
    read there is not removed); without it the module is fixed as if alone.
    """
    analysis = analysis or analyze_source(source, filename, options)
    if not wants_libcst(analysis, options, unsafe_fixes):
        return source, report_without_fixing(analysis, options, unsafe_fixes)

    context = _context_for(filename)

    def command() -> RemoveHandPassedCredentials:
        return RemoveHandPassedCredentials(context, unsafe_fixes, options, analysis, project)

    module = cst.parse_module(source)
    sliced = slice_module(module, source, tree or ast.parse(source), analysis)
    if sliced is not None:  # a large module: the codemod sees only what matters
        sliced_command = command()
        restored = restore(sliced_command.transform_and_remove_imports(sliced.module), sliced)
        if restored is not None:
            return _without_new_leading_blanks(module, restored).code, sliced_command.report
    whole = command()
    return whole.transform_module(module).code, whole.report


def remove_unread_definitions(source: str, filename: str, names: Set[str], unsafe_fixes: bool,
                              project: Optional[ProjectReads]) -> str:
    """``source`` without the ``NAME = <pure value>`` statements of ``names`` (an environment
    read, a literal) that nothing reads any more, here or (``project``) in another file;
    public module-level names only with ``unsafe_fixes``, as in the codemod's own pruning."""
    if not names:
        return source
    command = RemoveHandPassedCredentials(_context_for(filename), unsafe_fixes, project=project)
    module = cst.parse_module(source)
    pruned, removed = prune_dead_assignments(module, names, unsafe_fixes, command._queue_imports,
                                             _read_elsewhere(project))
    if not removed:
        return source
    return _without_new_leading_blanks(module, remove_unused_imports(pruned, command.context)).code


def _read_elsewhere(project: Optional[ProjectReads]) -> Optional[Callable[[str], bool]]:
    """Is a module-level name read in another file?  (None: no project to ask.)"""
    if project is None:
        return None
    return lambda name: project.read_elsewhere(name, None) is not None


def _context_for(filename: str) -> CodemodContext:
    """The codemod's context; for a file on disk with its module and package names, so
    the imports a fix leaves unused are found in relative imports too."""
    if not os.path.isfile(filename):
        return CodemodContext(filename=filename)
    module = module_name(filename)
    package = module if filename.endswith("__init__.py") else module.rpartition(".")[0]
    return CodemodContext(filename=filename, full_module_name=module, full_package_name=package)


def _without_new_leading_blanks(tree: cst.Module, result: cst.Module) -> cst.Module:
    """A module whose first statements were removed does not start with blank lines."""
    if result is tree or not result.body or not tree.body:
        return result
    first = result.body[0]
    if leading_blanks(first) > leading_blanks(tree.body[0]) and isinstance(
            first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        lines = list(first.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        result = result.with_changes(body=[first.with_changes(leading_lines=lines),
                                           *result.body[1:]])
    return result
