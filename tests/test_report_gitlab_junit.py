"""``--format gitlab`` and ``--format junit`` through the real console script, checked
against what their consumers require: GitLab's documented Code Quality fields (a JSON
schema written here from https://docs.gitlab.com/ci/testing/code_quality/) and the JUnit
XML shape Jenkins accepts (jenkinsci/xunit-plugin's ``junit-10.xsd``, its rules checked
here with ``xml.etree``: no XSD validator is a dependency of this project)."""
from __future__ import annotations

import json
import pathlib
import re
from typing import Dict, FrozenSet, List, NamedTuple
from xml.etree import ElementTree

import jsonschema
import pytest
from test_check_cli import CLEAN, CRD101_MESSAGE, HARD_CODED, KEY_ID, run_cli, write
from test_report_formats import BROKEN, BROKEN_REASON, NOTEBOOK

from lint_creds.findings import Reported
from lint_creds.report import Problem, Report
from lint_creds.report import junit

RULE_PAGE = "https://github.com/lint-creds/lint-creds/blob/main/docs/rules/{}.md"

#: GitLab's Code Quality report: the fields its documentation marks required.
CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "pattern": r"^[^/\\]"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1},
                                             "end": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


class Shape(NamedTuple):
    """One element of junit-10.xsd: its attributes and the children it may hold."""

    required: FrozenSet[str]
    optional: FrozenSet[str]
    children: FrozenSet[str]
    text: bool = False


_RESULT = Shape(frozenset(), frozenset({"type", "message"}), frozenset(), text=True)
JUNIT_10 = {
    "testsuites": Shape(frozenset(), frozenset({"name", "time", "tests", "failures", "errors"}),
                        frozenset({"testsuite"})),
    "testsuite": Shape(frozenset({"name", "tests", "failures", "errors"}),
                       frozenset({"group", "time", "skipped", "timestamp", "hostname", "id",
                                  "package", "file", "log", "url"}),
                       frozenset({"testsuite", "properties", "testcase", "system-out",
                                  "system-err"})),
    "testcase": Shape(frozenset({"name"}), frozenset({"time", "classname", "group"}),
                      frozenset({"skipped", "error", "failure", "system-out", "system-err"})),
    "failure": _RESULT, "error": _RESULT, "skipped": _RESULT,
    "system-out": Shape(frozenset(), frozenset(), frozenset(), text=True),
    "system-err": Shape(frozenset(), frozenset(), frozenset(), text=True),
}
#: The schema's SUREFIRE_TIME type.
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")


def junit_10_violations(element: ElementTree.Element, where: str = "") -> List[str]:
    """Where the document breaks junit-10.xsd (empty when it conforms)."""
    where = f"{where}/{element.tag}"
    shape = JUNIT_10.get(element.tag)
    if shape is None:
        return [f"{where}: unknown element"]
    wrong = [f"{where}: missing @{name}" for name in sorted(shape.required - set(element.attrib))]
    wrong += [f"{where}: unknown @{name}"
              for name in sorted(set(element.attrib) - shape.required - shape.optional)]
    if "time" in element.attrib and element.tag in ("testsuite", "testsuites") and not (
            SUREFIRE_TIME.fullmatch(element.attrib["time"])):
        wrong.append(f"{where}: @time is not a SUREFIRE_TIME")
    if not shape.text and (element.text or "").strip():
        wrong.append(f"{where}: text in an element-only element")
    for child in element:
        if child.tag not in shape.children:
            wrong.append(f"{where}: {child.tag} not allowed here")
        wrong += junit_10_violations(child, where)
    return wrong


@pytest.fixture()
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    write(tmp_path, "src/app.py", HARD_CODED)
    write(tmp_path, "src/clean.py", CLEAN)
    write(tmp_path, "notes.ipynb", json.dumps(NOTEBOOK))
    write(tmp_path, "src/broken.py", BROKEN)
    return tmp_path


