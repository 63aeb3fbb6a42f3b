"""CRD101 (hard-coded credential argument) and CRD102 (hard-coded credential literal).

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
s3 = boto3.client("s3", region_name="eu-west-1")
""",
        [],
        id='no-credentials',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="", aws_secret_access_key=None)
""",
        [],
        id='empty-and-none',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="<your key>", aws_secret_access_key="XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
""",
        [],
        id='angle-placeholder-and-xxxx',
    ),
    case(
        """\
import boto3
a = boto3.client("s3", aws_access_key_id="changeme", aws_secret_access_key="test", aws_session_token="testing")
b = boto3.resource("s3", aws_access_key_id="fake", aws_secret_access_key="fake")
""",
        [],
        id='changeme-test-testing-fake',
    ),
    case(
        """\
import boto3
s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
)
""",
        [],
        id='aws-documented-example-pair',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="AKIAXXXXXXXXXXXXXXXX", aws_secret_access_key="YOUR_SECRET_ACCESS_KEY")
""",
        [],
        id='masked-key-id-and-your-secret',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="ak", aws_secret_access_key="sk")
""",
        [],
        id='short-dummies-are-not-credentials',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", endpoint_url="http://localhost:9000", aws_access_key_id="minioadmin", aws_secret_access_key="minio123")
""",
        [],
        id='minio-defaults-against-localhost',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", endpoint_url="https://nyc3.digitaloceanspaces.com", aws_access_key_id="DO00QWERTYUIOPASDFGH", aws_secret_access_key="q1w2e3r4t5y6u7i8o9p0AaSsDdFfGgHhJjKkLlZzXx1")
""",
        [],
        id='custom-endpoint-ignores-non-aws-shaped-literal',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
""",
        [],
        id='allow-values-option', options=Options(allow_values=("AKIAZ3MSJV4WWNKWW5FG",)),
    ),
    case(
        """\
COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b"
REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"
BLOB = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
payload = {"data": "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"}
""",
        [],
        id='git-sha-uuid-and-blob-not-bound',
    ),
    case(
        """\
SECRET_KEY = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
""",
        [],
        id='django-secret-key',
    ),
    case(
        """\
from authlib.integrations.flask_client import OAuth
oauth = OAuth()
oauth.register("github", client_id="Iv1.8a61f9b3a7aba766", client_secret="hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo")
client_secret = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
""",
        [],
        id='oauth-client-secret',
    ),
    case(
        """\
secret_key = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
api_token = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
""",
        [],
        id='secret-without-aws-context',
    ),
    case(
        """\
AWS_SECRET_ACCESS_KEY = "3f786850e387550fdab836ed7e6dc881de23001b"
""",
        [],
        id='hex-digest-bound-to-aws-name-is-not-a-secret',
    ),
    case(
        """\
import boto3
def make(key="", secret=None):
    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [],
        id='placeholder-default-argument',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="AKIA1234567890ABCDEF", aws_secret_access_key="abcdefghijklmnopqrstuvwxyz0123456789ABCD")
""",
        [],
        id='keyboard-run-dummies',
    ),
]

FINDINGS = [
    case(
        """\
import boto3
s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG",
    aws_secret_access_key="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",
)
""",
        [
            "4:4: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
            "5:4: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='literal-keywords',
    ),
    case(
        """\
import boto3
s = boto3.Session(aws_session_token="FwoGZXIvYXdzEJr//////////wEaDPtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po/7")
""",
        [
            "2:18: CRD101 hard-coded AWS session token 'FwoG…po/7' passed to boto3.Session; remove it and use the default credential chain",
        ],
        id='session-token-literal',
    ),
    case(
        """\
