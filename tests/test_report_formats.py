"""Snapshot tests of every ``--format``, through the real console script, plus SARIF schema
validation against the vendored OASIS schema."""
from __future__ import annotations

import json
import pathlib

import jsonschema
import pytest
from test_check_cli import CRD101_MESSAGE, HARD_CODED, KEY_ID, run_cli, write

from lint_creds import __version__
from lint_creds.report import Report
from lint_creds.report.text import mask_line, render
from lint_creds.rules import RULES
from lint_creds.findings import Reported

SCHEMA = pathlib.Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Upload"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
         "source": ["import boto3\n", f"KEY = '{KEY_ID}'\n"]},
    ],
}


BROKEN = "import boto3; boto3.Session(key, secret)\n(\n"


def _syntax_error(source: str) -> str:
    """The reason as this interpreter words it (3.9 and 3.10+ say it differently)."""
    try:
        compile(source, "broken.py", "exec")
    except SyntaxError as error:
        return f"syntax error: {error.msg} (line {error.lineno})"
    raise AssertionError("the broken file compiles")


BROKEN_REASON = _syntax_error(BROKEN)


@pytest.fixture()
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    write(tmp_path, "src/app.py", HARD_CODED)
    write(tmp_path, "notes.ipynb", json.dumps(NOTEBOOK))
    write(tmp_path, "src/broken.py", BROKEN)
    return tmp_path


def test_text(tree: pathlib.Path) -> None:
    out = run_cli("check", cwd=tree, check_code=2)
    assert out.stdout == (
        "notes.ipynb:cell 2, line 2, col 7: CRD102 hard-coded AWS access key id 'AKIA…W5FG' "
        "in a string literal\n"
        f"src/app.py:3:25: {CRD101_MESSAGE}\n"
        f"src/broken.py: error: {BROKEN_REASON}\n"
        "CRD101 (hard-coded-credential-argument): 1\n"
        "CRD102 (hard-coded-credential-literal): 1\n"
        "Found 2 findings in 2 files (3 files checked, 1 could not be analysed).\n")


def test_text_counts_by_rule_sorted_by_code() -> None:
    """Each rule that reported, in code order (not the order found), before the summary."""
    findings = tuple(Reported(code, "m", "none", "a.py", None, line, 0, line, 1, "")
                     for line, code in enumerate(["CRD201", "CRD101", "CRD201", "CRD302",
                                                  "CRD101", "CRD201"], start=1))
    assert render(Report(findings, (), 1)).splitlines()[-4:] == [
        "CRD101 (hard-coded-credential-argument): 2",
        "CRD201 (env-credential-argument): 3",
        "CRD302 (credential-env-mutation): 1",
        "Found 6 findings in 1 file (1 file checked).",
    ]
    assert render(Report((), (), 1)) == "No findings (1 file checked).\n"


def test_json(tree: pathlib.Path) -> None:
    out = run_cli("check", "--format", "json", cwd=tree, check_code=2)
    document = json.loads(out.stdout)
    for finding in document["findings"]:
        assert len(finding.pop("fingerprint")) == 64
    assert document == {
        "version": 1,
        "tool": {"name": "lint-creds", "version": __version__},
        "findings": [
            {"code": "CRD102", "name": "hard-coded-credential-literal",
             "message": "hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
             "path": "notes.ipynb", "cell": 2, "line": 2, "column": 7, "end_line": 2,
             "end_column": 29, "fix": "none"},
            {"code": "CRD101", "name": "hard-coded-credential-argument",
             "message": CRD101_MESSAGE.split(" ", 1)[1], "path": "src/app.py", "cell": None,
             "line": 3, "column": 25, "end_line": 3, "end_column": 65, "fix": "unsafe"},
        ],
        "errors": [{"path": "src/broken.py",
                    "reason": BROKEN_REASON}],
        "summary": {"files_checked": 3, "findings": 2, "errors": 1, "suppressed_by_noqa": 0,
                    "suppressed_by_baseline": 0},
    }
    assert "cannot analyse src/broken.py" in out.stderr
    assert KEY_ID not in out.stdout


