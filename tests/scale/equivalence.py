"""Does the runner (with its byte-level prefilter) report exactly what the engine reports
when it runs anyway?  Shared by the corpus test and the engine fuzzer."""
from __future__ import annotations

from typing import List, Optional, Tuple

from lint_creds.engine import check_source
from lint_creds.source.files import FileProblem
from lint_creds.source.noqa import filter_findings
from lint_creds.options import Options
from lint_creds.rules import RULES_BY_CODE
from lint_creds.cli.runner import check_data, decode_source

#: Option sets the prefilter must honour: every rule, and configuration that adds anchors.
ALL = Options(select=frozenset(RULES_BY_CODE))
CONFIGURED = ALL._replace(extra_sinks=("myapp.clients.make_client",),
                          settings_objects=("cfg", "conf"), check_custom_endpoints=True)
OPTION_SETS = {"all": ALL, "configured": CONFIGURED}
#: What the engine may raise on real files: input Python itself cannot parse.
UNPARSABLE = (SyntaxError, ValueError, RecursionError, MemoryError)

Row = Tuple[str, int, int, str]


def engine_rows(data: bytes, path: str, options: Options) -> List[Row]:
    """The engine's findings (after ``# noqa``) with no prefilter in the way; any exception
    other than :data:`UNPARSABLE` propagates (the engine must not crash)."""
    try:
        text = decode_source(data, path)
    except FileProblem:
        return []
    try:
        findings, _ = filter_findings(check_source(text, path, options), text)
    except UNPARSABLE:
        return []
    return [(f.code, f.line, f.col, f.message) for f in findings]


def runner_rows(data: bytes, path: str, options: Options) -> List[Row]:
    """What ``lint-creds check`` reports for the bytes (prefilter included)."""
    return [(f.code, f.line, f.col, f.message) for f in check_data(data, path, options).findings]


def prefilter_difference(data: bytes, path: str) -> Optional[str]:
    """How runner and engine disagree on ``data`` under any option set, or None."""
    for name, options in OPTION_SETS.items():
        via_runner, direct = runner_rows(data, path, options), engine_rows(data, path, options)
        if via_runner != direct:
            return f"{name}: runner {via_runner} != engine {direct}"
    return None
