"""``--format text``: ruff-like ``path:line:col: CODE message`` lines, then the findings
counted by rule (``CRD101 (hard-coded-credential-argument): 3``, by code) and the one-line
summary.

On a terminal each finding is followed by its source line, key material masked, and a caret
under the reported column.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import List, Sequence

from ..findings import Reported
from ..patterns import find_key_ids, looks_real, mask
from ..rules import RULES_BY_CODE
from . import Report, position, summary

#: Runs of key-alphabet characters long enough to be key material.
_KEYISH = re.compile(r"[A-Za-z0-9/+=]{16,}")


def render(report: Report, excerpts: bool = False) -> str:
    """The text report."""
    out: List[str] = []
    for finding in report.findings:
        out.append(f"{finding.path}:{position(finding)}: {finding.code} {finding.message}")
        if excerpts and finding.source_line.strip():
            out += _excerpt(finding)
    for problem in report.problems:
        out.append(f"{problem.path}: error: {problem.reason}")
    out += counts_by_rule(report.findings)
    out.append(summary(report))
    return "\n".join(out) + "\n"


def counts_by_rule(findings: Sequence[Reported]) -> List[str]:
    """``CODE (name): N`` per rule that reported something, sorted by code."""
    counts = Counter(finding.code for finding in findings)
    lines: List[str] = []
    for code in sorted(counts):
        rule = RULES_BY_CODE.get(code)
        named = f"{code} ({rule.name})" if rule else code
        lines.append(f"{named}: {counts[code]}")
    return lines


def mask_line(line: str) -> str:
    """``line`` with everything shaped like an AWS key id, secret or token masked."""
    def hide(match: "re.Match[str]") -> str:
        text = match.group(0)
        if looks_real(text, None) or looks_real(text.rstrip("="), None):
            return mask(text)
        for key_id in find_key_ids(text):
            text = text.replace(key_id, mask(key_id))
        return text

    return _KEYISH.sub(hide, line)


def _excerpt(finding: Reported) -> List[str]:
    number = str(finding.line)
    gutter = " " * len(number)
    line = finding.source_line.expandtabs(1)
    return [f" {gutter} |", f" {number} | {mask_line(line)}",
            f" {gutter} | {' ' * finding.col}^"]
