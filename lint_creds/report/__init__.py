"""Report formats: one pure module per format, each ``render(report, excerpts) -> str``.

Formats are imported only when chosen, so ``--format text`` never imports ``json``.
"""
from __future__ import annotations

import importlib
from typing import Dict, Iterable, List, NamedTuple, Tuple

from ..findings import Reported

#: ``--format`` name -> module implementing ``render``.
FORMATS = {
    "text": "lint_creds.report.text",
    "json": "lint_creds.report.json",
    "sarif": "lint_creds.report.sarif",
    "github": "lint_creds.report.github",
    "gitlab": "lint_creds.report.gitlab",
    "junit": "lint_creds.report.junit",
}

#: The project's home (``[project.urls]`` in pyproject.toml says the same; a test holds them
#: together). Reports link rules to their pages under it.
PROJECT_URL = "https://github.com/lint-creds/lint-creds"


class Problem(NamedTuple):
    """A path that could not be analysed."""

    path: str
    reason: str


class Report(NamedTuple):
    """What a ``check`` run found, ready to format."""

    findings: Tuple[Reported, ...]
    problems: Tuple[Problem, ...]
    files_checked: int
    noqa_suppressed: int = 0
    baseline_suppressed: int = 0
    #: Directory relative paths and SARIF URIs are expressed against.
    root: str = "."
    #: Every checked path in order, for the formats that list clean files too (``junit``).
    paths: Tuple[str, ...] = ()


def rule_url(code: str) -> str:
    """The page documenting rule ``code`` (``docs/rules/CODE.md``, generated from the catalog)."""
    return f"{PROJECT_URL}/blob/main/docs/rules/{code}.md"


def render(format_name: str, report: Report, excerpts: bool = False) -> str:
    """The report as text in ``format_name`` (one of :data:`FORMATS`)."""
    module = importlib.import_module(FORMATS[format_name])
    return str(module.render(report, excerpts))


def position(finding: Reported) -> str:
    """Human position: ``line:col`` (1-based) or ``cell N, line M, col C`` in notebooks."""
    if finding.cell is not None:
        return f"cell {finding.cell}, line {finding.line}, col {finding.col + 1}"
    return f"{finding.line}:{finding.col + 1}"


def occurrence_fingerprints(findings: Iterable[Reported]) -> List[str]:
    """``fingerprint:N`` per finding, N counting identical fingerprints (same rule, file and
    line text), so each finding has its own identity and keeps it when lines move."""
    seen: Dict[str, int] = {}
    keys: List[str] = []
    for finding in findings:
        seen[finding.fingerprint] = seen.get(finding.fingerprint, 0) + 1
        keys.append(f"{finding.fingerprint}:{seen[finding.fingerprint]}")
    return keys


def summary(report: Report) -> str:
    """One line: how many findings in how many files, and what was held back."""
    count = len(report.findings)
    files = len({f.path for f in report.findings})
    parts = [f"Found {count} finding{'s' if count != 1 else ''} in {files} "
             f"file{'s' if files != 1 else ''}" if count else "No findings",
             f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"]
    if report.noqa_suppressed:
        parts.append(f"{report.noqa_suppressed} suppressed by noqa")
    if report.baseline_suppressed:
        parts.append(f"{report.baseline_suppressed} in the baseline")
    if report.problems:
        parts.append(f"{len(report.problems)} could not be analysed")
    return parts[0] + " (" + ", ".join(parts[1:]) + ")."
