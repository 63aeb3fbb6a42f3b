"""Generated programs with credential code spliced in, for the engine and fixer fuzzers.

hypothesmith generates a valid module; one credential block is spliced in at a top-level
statement boundary: a block of :data:`.injection.TEMPLATES` (every rule, sink family and
indirection, filled with synthetic keys from a fixed seed) or one of the engine fuzzer's
short snippets.
"""
from __future__ import annotations

import ast
import random
from typing import Any, List

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from .injection import TEMPLATES, Style, render, synthetic_key

#: Short snippets: credentials through names the engine has to resolve across statements.
SHORT_SNIPPETS = [
    "AWS_ACCESS_KEY_ID = os.getenv('AWS_ACCESS_KEY_ID')",
    "os.environ['AWS_SECRET_ACCESS_KEY'] = cfg.secret",
    "c = sess.get_credentials()\nboto3.client('s3', aws_access_key_id=c.access_key, "
    "aws_secret_access_key=c.secret_key, aws_session_token=c.token)",
    "kw = {'aws_access_key_id': getenv('A'), 'aws_secret_access_key': getenv('B')}\n"
    "boto3.client('s3', **kw)",
]


_RNG = random.Random(20261123)
#: (key id, secret) per template, in :data:`TEMPLATES` order.
KEYS = [synthetic_key(_RNG) for _ in TEMPLATES]
SNIPPETS: List[str] = [*(render(template, Style(), "", *keys)
                         for template, keys in zip(TEMPLATES, KEYS)), *SHORT_SNIPPETS]


@st.composite
def programs_with_sinks(draw: st.DrawFn, generator: "st.SearchStrategy[str]") -> str:
    """A generated module with one snippet spliced between two top-level statements."""
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
    return "\n".join([*lines[:where], "import os, boto3", snippet, *lines[where:]]) + "\n"


def fuzz_settings(examples: int) -> Any:
    """Deterministic, deadline-free settings with ``examples`` examples."""
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
