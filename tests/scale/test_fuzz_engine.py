"""Fuzzing the engine with generated programs (hypothesmith) with sink calls spliced in:
it never crashes, masks keys, and reports the same with and without the prefilter.

The default run uses hypothesmith's fast node-based generator with a small example count;
``pytest -m scale`` adds the grammar-based generator and many more examples.
``LINT_CREDS_FUZZ_EXAMPLES`` overrides the default count.
"""
from __future__ import annotations

import ast
import os

import hypothesmith
import pytest
from hypothesis import assume, given

from lint_creds.engine import analyze_source

from .equivalence import prefilter_difference
from .programs import KEYS, fuzz_settings, programs_with_sinks

EXAMPLES = int(os.environ.get("LINT_CREDS_FUZZ_EXAMPLES", "10"))


def check_engine(source: str) -> None:
    """The engine analyses any parseable module without raising, masks keys, and the
    prefilter changes none of its results."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        assume(False)
        return
    analysis = analyze_source(source, "fuzz.py")
    for finding in analysis.findings:
        assert finding.line >= 1 and finding.col >= 0
        assert not any(key in finding.message for pair in KEYS for key in pair)
    assert prefilter_difference(source.encode("utf-8", "surrogatepass"), "fuzz.py") is None


@fuzz_settings(EXAMPLES)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_engine_never_crashes_on_generated_programs(source: str) -> None:
    check_engine(source)


@fuzz_settings(EXAMPLES)
@given(hypothesmith.from_node())
def test_engine_never_crashes_on_arbitrary_modules(source: str) -> None:
    check_engine(source)


@pytest.mark.scale
@fuzz_settings(100)
@given(programs_with_sinks(hypothesmith.from_grammar()))
def test_engine_never_crashes_on_grammar_programs(source: str) -> None:
    check_engine(source)


@pytest.mark.scale
@fuzz_settings(500)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_engine_never_crashes_long(source: str) -> None:
    check_engine(source)
