"""CRD301 (frozen session credentials) and CRD302 (credential environment writes).

Detector tables: the must-not-fire cases first, then the findings, each compared as the
exact ``line:col: CODE message`` strings (0-based columns), which also proves masking.
The fake keys below are realistic-looking but not real.
"""
from __future__ import annotations

from lint_creds.options import Options
from lint_creds.testing import case, table_tests

MUST_NOT_FIRE = [
    case(
        """\
import boto3
session = boto3.Session()
s3 = session.client("s3")
creds = session.get_credentials()
print(creds.method)
""",
        [],
        id='session-itself-is-fine',
    ),
    case(
        """\
import boto3
creds = boto3.Session().get_credentials().get_frozen_credentials()
s3 = boto3.client("s3", endpoint_url="http://localhost:4566", aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)
""",
        [],
        id='frozen-credentials-with-custom-endpoint',
    ),
    case(
        """\
import boto3
import requests
from requests_aws4auth import AWS4Auth
creds = boto3.Session().get_credentials()
auth = AWS4Auth(creds.access_key, creds.secret_key, "eu-west-1", "es", session_token=creds.token)
""",
        [],
        id='frozen-credentials-to-a-non-sink',
    ),
    case(
        """\
import os
os.environ["AWS_REGION"] = region
os.environ["AWS_DEFAULT_REGION"] = os.environ.get("REGION", "us-east-1")
os.environ.update({"AWS_PROFILE": profile})
""",
        [],
        id='env-write-of-non-credential-variables',
    ),
    case(
        """\
import os
import pytest
@pytest.fixture
def aws_credentials(monkeypatch):
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_SECURITY_TOKEN"] = "testing"
    os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
""",
        [],
        id='env-write-of-placeholders-in-tests',
    ),
    case(
        """\
import os
import boto3
creds = boto3.client("sts").assume_role(RoleArn="arn", RoleSessionName="ci")["Credentials"]
os.environ["AWS_ACCESS_KEY_ID"] = creds["AccessKeyId"]
os.environ["AWS_SECRET_ACCESS_KEY"] = creds["SecretAccessKey"]
os.environ["AWS_SESSION_TOKEN"] = creds["SessionToken"]
""",
        [],
        id='env-write-of-assumed-role-credentials',
    ),
    case(
        """\
import os
import subprocess
env = dict(os.environ)
env["AWS_ACCESS_KEY_ID"] = key
subprocess.run(["aws", "s3", "ls"], env=env, check=True)
""",
        [],
        id='env-copy-for-a-child-process',
    ),
    case(
        """\
import os
del os.environ["AWS_ACCESS_KEY_ID"]
os.environ.pop("AWS_SECRET_ACCESS_KEY", None)
""",
        [],
        id='env-delete-and-pop',
    ),
]

