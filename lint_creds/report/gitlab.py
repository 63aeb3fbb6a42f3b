"""``--format gitlab``: GitLab's Code Quality report (a JSON array of Code Climate issues).

Each finding is one issue with the fields GitLab requires (``description``, ``check_name``,
``fingerprint``, ``severity``, ``location.path``, ``location.lines.begin``) plus Code
Climate's ``type`` and ``categories``. The fingerprint is SARIF's (rule, path and line text,
then an occurrence number), so the merge request widget keeps tracking a finding when
unrelated edits move it. Files that could not be analysed are not issues: they have no
rule, no line and nothing to fix in the code, so they stay out of the array (the run lists
them on stderr and exits 2; the ``junit`` report shows them as errors).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict

from ..findings import Reported
from . import Report, occurrence_fingerprints

#: GitLab's severities are info, minor, major, critical, blocker. A key in the code is a
#: leaked secret; the other rules pin static keys or break the role chain.
SEVERITY_BY_CODE = {"CRD101": "critical", "CRD102": "critical"}
DEFAULT_SEVERITY = "major"


def issue(finding: Reported, fingerprint: str) -> Dict[str, Any]:
    """One finding as a Code Quality issue."""
    description = f"{finding.code} {finding.message}"
    begin, end = finding.line, finding.end_line
    if finding.cell is not None:  # GitLab cannot point into a notebook cell: name the file
        description = f"{finding.code} cell {finding.cell}, line {finding.line}: {finding.message}"
        begin = end = 1
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.code,
        "categories": ["Security"],
        "fingerprint": fingerprint,
        "severity": SEVERITY_BY_CODE.get(finding.code, DEFAULT_SEVERITY),
        "location": {"path": repository_path(finding.path),
                     "lines": {"begin": begin, "end": end}},
    }


def repository_path(path: str) -> str:
    """``path`` relative to the working directory, ``/``-separated: GitLab wants paths from
    the repository root, where its jobs run."""
    if path == "-":
        return path
    relative = os.path.normpath(path)
    if os.path.isabs(path):
        try:
            inside = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            inside = os.pardir
        # outside the checkout only the absolute path is true
        relative = path if inside.startswith(os.pardir) else inside
    return relative.replace(os.sep, "/")


def render(report: Report, excerpts: bool = False) -> str:
    """The Code Quality report."""
    issues = [issue(finding, key) for finding, key
              in zip(report.findings, occurrence_fingerprints(report.findings))]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
