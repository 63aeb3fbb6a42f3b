"""Helpers for detector tables (as Fixit's ``testing.py``): rows of source and the exact
findings the engine must report. Imports pytest lazily; the engine never imports this."""
from __future__ import annotations

from typing import Any, Callable, List, Sequence, Tuple

from .engine import analyze_source, check_source
from .findings import ArgKind, Span
from .options import DEFAULT_OPTIONS, Options

#: The parameter names of a detector table row, for ``pytest.mark.parametrize``.
TABLE_ARGS = "source, expected, filename, options"


def case(source: str, expected: List[str], id: str, filename: str = "example.py",
         options: Options = DEFAULT_OPTIONS, min_python: Tuple[int, int] = (3, 9)) -> Any:
    """One table row: module source, the exact ``line:col: CODE message`` findings (0-based
    columns), and the file name and options the engine analyses it with; a row whose source
    needs newer syntax (``match``: 3.10) is skipped on older interpreters, with the reason."""
    import sys

    import pytest

    marks = pytest.mark.skipif(sys.version_info < min_python,
                               reason=f"the source needs Python {min_python[0]}.{min_python[1]}")
    return pytest.param(source, expected, filename, options, id=id, marks=marks)


def rendered(source: str, filename: str = "example.py",
             options: Options = DEFAULT_OPTIONS) -> List[str]:
    """The engine's findings for ``source`` as ``line:col: CODE message`` strings."""
    return [finding.render() for finding in check_source(source, filename, options)]


def check_discipline(must_not_fire: Sequence[Any], findings: Sequence[Any]) -> None:
    """Must-not-fire rows expect nothing; every finding row expects something."""
    assert all(row.values[1] == [] for row in must_not_fire)
    assert all(row.values[1] for row in findings)


def check_one_finding_per_argument(source: str, filename: str = "example.py",
                                   options: Options = DEFAULT_OPTIONS) -> None:
    """No finding is reported twice, and every sink call reports exactly one finding per
    credential argument that has a code: at the argument, or at the ``**kwargs`` /
    ``storage_options=name`` of the call when the entry sits in a dict defined elsewhere."""
    analysis = analyze_source(source, filename, options)
    keys = [(f.code, f.span, f.message) for f in analysis.findings]
    assert len(keys) == len(set(keys)), "duplicate findings"
    sink_findings = [f for f in analysis.findings if f.code in _SINK_CODES]
    coded = [(call, arg) for call in analysis.sink_calls for arg in call.args if arg.code]
    assert len(sink_findings) == len(coded)
    for call, arg in coded:
        if _contains(call.span, arg.span):
            assert any(f.code == arg.code and f.span[:2] == arg.span[:2] for f in sink_findings)
        else:
            assert arg.kind in (ArgKind.SPLAT_ENTRY, ArgKind.OPTION_ENTRY)
            assert any(f.code == arg.code and _contains(call.span, f.span)
                       for f in sink_findings)


_SINK_CODES = frozenset({"CRD101", "CRD201", "CRD202", "CRD301"})


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (
        inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)


def table_tests(must_not_fire: List[Any], findings: List[Any]) -> Tuple[Callable[..., None], ...]:
    """The three tests every detector table module runs, parametrized over its rows:
    exact findings, table discipline, and one finding per credential argument."""
    import pytest

    @pytest.mark.parametrize(TABLE_ARGS, must_not_fire + findings)
    def test_table(source: str, expected: List[str], filename: str, options: Options) -> None:
        assert rendered(source, filename, options) == expected

    def test_table_discipline() -> None:
        check_discipline(must_not_fire, findings)

    @pytest.mark.parametrize(TABLE_ARGS, findings)
    def test_one_finding_per_credential_argument(source: str, expected: List[str],
                                                 filename: str, options: Options) -> None:
        check_one_finding_per_argument(source, filename, options)

    return test_table, test_table_discipline, test_one_finding_per_credential_argument
