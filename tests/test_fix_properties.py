"""Property test: generated sink calls, credential keywords in any order and formatting."""
from __future__ import annotations

import ast
from typing import List, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_creds.fix.codemod import fix_source
from lint_creds.sinks import BOTO_KEYWORDS

#: keyword -> the standard variable boto3's chain reads for it (so every fix is safe).
CREDENTIALS = {"aws_access_key_id": "AWS_ACCESS_KEY_ID",
               "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
               "aws_session_token": "AWS_SESSION_TOKEN"}
READS = ('os.environ["{}"]', 'os.getenv("{}")', "os.environ.get('{}')", 'environ[ "{}" ]')
OTHERS = {"region_name": '"eu-west-1"', "config": "None", "verify": "False",
          "use_ssl": "True", "api_version": "None", "endpoint_url": '"https://s3.amazonaws.com"'}
SEPARATORS = (", ", ",", " , ", ",\n    ", ",  # note\n    ", ",\n\n        ")
EQUALS = ("=", " = ")
WRAPPERS = (
    "client = {call}\n",
    "def make():\n    return {call}\n",
    "def use():\n    with {call} as c:\n        pass\n",
    "make = lambda: {call}\n",
    "clients = [{call} for _ in range(2)]\n",
    "async def run():\n    async with {call} as c:\n        pass\n",
)
HEADER = "import os\nfrom os import environ\nimport boto3\n\n"


@st.composite
def sink_programs(draw: st.DrawFn) -> Tuple[str, List[str]]:
    """A module with one ``boto3.client`` call; returns it and the non-credential keywords
    in source order."""
    credentials = draw(st.lists(st.sampled_from(sorted(CREDENTIALS)), min_size=1, max_size=3,
                                unique=True))
    others = draw(st.lists(st.sampled_from(sorted(OTHERS)), max_size=4, unique=True))
    names = draw(st.permutations(credentials + others))
    arguments = ['"s3"']
    for name in names:
        value = (draw(st.sampled_from(READS)).format(CREDENTIALS[name]) if name in CREDENTIALS
                 else OTHERS[name])
        arguments.append(f"{name}{draw(st.sampled_from(EQUALS))}{value}")
    call = "boto3.client(" + draw(st.sampled_from(("", "\n    ")))
    for index, argument in enumerate(arguments):
        call += argument
        if index < len(arguments) - 1:
            call += draw(st.sampled_from(SEPARATORS))
    call += draw(st.sampled_from(("", ",", ",\n", "\n", "  # end\n")))
    call += ")"
    source = HEADER + draw(st.sampled_from(WRAPPERS)).format(call=call)
    return source, [n for n in names if n not in CREDENTIALS]


def _keywords(source: str) -> List[str]:
    return [k.arg for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
            for k in node.keywords if k.arg is not None]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sink_programs())
def test_generated_sink_calls(program: Tuple[str, List[str]]) -> None:
    source, others = program
    fixed, report = fix_source(source, "generated.py")
    keywords = _keywords(fixed)  # also proves the output parses
    assert not set(keywords) & set(BOTO_KEYWORDS)
    assert keywords == others  # every other argument kept, in order
    assert report.outcomes and not report.left()
    assert fix_source(fixed, "generated.py")[0] == fixed
