"""Every fixture reports exactly its annotated findings, in the engine and in real flake8.

Annotations are trailing comments such as ``# CRD201``, ``# CRD201 CRD201`` or
``# CRD301@24`` (1-based column); see fixtures/README.md.
"""
from __future__ import annotations

import io
import pathlib
import re
import subprocess
import sys
import tokenize
from collections import Counter
from typing import Dict, List, Optional, Tuple

import pytest

from lint_creds.engine import check_source
from lint_creds.options import DEFAULT_OPTIONS
from lint_creds.project.index import ModuleView, ProjectIndex
from lint_creds.project.root import ProjectSpec, find_project_root

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
#: The fixer's golden outputs keep the input's comments, so their annotations can be stale
#: (a kept line whose credentials moved away); the inputs beside them are annotated.
GOLDEN_OUTPUT_SUFFIX = ".expected.py"
ANNOTATION = re.compile(r"#\s*(CRD\d{3}(?:@\d+)?(?:\s+CRD\d{3}(?:@\d+)?)*)\s*$")

Expected = Tuple[str, Optional[int]]  # (code, 1-based column or None)
Reported = Dict[int, List[Tuple[str, int]]]  # line -> [(code, 1-based column)]


def annotated_files() -> List[pathlib.Path]:
    return sorted(
        path for path in FIXTURES.rglob("*.py") if not path.name.endswith(GOLDEN_OUTPUT_SUFFIX)
    )


def annotations(path: pathlib.Path) -> Dict[int, List[Expected]]:
    """line -> expected (code, column) pairs, read from the file's comments."""
    expected: Dict[int, List[Expected]] = {}
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = ANNOTATION.fullmatch(token.string)
        if match is None:
            continue
        for item in match.group(1).split():
            code, _, column = item.partition("@")
            expected.setdefault(token.start[0], []).append((code, int(column) if column else None))
    return expected


def assert_matches(expected: Dict[int, List[Expected]], reported: Reported) -> None:
    """Same codes on the same lines (with multiplicity), and the annotated columns."""
    assert {line: Counter(c for c, _ in items) for line, items in expected.items()} == {
        line: Counter(c for c, _ in items) for line, items in reported.items()}
    for line, items in expected.items():
        for code, column in items:
            if column is not None:
                assert (code, column) in reported[line], f"line {line}: {code}@{column}"


def relative(path: pathlib.Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(scope="module")
def flake8_report() -> Dict[str, Reported]:
    """One real flake8 run over the whole fixtures tree, as the README tells users to."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "CRD", "--lint-creds-no-cache",
         "--format=%(path)s|%(row)d|%(col)d|%(code)s", "fixtures/"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    report: Dict[str, Reported] = {}
    for row in result.stdout.splitlines():
        path, line, column, code = row.split("|")
        path = str(pathlib.Path(path))
        report.setdefault(path, {}).setdefault(int(line), []).append((code, int(column)))
    return report


def test_there_are_fixtures_with_and_without_findings() -> None:
    files = annotated_files()
    with_findings = [path for path in files if annotations(path)]
    assert len(files) >= 10
    assert 0 < len(with_findings) < len(files)


def project_view(path: pathlib.Path) -> Optional[ModuleView]:
    """The project view flake8 and ``check`` use: the nearest marked root above the file
    (a project under ``fixtures/projects/`` has its own ``pyproject.toml``)."""
    root = find_project_root([str(path)])
    if root is None:
        return None
    return ProjectIndex(ProjectSpec.default(root, use_cache=False), DEFAULT_OPTIONS).view_for(
        str(path))


@pytest.mark.parametrize("path", annotated_files(), ids=relative)
def test_engine_reports_exactly_the_annotations(path: pathlib.Path) -> None:
    findings = check_source(path.read_text(encoding="utf-8"), relative(path), DEFAULT_OPTIONS,
                            project_view(path))
    reported: Reported = {}
    for finding in findings:
        reported.setdefault(finding.line, []).append((finding.code, finding.col + 1))
    assert_matches(annotations(path), reported)


@pytest.mark.parametrize("path", annotated_files(), ids=relative)
def test_flake8_reports_exactly_the_annotations(
        path: pathlib.Path, flake8_report: Dict[str, Reported]) -> None:
    assert_matches(annotations(path), flake8_report.get(relative(path), {}))


def test_flake8_reports_nothing_outside_annotated_files(
        flake8_report: Dict[str, Reported]) -> None:
    annotated = {relative(path) for path in annotated_files()}
    stray = [path for path in flake8_report
             if path not in annotated and not path.endswith(GOLDEN_OUTPUT_SUFFIX)]
    assert stray == []
