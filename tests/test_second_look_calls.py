"""The second look's reading of a wrapper call: only a call whose arguments could reach a
parameter that hands a credential to the SDK keeps a file the byte screen rejected. Each
call shape is proven against the real engine on a real project: a call the second look
lets go must hold no finding.
"""
from __future__ import annotations

import pathlib
from typing import Dict, List

import pytest

from lint_creds.engine import check_source
from lint_creds.options import DEFAULT_OPTIONS
from lint_creds.project.index import ProjectIndex
from lint_creds.project.root import ProjectSpec
from lint_creds.project.wrapper_names import may_pass_credentials, signature_of
from lint_creds.source.prefilter import could_hold_finding

#: ``make_client(bucket, key, secret, *, token=None)``: the key reaches the SDK from
#: position 1 or as ``key=``, the secret from 2 or ``secret=``, the token only as ``token=``.
SIGNATURE = {b"make_client": (1, frozenset({"key", "secret", "token"}))}

CALLS = [
    # (call, could pass a credential)
    ("make_client(bucket)", False),
    ("make_client()", False),
    ("make_client(bucket, region='eu-west-1')", False),
    ("make_client(f(a, b), [k, s], {'key': k})", True),  # 3 positional
    ("make_client(f(a, b))", False),  # one argument, its commas nested
    ("make_client('a, b')", False),
    ("make_client(f'{a, b}')", False),
    ("make_client(\n    # key, secret\n    bucket)", False),
    ("make_client(x for x in names)", False),
    ("make_client((k := 1))", False),
    ("make_client(bucket == 1)", False),
    ("make_client(bucket, k)", True),
    ("make_client(bucket, key=k)", True),
    ("make_client(bucket, token=t)", True),
    ("make_client(bucket, *rest)", True),
    ("make_client(**options)", True),
    ("make_client(b, ｋｅｙ=k)", True),  # NFKC: the same keyword as key=
    ("make_client \\\n    (bucket, k)", True),
    ("make_client(bucket, 'unterminated)", True),  # not read to its end: it could
    ("None\ndef make_client(bucket, key, secret):\n    pass", False),  # defined, not called
    ("None\nclass make_client(Base, key, secret): pass", False),
    ("undefined_make_client(bucket, k)", False),  # another name
    ("x.def_make_client(bucket, k)", False),
    ("redef make_client(bucket, k)", True),  # no def statement: a call, however odd
]


@pytest.mark.parametrize("call, passes", CALLS, ids=[c for c, _ in CALLS])
def test_a_call_passes_only_with_arguments_that_reach_a_credential(call: str,
                                                                   passes: bool) -> None:
    assert may_pass_credentials(f"c = {call}\n".encode(), SIGNATURE) is passes


def test_unknown_signatures_and_other_names() -> None:
    assert may_pass_credentials(b"make_client(bucket)\n", {b"make_client": None})
    assert not may_pass_credentials(b"remake_client(bucket, k, s)\n", SIGNATURE)
    keyword_only = {b"make_client": (None, frozenset({"token"}))}
    assert not may_pass_credentials(b"make_client(a, b, c, d)\n", keyword_only)
    assert may_pass_credentials(b"make_client(a, token=t)\n", keyword_only)


PROJECT = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "lib/__init__.py": "",
    "lib/clients.py": (
        "import boto3\n\n\n"
        "def make_client(bucket, key, secret, *, token=None):\n"
        "    return boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=secret,\n"
        "                        aws_session_token=token)\n\n\n"
        "class Store:\n"
        "    def connect(self, region, key=None):\n"
        "        return boto3.client('s3', region_name=region, aws_access_key_id=key)\n"),
}


def write(root: pathlib.Path, files: Dict[str, str]) -> None:
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")


def test_signatures_come_from_the_summaries(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    project = ProjectIndex(ProjectSpec.default(str(tmp_path), use_cache=False),
                           DEFAULT_OPTIONS)
    summary = project.summary(str(tmp_path / "lib" / "clients.py"))
    assert signature_of(summary, "make_client") == (1, frozenset({"key", "secret", "token"}))
    assert signature_of(summary, "connect") == (1, frozenset({"key"}))  # self is bound
    assert signature_of(summary, "Store") is None


USES = [
    "make_client('b')",
    "make_client('b', os.environ['K'], os.environ['S'])",
    "make_client('b', region=os.environ['K'])",
    "make_client('b', key=os.environ['K'], secret=os.environ['S'])",
    "make_client(*[os.environ['K']])",
    "make_client('b', **{'key': os.environ['K'], 'secret': os.environ['S']})",
    "make_client('b', token=os.environ['T'], key=None, secret=None)",
    "Store().connect(os.environ['R'])",
    "Store().connect('eu-west-1', os.environ['K'])",
    "Store().connect('eu-west-1', key=os.environ['K'])",
]


def test_what_the_second_look_lets_go_holds_no_finding(tmp_path: pathlib.Path) -> None:
    """Each use, in a file the byte screen rejects: when the second look (table and
    signatures, the engine's own answer spent) lets it go, the engine finds nothing."""
    write(tmp_path, PROJECT)
    decided: List[bool] = []
    for number, use in enumerate(USES):
        path = tmp_path / "app" / f"use{number}.py"
        source = f"import os\n\nfrom lib.clients import Store, make_client\n\nc = {use}\n"
        write(tmp_path, {f"app/use{number}.py": source})
        data = source.encode()
        assert not could_hold_finding(data, DEFAULT_OPTIONS, str(path)), use
        project = ProjectIndex(ProjectSpec.default(str(tmp_path), use_cache=False),
                               DEFAULT_OPTIONS)
        project._direct_looks = 0  # the table and the signatures, not the engine
        kept = project.may_call_a_wrapper(data, str(path))
        found = check_source(source, str(path), DEFAULT_OPTIONS, project.view_for(str(path)))
        if not kept:
            assert found == [], use
        decided.append(kept)
    assert decided == [False, True, False, True, True, True, True, False, True, True]
