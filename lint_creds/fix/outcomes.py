"""What a fix run did or would do with each finding, and why not: the fixer's report.

Pure records and decisions over the engine's :class:`~lint_creds.findings.Analysis`, with no
libcst, so a run can tell whether a module needs the codemod at all before parsing it.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, NamedTuple, Optional, Sequence, Tuple

from ..findings import Analysis, Applicability, Finding, SinkCall, Span
from ..options import Options

#: ``(name, its class or None) -> "path:line"`` of a read of a module's ``name`` (or of a
#: class attribute) in another file of the project, or None
#: (:mod:`lint_creds.project.readers`).
ReadElsewhere = Callable[[str, Optional[str]], Optional[str]]


#: The global settings django-storages takes when a storage class has no key of its own
#: (``S3Storage.get_default_settings``): static keys too.
STORAGE_FALLBACKS = frozenset({
    "AWS_ACCESS_KEY_ID", "AWS_S3_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"})


class ProjectReads(NamedTuple):
    """What the project's other files tell a fix of one module."""

    read_elsewhere: ReadElsewhere
    #: ``"path:line"`` of a global credential setting django-storages falls back to
    #: (``AWS_ACCESS_KEY_ID`` ...) that the project still defines, or None.
    global_keys: Callable[[], Optional[str]]


HELD_BACK = "unsafe fix held back (apply it with --unsafe-fixes)"
NO_FIX = "no automatic fix for this finding"
SUPPRESSED = "a credential of the call is exempted by # noqa"
#: Codes reported on a sink call's arguments (the rest are reported on statements).
SINK_CODES = frozenset({"CRD101", "CRD201", "CRD202", "CRD301"})


class Outcome(NamedTuple):
    """What the fixer did with one finding: fixed, or why not."""

    finding: Finding
    fixed: bool
    reason: Optional[str] = None


class FixReport(NamedTuple):
    """The outcomes of one module, in the engine's finding order."""

    outcomes: Tuple[Outcome, ...] = ()
    #: Public module-level names still bound to a read of a variable boto3's chain reads
    #: itself (``KEY = os.environ["AWS_ACCESS_KEY_ID"]``) that nothing here reads any more:
    #: kept because another module may import them, and no project says none does. On ECS
    #: or EC2 the read still fails when the module is imported.
    kept: Tuple[str, ...] = ()

    def fixed_by_code(self) -> Counter:
        """How many findings each rule had fixed."""
        return Counter(o.finding.code for o in self.outcomes if o.fixed)

    def left(self) -> Tuple[Outcome, ...]:
        """The findings that were not fixed, each with its reason."""
        return tuple(o for o in self.outcomes if not o.fixed)


def fixable(applicability: Applicability, unsafe_fixes: bool) -> bool:
    """May a fix of this applicability be applied (ruff's rule)?"""
    return applicability is Applicability.SAFE or (
        unsafe_fixes and applicability is Applicability.UNSAFE)


def sink_reason(sink: SinkCall, options: Options, unsafe_fixes: bool) -> Optional[str]:
    """Why a sink call's credentials will not be removed, or None if they may be."""
    if sink.blocked is not None:
        return sink.blocked
    unselected = sorted(sink.codes - options.select)
    if unselected:
        return f"the call also has {', '.join(unselected)} credentials, which are not selected"
    if not fixable(sink.applicability, unsafe_fixes):
        return HELD_BACK if sink.applicability is Applicability.UNSAFE else NO_FIX
    return None


def statement_reason(finding: Finding, unsafe_fixes: bool) -> Optional[str]:
    """Why a statement finding (CRD102/203/302) will not be fixed, or None if it may be."""
    if finding.not_fixable_reason:
        return finding.not_fixable_reason
    if finding.code == "CRD102" and unsafe_fixes:  # fixable where it is an env write
        return None
    if not fixable(finding.applicability, unsafe_fixes):
        return HELD_BACK if finding.applicability is Applicability.UNSAFE else NO_FIX
    return None


def wants_libcst(analysis: Analysis, options: Options, unsafe_fixes: bool) -> bool:
    """Does the module have anything the codemod could change?  (Skip libcst if not.)"""
    return any(sink_reason(s, options, unsafe_fixes) is None or (
        unsafe_fixes and s.guard_line is not None)
        for s in analysis.sink_calls) or any(
        f.code not in SINK_CODES and statement_reason(f, unsafe_fixes) is None
        for f in analysis.findings)


def innermost_sink(finding: Finding, sinks: Sequence[SinkCall]) -> Optional[SinkCall]:
    """The sink call a sink-argument finding belongs to."""
    if finding.code not in SINK_CODES:
        return None
    holding = [s for s in sinks if contains(s.span, finding.span)]
    return min(holding, key=_size) if holding else None


def _size(sink: SinkCall) -> Tuple[int, int]:
    return (sink.span.end_line - sink.span.line, sink.span.end_col - sink.span.col)


def report_without_fixing(analysis: Analysis, options: Options, unsafe_fixes: bool) -> FixReport:
    """The outcomes of a module the codemod does not touch."""
    outcomes = []
    for finding in analysis.findings:
        sink = innermost_sink(finding, analysis.sink_calls)
        reason = (sink_reason(sink, options, unsafe_fixes) if sink is not None
                  else statement_reason(finding, unsafe_fixes)) or NO_FIX
        outcomes.append(Outcome(finding, False, reason))
    return FixReport(tuple(outcomes))


def without_suppressed(analysis: Analysis, text: str) -> Analysis:
    """``analysis`` as the fixer must see it: no finding a ``# noqa`` suppresses, and no
    sink call holding one touched (a key exempted on purpose stays, as in ruff's fixes)."""
    from ..source.noqa import filter_findings

    kept, suppressed = filter_findings(analysis.findings, text)
    if not suppressed:
        return analysis
    gone = [f for f in analysis.findings if f not in kept]
    sinks = tuple(sink._replace(blocked=sink.blocked or SUPPRESSED) if any(
        contains(sink.span, f.span) for f in gone) else sink for sink in analysis.sink_calls)
    return Analysis(tuple(kept), sinks)


class Unfixable(Exception):
    """A plan step the codemod cannot prove safe; the message is the reason."""


def span_of(position: object) -> Span:
    """A libcst ``CodeRange`` as a :class:`Span`."""
    start, end = position.start, position.end  # type: ignore[attr-defined]
    return Span(start.line, start.column, end.line, end.column)


def contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (
        inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)