def test_github(tree: pathlib.Path) -> None:
    out = run_cli("check", "--format", "github", cwd=tree, check_code=2)
    assert out.stdout.splitlines() == [
        "::error file=notes.ipynb,title=CRD102 hard-coded-credential-literal::cell 2, line 2: "
        "hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
        "::error file=src/app.py,line=3,col=25,endLine=3,endColumn=65,title=CRD101 "
        f"hard-coded-credential-argument::{CRD101_MESSAGE.split(' ', 1)[1]}",
        "::error file=src/broken.py,title=lint-creds could not analyse this file::"
        f"{BROKEN_REASON}",
        "Found 2 findings in 2 files (3 files checked, 1 could not be analysed).",
    ]


def test_sarif_validates_and_carries_rules_locations_fingerprints(tree: pathlib.Path) -> None:
    out = run_cli("check", "--format", "sarif", "--output", "out.sarif", cwd=tree, check_code=2)
    assert out.stdout == ""
    log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    assert rules[0]["help"]["markdown"] == RULES[0].doc()
    assert run["tool"]["driver"]["informationUri"] == "https://github.com/lint-creds/lint-creds"
    assert {r["id"]: r["helpUri"] for r in rules} == {
        r.code: f"https://github.com/lint-creds/lint-creds/blob/main/docs/rules/{r.code}.md"
        for r in RULES}
    assert "external/cwe/cwe-798" in rules[0]["properties"]["tags"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.as_uri() + "/"
    app = run["results"][1]
    assert app["ruleId"] == "CRD101" and rules[app["ruleIndex"]]["id"] == "CRD101"
    assert app["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 25, "endLine": 3, "endColumn": 65}}
    assert app["partialFingerprints"]["lintCreds/v1"].endswith(":1")
    notebook = run["results"][0]
    assert notebook["properties"]["cell"] == 2
    assert notebook["message"]["text"] == (
        "cell 2, line 2: hard-coded AWS access key id 'AKIA…W5FG' in a string literal.")
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == (
        f"src/broken.py: {BROKEN_REASON}.")
    assert KEY_ID not in json.dumps(log)


def test_sarif_fingerprint_survives_a_line_shift(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    before = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).stdout)
    write(tmp_path, "app.py", "# a new comment\n\n" + HARD_CODED)
    after = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).stdout)
    first, second = (log["runs"][0]["results"][0] for log in (before, after))
    assert first["locations"] != second["locations"]
    assert first["partialFingerprints"] == second["partialFingerprints"]


def test_text_excerpt_masks_key_material() -> None:
    line = f'    s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}")'
    finding = Reported("CRD101", "m", "none", "a.py", None, 3, 28, 3, 70, line)
    text = render(Report((finding,), (), 1), excerpts=True)
    assert text == ("a.py:3:29: CRD101 m\n"
                    "   |\n"
                    ' 3 |     s3 = boto3.client("s3", aws_access_key_id="AKIA…W5FG")\n'
                    "   |                             ^\n"
                    "CRD101 (hard-coded-credential-argument): 1\n"
                    "Found 1 finding in 1 file (1 file checked).\n")


@pytest.mark.parametrize("line, expected", [
    pytest.param('k = "AKIAZ7VQ3KXW5R2MW5FG"', 'k = "AKIA…W5FG"', id="key-id"),
    pytest.param('s = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzRealKey90"', 's = "wJal…ey90"', id="secret"),
    pytest.param("url = 'prefixAKIAZ7VQ3KXW5R2MW5FGsuffix'",
                 "url = 'prefixAKIAZ7VQ3KXW5R2MW5FGsuffix'", id="glued-is-not-a-key"),
    pytest.param('path = "/usr/local/lib/python3/site"', 'path = "/usr/local/lib/python3/site"',
                 id="paths-untouched"),
])
def test_mask_line(line: str, expected: str) -> None:
    assert mask_line(line) == expected