def test_gitlab_carries_every_required_field(tree: pathlib.Path) -> None:
    out = run_cli("check", "--format", "gitlab", cwd=tree, check_code=2)
    issues = json.loads(out.stdout)
    jsonschema.validate(issues, CODE_QUALITY_SCHEMA)
    fingerprints = [issue.pop("fingerprint") for issue in issues]
    assert [len(f.split(":")[0]) for f in fingerprints] == [64, 64]
    assert len(set(fingerprints)) == 2
    assert issues == [
        {"type": "issue",
         "description": "CRD102 cell 2, line 2: hard-coded AWS access key id 'AKIA…W5FG' in a "
                        "string literal",
         "check_name": "CRD102", "categories": ["Security"], "severity": "critical",
         "location": {"path": "notes.ipynb", "lines": {"begin": 1, "end": 1}}},
        {"type": "issue", "description": CRD101_MESSAGE, "check_name": "CRD101",
         "categories": ["Security"], "severity": "critical",
         "location": {"path": "src/app.py", "lines": {"begin": 3, "end": 3}}},
    ]
    # A file that could not be analysed is no code-quality issue: stderr and exit 2 say it.
    assert out.stderr == f"lint-creds: error: cannot analyse src/broken.py: {BROKEN_REASON}\n"
    assert KEY_ID not in out.stdout + out.stderr


def test_gitlab_severity_follows_the_rule(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", 'import os, boto3\n\nboto3.client("s3", aws_access_key_id='
                              'os.environ["AWS_ACCESS_KEY_ID"])\n')
    issues = json.loads(run_cli("check", "--format", "gitlab", cwd=tmp_path, check_code=1).stdout)
    assert [(i["check_name"], i["severity"]) for i in issues] == [("CRD201", "major")]


def test_gitlab_fingerprints_survive_an_unrelated_edit_above(tmp_path: pathlib.Path) -> None:
    twice = HARD_CODED + f'again = boto3.client("s3", aws_access_key_id="{KEY_ID}")\n'
    write(tmp_path, "app.py", twice)
    before = json.loads(run_cli("check", "--format", "gitlab", cwd=tmp_path, check_code=1).stdout)
    write(tmp_path, "app.py", '"""Uploads."""\n\nimport logging\n\n' + twice)
    after = json.loads(run_cli("check", "--format", "gitlab", cwd=tmp_path, check_code=1).stdout)
    assert [i["location"]["lines"]["begin"] for i in before] == [3, 4]
    assert [i["location"]["lines"]["begin"] for i in after] == [7, 8]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert len({i["fingerprint"] for i in after}) == 2
    sarif = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path, check_code=1).stdout)
    assert [r["partialFingerprints"]["lintCreds/v1"] for r in sarif["runs"][0]["results"]] == [
        i["fingerprint"] for i in after]  # one identity in every format


def test_gitlab_paths_are_relative_to_the_checkout(tree: pathlib.Path) -> None:
    out = run_cli("check", "--format", "gitlab", str(tree / "src" / "app.py"), cwd=tree,
                  check_code=1)
    assert [i["location"]["path"] for i in json.loads(out.stdout)] == ["src/app.py"]


