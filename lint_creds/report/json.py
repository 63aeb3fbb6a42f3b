"""``--format json``: the documented, stable machine format (see docs/formats.md).

Schema version 1; new keys may be added, existing keys keep their meaning.
"""
from __future__ import annotations

import json
from typing import Any, Dict

from .. import __version__
from ..findings import Reported
from ..rules import RULES_BY_CODE
from . import Report

SCHEMA_VERSION = 1


def finding_record(finding: Reported) -> Dict[str, Any]:
    """One finding as a JSON object (1-based lines and columns, end exclusive)."""
    rule = RULES_BY_CODE.get(finding.code)
    return {
        "code": finding.code,
        "name": rule.name if rule else None,
        "message": finding.message,
        "path": finding.path,
        "cell": finding.cell,
        "line": finding.line,
        "column": finding.col + 1,
        "end_line": finding.end_line,
        "end_column": finding.end_col + 1,
        "fix": finding.fix,
        "fingerprint": finding.fingerprint,
    }


def render(report: Report, excerpts: bool = False) -> str:
    """The JSON document."""
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "lint-creds", "version": __version__},
        "findings": [finding_record(f) for f in report.findings],
        "errors": [{"path": p.path, "reason": p.reason} for p in report.problems],
        "summary": {
            "files_checked": report.files_checked,
            "findings": len(report.findings),
            "errors": len(report.problems),
            "suppressed_by_noqa": report.noqa_suppressed,
            "suppressed_by_baseline": report.baseline_suppressed,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