FINDINGS = [
    case(
        """\
import boto3
session = boto3.Session()
creds = session.get_credentials().get_frozen_credentials()
s3 = boto3.client(
    "s3",
    aws_access_key_id=creds.access_key,
    aws_secret_access_key=creds.secret_key,
    aws_session_token=creds.token,
)
""",
        [
            '6:4: CRD301 frozen AWS access key id from get_credentials() is passed to boto3.client (from creds.access_key, line 6); pass the session instead so role credentials keep refreshing',
            '7:4: CRD301 frozen AWS secret access key from get_credentials() is passed to boto3.client (from creds.secret_key, line 7); pass the session instead so role credentials keep refreshing',
            '8:4: CRD301 frozen AWS session token from get_credentials() is passed to boto3.client (from creds.token, line 8); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-attributes-into-client',
    ),
    case(
        """\
import boto3
import botocore.session
creds = botocore.session.get_session().get_credentials()
s = boto3.Session(creds.access_key, creds.secret_key, creds.token)
""",
        [
            '4:18: CRD301 frozen AWS access key id from get_credentials() is passed to boto3.Session (from creds.access_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:36: CRD301 frozen AWS secret access key from get_credentials() is passed to boto3.Session (from creds.secret_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:54: CRD301 frozen AWS session token from get_credentials() is passed to boto3.Session (from creds.token, line 4); pass the session instead so role credentials keep refreshing',
        ],
        id='botocore-session-credentials-into-session',
    ),
    case(
        """\
import boto3
class Worker:
    def __init__(self):
        self.creds = boto3.Session().get_credentials()
    def client(self):
        return boto3.client("s3", aws_session_token=self.creds.token)
""",
        [
            '6:34: CRD301 frozen AWS session token from get_credentials() is passed to boto3.client (from self.creds.token, line 6); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-credentials-via-self',
    ),
    case(
        """\
import boto3
import s3fs
creds = boto3.Session().get_credentials()
fs = s3fs.S3FileSystem(key=creds.access_key, secret=creds.secret_key, token=creds.token)
""",
        [
            '4:23: CRD301 frozen AWS access key id from get_credentials() is passed to s3fs.S3FileSystem (from creds.access_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:45: CRD301 frozen AWS secret access key from get_credentials() is passed to s3fs.S3FileSystem (from creds.secret_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:70: CRD301 frozen AWS session token from get_credentials() is passed to s3fs.S3FileSystem (from creds.token, line 4); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-credentials-into-s3fs',
    ),
    case(
        """\
import boto3
creds = boto3.Session().get_credentials().get_frozen_credentials()
s3 = boto3.client("s3", endpoint_url="http://localhost:4566", aws_access_key_id=creds.access_key)
""",
        [
            '3:62: CRD301 frozen AWS access key id from get_credentials() is passed to boto3.client (from creds.access_key, line 3); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-check-custom-endpoints-option', options=Options(check_custom_endpoints=True),
    ),
    case(
        """\
import boto3
frozen = boto3.Session().get_credentials().get_frozen_credentials()
kwargs = {"aws_access_key_id": frozen.access_key, "aws_secret_access_key": frozen.secret_key}
s3 = boto3.client("s3", **kwargs)
""",
        [
            '4:24: CRD301 frozen AWS access key id from get_credentials() is passed to boto3.client (from frozen.access_key, line 3); pass the session instead so role credentials keep refreshing',
            '4:24: CRD301 frozen AWS secret access key from get_credentials() is passed to boto3.client (from frozen.secret_key, line 3); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-credentials-in-a-splatted-dict',
    ),
    case(
        """\
import boto3
import pandas as pd
creds = boto3.Session(profile_name="analytics").get_credentials()
df = pd.read_csv("s3://bucket/a.csv", storage_options={"key": creds.access_key, "secret": creds.secret_key, "token": creds.token})
""",
        [
            '4:55: CRD301 frozen AWS access key id from get_credentials() is passed to pd.read_csv (from creds.access_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:80: CRD301 frozen AWS secret access key from get_credentials() is passed to pd.read_csv (from creds.secret_key, line 4); pass the session instead so role credentials keep refreshing',
            '4:108: CRD301 frozen AWS session token from get_credentials() is passed to pd.read_csv (from creds.token, line 4); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-credentials-in-storage-options',
    ),
    case(
        """\
import aioboto3
async def main():
    session = aioboto3.Session()
    creds = await session.get_credentials()
    frozen = await creds.get_frozen_credentials()
    async with session.client("s3", aws_access_key_id=frozen.access_key, aws_secret_access_key=frozen.secret_key) as s3:
        await s3.list_buckets()
""",
        [
            '6:36: CRD301 frozen AWS access key id from get_credentials() is passed to session.client (from frozen.access_key, line 6); pass the session instead so role credentials keep refreshing',
            '6:73: CRD301 frozen AWS secret access key from get_credentials() is passed to session.client (from frozen.secret_key, line 6); pass the session instead so role credentials keep refreshing',
        ],
        id='frozen-credentials-async',
    ),
    case(
        """\
import os
os.environ["AWS_ACCESS_KEY_ID"] = config["aws"]["key_id"]
os.environ["AWS_SECRET_ACCESS_KEY"] = secret
""",
        [
            '2:0: CRD302 code writes AWS credential variable AWS_ACCESS_KEY_ID (from config["aws"]["key_id"]); the process then pins static keys and overrides the role chain',
            '3:0: CRD302 code writes AWS credential variable AWS_SECRET_ACCESS_KEY (from secret); the process then pins static keys and overrides the role chain',
        ],
        id='env-write-subscript',
    ),
    case(
        """\
import os
os.environ.update({"AWS_SESSION_TOKEN": token, "AWS_REGION": region})
os.environ.update(AWS_ACCESS_KEY_ID=key)
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", secret)
os.putenv("AWS_SECRET_ACCESS_KEY", secret)
""",
        [
            '2:19: CRD302 code writes AWS credential variable AWS_SESSION_TOKEN (from token); the process then pins static keys and overrides the role chain',
            '3:18: CRD302 code writes AWS credential variable AWS_ACCESS_KEY_ID (from key); the process then pins static keys and overrides the role chain',
            '4:0: CRD302 code writes AWS credential variable AWS_SECRET_ACCESS_KEY (from secret); the process then pins static keys and overrides the role chain',
            '5:0: CRD302 code writes AWS credential variable AWS_SECRET_ACCESS_KEY (from secret); the process then pins static keys and overrides the role chain',
        ],
        id='env-write-update-setdefault-putenv',
    ),
    case(
        """\
import os as operating_system
from os import environ
environ["AWS_ACCESS_KEY_ID"] = settings.S3_KEY
operating_system.environ["AWS_SECURITY_TOKEN"] = get_token()
""",
        [
            '3:0: CRD302 code writes AWS credential variable AWS_ACCESS_KEY_ID (from settings.S3_KEY); the process then pins static keys and overrides the role chain',
            '4:0: CRD302 code writes AWS credential variable AWS_SECURITY_TOKEN (from get_token()); the process then pins static keys and overrides the role chain',
        ],
        id='env-write-through-aliases',
    ),
    case(
        """\
import os
def configure(key, secret):
    os.environ["AWS_ACCESS_KEY_ID"] = key
    os.environ["AWS_SECRET_ACCESS_KEY"] = secret
""",
        [
            '3:4: CRD302 code writes AWS credential variable AWS_ACCESS_KEY_ID (from key); the process then pins static keys and overrides the role chain',
            '4:4: CRD302 code writes AWS credential variable AWS_SECRET_ACCESS_KEY (from secret); the process then pins static keys and overrides the role chain',
        ],
        id='env-write-in-a-function-from-a-parameter',
    ),
    case(
        """\
import os
os.environ["AWS_ACCESS_KEY_ID"] = "AKIAZ3MSJV4WWNKWW5FG"
KEY = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
os.environ["AWS_SECRET_ACCESS_KEY"] = KEY
""",
        [
            "2:34: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to AWS_ACCESS_KEY_ID",
            "3:6: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to AWS_SECRET_ACCESS_KEY",
        ],
        id='env-write-of-a-literal-is-crd102',
    ),
    case(
        """\
import os
import boto3
creds = boto3.Session().get_credentials().get_frozen_credentials()
os.environ["AWS_ACCESS_KEY_ID"] = creds.access_key
os.environ["AWS_SESSION_TOKEN"] = creds.token
""",
        [
            '4:0: CRD302 code writes AWS credential variable AWS_ACCESS_KEY_ID (from creds.access_key); the process then pins static keys and overrides the role chain',
            '5:0: CRD302 code writes AWS credential variable AWS_SESSION_TOKEN (from creds.token); the process then pins static keys and overrides the role chain',
        ],
        id='env-write-of-frozen-credentials',
    ),
]

test_crd3_table, test_table_discipline, test_one_finding_per_credential_argument = table_tests(
    MUST_NOT_FIRE, FINDINGS)
