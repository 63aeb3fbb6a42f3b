"""Derived values and parameters read like configuration (CRD101, CRD201, CRD202).

The origin of a credential survives ``.split()`` unpacking, tuple elements, filtered copies
of ``os.environ`` and templates that are one replacement field; a lookup by a credential
name on a parameter is a settings read when the parameter is annotated with a configuration
type or read like configuration (a nested section, ``cfg.get("aws", "aws_access_key_id")``).
Detector tables: the must-not-fire cases first, each finding as the exact
``line:col: CODE message`` string (0-based columns).  The fake keys are not real.
"""
from __future__ import annotations

from lint_creds.engine import check_source
from lint_creds.findings import Applicability
from lint_creds.testing import case, table_tests


MUST_NOT_FIRE = [
    case(
        """\
import boto3
def make(key, secret: str, token=None):
    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
""",
        [],
        id='bare-parameters-passed-on',
    ),
    case(
        """\
import boto3
def from_response(creds, response):
    boto3.client("s3", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    boto3.client("s3", aws_access_key_id=response["Credentials"]["AccessKeyId"], aws_secret_access_key=response["Credentials"]["SecretAccessKey"])
    boto3.client("s3", aws_access_key_id=creds.get("AccessKeyId"), aws_secret_access_key=response.get("Credentials", {}).get("SecretAccessKey"))
""",
        [],
        id='sts-response-parameter',
    ),
    case(
        """\
from typing import Optional
import boto3
from botocore.credentials import Credentials, ReadOnlyCredentials
def bare(creds):
    return boto3.client("s3", aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key, aws_session_token=creds.token)
def typed(creds: Credentials, frozen: "ReadOnlyCredentials", maybe: Optional[Credentials]):
    boto3.client("s3", aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)
    boto3.client("s3", aws_access_key_id=frozen.access_key, aws_secret_access_key=maybe.secret_key)
""",
        [],
        id='botocore-credentials-parameter',
    ),
    case(
        """\
import boto3
def handler(creds, options, **kwargs: str):
    boto3.client("s3", aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key=creds.get("aws_secret_access_key"))
    boto3.client("s3", aws_access_key_id=options.get("aws_access_key_id", None), aws_secret_access_key=kwargs["aws_secret_access_key"])
""",
        [],
        id='unannotated-single-level-lookup',
    ),
    case(
        """\
from typing import Any, Optional
import boto3
def make(creds: Any, other: "Optional[Any]"):
    return boto3.client("s3", aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key=other.aws_secret_access_key)
""",
        [],
        id='vague-annotation-single-level-lookup',
    ),
    case(
        """\
import boto3
def make(pair, key, secret):
    first, second = pair.split(":")
    boto3.client("s3", aws_access_key_id=first, aws_secret_access_key=second)
    creds = (key, secret)
    boto3.client("s3", aws_access_key_id=creds[0], aws_secret_access_key=creds[1])
""",
        [],
        id='split-and-tuples-of-parameters',
    ),
    case(
        """\
import boto3
secret, note = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo:changeme".split(":")
boto3.client("s3", aws_access_key_id="", aws_secret_access_key=note)
""",
        [],
        id='split-literal-placeholder-piece',
    ),
    case(
        """\
import os
import boto3
token = os.environ["S3_TOKEN"]
boto3.client("s3", aws_session_token="Bearer %s" % token)
boto3.client("s3", aws_session_token="Bearer {}".format(token))
""",
        [],
        id='templates-with-other-text',
    ),
]