def test_gitlab_with_no_findings_is_an_empty_array(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", CLEAN)
    assert run_cli("check", "--format", "gitlab", cwd=tmp_path, check_code=0).stdout == "[]\n"


def test_junit_lists_every_file_and_a_failure_per_finding(tree: pathlib.Path) -> None:
    write(tree, "src/app.py", HARD_CODED + f'again = boto3.client("s3", aws_access_key_id='
                                           f'"{KEY_ID}")\n')
    out = run_cli("check", "--format", "junit", "-o", "report.xml", cwd=tree, check_code=2)
    assert out.stdout == ""
    root = ElementTree.parse(tree / "report.xml").getroot()
    assert junit_10_violations(root) == []
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == ["notes.ipynb", "src/app.py", "src/broken.py", "src/clean.py"]
    assert {k: suite.get(k) for k in ("tests", "failures", "errors")} == {
        "tests": "4", "failures": "2", "errors": "1"}
    assert {k: root.get(k) for k in ("tests", "failures", "errors")} == {
        "tests": "4", "failures": "2", "errors": "1"}
    failures = cases["src/app.py"].findall("failure")
    assert [(f.get("type"), f.get("message")) for f in failures] == [
        ("CRD101", f"3:25: {CRD101_MESSAGE}"), ("CRD101", f"4:28: {CRD101_MESSAGE}")]
    assert failures[0].text == (f"src/app.py:3:25: {CRD101_MESSAGE}\n"
                                f"See {RULE_PAGE.format('CRD101')}\n")
    assert [f.get("message") for f in cases["notes.ipynb"].findall("failure")] == [
        "cell 2, line 2, col 7: CRD102 hard-coded AWS access key id 'AKIA…W5FG' in a string "
        "literal"]
    error = cases["src/broken.py"].find("error")
    assert error is not None and list(cases["src/broken.py"]) == [error]
    assert (error.get("type"), error.get("message"), error.text) == (
        "could-not-analyse", BROKEN_REASON, f"src/broken.py: {BROKEN_REASON}\n")
    assert list(cases["src/clean.py"]) == []  # passing
    assert KEY_ID not in (tree / "report.xml").read_text(encoding="utf-8")


def test_junit_of_a_clean_run_is_all_passing(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", CLEAN)
    out = run_cli("check", "--format", "junit", cwd=tmp_path, check_code=0)
    assert out.stdout == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="lint-creds" tests="1" failures="0" errors="0" time="0">\n'
        '  <testsuite name="lint-creds" tests="1" failures="0" errors="0" skipped="0" '
        'time="0">\n'
        '    <testcase classname="lint-creds" name="app.py" time="0" />\n'
        '  </testsuite>\n'
        '</testsuites>\n')


def test_junit_escapes_markup_and_drops_what_xml_cannot_carry() -> None:
    finding = Reported("CRD101", "a <b> & \"c\" \x1b[0m", "none", "a&b.py", None, 1, 0, 1, 1, "")
    text = junit.render(Report((finding,), (Problem("x\udcff.py", "bad \x00 byte"),), 2,
                               paths=("a&b.py", "x\udcff.py")))
    root = ElementTree.fromstring(text.encode("utf-8"))
    assert junit_10_violations(root) == []
    cases: Dict[str, ElementTree.Element] = {c.get("name", ""): c for c in root.iter("testcase")}
    assert list(cases) == ["a&b.py", "x\ufffd.py"]
    assert cases["a&b.py"][0].get("message") == '1:1: CRD101 a <b> & "c" \ufffd[0m'
    assert cases["x\ufffd.py"][0].get("message") == "bad \ufffd byte"


@pytest.mark.parametrize("document, problem", [
    pytest.param('<testsuites><testcase name="a"/></testsuites>',
                 "/testsuites: testcase not allowed here", id="case-outside-a-suite"),
    pytest.param('<testsuites><testsuite name="s" tests="1" failures="0"/></testsuites>',
                 "/testsuites/testsuite: missing @errors", id="suite-without-errors"),
    pytest.param('<testsuite name="s" tests="1" failures="0" errors="0">'
                 '<testcase name="a" file="a.py"/></testsuite>',
                 "/testsuite/testcase: unknown @file", id="file-on-a-case"),
    pytest.param('<testsuite name="s" tests="1" failures="0" errors="0" time="1s"/>',
                 "/testsuite: @time is not a SUREFIRE_TIME", id="time-with-unit"),
])
def test_the_junit_checks_can_fail(document: str, problem: str) -> None:
    assert junit_10_violations(ElementTree.fromstring(document)) == [problem]
