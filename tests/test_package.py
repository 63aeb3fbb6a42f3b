"""Package-wide guards: supported syntax, no libcst in the engine, catalog consistency."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

from lint_creds.engine import check_source
from lint_creds.rules import RULES, rule_table_markdown

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "lint_creds"
README = PACKAGE.parent / "README.md"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_source_parses_as_python_3_9(path: pathlib.Path) -> None:
    ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=(3, 9))


def test_engine_does_not_import_libcst_or_flake8() -> None:
    code = (
        "import sys, lint_creds.engine as e;"
        "e.check_source('import boto3\\nboto3.client(\"s3\")');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'flake8')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_example_fires_and_fix_example_is_clean(rule) -> None:
    """Each rule's doc example is reported with that rule; its 'use instead' is clean."""
    filename = "settings.py" if rule.code == "CRD203" else "example.py"
    codes = {f.code for f in check_source(rule.example, filename)}
    assert rule.code in codes
    assert check_source(rule.use_instead, filename) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_doc_has_every_section(rule) -> None:
    doc = rule.doc()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:",
                    "## Fix safety", "## References"):
        assert heading in doc
    assert rule.code in doc and rule.name in doc


def test_readme_rule_table_is_current() -> None:
    assert rule_table_markdown() in README.read_text(encoding="utf-8")