FINDINGS = [
    case(
        """\
import os
import boto3
key, secret = os.environ["S3_CREDS"].split(":")
s3 = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            '4:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_CREDS"], line 3); boto3 reads the environment itself, remove it',
            '4:47: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_CREDS"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='split-unpacking-env',
    ),
    case(
        """\
import boto3
from django.conf import settings
key, secret = settings.AWS_KEY_PAIR.rsplit(":", 1)
s3 = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            '4:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from settings.AWS_KEY_PAIR, line 3); let the default credential chain find it',
            '4:47: CRD202 AWS secret access key from application configuration is passed to boto3.client (from settings.AWS_KEY_PAIR, line 3); let the default credential chain find it',
        ],
        id='rsplit-unpacking-settings',
    ),
    case(
        """\
import boto3
key, secret = "AKIAZ3MSJV4WWNKWW5FG:hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo".split(":")
s3 = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            "2:14: CRD102 hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
            "3:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client (through key, line 2); remove it and use the default credential chain",
            "3:47: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client (through secret, line 2); remove it and use the default credential chain",
        ],
        id='split-literal-pieces',
    ),
    case(
        """\
import os
import boto3
creds = (os.environ["S3_KEY"], os.environ["S3_SECRET"])
boto3.client("s3", aws_access_key_id=creds[0], aws_secret_access_key=creds[-1])
key, secret = creds
boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            '4:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '4:47: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_SECRET"], line 3); boto3 reads the environment itself, remove it',
            '6:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '6:42: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_SECRET"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='tuple-subscripts-and-unpacking',
    ),
    case(
        """\
import os
import boto3
parts = os.environ["S3_CREDS"].split(":")
boto3.client("s3", aws_access_key_id=parts[0], aws_secret_access_key=parts[1])
""",
        [
            '4:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_CREDS"], line 3); boto3 reads the environment itself, remove it',
            '4:47: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_CREDS"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='split-subscripts',
    ),
    case(
        """\
import os
import boto3
first, *middle, last = [os.environ["S3_KEY"], "us-east-1", "eu-west-1", os.environ["S3_SECRET"]]
boto3.client("s3", aws_access_key_id=first, aws_secret_access_key=last)
""",
        [
            '4:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '4:44: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_SECRET"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='starred-unpacking-counts-from-the-end',
    ),
    case(
        """\
import os
import boto3
env = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
boto3.client("s3", aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"))
copied = dict(os.environ)
boto3.client("s3", aws_access_key_id=copied["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from env["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:63: CRD201 AWS secret access key read from the environment is passed to boto3.client (from env.get("AWS_SECRET_ACCESS_KEY"), line 4); boto3 reads the environment itself, remove it',
            '6:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from copied["AWS_ACCESS_KEY_ID"], line 6); boto3 reads the environment itself, remove it',
        ],
        id='environ-dict-comprehension-and-copy',
    ),
    case(
        """\
import os
import boto3
key = os.environ["S3_KEY"]
boto3.client("s3", aws_access_key_id=str(key), aws_secret_access_key=key.strip(), aws_session_token=f"{key}")
boto3.client("s3", aws_access_key_id="%s" % key, aws_secret_access_key="%s" % (key,), aws_session_token="{}".format(key))
boto3.client("s3", aws_access_key_id="{0}".format(key), aws_secret_access_key="{k}".format(k=key))
""",
        [
            '4:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '4:47: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '4:82: CRD201 AWS session token read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '5:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '5:49: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '5:86: CRD201 AWS session token read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '6:19: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '6:56: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='single-field-wrappers',
    ),
    case(
        """\
import os
import boto3
token = os.environ["S3_TOKEN"]
boto3.client("s3", aws_session_token=f"Bearer {token}")
""",
        [
            '4:19: CRD201 AWS session token read from the environment is passed to boto3.client (from os.environ["S3_TOKEN"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='fstring-with-other-text-as-today',
    ),
    case(
        """\
from typing import Dict, Mapping, Optional
import boto3
from app.config import AppConfig, Settings
def make(settings: Settings, options: dict, env: Dict[str, str], config: "AppConfig", maybe: Optional[Mapping[str, str]]):
    boto3.client("s3", aws_access_key_id=settings.aws_access_key_id, aws_secret_access_key=options["aws_secret_access_key"])
    boto3.client("s3", aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=config.secret_key, aws_session_token=maybe["aws_session_token"])
""",
        [
            '5:23: CRD202 AWS access key id from application configuration is passed to boto3.client (from settings.aws_access_key_id, line 5); let the default credential chain find it',
            '5:69: CRD202 AWS secret access key from application configuration is passed to boto3.client (from options["aws_secret_access_key"], line 5); let the default credential chain find it',
            '6:23: CRD202 AWS access key id from application configuration is passed to boto3.client (from env["AWS_ACCESS_KEY_ID"], line 6); let the default credential chain find it',
            '6:67: CRD202 AWS secret access key from application configuration is passed to boto3.client (from config.secret_key, line 6); let the default credential chain find it',
            '6:108: CRD202 AWS session token from application configuration is passed to boto3.client (from maybe["aws_session_token"], line 6); let the default credential chain find it',
        ],
        id='annotated-configuration-parameters',
    ),
    case(
        """\
import boto3
from configparser import ConfigParser
class Uploader:
    def __init__(self, cfg: ConfigParser):
        self.cfg = cfg
    def client(self):
        return boto3.client("s3", aws_access_key_id=self.cfg["aws_access_key_id"])
""",
        [
            '7:34: CRD202 AWS access key id from application configuration is passed to boto3.client (from self.cfg["aws_access_key_id"], line 7); let the default credential chain find it',
        ],
        id='annotated-parameter-kept-on-self',
    ),
    case(
        """\
import boto3
def make(cfg, parser, section):
    boto3.client("s3", aws_access_key_id=cfg["aws"]["aws_access_key_id"], aws_secret_access_key=cfg.get("aws").get("aws_secret_access_key"))
    boto3.client("s3", aws_access_key_id=parser.get(section, "aws_access_key_id"), aws_secret_access_key=parser.getstr("aws_secret_access_key"))
    boto3.client("s3", aws_access_key_id=parser.get_value("aws_access_key_id"))
""",
        [
            '3:23: CRD202 AWS access key id from application configuration is passed to boto3.client (from cfg["aws"]["aws_access_key_id"], line 3); let the default credential chain find it',
            '3:74: CRD202 AWS secret access key from application configuration is passed to boto3.client (from cfg.get("aws").get("aws_secret_access_key"), line 3); let the default credential chain find it',
            '4:23: CRD202 AWS access key id from application configuration is passed to boto3.client (from parser.get(section, "aws_access_key_id"), line 4); let the default credential chain find it',
            '4:83: CRD202 AWS secret access key from application configuration is passed to boto3.client (from parser.getstr("aws_secret_access_key"), line 4); let the default credential chain find it',
            '5:23: CRD202 AWS access key id from application configuration is passed to boto3.client (from parser.get_value("aws_access_key_id"), line 5); let the default credential chain find it',
        ],
        id='unannotated-configuration-shaped-lookups',
    ),
]

test_derived_table, test_table_discipline, test_one_finding_per_credential_argument = (
    table_tests(MUST_NOT_FIRE, FINDINGS))


def test_split_pieces_are_never_safe_fixes() -> None:
    """A piece of ``AWS_ACCESS_KEY_ID`` is not the variable: removing it changes the key."""
    source = """\
import os
import boto3
key, secret = os.environ["AWS_ACCESS_KEY_ID"].split(":")
parts = os.environ["AWS_SECRET_ACCESS_KEY"].split(":")
s3 = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=parts[0])
"""
    findings = check_source(source, "example.py")
    assert [(f.code, f.applicability) for f in findings] == [
        ("CRD201", Applicability.UNSAFE), ("CRD201", Applicability.UNSAFE)]
