"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rules come from the catalog (name, summary, full doc as help Markdown, its page as
``helpUri``, CWE-798 tag); ``partialFingerprints["lintCreds/v1"]`` is the baseline
fingerprint plus an occurrence number, so a finding keeps its identity when unrelated edits
move it. The log passes the SARIF multitool's validation rules (tests/test_sarif_rules.py).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict
from urllib.parse import quote

from .. import __version__
from ..findings import Reported
from ..rules import RULES, RULES_BY_CODE
from . import PROJECT_URL, Report, occurrence_fingerprints, rule_url

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
        "helpUri": rule_url(rule.code),
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


def _sentence(text: str) -> str:
    """Plain-text messages end with a period (the multitool's SARIF2001)."""
    return text if text.endswith(".") else text + "."


def _result(finding: Reported, root: str, fingerprint: str) -> Dict[str, Any]:
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
        "message": {"text": _sentence(message)},
        "locations": [{"physicalLocation": {
            "artifactLocation": _uri(finding.path, root), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }


def _root_uri(root: str) -> str:
    return "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/")


def render(report: Report, excerpts: bool = False) -> str:
    """The SARIF log."""
    root = os.path.abspath(report.root)
    results = [_result(finding, root, key) for finding, key
               in zip(report.findings, occurrence_fingerprints(report.findings))]
    notifications = [{
        "level": "error",
        "message": {"text": _sentence(f"{problem.path}: {problem.reason}")},
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
                "informationUri": PROJECT_URL,
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
