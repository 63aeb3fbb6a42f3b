"""Slicing a module for the codemod (lint_creds/fix/slicing.py) never changes a fix.

Every fixer fixture and rule example is fixed twice, sliced down to the statements that
matter and whole, and both the new source and the per-finding report must be identical.
"""
from __future__ import annotations

import ast
import pathlib
import textwrap
from typing import Iterator, Tuple

import libcst as cst
import pytest

from lint_creds.fix import slicing as cst_slicing
from lint_creds.fix.codemod import fix_source
from lint_creds.engine import analyze_source
from lint_creds.rules import RULES

REPO = pathlib.Path(__file__).resolve().parent.parent


def programs() -> Iterator[Tuple[str, str]]:
    for path in sorted((REPO / "fixtures").rglob("*.py")):
        if not path.name.endswith(".expected.py"):
            yield str(path.relative_to(REPO)), path.read_text(encoding="utf-8", errors="replace")
    for rule in RULES:
        yield f"{rule.code}.py", rule.example


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_sliced_and_whole_fixes_are_identical(unsafe: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    compared = sliced = 0
    for name, source in programs():
        try:
            analysis = analyze_source(source, name)
        except (SyntaxError, ValueError):
            continue
        if not analysis.findings:
            continue
        monkeypatch.setattr(cst_slicing, "MIN_LINES_TO_SLICE", 0)
        by_slices = fix_source(source, name, unsafe_fixes=unsafe, analysis=analysis)
        monkeypatch.setattr(cst_slicing, "MIN_LINES_TO_SLICE", 10 ** 9)
        whole = fix_source(source, name, unsafe_fixes=unsafe, analysis=analysis)
        assert by_slices == whole, name
        compared += 1
        sliced += cst_slicing.slice_module(
            cst.parse_module(source), source, ast.parse(source), analysis, min_lines=0) is not None
    assert compared > 25 and sliced > 15, (compared, sliced)


LARGE = textwrap.dedent('''\
    import json
    import os

    import boto3


    class Settings:
        json = "a class attribute named like the module"

        def dump(self):
            return json.dumps({})  # the module, not the attribute

        def client(self):
            key = os.environ["AWS_ACCESS_KEY_ID"]
            return boto3.client("s3", aws_access_key_id=key,
                                aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    ''') + "".join(f"\n\ndef helper_{i}(value):\n    return value * {i}\n" for i in range(120))


def test_a_large_module_is_sliced_and_fixed_like_the_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = analyze_source(LARGE)
    sliced = cst_slicing.slice_module(cst.parse_module(LARGE), LARGE, ast.parse(LARGE),
                                      analysis)
    assert sliced is not None
    replaced = [len(statements) for _, statements in sliced.stand_ins.values()]
    assert sum(replaced) >= 120 and len(replaced) <= 3  # one stand-in per run of statements
    result = fix_source(LARGE, analysis=analysis)
    monkeypatch.setattr(cst_slicing, "MIN_LINES_TO_SLICE", 10 ** 9)
    assert result == fix_source(LARGE, analysis=analysis)
    assert "import json\n" in result[0]  # still used by a method the class body protects
    assert "aws_access_key_id" not in result[0] and "import os\n" not in result[0]
