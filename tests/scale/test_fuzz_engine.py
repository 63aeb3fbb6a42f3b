"""Fuzzing the engine with generated programs (hypothesmith) with sink calls spliced in.

The default run uses hypothesmith's fast node-based generator with a small example count;
``pytest -m scale`` adds the (slow, about 5 s an example) grammar-based generator and many
more examples. ``LINT_CREDS_FUZZ_EXAMPLES`` overrides the default count.
"""
from __future__ import annotations

import ast
import os

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lint_creds.engine import analyze_source

EXAMPLES = int(os.environ.get("LINT_CREDS_FUZZ_EXAMPLES", "10"))

#: Credential snippets from every rule family, spliced between generated statements.
SNIPPETS = [
    'import boto3\ns3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
    'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])',
    'import boto3 as b3\nKEY = "AKIAZ3MSJV4WWNKWW5FG"\nb3.Session(KEY, "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo")',
    "from django.conf import settings\nimport boto3\nboto3.resource('s3', "
    "aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)",
    "AWS_ACCESS_KEY_ID = os.getenv('AWS_ACCESS_KEY_ID')",
    "os.environ['AWS_SECRET_ACCESS_KEY'] = cfg.secret",
    "c = sess.get_credentials()\nboto3.client('s3', aws_access_key_id=c.access_key, "
    "aws_secret_access_key=c.secret_key, aws_session_token=c.token)",
    "kw = {'aws_access_key_id': getenv('A'), 'aws_secret_access_key': getenv('B')}\nboto3.client('s3', **kw)",
]


@st.composite
def programs_with_sinks(draw: st.DrawFn, generator: "st.SearchStrategy[str]") -> str:
    generated = draw(generator)
    try:
        tree = ast.parse(generated)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        raise AssertionError("unreachable")
    lines = generated.splitlines()
    boundaries = sorted({0, len(lines), *(s.lineno - 1 for s in tree.body)})
    snippet = draw(st.sampled_from(SNIPPETS))
    where = draw(st.sampled_from(boundaries))
    return "\n".join([*lines[:where], "import os", snippet, *lines[where:]]) + "\n"


def _fuzz_settings(examples: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


def check_engine(source: str) -> None:
    """The engine analyses any parseable module without raising, and masks keys."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        assume(False)
        return
    analysis = analyze_source(source, "fuzz.py")
    for finding in analysis.findings:
        assert finding.line >= 1 and finding.col >= 0
        assert "AKIAZ3MSJV4WWNKWW5FG" not in finding.message


@_fuzz_settings(EXAMPLES)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_engine_never_crashes_on_generated_programs(source: str) -> None:
    check_engine(source)


@_fuzz_settings(EXAMPLES)
@given(hypothesmith.from_node())
def test_engine_never_crashes_on_arbitrary_modules(source: str) -> None:
    check_engine(source)


@pytest.mark.scale
@_fuzz_settings(300)
@given(programs_with_sinks(hypothesmith.from_grammar()))
def test_engine_never_crashes_on_grammar_programs(source: str) -> None:
    check_engine(source)


@pytest.mark.scale
@_fuzz_settings(3000)
@given(programs_with_sinks(hypothesmith.from_node()))
def test_engine_never_crashes_long(source: str) -> None:
    check_engine(source)