import boto3 as b3
s3 = b3.resource("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
""",
        [
            "2:23: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.resource; remove it and use the default credential chain",
        ],
        id='alias-import-boto3-as-b3',
    ),
    case(
        """\
from boto3 import client as mk
s3 = mk("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
""",
        [
            "2:14: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='from-boto3-import-client-as-mk',
    ),
    case(
        """\
from boto3.session import Session
s = Session("AKIAZ3MSJV4WWNKWW5FG", "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo")
""",
        [
            "2:12: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.session.Session; remove it and use the default credential chain",
            "2:36: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.session.Session; remove it and use the default credential chain",
        ],
        id='from-boto3-session-import-session-positional',
    ),
    case(
        """\
import botocore.session
session = botocore.session.get_session()
session.set_credentials("AKIAZ3MSJV4WWNKWW5FG", "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo")
""",
        [
            "3:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to session.set_credentials; remove it and use the default credential chain",
            "3:48: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to session.set_credentials; remove it and use the default credential chain",
        ],
        id='set-credentials-positional',
    ),
    case(
        """\
import boto3
AWS_KEY = "AKIAZ3MSJV4WWNKWW5FG"
AWS_SECRET = "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"
s3 = boto3.client("s3", aws_access_key_id=AWS_KEY, aws_secret_access_key=AWS_SECRET)
""",
        [
            "2:10: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to AWS_KEY",
            "3:13: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to AWS_SECRET",
            "4:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client (through AWS_KEY, line 2); remove it and use the default credential chain",
            "4:51: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client (through AWS_SECRET, line 3); remove it and use the default credential chain",
        ],
        id='module-constants',
    ),
    case(
        """\
import boto3
K = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
s3 = boto3.client("s3", aws_secret_access_key=K)
""",
        [
            "3:24: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client (through K, line 2); remove it and use the default credential chain",
        ],
        id='unnamed-constant-secret-only-reported-at-the-sink',
    ),
    case(
        """\
import boto3
class Settings:
    ACCESS_KEY = "AKIAZ3MSJV4WWNKWW5FG"
s3 = boto3.client("s3", aws_access_key_id=Settings.ACCESS_KEY)
""",
        [
            "3:17: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to ACCESS_KEY",
            "4:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client (through Settings.ACCESS_KEY, line 3); remove it and use the default credential chain",
        ],
        id='class-attribute',
    ),
    case(
        """\
import boto3
class Uploader:
    def __init__(self):
        self.secret = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
    def client(self):
        return boto3.client("s3", aws_secret_access_key=self.secret)
""",
        [
            "6:34: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client (through self.secret, line 4); remove it and use the default credential chain",
        ],
        id='self-attribute',
    ),
    case(
        """\
import boto3
CREDS = {"aws_access_key_id": "AKIAZ3MSJV4WWNKWW5FG"}
s3 = boto3.client("s3", **CREDS)
""",
        [
            "2:30: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to aws_access_key_id",
            "3:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='dict-splat',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", **{"aws_access_key_id": "AKIAZ3MSJV4WWNKWW5FG"})
""",
        [
            "2:27: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='inline-dict-splat',
    ),
    case(
        """\
import boto3
kwargs = {"region_name": "us-east-1"}
kwargs["aws_secret_access_key"] = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
s3 = boto3.client("s3", **kwargs)
""",
        [
            "3:34: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to aws_secret_access_key",
            "4:24: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='item-assigned-kwargs',
    ),
    case(
        """\
import boto3
def make(key="AKIAZ3MSJV4WWNKWW5FG", secret="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"):
    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            "2:13: CRD102 hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
            "3:30: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client (through key, line 2); remove it and use the default credential chain",
            "3:53: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client (through secret, line 2); remove it and use the default credential chain",
        ],
        id='default-arguments',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="AKIAZ3MSJV4W" + "WNKWW5FG", aws_secret_access_key=f"hP8Mr5dLx0t1vXcS3JgQ{'kZ6bW9aN2fYe7uTqRpLo'}")
""",
        [
            "2:24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
            "2:71: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='concatenation-and-fstring',
    ),
    case(
        """\
import aioboto3
async def main():
    session = aioboto3.Session(aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
    async with session.client("s3") as s3:
        await s3.list_buckets()
""",
        [
            "3:31: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to aioboto3.Session; remove it and use the default credential chain",
        ],
        id='async-aioboto3',
    ),
    case(
        """\
import boto3
def client(kind):
    match kind:
        case "prod":
            return boto3.client("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
        case _:
            return boto3.client("s3")
""",
        [
            "5:38: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='match-statement',
        min_python=(3, 10),
    ),
    case(
        """\
import boto3
make = lambda: boto3.client("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
""",
        [
            "2:34: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='lambda',
    ),
    case(
        """\
import boto3
clients = [boto3.client(name, aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG") for name in ("s3", "sqs")]
""",
        [
            "2:30: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='comprehension',
    ),
    case(
        """\
import s3fs
fs = s3fs.S3FileSystem(key="AKIAZ3MSJV4WWNKWW5FG", secret="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")
""",
        [
            "2:23: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to s3fs.S3FileSystem; remove it and use the default credential chain",
            "2:51: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to s3fs.S3FileSystem; remove it and use the default credential chain",
        ],
        id='s3fs-keywords',
    ),
    case(
        """\
import pandas as pd
df = pd.read_csv("s3://bucket/data.csv", storage_options={"key": "AKIAZ3MSJV4WWNKWW5FG", "secret": "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"})
""",
        [
            "2:58: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to pd.read_csv; remove it and use the default credential chain",
            "2:89: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to pd.read_csv; remove it and use the default credential chain",
        ],
        id='pandas-storage-options',
    ),
    case(
        """\
import boto
conn = boto.connect_s3("AKIAZ3MSJV4WWNKWW5FG", "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo")
""",
        [
            "2:23: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto.connect_s3; remove it and use the default credential chain",
            "2:47: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto.connect_s3; remove it and use the default credential chain",
        ],
        id='legacy-boto-connect',
    ),
    case(
        """\
from pyathena import connect
conn = connect(s3_staging_dir="s3://results/", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG")
""",
        [
            "2:47: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to connect; remove it and use the default credential chain",
        ],
        id='any-call-with-aws-keywords',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id="DO00QWERTYUIOPASDFGH")
""",
        [
            "2:24: CRD101 hard-coded AWS access key id 'DO00…DFGH' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='other-provider-shaped-key-without-endpoint',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", endpoint_url="http://localhost:4566", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG", aws_secret_access_key="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")
""",
        [
            "2:62: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; remove it and use the default credential chain",
            "2:104: CRD101 hard-coded AWS secret access key 'hP8M…RpLo' passed to boto3.client; remove it and use the default credential chain",
        ],
        id='custom-endpoint-still-reports-aws-shaped-literals',
    ),
    case(
        """\
URL = "https://bucket.s3.amazonaws.com/k?AWSAccessKeyId=AKIAZ3MSJV4WWNKWW5FG&Signature=abc"
print("using ASIAZ3MSJV4WWNKWW5FG")
""",
        [
            "1:6: CRD102 hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
            "2:6: CRD102 hard-coded AWS access key id 'ASIA…W5FG' in a string literal",
        ],
        id='crd102-key-id-in-any-string',
    ),
    case(
        """\
aws_access_key_id = "AKIAZ3MSJV4WWNKWW5FG"
aws_secret = "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"
CONFIG = {"aws_secret_access_key": "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"}
class Keys:
    AWS_SECRET_ACCESS_KEY = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
def connect(aws_secret_access_key="hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"):
    pass
""",
        [
            "1:20: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to aws_access_key_id",
            "2:13: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to aws_secret",
            "3:35: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to aws_secret_access_key",
            "5:28: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to AWS_SECRET_ACCESS_KEY",
            "6:34: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to aws_secret_access_key",
        ],
        id='crd102-bound-to-credential-names',
    ),
    case(
        """\
aws_session_token = "FwoGZXIvYXdzEJr//////////wEaDPtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po/7"
""",
        [
            "1:20: CRD102 hard-coded AWS session token 'FwoG…po/7' bound to aws_session_token",
        ],
        id='crd102-session-token-bound',
    ),
    case(
        """\
import os
os.environ["AWS_ACCESS_KEY_ID"] = "AKIAZ3MSJV4WWNKWW5FG"
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "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")
""",
        [
            "2:34: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to AWS_ACCESS_KEY_ID",
            "3:47: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to AWS_SECRET_ACCESS_KEY",
        ],
        id='crd102-env-var-literal-write',
    ),
    case(
        """\
KEY = b"AKIAZ3MSJV4WWNKWW5FG"
""",
        [
            "1:6: CRD102 hard-coded AWS access key id 'AKIA…W5FG' in a string literal",
        ],
        id='crd102-bytes-literal',
    ),
    case(
        """\
class Client:
    def __init__(self):
        self.aws_secret_key = "hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo"
""",
        [
            "3:30: CRD102 hard-coded AWS secret access key 'hP8M…RpLo' bound to aws_secret_key",
        ],
        id='crd102-self-attribute-name',
    ),
]

test_crd1_table, test_table_discipline, test_one_finding_per_credential_argument = table_tests(
    MUST_NOT_FIRE, FINDINGS)
