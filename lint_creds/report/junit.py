"""``--format junit``: JUnit XML for Jenkins, Azure Pipelines and GitLab test reports.

One ``<testcase>`` per checked file (named by its path), so clean files show as passing
tests; one ``<failure>`` per finding, typed by its rule code; a file that could not be
analysed gets an ``<error>``. The shape is the one Jenkins' JUnit schema (xunit's
``junit-10.xsd``) accepts: ``testsuites`` > ``testsuite`` > ``testcase``, no other
attributes on a test case than ``name``, ``classname`` and ``time``. Counts follow JUnit:
``tests`` files, ``failures`` files with findings, ``errors`` files not analysed.
"""
from __future__ import annotations

import re
from typing import Dict, List
from xml.etree import ElementTree

from ..findings import Reported
from . import Problem, Report, position, rule_url

SUITE = "lint-creds"
#: Characters XML 1.0 cannot carry at all, escaped or not (controls, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure(finding: Reported) -> ElementTree.Element:
    said = f"{finding.code} {_xml(finding.message)}"
    failure = ElementTree.Element("failure", {"type": finding.code,
                                              "message": f"{position(finding)}: {said}"})
    failure.text = (f"{_xml(finding.path)}:{position(finding)}: {said}\n"
                    f"See {rule_url(finding.code)}\n")
    return failure


def _error(problem: Problem) -> ElementTree.Element:
    error = ElementTree.Element("error", {"type": "could-not-analyse",
                                          "message": _xml(problem.reason)})
    error.text = f"{_xml(problem.path)}: {_xml(problem.reason)}\n"
    return error


def render(report: Report, excerpts: bool = False) -> str:
    """The JUnit XML document."""
    findings: Dict[str, List[Reported]] = {}
    for finding in report.findings:
        findings.setdefault(finding.path, []).append(finding)
    problems: Dict[str, List[Problem]] = {}
    for problem in report.problems:
        problems.setdefault(problem.path, []).append(problem)
    # Every checked file in order; a path the run did not list (a report built by hand)
    # still shows its findings.
    paths = list(dict.fromkeys([*report.paths, *findings, *problems]))
    counts = {"tests": str(len(paths)),
              "failures": str(sum(1 for path in paths if path in findings)),
              "errors": str(sum(1 for path in paths if path in problems))}
    root = ElementTree.Element("testsuites", {"name": SUITE, **counts, "time": "0"})
    suite = ElementTree.SubElement(root, "testsuite",
                                   {"name": SUITE, **counts, "skipped": "0", "time": "0"})
    for path in paths:
        case = ElementTree.SubElement(suite, "testcase",
                                      {"classname": SUITE, "name": _xml(path), "time": "0"})
        case.extend(_failure(finding) for finding in findings.get(path, ()))
        case.extend(_error(problem) for problem in problems.get(path, ()))
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
