"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message``; files
that could not be analysed become ``::error file=PATH,title=lint-creds::reason``.
"""
from __future__ import annotations

from typing import List

from ..rules import RULES_BY_CODE
from . import Report, summary


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, excerpts: bool = False) -> str:
    """The workflow commands."""
    out: List[str] = []
    for finding in report.findings:
        rule = RULES_BY_CODE.get(finding.code)
        title = f"{finding.code} {rule.name}" if rule else finding.code
        message = finding.message
        if finding.cell is not None:  # GitHub cannot point into a notebook cell
            where = f"file={_property(finding.path)}"
            message = f"cell {finding.cell}, line {finding.line}: {message}"
        else:
            where = (f"file={_property(finding.path)},line={finding.line},col={finding.col + 1},"
                     f"endLine={finding.end_line},endColumn={finding.end_col + 1}")
        out.append(f"::error {where},title={_property(title)}::{_data(message)}")
    for problem in report.problems:
        out.append(f"::error file={_property(problem.path)},title=lint-creds could not analyse "
                   f"this file::{_data(problem.reason)}")
    out.append(summary(report))
    return "\n".join(out) + "\n"
