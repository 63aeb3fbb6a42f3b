"""Fuzzing the fixer with generated programs (hypothesmith) with credential code spliced in:
``fix --unsafe-fixes`` never crashes, its output parses, satisfies the AST oracle and is a
fixed point (a second run changes nothing), and what it leaves is what it reported.

A bounded example count in the default run (``LINT_CREDS_FUZZ_FIXER_EXAMPLES`` overrides
it); many more, and the grammar-based generator, under ``pytest -m scale``.
"""
from __future__ import annotations

import ast
import os
from collections import Counter

import hypothesmith
import pytest
from hypothesis import assume, given

from lint_creds.engine import check_source
from lint_creds.fix.fixer import FixSettings, fix_bytes
from lint_creds.source.noqa import filter_findings

from .ast_oracle import violations
from .programs import fuzz_settings, programs_with_sinks

EXAMPLES = int(os.environ.get("LINT_CREDS_FUZZ_FIXER_EXAMPLES", "5"))
UNSAFE = FixSettings(unsafe_fixes=True, write=False)


def check_fixer(source: str) -> None:
    """The fixer's guarantees on one generated module."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        assume(False)
        return
    data = source.encode("utf-8", "surrogatepass")
    result, new_data = fix_bytes(data, "fuzz.py", UNSAFE)
    assert result.error is None, result.error  # no libcst failure, no unparsable rewrite
    if new_data is None:
        return
    fixed = new_data.decode("utf-8", "surrogatepass")
    assert violations(source, fixed) == []
    again, newer = fix_bytes(new_data, "fuzz.py", UNSAFE)
    assert newer is None and again.error is None
    left = Counter(o.finding.code for o in result.outcomes if not o.fixed)  # type: ignore[attr-defined]
    remaining, _ = filter_findings(check_source(fixed, "fuzz.py"), fixed)
    assert Counter(f.code for f in remaining) == left


@fuzz_settings(EXAMPLES)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_fixer_on_generated_programs(source: str) -> None:
    check_fixer(source)


@pytest.mark.scale
@fuzz_settings(300)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_fixer_on_generated_programs_long(source: str) -> None:
    check_fixer(source)


@pytest.mark.scale
@fuzz_settings(50)
@given(programs_with_sinks(hypothesmith.from_grammar()))
def test_fixer_on_grammar_programs(source: str) -> None:
    check_fixer(source)
