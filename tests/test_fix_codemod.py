"""The codemod as source-in/source-out tables: every fixable rule, odd formatting, a no-op
table that must come back byte-identical, idempotence, and the reasons for what is left."""
from __future__ import annotations

import ast
import textwrap
from typing import List, Tuple

import pytest

from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

from lint_creds.fix import imports as cst_imports
from lint_creds.fix.codemod import fix_source
from lint_creds.fix.outcomes import HELD_BACK
from lint_creds.options import Options

KEY = "AKIA4CAIPE5FRAEBJ2M4"  # a made-up key that has the shape of a real one
SECRET = "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"


def case(before: str, after: str, id: str, unsafe: bool = False) -> "pytest.ParameterSet":
    """A golden pair; sources are dedented and ``{KEY}``/``{SECRET}`` filled in."""
    def fill(text: str) -> str:
        return textwrap.dedent(text).lstrip("\n").replace("{KEY}", KEY).replace("{SECRET}", SECRET)

    return pytest.param(fill(before), fill(after), unsafe, id=id)


SAFE = [
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "crd201-keywords-one-line"),
    case('''
        import os
        import boto3

        s3 = boto3.client(
            "s3",
            # the key id
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # from env
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            # region for prod
            region_name="eu-west-1",
        )
        ''', '''
        import boto3

        s3 = boto3.client(
            "s3",
            # the key id
            # region for prod
            region_name="eu-west-1",
        )
        ''', "multi-line-comments-trailing-comma"),
    case('''
        import boto3
        import os

        s3 = boto3.client(
            "s3",  # service
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],  # gone
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],  # gone
        )
        ''', '''
        import boto3

        s3 = boto3.client(
            "s3",  # service
        )
        ''', "last-arguments-removed-keeps-own-comment"),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3",
                          aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"),
                          aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"))
        print(os.getcwd())
        ''', '''
        import os
        import boto3

        s3 = boto3.client("s3")
        print(os.getcwd())
        ''', "reversed-order-no-trailing-comma-os-still-used"),
    case('''
        import os
        import boto3

        s3 = boto3.client(
            "s3",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
        ''', '''
        import boto3

        s3 = boto3.client(
            "s3")
        ''', "closing-paren-on-argument-line"),
    case('''
        import os
        import boto3

        s3 = boto3.client  (  "s3" ,   aws_access_key_id = os.environ[ "AWS_ACCESS_KEY_ID" ] ,aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"] , region_name = "x" , )
        ''', '''
        import boto3

        s3 = boto3.client  (  "s3" ,   region_name = "x" , )
        ''', "odd-spacing-kept"),
    case('''
        import os, boto3
        import aioboto3

        async def main():
            async with aioboto3.Session(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]).client("s3") as s3:
                pass
            with boto3.Session(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]) as s:
                pass
        ''', '''
        import boto3
        import aioboto3

        async def main():
            async with aioboto3.Session().client("s3") as s3:
                pass
            with boto3.Session() as s:
                pass
        ''', "async-with-and-with"),
    case('''
        import os
        import functools
        import boto3

        @functools.lru_cache(maxsize=boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]) and 1)
        def f():
            pass

        make = lambda: boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        clients = [boto3.client(n, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]) for n in ("s3", "sqs")]
        ''', '''
        import functools
        import boto3

        @functools.lru_cache(maxsize=boto3.client("s3") and 1)
        def f():
            pass

        make = lambda: boto3.client("s3")
        clients = [boto3.client(n) for n in ("s3", "sqs")]
        ''', "decorator-lambda-comprehension"),
    case('''
        from os import environ
        from boto3 import Session

        session = Session(
            environ["AWS_ACCESS_KEY_ID"],
            environ["AWS_SECRET_ACCESS_KEY"],
            environ["AWS_SESSION_TOKEN"],
            "us-east-1",
            None,
            "dev",
        )
        ''', '''
        from boto3 import Session

        session = Session(
            region_name="us-east-1",
            botocore_session=None,
            profile_name="dev",
        )
        ''', "positional-credentials-later-positionals-become-keywords"),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", "eu-west-1", None, True, True, None, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', '''
        import boto3

        s3 = boto3.client("s3", "eu-west-1", None, True, True, None)
        ''', "positional-client-credentials-at-the-end"),
    case('''
        import os
        import boto3

        def handler(event, context):
            key_id = os.environ["AWS_ACCESS_KEY_ID"]
            secret = os.environ["AWS_SECRET_ACCESS_KEY"]
            token = os.environ.get("AWS_SESSION_TOKEN")
            client = boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)
            return client.list_buckets()
        ''', '''
        import boto3

        def handler(event, context):
            client = boto3.client("s3")
            return client.list_buckets()
        ''', "dead-feeding-assignments-removed"),
    case('''
        import os
        import boto3

        def f():
            KEY = os.environ["AWS_ACCESS_KEY_ID"]
            SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
            s3 = boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
            print(KEY[:4])
        ''', '''
        import os
        import boto3

        def f():
            KEY = os.environ["AWS_ACCESS_KEY_ID"]
            s3 = boto3.client("s3")
            print(KEY[:4])
        ''', "feeding-name-still-used-is-kept"),
    case('''
        import os
        import boto3

        def make():
            raw = os.environ["AWS_ACCESS_KEY_ID"]
            key = raw.strip()
            return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', '''
        import boto3

        def make():
            return boto3.client("s3")
        ''', "chain-of-dead-names"),
    case('''
        import os
        import boto3

        KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
        _SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
        s3 = boto3.client("s3", aws_access_key_id=KEY_ID, aws_secret_access_key=_SECRET)
        ''', '''
        import os
        import boto3

        KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
        s3 = boto3.client("s3")
        ''', "public-module-names-may-be-imported-elsewhere"),
    case('''
        import os
        import boto3

        kwargs = {
            "region_name": "eu-west-1",
            "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
        }
        s3 = boto3.client("s3", **kwargs)
        ''', '''
        import boto3

        kwargs = {
            "region_name": "eu-west-1",
        }
        s3 = boto3.client("s3", **kwargs)
        ''', "splatted-dict-entries"),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", **{"aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]})
        ''', '''
        import boto3

        s3 = boto3.client("s3", **{})
        ''', "inline-splat-emptied"),
    case('''
        import os
        import boto3

        kwargs = {"region_name": "eu-west-1"}
        kwargs["aws_access_key_id"] = os.environ["AWS_ACCESS_KEY_ID"]
        kwargs["aws_secret_access_key"] = os.environ["AWS_SECRET_ACCESS_KEY"]
        s3 = boto3.client("s3", **kwargs)
        ''', '''
        import boto3

        kwargs = {"region_name": "eu-west-1"}
        s3 = boto3.client("s3", **kwargs)
        ''', "splat-item-assignments"),
    case('''
        import os
        import pandas as pd

        df = pd.read_parquet(
            "s3://bucket/data.parquet",
            storage_options={
                "key": os.environ["AWS_ACCESS_KEY_ID"],
                "secret": os.environ["AWS_SECRET_ACCESS_KEY"],
                "client_kwargs": {"region_name": "eu-west-1"},
            },
        )
        ''', '''
        import pandas as pd

        df = pd.read_parquet(
            "s3://bucket/data.parquet",
            storage_options={
                "client_kwargs": {"region_name": "eu-west-1"},
            },
        )
        ''', "storage-options-entries"),
    case('''
        import os
        import s3fs

        fs = s3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"], anon=False)
        ''', '''
        import s3fs

        fs = s3fs.S3FileSystem(anon=False)
        ''', "s3fs-keywords"),
    case('''
        import os
        import botocore.session

        session = botocore.session.get_session()
        session.set_credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        client = session.create_client("s3")
        ''', '''
        import botocore.session

        session = botocore.session.get_session()
        client = session.create_client("s3")
        ''', "set-credentials-statement"),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"], aws_session_token=None)
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "none-token-goes-with-the-group"),
    case('''
        import os
        import boto3

        def f():
        \ts = "é"; c = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])  # ünï
        \treturn c
        ''', '''
        import boto3

        def f():
        \ts = "é"; c = boto3.client("s3")  # ünï
        \treturn c
        ''', "tabs-and-non-ascii-columns"),
    case('''
        import os, boto3
        a = boto3.client(
            "s3",  # c1
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]  # c2
        )
        b = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]  # c3
            )
        ''', '''
        import boto3
        a = boto3.client(
            "s3",  # c1
        )
        b = boto3.client("s3"  # c3
            )
        ''', "closing-line-comments"),
    case('''
        import os, boto3
        c = boto3.client(**{
            "service_name": "s3",  # d1
            "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]  # d2
        })
        d = boto3.client(**{"service_name": "s3", "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],})
        e = boto3.client(**{
            "service_name": "s3",
            "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],  # d2
            # end
        })
        ''', '''
        import boto3
        c = boto3.client(**{
            "service_name": "s3",  # d1
        })
        d = boto3.client(**{"service_name": "s3",})
        e = boto3.client(**{
            "service_name": "s3",
            # end
        })
        ''', "dict-closing-lines"),
    case('''
        import os
        import boto3

        creds = {"aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]}
        creds["region_name"] = "eu-west-1"
        s3 = boto3.client("s3", **creds)
        sqs = boto3.client("sqs", **creds)
        ''', '''
        import boto3

        creds = {}
        creds["region_name"] = "eu-west-1"
        s3 = boto3.client("s3", **creds)
        sqs = boto3.client("sqs", **creds)
        ''', "dict-shared-by-two-fixed-calls"),
    case('''
        import os, sys
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        print(sys.argv)
        ''', '''
        import sys
        import boto3

        s3 = boto3.client("s3")
        print(sys.argv)
        ''', "import-line-keeps-its-other-names"),
    case('''
        import os
        import boto3


        def upload(path: "os.PathLike[str]") -> None:
            boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]).upload_file(path, "b", "k")
        ''', '''
        import os
        import boto3


        def upload(path: "os.PathLike[str]") -> None:
            boto3.client("s3").upload_file(path, "b", "k")
        ''', "import-still-used-by-a-string-annotation"),
    case('''
        import boto3
        # the environment
        from os import environ
        from os import getenv as env

        s3 = boto3.client("s3", aws_access_key_id=environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env("AWS_SECRET_ACCESS_KEY"))
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "from-imports-and-their-comment-removed"),
]

UNSAFE = [
    case('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "crd101-literals", unsafe=True),
    case('''
        import boto3

        AWS_ACCESS_KEY = "{KEY}"  # CRD102
        AWS_SECRET_KEY = "{SECRET}"

        s3 = boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY, aws_secret_access_key=AWS_SECRET_KEY)
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "crd101-through-names-dead-literals-removed", unsafe=True),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", aws_access_key_id=os.environ["S3_KEY"], aws_secret_access_key=os.environ["S3_SECRET"])
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "crd201-custom-names", unsafe=True),
    case('''
        import boto3
        from django.conf import settings

        s3 = boto3.client("s3", aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        ''', "crd202-settings", unsafe=True),
    case('''
        import boto3

        creds = boto3.Session(profile_name="x").get_credentials()
        s3 = boto3.client("s3", aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key, aws_session_token=creds.token)
        ''', '''
        import boto3

        creds = boto3.Session(profile_name="x").get_credentials()
        s3 = boto3.client("s3")
        ''', "crd301-frozen", unsafe=True),
    case('''
        import os

        AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
        AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]
        AWS_STORAGE_BUCKET_NAME = "media"
        INSTALLED_APPS = ["storages"]
        ''', '''
        AWS_STORAGE_BUCKET_NAME = "media"
        INSTALLED_APPS = ["storages"]
        ''', "crd203-settings-module", unsafe=True),
    case('''
        from storages.backends.s3boto3 import S3Boto3Storage
        import os

        class MediaStorage(S3Boto3Storage):
            access_key = os.environ["MEDIA_KEY"]
            secret_key = os.environ["MEDIA_SECRET"]
        ''', '''
        from storages.backends.s3boto3 import S3Boto3Storage

        class MediaStorage(S3Boto3Storage):
            pass
        ''', "crd203-storage-class-emptied-keeps-pass", unsafe=True),
    case('''
        from flask import Flask
        import os

        app = Flask(__name__)
        app.config["AWS_ACCESS_KEY_ID"] = os.environ["S3_KEY"]
        app.config.update(AWS_SECRET_ACCESS_KEY=os.environ["S3_SECRET"], DEBUG=False)
        ''', '''
        from flask import Flask

        app = Flask(__name__)
        app.config.update(DEBUG=False)
        ''', "crd203-flask-config", unsafe=True),
    case('''
        import os

        os.environ["AWS_ACCESS_KEY_ID"] = config["key"]
        os.environ["AWS_SECRET_ACCESS_KEY"] = config["secret"]
        os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
        ''', '''
        import os

        os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
        ''', "crd302-env-writes", unsafe=True),
    case('''
        import os

        os.environ.update({"AWS_ACCESS_KEY_ID": "{KEY}", "AWS_SECRET_ACCESS_KEY": "{SECRET}"})
        os.environ.update({"AWS_ACCESS_KEY_ID": cfg.key, "AWS_DEFAULT_REGION": "eu-west-1"})
        os.putenv("AWS_SECRET_ACCESS_KEY", cfg.secret)
        ''', '''
        import os

        os.environ.update({"AWS_DEFAULT_REGION": "eu-west-1"})
        ''', "crd102-crd302-env-write-calls", unsafe=True),
    case('''
        import os

        os.environ.__setitem__("AWS_ACCESS_KEY_ID", cfg.key)
        os.environ.__setitem__("AWS_DEFAULT_REGION", cfg.region)
        ''', '''
        import os

        os.environ.__setitem__("AWS_DEFAULT_REGION", cfg.region)
        ''', "crd302-env-setitem-call", unsafe=True),
    case('''
        import os

        os.environ["AWS_ACCESS_KEY_ID"] = "{KEY}"
        print("configured")
        ''', '''
        print("configured")
        ''', "crd102-literal-env-write", unsafe=True),
    case('''
        import os

        def main(section):
            s3 = 1

            # pin the INI keys for the aws CLI
            os.environ["AWS_ACCESS_KEY_ID"] = section["access_key_id"]
            os.environ["AWS_SECRET_ACCESS_KEY"] = section["secret_access_key"]
            os.environ["AWS_DEFAULT_REGION"] = section.get("region", "eu-west-1")
            return s3
        ''', '''
        import os

        def main(section):
            s3 = 1

            os.environ["AWS_DEFAULT_REGION"] = section.get("region", "eu-west-1")
            return s3
        ''', "crd302-in-a-function-keeps-the-blank-line", unsafe=True),
    case('''
        import os

        SECRET = "{SECRET}"
        os.environ["AWS_SECRET_ACCESS_KEY"] = SECRET
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "{KEY}")
        print("configured")
        ''', '''
        print("configured")
        ''', "crd102-named-literal-env-write", unsafe=True),
]

