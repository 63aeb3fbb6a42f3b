"""The oracle itself must be able to fail: allowed and forbidden rewrites."""
from __future__ import annotations

import textwrap

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
