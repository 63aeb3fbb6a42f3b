"""The oracle itself must be able to fail: allowed and forbidden rewrites."""
from __future__ import annotations

import pathlib
import textwrap
from typing import List, Tuple

import pytest

from .ast_oracle import violations


def _pair(before: str, after: str) -> "tuple[str, str]":
    return textwrap.dedent(before), textwrap.dedent(after)


ALLOWED = [
    pytest.param(*_pair(
        """
        import os, boto3
        s3 = boto3.client("s3", region_name="eu-west-1",
                          aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        """,
        """
        import boto3
        s3 = boto3.client("s3", region_name="eu-west-1")
        """), id="keywords-and-now-unused-import"),
    pytest.param(*_pair(
        """
        import boto3
        from os import getenv
        KEY = getenv("AWS_ACCESS_KEY_ID")
        SECRET = getenv("AWS_SECRET_ACCESS_KEY")
        session = boto3.Session(KEY, SECRET, None, "us-east-1")
        """,
        """
        import boto3
        session = boto3.Session(region_name="us-east-1")
        """), id="positional-to-keyword-and-dead-assignments"),
    pytest.param(*_pair(
        """
        import pandas as pd
        df = pd.read_csv("s3://b/k.csv", storage_options={"key": K, "secret": S, "anon": False})
        """,
        """
        import pandas as pd
        df = pd.read_csv("s3://b/k.csv", storage_options={"anon": False})
        """), id="storage-options-entries"),
    pytest.param(*_pair(
        """
        import os
        def setup(cfg):
            os.environ["AWS_ACCESS_KEY_ID"] = cfg.key
            os.environ["AWS_SECRET_ACCESS_KEY"] = cfg.secret
        """,
        """
        def setup(cfg):
            pass
        """), id="env-writes-leave-pass"),
    pytest.param(*_pair(
        """
        import os
        import boto3
        boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        """,
        """
        import boto3
        boto3.client("s3")
        """), id="whole-import-statement-removed"),
    pytest.param(*_pair(
        """
        AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
        AWS_STORAGE_BUCKET_NAME = "media"
        """,
        """
        AWS_STORAGE_BUCKET_NAME = "media"
        """), id="settings-assignment"),
]

FORBIDDEN = [
    pytest.param(*_pair(
        """
        import boto3
        s3 = boto3.client("s3", region_name="eu-west-1")
        """,
        """
        import boto3
        s3 = boto3.client("s3")
        """), "region_name", id="non-credential-keyword-removed"),
    pytest.param(*_pair(
        """
        import boto3
        s3 = boto3.client("s3", region_name="eu-west-1")
        """,
        """
        import boto3
        s3 = boto3.client("s3", region_name="us-east-1")
        """), "became", id="value-changed"),
    pytest.param(*_pair(
        """
        import boto3
        s3 = boto3.client("s3")
        s3.upload_file("a", "b", "c")
        """,
        """
        import boto3
        s3 = boto3.client("s3")
        """), "removed", id="statement-removed"),
    pytest.param(*_pair(
        """
        import os, boto3
        s3 = boto3.client("s3")
        print(os.getcwd())
        """,
        """
        import boto3
        s3 = boto3.client("s3")
        print(os.getcwd())
        """), "import of used name os", id="used-import-removed"),
    pytest.param(*_pair(
        """
        KEY = os.environ["AWS_ACCESS_KEY_ID"]
        print(KEY)
        """,
        """
        print(KEY)
        """), "removed", id="assignment-still-used"),
    pytest.param(*_pair(
        """
        opts = {"key": K, "endpoint": E}
        """,
        """
        opts = {"key": K}
        """), "non-credential dict entry", id="dict-entry-removed"),
]


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_allowed_rewrites_pass(before: str, after: str) -> None:
    assert violations(before, after) == []


@pytest.mark.parametrize(("before", "after", "expected"), FORBIDDEN)
def test_forbidden_rewrites_are_caught(before: str, after: str, expected: str) -> None:
    problems = violations(before, after)
    assert problems, "the oracle accepted a forbidden rewrite"
    assert any(expected in problem for problem in problems), problems


def test_identical_source_passes() -> None:
    source = "import boto3\nboto3.client('s3')\n"
    assert violations(source, source) == []


ROOT = pathlib.Path(__file__).resolve().parents[2] / "fixtures"


def golden_pairs() -> List[Tuple[pathlib.Path, pathlib.Path]]:
    """(input, golden output) for every checked-in fixer golden."""
    pairs = []
    for expected in sorted((ROOT / "fix").rglob("*.expected.py")):
        stem = expected.name.split(".")[0]
        pairs.append((expected.with_name(f"{stem}.py"), expected))
    for expected in sorted(ROOT.glob("e2e/*/expected/**/*.py")):
        parts = list(expected.relative_to(ROOT).parts)
        parts[2] = "original"
        pairs.append((ROOT.joinpath(*parts), expected))
    return pairs


@pytest.mark.parametrize(("original", "expected"), golden_pairs(),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixer_golden_satisfies_the_oracle(original: pathlib.Path,
                                                 expected: pathlib.Path) -> None:
    assert violations(original.read_text(encoding="utf-8"),
                      expected.read_text(encoding="utf-8")) == []


def test_goldens_are_found() -> None:
    assert len(golden_pairs()) >= 10