#: Must come back byte-identical, even with --unsafe-fixes.
NO_OP = [
    case('''
        import os
        import boto3


        def make():
            key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
            if key and secret:
                return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
            print("no secret" if not secret else "")
            return boto3.client("s3")
        ''', "", "early-return-before-different-code-keeps-the-guard"),
    case('''
        import boto3

        s3 = boto3.client("s3", region_name="eu-west-1")
        ''', "", "no-findings"),
    case('''
        import os
        import boto3

        s3 = boto3.client("s3", endpoint_url="http://localhost:4566", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', "", "custom-endpoint"),
    case('''
        import os
        import boto3

        def make(key):
            return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', "", "partial-group-parameter"),
    case('''
        import os
        import boto3

        if os.environ.get("AWS_ACCESS_KEY_ID"):
            s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        else:
            s3 = boto3.client("s3", region_name="eu-west-1")
        ''', "", "guarded-branch-else-differs"),
    case('''
        import os
        import boto3

        if os.environ.get("AWS_ACCESS_KEY_ID"):
            s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        s3 = boto3.client("s3")
        ''', "", "guarded-branch-without-else"),
    case('''
        import boto3

        s3 = boto3.client("s3", aws_access_key_id="test", aws_secret_access_key="test")
        ''', "", "placeholders"),
    case('''
        import boto3

        sts = boto3.client("sts")
        c = sts.assume_role(RoleArn="arn", RoleSessionName="x")["Credentials"]
        s3 = boto3.client("s3", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        ''', "", "sts-credentials"),
    case('''
        from botocore.credentials import Credentials

        c = Credentials("{KEY}", "{SECRET}")
        ''', "", "credentials-object-blocked"),
    case('''
        import os
        import boto

        conn = boto.connect_s3(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], True)
        ''', "", "unnamed-later-positional"),
    case('''
        import os

        AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
        STORAGE_KEY = AWS_ACCESS_KEY_ID
        INSTALLED_APPS = ["storages"]
        ''', "", "setting-still-used"),
    case('''
        DOC = "rotate {KEY} next week"
        ''', "", "key-in-a-string-is-reported-only"),
    case('''
        import os
        import boto3

        creds = {"aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]}
        s3 = boto3.client("s3", **creds)
        minio = boto3.client("s3", endpoint_url="http://localhost:9000", **creds)
        ''', "", "dict-shared-with-a-minio-client"),
    case('''
        import os

        KEY = "{KEY}"
        os.environ["AWS_ACCESS_KEY_ID"] = KEY
        print(KEY[:4])
        ''', "", "named-literal-also-read-elsewhere"),
    case('''
        import os
        import boto3

        def make(key, secret):
            session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret)
            return session.client("sqs", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        ''', "", "client-would-inherit-the-sessions-keys"),
    case('''
        import os
        import boto3

        def make():
            if os.environ.get("AWS_ACCESS_KEY_ID"):
                return boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
            s3 = boto3.client("s3", region_name="eu-west-1")
            return s3
        ''', "", "early-return-before-different-code"),
]


def fix(source: str, unsafe: bool = False, **options: object) -> str:
    return fix_source(source, "module.py", Options(**options), unsafe_fixes=unsafe)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize("before, after, unsafe", [*SAFE, *UNSAFE])
def test_fix(before: str, after: str, unsafe: bool) -> None:
    fixed = fix(before, unsafe)
    assert fixed == after
    ast.parse(fixed)
    assert fix(fixed, unsafe) == fixed  # idempotent


@pytest.mark.parametrize("before, after, unsafe", UNSAFE)
def test_unsafe_fixes_are_held_back_by_default(before: str, after: str, unsafe: bool) -> None:
    fixed, report = fix_source(before, "module.py")
    assert fixed == before
    assert report.outcomes and all(o.reason == HELD_BACK for o in report.outcomes
                                   if o.finding.code != "CRD102")


@pytest.mark.parametrize("source, _after, _unsafe", NO_OP)
def test_no_op(source: str, _after: str, _unsafe: bool) -> None:
    assert fix(source, unsafe=True) == source


def _left(source: str, unsafe: bool = True) -> List[Tuple[int, str, str]]:
    report = fix_source(textwrap.dedent(source), "module.py", unsafe_fixes=unsafe)[1]
    return [(o.finding.line, o.finding.code, o.reason or "") for o in report.left()]


def test_reasons_for_what_is_left() -> None:
    assert _left('''
        import os, boto3
        s3 = boto3.client("s3", endpoint_url="http://minio:9000", aws_access_key_id="{}")
        def make(key):
            return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        if os.environ.get("AWS_ACCESS_KEY_ID"):
            c = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        DOC = "{}"
        AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
        INSTALLED_APPS = [AWS_ACCESS_KEY_ID]
        '''.format(KEY, KEY)) == [
        (3, "CRD101", "the call has an endpoint_url that is not provably AWS"),
        (5, "CRD201", "the access key id (aws_access_key_id) comes from a function parameter; "
                      "removing only part of the credentials raises PartialCredentialsError"),
        (7, "CRD201", "the call is inside a branch that tests the credentials (line 6)"),
        (7, "CRD201", "the call is inside a branch that tests the credentials (line 6)"),
        (9, "CRD203", "AWS_ACCESS_KEY_ID is still read at line 10"),
    ]


def test_unselected_codes_hold_the_whole_group() -> None:
    source = textwrap.dedent(f'''
        import os, boto3
        s3 = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key=os.environ["S"])
        ''')
    fixed, report = fix_source(source, "m.py", Options(select=frozenset({"CRD201"})),
                               unsafe_fixes=True)
    assert fixed == source
    assert [o.reason for o in report.outcomes] == [
        "the call also has CRD101 credentials, which are not selected"]


def test_fixed_counts_per_rule() -> None:
    source = textwrap.dedent(f'''
        import os, boto3
        a = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        b = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")
        ''')
    safe = fix_source(source, "m.py")[1]
    assert dict(safe.fixed_by_code()) == {"CRD201": 2}
    assert [(o.finding.code, o.reason) for o in safe.left()] == [("CRD101", HELD_BACK)] * 2
    assert dict(fix_source(source, "m.py", unsafe_fixes=True)[1].fixed_by_code()) == {
        "CRD201": 2, "CRD101": 2}


GUARDS = [
    case('''
        import os
        import boto3

        if os.environ.get("AWS_ACCESS_KEY_ID"):
            s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        else:
            s3 = boto3.client("s3")
        print(s3)
        ''', '''
        import boto3

        s3 = boto3.client("s3")
        print(s3)
        ''', "if-else-collapses", unsafe=True),
    case('''
        import os
        import boto3


        def make():
            # use the keys when they are there
            if "AWS_ACCESS_KEY_ID" in os.environ:
                return boto3.client(
                    "s3",
                    region_name="eu-west-1",
                    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                )
            else:
                # the role
                return boto3.client("s3", region_name="eu-west-1")
        ''', '''
        import boto3


        def make():
            # the role
            return boto3.client("s3", region_name="eu-west-1")
        ''', "branches-equal-up-to-formatting", unsafe=True),
    case('''
        import os
        import boto3


        def make():
            key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
            if key and secret:
                return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
            return boto3.client("s3")
        ''', '''
        import boto3


        def make():
            return boto3.client("s3")
        ''', "early-return-before-the-default-client", unsafe=True),
    case('''
        import os
        import boto3


        def make():
            if (key := os.environ.get("AWS_ACCESS_KEY_ID")):
                return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
            return boto3.client("s3")
        ''', '''
        import boto3


        def make():
            return boto3.client("s3")
        ''', "walrus-guard", unsafe=True),
]


@pytest.mark.parametrize("before, after, unsafe", GUARDS)
def test_guard_that_only_tests_the_credentials_collapses(before: str, after: str,
                                                         unsafe: bool) -> None:
    fixed, report = fix_source(before, "module.py", unsafe_fixes=True)
    assert fixed == after
    assert not report.left()
    assert fix(fixed, unsafe=True) == fixed
    safe, held = fix_source(before, "module.py")  # never without --unsafe-fixes
    assert safe == before
    assert all("tests the credentials" in (o.reason or "") for o in held.outcomes)


def test_imports_decided_without_libcsts_scope_analysis_are_removed_as_libcst_would(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fix of the table is what libcst's whole-module import removal gives, and most
    fixes that queue imports skip it (:mod:`lint_creds.fix.imports`)."""
    cases = [getattr(case, "values", case) for case in [*SAFE, *UNSAFE]]
    visitors = []

    class Counted(RemoveImportsVisitor):
        def __init__(self, context: CodemodContext) -> None:
            visitors.append(self)
            super().__init__(context)

    monkeypatch.setattr(cst_imports, "RemoveImportsVisitor", Counted)
    short = [fix(before, unsafe) for before, _, unsafe in cases]
    removed = sum(_import_lines(fixed) < _import_lines(before)
                  for (before, _, _), fixed in zip(cases, short))
    assert len(visitors) < removed / 4, (len(visitors), removed)
    monkeypatch.setattr(cst_imports, "_unused", lambda module, queued: None)
    assert [fix(before, unsafe) for before, _, unsafe in cases] == short


def _import_lines(source: str) -> int:
    return sum(line.startswith(("import ", "from ")) for line in source.splitlines())


def test_a_try_whose_handler_repeats_the_fixed_body_collapses() -> None:
    """``try: client(creds) except KeyError: client()``: the safe fix removes the standard
    variables; --unsafe-fixes also drops the ``try``, whose handler now repeats its body."""
    before = textwrap.dedent('''\
        import os
        import boto3


        def make():
            try:
                return boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
            except KeyError:  # no keys: the role
                return boto3.client("s3")
        ''')
    body = '''\
        import boto3


        def make():
        {}
        '''
    safe = textwrap.dedent(body).format(textwrap.indent(textwrap.dedent('''\
        try:
            return boto3.client("s3")
        except KeyError:  # no keys: the role
            return boto3.client("s3")
        '''), "    ").rstrip("\n"))
    assert fix(before) == safe
    assert fix(before, unsafe=True) == textwrap.dedent(body).format('    return boto3.client("s3")')
