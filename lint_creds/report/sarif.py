"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rules come from the catalog (name, summary, full doc as help Markdown, CWE-798 tag);
``partialFingerprints["lintCreds/v1"]`` is the baseline fingerprint plus an occurrence
number, so a finding keeps its identity when unrelated edits move it.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List
from urllib.parse import quote

from .. import __version__
from ..findings import Reported
from ..rules import RULES, RULES_BY_CODE
from . import Report

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
FINGERPRINT_KEY = "lintCreds/v1"
ROOT_ID = "%SRCROOT%"
_RULE_INDEX = {rule.code: index for index, rule in enumerate(RULES)}


def rule_descriptor(code: str) -> Dict[str, Any]:
    """A ``reportingDescriptor`` for one catalog rule."""
    rule = RULES_BY_CODE[code]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what_it_does},
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "defaultConfiguration": {"level": "error", "enabled": rule.enabled_by_default},
        "properties": {
            "tags": ["security", "CWE-798", "external/cwe/cwe-798"],
            "precision": "high",
            "security-severity": "8.0",
            "fix": rule.fix_safety.value,
        },
    }


def _uri(path: str, root: str) -> Dict[str, str]:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root) if not path.startswith("-") else path
    if relative.startswith(".."):
        return {"uri": "file://" + quote(absolute.replace(os.sep, "/"))}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": ROOT_ID}


def _result(finding: Reported, root: str, occurrence: int) -> Dict[str, Any]:
    region: Dict[str, Any] = {"startLine": finding.line, "startColumn": finding.col + 1,
                              "endLine": finding.end_line, "endColumn": finding.end_col + 1}
    message = finding.message
    properties: Dict[str, Any] = {"fix": finding.fix}
    if finding.cell is not None:
        properties["cell"] = finding.cell
        message = f"cell {finding.cell}, line {finding.line}: {message}"
    return {
        "ruleId": finding.code,
        "ruleIndex": _RULE_INDEX[finding.code],
        "level": "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _uri(finding.path, root), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: f"{finding.fingerprint}:{occurrence}"},
        "properties": properties,
    }


def _root_uri(root: str) -> str:
    return "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/")


def render(report: Report, excerpts: bool = False) -> str:
    """The SARIF log."""
    root = os.path.abspath(report.root)
    seen: Dict[str, int] = {}
    results: List[Dict[str, Any]] = []
    for finding in report.findings:
        seen[finding.fingerprint] = seen.get(finding.fingerprint, 0) + 1
        results.append(_result(finding, root, seen[finding.fingerprint]))
    notifications = [{
        "level": "error",
        "message": {"text": f"{problem.path}: {problem.reason}"},
        "locations": [{"physicalLocation": {"artifactLocation": _uri(problem.path, root)}}],
    } for problem in report.problems]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lint-creds",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(rule.code) for rule in RULES],
            }},
            "originalUriBaseIds": {ROOT_ID: {"uri": _root_uri(root)}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not report.problems,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
