"""CRD201 (environment), CRD202 (configuration) and CRD203 (credential settings).

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
import os
import boto3
from botocore.config import Config
session = boto3.Session(profile_name="dev", region_name=os.environ["AWS_REGION"])
s3 = session.client("s3", region_name=os.getenv("AWS_DEFAULT_REGION"), config=Config(retries={"max_attempts": 3}))
bucket = os.environ["S3_BUCKET"]
""",
        [],
        id='profile-region-config',
    ),
    case(
        """\
import boto3
sts = boto3.client("sts")
response = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/deploy", RoleSessionName="ci")
creds = response["Credentials"]
s3 = boto3.client(
    "s3",
    aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"],
    aws_session_token=creds["SessionToken"],
)
""",
        [],
        id='sts-assume-role-response',
    ),
    case(
        """\
import boto3
creds = boto3.client("sts").assume_role(RoleArn="arn", RoleSessionName="x")["Credentials"]
session = boto3.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
""",
        [],
        id='sts-chained-positional',
    ),
    case(
        """\
import boto3
def get_client(service, access_key, secret_key, token=None):
    return boto3.client(service, aws_access_key_id=access_key, aws_secret_access_key=secret_key, aws_session_token=token)
""",
        [],
        id='wrapper-function-parameters',
    ),
    case(
        """\
import boto3
class S3Store:
    def __init__(self, key, secret):
        self.key = key
        self.secret = secret
        self.client = boto3.client("s3", aws_access_key_id=self.key, aws_secret_access_key=self.secret)
""",
        [],
        id='wrapper-class-stores-parameters',
    ),
    case(
        """\
import boto3
def handler(event, context):
    return boto3.client("s3", aws_access_key_id=event["aws_access_key_id"], aws_secret_access_key=event["aws_secret_access_key"])
""",
        [],
        id='mapping-parameter-is-plumbing',
    ),
    case(
        """\
import boto3
def make_client(**kwargs):
    return boto3.client("s3", **kwargs)
""",
        [],
        id='kwargs-parameter-splat',
    ),
    case(
        """\
import os
import boto3
s3 = boto3.client("s3", endpoint_url="http://localhost:9000", aws_access_key_id=os.environ["MINIO_ACCESS_KEY"], aws_secret_access_key=os.environ["MINIO_SECRET_KEY"])
""",
        [],
        id='custom-endpoint-minio-env',
    ),
    case(
        """\
import os
import boto3
s3 = boto3.resource("s3", endpoint_url=os.environ["S3_ENDPOINT"], aws_access_key_id=os.environ["S3_KEY"], aws_secret_access_key=os.environ["S3_SECRET"])
""",
        [],
        id='custom-endpoint-from-env-var',
    ),
    case(
        """\
import os
import boto3
cfg = {"endpoint_url": "http://localstack:4566", "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]}
s3 = boto3.client("s3", **cfg)
""",
        [],
        id='custom-endpoint-in-splatted-dict',
    ),
    case(
        """\
import os
import s3fs
fs = s3fs.S3FileSystem(key=os.environ["MINIO_KEY"], secret=os.environ["MINIO_SECRET"], client_kwargs={"endpoint_url": "http://minio:9000"})
""",
        [],
        id='custom-endpoint-s3fs-client-kwargs',
    ),
    case(
        """\
from django.conf import settings
import boto3
s3 = boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, aws_access_key_id=settings.AWS_ACCESS_KEY_ID)
""",
        [],
        id='custom-endpoint-settings',
    ),
    case(
        """\
import os
AWS_ACCESS_KEY_ID = os.environ["MINIO_ACCESS_KEY"]
AWS_SECRET_ACCESS_KEY = os.environ["MINIO_SECRET_KEY"]
AWS_S3_ENDPOINT_URL = os.environ.get("MINIO_URL", "http://minio:9000")
""",
        [],
        id='settings-module-with-custom-endpoint', filename='settings.py',
    ),
    case(
        """\
import os
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
""",
        [],
        id='credential-names-outside-settings-modules',
    ),
    case(
        """\
AWS_ACCESS_KEY_ID = ""
AWS_SECRET_ACCESS_KEY = None
AWS_SESSION_TOKEN = "local"
AWS_STORAGE_BUCKET_NAME = "media"
""",
        [],
        id='settings-module-placeholders', filename='settings.py',
    ),
    case(
        """\
import os
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
AWS_S3_REGION_NAME = os.environ["AWS_REGION"]
AWS_STORAGE_BUCKET_NAME = os.environ["BUCKET"]
""",
        [],
        id='settings-module-non-credential-settings', filename='settings.py',
    ),
    case(
        """\
import os
from flask import Flask
app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config.update(AWS_REGION=os.environ["AWS_REGION"], S3_BUCKET="uploads")
""",
        [],
        id='flask-non-credential-config',
    ),
    case(
        """\
import os
class Credentials:
    access_key = os.environ["ACCESS_KEY"]
    secret_key = os.environ["SECRET_KEY"]
""",
        [],
        id='storage-lookalike-class-without-storage-base',
    ),
    case(
        """\
import os
import logging
key = os.environ.get("AWS_ACCESS_KEY_ID")
logging.info("key configured: %s", bool(key))
if not os.getenv("AWS_SECRET_ACCESS_KEY"):
    raise SystemExit("missing credentials")
""",
        [],
        id='env-reads-not-passed-to-sinks',
    ),
    case(
        """\
import os
import boto3
session = boto3.Session(aws_access_key_id=os.environ["MINIO_KEY"], aws_secret_access_key=os.environ["MINIO_SECRET"])
s3 = session.resource("s3", endpoint_url="http://minio:9000")
""",
        [],
        id='custom-endpoint-on-the-session-client',
    ),
    case(
        """\
import os
STORAGES = {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"endpoint_url": "http://minio:9000", "access_key": os.environ["MINIO_KEY"], "secret_key": os.environ["MINIO_SECRET"]}}}
""",
        [],
        id='storages-options-with-custom-endpoint', filename='settings.py',
    ),
    case(
        """\
import boto3
session = boto3.Session(profile_name="reports")
s3 = session.client("s3", endpoint_url="http://minio:9000")
""",
        [],
        id='session-client-without-endpoint-is-still-reported-elsewhere',
    ),
    case(
        """\
import os
import fsspec
gcs = fsspec.filesystem("gcs", token=os.environ["GOOGLE_APPLICATION_CREDENTIALS"])
abfs = fsspec.filesystem("abfs", account_name="acct", account_key=os.environ["AZURE_KEY"])
""",
        [],
        id='fsspec-other-protocols',
    ),
    case(
        """\
import os
from pyarrow import fs
minio = fs.S3FileSystem(access_key=os.environ["MINIO_KEY"], secret_key=os.environ["MINIO_SECRET"], endpoint_override="localhost:9000", scheme="http")
""",
        [],
        id='pyarrow-custom-endpoint-override',
    ),
]

FINDINGS = [
    case(
        """\
import os
import boto3
s3 = boto3.client(
    "s3",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
""",
        [
            '5:4: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
            '6:4: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 6); boto3 reads the environment itself, remove it',
        ],
        id='environ-subscript',
    ),
    case(
        """\
import os
import boto3
s = boto3.Session(aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"), aws_secret_access_key=os.getenv("AWS_SECRET_ACCESS_KEY"), aws_session_token=os.environ.pop("AWS_SESSION_TOKEN", None))
""",
        [
            '3:18: CRD201 AWS access key id read from the environment is passed to boto3.Session (from os.environ.get("AWS_ACCESS_KEY_ID"), line 3); boto3 reads the environment itself, remove it',
            '3:73: CRD201 AWS secret access key read from the environment is passed to boto3.Session (from os.getenv("AWS_SECRET_ACCESS_KEY"), line 3); boto3 reads the environment itself, remove it',
            '3:131: CRD201 AWS session token read from the environment is passed to boto3.Session (from os.environ.pop("AWS_SESSION_TOKEN", None), line 3); boto3 reads the environment itself, remove it',
        ],
        id='environ-get-getenv-pop',
    ),
    case(
        """\
from os import environ, getenv
from boto3 import client as mk
s3 = mk("s3", aws_access_key_id=environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=getenv("AWS_SECRET_ACCESS_KEY"))
""",
        [
            '3:14: CRD201 AWS access key id read from the environment is passed to boto3.client (from environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the environment itself, remove it',
            '3:62: CRD201 AWS secret access key read from the environment is passed to boto3.client (from getenv("AWS_SECRET_ACCESS_KEY"), line 3); boto3 reads the environment itself, remove it',
        ],
        id='from-os-import-environ-getenv',
    ),
    case(
        """\
import os
import boto3 as b3
s3 = b3.resource("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '3:23: CRD201 AWS access key id read from the environment is passed to boto3.resource (from os.environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='alias-import-boto3-as-b3',
    ),
    case(
        """\
import os
from boto3.session import Session
key = os.environ["S3_KEY"]
secret = os.environ.get("S3_SECRET")
session = Session(key, secret)
""",
        [
            '5:18: CRD201 AWS access key id read from the environment is passed to boto3.session.Session (from os.environ["S3_KEY"], line 3); boto3 reads the environment itself, remove it',
            '5:23: CRD201 AWS secret access key read from the environment is passed to boto3.session.Session (from os.environ.get("S3_SECRET"), line 4); boto3 reads the environment itself, remove it',
        ],
        id='from-boto3-session-import-session-positional',
    ),
    case(
        """\
import os
import botocore.session
session = botocore.session.get_session()
session.set_credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
""",
        [
            '4:24: CRD201 AWS access key id read from the environment is passed to session.set_credentials (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:57: CRD201 AWS secret access key read from the environment is passed to session.set_credentials (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='set-credentials',
    ),
    case(
        """\
import os
import boto3
ACCESS = os.environ["S3_ACCESS"]
SECRET = os.environ["S3_SECRET"]
class Repository:
    def __init__(self):
        self.s3 = boto3.resource("s3", aws_access_key_id=ACCESS, aws_secret_access_key=SECRET)
""",
        [
            '7:39: CRD201 AWS access key id read from the environment is passed to boto3.resource (from os.environ["S3_ACCESS"], line 3); boto3 reads the environment itself, remove it',
            '7:65: CRD201 AWS secret access key read from the environment is passed to boto3.resource (from os.environ["S3_SECRET"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='module-constants',
    ),
    case(
        """\
import os
import boto3
class Config:
    KEY = os.environ["AWS_ACCESS_KEY_ID"]
    SECRET = os.getenv("AWS_SECRET_ACCESS_KEY")
s3 = boto3.client("s3", aws_access_key_id=Config.KEY, aws_secret_access_key=Config.SECRET)
""",
        [
            '6:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '6:54: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.getenv("AWS_SECRET_ACCESS_KEY"), line 5); boto3 reads the environment itself, remove it',
        ],
        id='class-attributes',
    ),
    case(
        """\
import os
import boto3
class Uploader:
    def __init__(self):
        self.key = os.environ["AWS_ACCESS_KEY_ID"]
    def client(self):
        return boto3.client("s3", aws_access_key_id=self.key)
""",
        [
            '7:34: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='self-attributes',
    ),
    case(
        """\
import os
import boto3
creds = {"aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"]}
s3 = boto3.client("s3", region_name="eu-west-1", **creds)
""",
        [
            '4:49: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the environment itself, remove it',
            '4:49: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='dict-splat',
    ),
    case(
        """\
import os
import boto3
kwargs = dict(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
s3 = boto3.resource("s3", **kwargs)
""",
        [
            '4:26: CRD201 AWS access key id read from the environment is passed to boto3.resource (from os.environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='dict-call-splat',
    ),
    case(
        """\
import os
import boto3
kwargs = {"region_name": "us-east-1"}
kwargs["aws_access_key_id"] = os.environ["AWS_ACCESS_KEY_ID"]
kwargs.update(aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
kwargs.setdefault("aws_session_token", os.environ.get("AWS_SESSION_TOKEN"))
s3 = boto3.client("s3", **kwargs)
""",
        [
            '7:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '7:24: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 5); boto3 reads the environment itself, remove it',
            '7:24: CRD201 AWS session token read from the environment is passed to boto3.client (from os.environ.get("AWS_SESSION_TOKEN"), line 6); boto3 reads the environment itself, remove it',
        ],
        id='item-assigned-and-updated-kwargs',
    ),
    case(
        """\
import os
import boto3
def make(key=os.environ.get("AWS_ACCESS_KEY_ID"), secret=None):
    return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
""",
        [
            '4:30: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ.get("AWS_ACCESS_KEY_ID"), line 3); boto3 reads the environment itself, remove it',
        ],
        id='default-arguments',
    ),
    case(
        """\
import os
import boto3
def make(key=None):
    key = key or os.environ["AWS_ACCESS_KEY_ID"]
    return boto3.client("s3", aws_access_key_id=key)
""",
        [
            '5:30: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='parameter-with-env-fallback',
    ),
    case(
        """\
import os
import boto3
key = os.environ.get("AWS_ACCESS_KEY_ID")
if not key:
    key = None
s3 = boto3.client("s3", aws_access_key_id=key)
""",
        [
            '6:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ.get("AWS_ACCESS_KEY_ID"), line 3); boto3 reads the environment itself, remove it',
        ],
        id='none-reset-on-one-path',
    ),
    case(
        """\
import os
import boto3
s3 = boto3.client("s3", aws_access_key_id=f"{os.environ['AWS_ACCESS_KEY_ID']}", aws_secret_access_key="" + os.environ["AWS_SECRET_ACCESS_KEY"].strip())
""",
        [
            "3:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ['AWS_ACCESS_KEY_ID'], line 3); boto3 reads the environment itself, remove it",
            '3:80: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='fstring-and-concatenation',
    ),
    case(
        """\
import os
import aioboto3
async def main():
    session = aioboto3.Session()
    async with session.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"]) as s3:
        await s3.list_buckets()
""",
        [
            '5:36: CRD201 AWS access key id read from the environment is passed to session.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='async-aioboto3-async-with',
    ),
    case(
        """\
import os
from aiobotocore.session import get_session
async def main():
    async with get_session().create_client("s3", aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]) as s3:
        pass
""",
        [
            '4:49: CRD201 AWS secret access key read from the environment is passed to get_session().create_client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='aiobotocore-create-client',
    ),
    case(
        """\
import os
import boto3
def build(kind):
    match kind:
        case "one":
            return boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
make = lambda: boto3.client("s3", aws_access_key_id=os.getenv("AWS_ACCESS_KEY_ID"))
clients = {n: boto3.client(n, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"]) for n in ("s3", "sqs")}
""",
        [
            '6:38: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 6); boto3 reads the environment itself, remove it',
            '7:34: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.getenv("AWS_ACCESS_KEY_ID"), line 7); boto3 reads the environment itself, remove it',
            '8:30: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 8); boto3 reads the environment itself, remove it',
        ],
        id='match-lambda-comprehension',
        min_python=(3, 10),
    ),
    case(
        """\
import boto3
from decouple import config
s3 = boto3.client("s3", aws_access_key_id=config("AWS_ACCESS_KEY_ID"), aws_secret_access_key=config("AWS_SECRET_ACCESS_KEY", default=""))
""",
        [
            '3:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from config("AWS_ACCESS_KEY_ID"), line 3); boto3 reads the environment itself, remove it',
            '3:71: CRD201 AWS secret access key read from the environment is passed to boto3.client (from config("AWS_SECRET_ACCESS_KEY", default=""), line 3); boto3 reads the environment itself, remove it',
        ],
        id='decouple-config',
    ),
    case(
        """\
import boto3
import environ
env = environ.Env()
s3 = boto3.client("s3", aws_access_key_id=env("AWS_ACCESS_KEY_ID"), aws_secret_access_key=env.str("AWS_SECRET_ACCESS_KEY"))
""",
        [
            '4:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from env("AWS_ACCESS_KEY_ID"), line 4); boto3 reads the environment itself, remove it',
            '4:68: CRD201 AWS secret access key read from the environment is passed to boto3.client (from env.str("AWS_SECRET_ACCESS_KEY"), line 4); boto3 reads the environment itself, remove it',
        ],
        id='django-environ',
    ),
    case(
        """\
import boto3
from environs import Env
env = Env()
env.read_env()
s3 = boto3.client("s3", aws_access_key_id=env.str("AWS_ACCESS_KEY_ID"))
""",
        [
            '5:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from env.str("AWS_ACCESS_KEY_ID"), line 5); boto3 reads the environment itself, remove it',
        ],
        id='environs',
    ),
    case(
        """\
import os
import pandas as pd
import s3fs
fs = s3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"])
opts = {"key": os.getenv("AWS_ACCESS_KEY_ID"), "secret": os.getenv("AWS_SECRET_ACCESS_KEY")}
pd.read_parquet("s3://bucket/table.parquet", storage_options=opts)
""",
        [
            '4:23: CRD201 AWS access key id read from the environment is passed to s3fs.S3FileSystem (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:60: CRD201 AWS secret access key read from the environment is passed to s3fs.S3FileSystem (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
            '6:45: CRD201 AWS access key id read from the environment is passed to pd.read_parquet (from os.getenv("AWS_ACCESS_KEY_ID"), line 5); boto3 reads the environment itself, remove it',
            '6:45: CRD201 AWS secret access key read from the environment is passed to pd.read_parquet (from os.getenv("AWS_SECRET_ACCESS_KEY"), line 5); boto3 reads the environment itself, remove it',
        ],
        id='s3fs-and-storage-options',
    ),
    case(
        """\
import os
import boto
import boto.ec2
conn = boto.connect_s3(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
ec2 = boto.ec2.connect_to_region("us-east-1", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:23: CRD201 AWS access key id read from the environment is passed to boto.connect_s3 (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:56: CRD201 AWS secret access key read from the environment is passed to boto.connect_s3 (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
            '5:46: CRD201 AWS access key id read from the environment is passed to boto.ec2.connect_to_region (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='legacy-boto',
    ),
    case(
        """\
import os
import boto3
s3 = boto3.client("s3", endpoint_url="http://localhost:9000", aws_access_key_id=os.environ["MINIO_ACCESS_KEY"])
""",
        [
            '3:62: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["MINIO_ACCESS_KEY"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='check-custom-endpoints-option', options=Options(check_custom_endpoints=True),
    ),
    case(
        """\
import os
import boto3
s3 = boto3.client("s3", endpoint_url="https://s3.eu-west-1.amazonaws.com", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '3:75: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the environment itself, remove it',
        ],
        id='aws-endpoint-is-not-custom',
    ),
    case(
        """\
import boto3
import streamlit as st
s3 = boto3.client("s3", aws_access_key_id=st.secrets["aws"]["aws_access_key_id"], aws_secret_access_key=st.secrets["aws"]["aws_secret_access_key"])
""",
        [
            '3:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from st.secrets["aws"]["aws_access_key_id"], line 3); let the default credential chain find it',
            '3:82: CRD202 AWS secret access key from application configuration is passed to boto3.client (from st.secrets["aws"]["aws_secret_access_key"], line 3); let the default credential chain find it',
        ],
        id='streamlit-secrets',
    ),
    case(
        """\
import configparser
import boto3
cfg = configparser.ConfigParser()
cfg.read("app.ini")
s3 = boto3.client("s3", aws_access_key_id=cfg["aws"]["access_key"], aws_secret_access_key=cfg.get("aws", "secret_key"))
""",
        [
            '5:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from cfg["aws"]["access_key"], line 5); let the default credential chain find it',
            '5:68: CRD202 AWS secret access key from application configuration is passed to boto3.client (from cfg.get("aws", "secret_key"), line 5); let the default credential chain find it',
        ],
        id='configparser',
    ),
    case(
        """\
import json
import boto3
import yaml
with open("config.yml") as fh:
    conf = yaml.safe_load(fh)
secrets = json.load(open("secrets.json"))
s3 = boto3.client("s3", aws_access_key_id=conf["aws"]["key"], aws_secret_access_key=secrets["aws_secret_access_key"])
""",
        [
            '7:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from conf["aws"]["key"], line 7); let the default credential chain find it',
            '7:62: CRD202 AWS secret access key from application configuration is passed to boto3.client (from secrets["aws_secret_access_key"], line 7); let the default credential chain find it',
        ],
        id='yaml-and-json-dicts',
    ),
    case(
        """\
import boto3
from flask import Flask, current_app
app = Flask(__name__)
s3 = boto3.client("s3", aws_access_key_id=app.config["AWS_ACCESS_KEY_ID"], aws_secret_access_key=current_app.config.get("AWS_SECRET_ACCESS_KEY"))
""",
        [
            '4:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from app.config["AWS_ACCESS_KEY_ID"], line 4); let the default credential chain find it',
            '4:75: CRD202 AWS secret access key from application configuration is passed to boto3.client (from current_app.config.get("AWS_SECRET_ACCESS_KEY"), line 4); let the default credential chain find it',
        ],
        id='flask-app-config',
    ),
    case(
        """\
import boto3
from django.conf import settings
s3 = boto3.resource("s3", aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=getattr(settings, "AWS_SECRET_ACCESS_KEY"))
""",
        [
            '3:26: CRD202 AWS access key id from application configuration is passed to boto3.resource (from settings.AWS_ACCESS_KEY_ID, line 3); let the default credential chain find it',
            '3:72: CRD202 AWS secret access key from application configuration is passed to boto3.resource (from getattr(settings, "AWS_SECRET_ACCESS_KEY"), line 3); let the default credential chain find it',
        ],
        id='django-settings',
    ),
    case(
        """\
import boto3
from config import Config
s3 = boto3.client("s3", aws_access_key_id=Config.S3_KEY, aws_secret_access_key=Config.S3_SECRET)
""",
        [
            '3:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from Config.S3_KEY, line 3); let the default credential chain find it',
            '3:57: CRD202 AWS secret access key from application configuration is passed to boto3.client (from Config.S3_SECRET, line 3); let the default credential chain find it',
        ],
        id='from-config-import-config',
    ),
    case(
        """\
import boto3
from keys import AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
s3 = boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID, aws_secret_access_key=AWS_SECRET_ACCESS_KEY)
""",
        [
            '3:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from AWS_ACCESS_KEY_ID, line 3); let the default credential chain find it',
            '3:61: CRD202 AWS secret access key from application configuration is passed to boto3.client (from AWS_SECRET_ACCESS_KEY, line 3); let the default credential chain find it',
        ],
        id='from-keys-import-names',
    ),
    case(
        """\
import boto3
from .settings import S3_KEY
s3 = boto3.client("s3", aws_access_key_id=S3_KEY)
""",
        [
            '3:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from S3_KEY, line 3); let the default credential chain find it',
        ],
        id='relative-import-from-settings',
    ),
    case(
        """\
import boto3
from pydantic_settings import BaseSettings
class Settings(BaseSettings):
    aws_access_key_id: str
    aws_secret_access_key: str = ""
settings = Settings()
s3 = boto3.client("s3", aws_access_key_id=settings.aws_access_key_id, aws_secret_access_key=settings.aws_secret_access_key)
""",
        [
            '7:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from settings.aws_access_key_id, line 7); let the default credential chain find it',
            '7:70: CRD202 AWS secret access key from application configuration is passed to boto3.client (from settings.aws_secret_access_key, line 7); let the default credential chain find it',
        ],
        id='pydantic-settings-class',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id=cfg.S3_ID)
""",
        [
            '2:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from cfg.S3_ID, line 2); let the default credential chain find it',
        ],
        id='settings-objects-option', options=Options(settings_objects=("cfg",)),
    ),
    case(
        """\
import os
from decouple import config
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = config("AWS_SECRET_ACCESS_KEY")
AWS_S3_ACCESS_KEY_ID = "AKIAZ3MSJV4WWNKWW5FG"
AWS_STORAGE_BUCKET_NAME = "media"
""",
        [
            '3:0: CRD203 framework setting AWS_ACCESS_KEY_ID carries AWS credentials (from os.environ.get("AWS_ACCESS_KEY_ID")); storage backends pass it explicitly, which disables the role chain',
            '4:0: CRD203 framework setting AWS_SECRET_ACCESS_KEY carries AWS credentials (from config("AWS_SECRET_ACCESS_KEY")); storage backends pass it explicitly, which disables the role chain',
            '5:0: CRD203 framework setting AWS_S3_ACCESS_KEY_ID carries AWS credentials; storage backends pass it explicitly, which disables the role chain',
            "5:23: CRD102 hard-coded AWS access key id 'AKIA…W5FG' bound to AWS_S3_ACCESS_KEY_ID",
        ],
        id='crd203-settings-module', filename='settings.py',
    ),
    case(
        """\
import environ
env = environ.Env()
AWS_SESSION_TOKEN = env("AWS_SESSION_TOKEN")
""",
        [
            '3:0: CRD203 framework setting AWS_SESSION_TOKEN carries AWS credentials (from env("AWS_SESSION_TOKEN")); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-settings-package', filename='myproject/settings/production.py',
    ),
    case(
        """\
import os
INSTALLED_APPS = ["storages"]
AWS_S3_SECRET_ACCESS_KEY = os.environ["S3_SECRET"]
""",
        [
            '3:0: CRD203 framework setting AWS_S3_SECRET_ACCESS_KEY carries AWS credentials (from os.environ["S3_SECRET"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-settings-by-markers',
    ),
    case(
        """\
import os
from flask import Flask
app = Flask(__name__)
app.config["AWS_ACCESS_KEY_ID"] = os.environ["AWS_ACCESS_KEY_ID"]
app.config.update(AWS_SECRET_ACCESS_KEY=os.environ["AWS_SECRET_ACCESS_KEY"], S3_BUCKET="uploads")
app.config.update({"AWS_SESSION_TOKEN": os.environ["AWS_SESSION_TOKEN"]})
""",
        [
            '4:0: CRD203 framework setting AWS_ACCESS_KEY_ID carries AWS credentials (from os.environ["AWS_ACCESS_KEY_ID"]); storage backends pass it explicitly, which disables the role chain',
            '5:18: CRD203 framework setting AWS_SECRET_ACCESS_KEY carries AWS credentials (from os.environ["AWS_SECRET_ACCESS_KEY"]); storage backends pass it explicitly, which disables the role chain',
            '6:19: CRD203 framework setting AWS_SESSION_TOKEN carries AWS credentials (from os.environ["AWS_SESSION_TOKEN"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-flask-config',
    ),
    case(
        """\
import os
from storages.backends.s3boto3 import S3Boto3Storage
class MediaStorage(S3Boto3Storage):
    bucket_name = "media"
    access_key = os.environ["MEDIA_KEY"]
    secret_key = os.environ["MEDIA_SECRET"]
    security_token = None
""",
        [
            '5:4: CRD203 framework setting access_key carries AWS credentials (from os.environ["MEDIA_KEY"]); storage backends pass it explicitly, which disables the role chain',
            '6:4: CRD203 framework setting secret_key carries AWS credentials (from os.environ["MEDIA_SECRET"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-storages-backend-class',
    ),
    case(
        """\
import os
from storages.backends.s3 import S3Storage
class PrivateStorage(S3Storage):
    def __init__(self, **kwargs):
        self.access_key = os.environ["PRIVATE_KEY"]
        super().__init__(**kwargs)
""",
        [
            '5:8: CRD203 framework setting access_key carries AWS credentials (from os.environ["PRIVATE_KEY"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-storages-backend-self-attribute',
    ),
    case(
        """\
import boto3
s3 = boto3.client("s3", aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY)
""",
        [
            '2:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from ACCESS_KEY_ID, line 2); let the default credential chain find it',
            '2:57: CRD202 AWS secret access key from application configuration is passed to boto3.client (from SECRET_ACCESS_KEY, line 2); let the default credential chain find it',
        ],
        id='unbound-credential-name',
    ),
    case(
        """\
import os
import boto3
env = os.environ.copy()
snapshot = dict(os.environ)
s3 = boto3.client("s3", aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=snapshot.get("AWS_SECRET_ACCESS_KEY"))
""",
        [
            '5:24: CRD201 AWS access key id read from the environment is passed to boto3.client (from env["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
            '5:68: CRD201 AWS secret access key read from the environment is passed to boto3.client (from snapshot.get("AWS_SECRET_ACCESS_KEY"), line 5); boto3 reads the environment itself, remove it',
        ],
        id='environ-copy-and-dict',
    ),
    case(
        """\
import boto3
from airflow.hooks.base import BaseHook
conn = BaseHook.get_connection("aws_default")
s3 = boto3.client("s3", aws_access_key_id=conn.login, aws_secret_access_key=conn.password)
""",
        [
            '4:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from conn.login, line 4); let the default credential chain find it',
            '4:54: CRD202 AWS secret access key from application configuration is passed to boto3.client (from conn.password, line 4); let the default credential chain find it',
        ],
        id='airflow-connection',
    ),
    case(
        """\
import os
import boto3
KEY = None
def init():
    global KEY
    KEY = os.environ["S3_KEY"]
def client():
    return boto3.client("s3", aws_access_key_id=KEY)
""",
        [
            '8:30: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["S3_KEY"], line 6); boto3 reads the environment itself, remove it',
        ],
        id='global-declared-credentials',
    ),
    case(
        """\
import configparser
import json
import boto3
parser = configparser.ConfigParser()
data = json.load(open("c.json"))
s3 = boto3.client("s3", aws_access_key_id=parser.get("aws", "aws_access_key_id", fallback=""), aws_secret_access_key=data.get("aws_secret_access_key", ""))
""",
        [
            '6:24: CRD202 AWS access key id from application configuration is passed to boto3.client (from parser.get("aws", "aws_access_key_id", fallback=""), line 6); let the default credential chain find it',
            '6:95: CRD202 AWS secret access key from application configuration is passed to boto3.client (from data.get("aws_secret_access_key", ""), line 6); let the default credential chain find it',
        ],
        id='lookups-with-defaults',
    ),
    case(
        """\
import os
STORAGES = {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "media", "access_key": os.environ["S3_KEY"], "secret_key": os.environ["S3_SECRET"]}}}
""",
        [
            '2:105: CRD203 framework setting access_key carries AWS credentials (from os.environ["S3_KEY"]); storage backends pass it explicitly, which disables the role chain',
            '2:141: CRD203 framework setting secret_key carries AWS credentials (from os.environ["S3_SECRET"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-storages-options-dict', filename='config/settings.py',
    ),
    case(
        """\
import os
import boto3
class Base:
    def __init__(self):
        self.key = os.environ["AWS_ACCESS_KEY_ID"]
class Child(Base):
    def client(self):
        return boto3.client("s3", aws_access_key_id=self.key)
""",
        [
            '8:34: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='inherited-self-attribute',
    ),
    case(
        """\
import os
import fsspec
from pyarrow import fs
s3 = fsspec.filesystem("s3", key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"])
arrow = fs.S3FileSystem(access_key=os.environ["AWS_ACCESS_KEY_ID"], session_token=os.environ["AWS_SESSION_TOKEN"])
""",
        [
            '4:29: CRD201 AWS access key id read from the environment is passed to fsspec.filesystem (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:66: CRD201 AWS secret access key read from the environment is passed to fsspec.filesystem (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
            '5:24: CRD201 AWS access key id read from the environment is passed to pyarrow.fs.S3FileSystem (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
            '5:68: CRD201 AWS session token read from the environment is passed to pyarrow.fs.S3FileSystem (from os.environ["AWS_SESSION_TOKEN"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='fsspec-and-pyarrow-filesystems',
    ),
    case(
        """\
import os
AWS_ACCESS_KEY_ID = os.environ["MINIO_ACCESS_KEY"]
AWS_S3_ENDPOINT_URL = "http://minio:9000"
STORAGES = {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"endpoint_url": "http://minio:9000", "secret_key": os.environ["MINIO_SECRET"]}}}
""",
        [
            '2:0: CRD203 framework setting AWS_ACCESS_KEY_ID carries AWS credentials (from os.environ["MINIO_ACCESS_KEY"]); storage backends pass it explicitly, which disables the role chain',
            '4:118: CRD203 framework setting secret_key carries AWS credentials (from os.environ["MINIO_SECRET"]); storage backends pass it explicitly, which disables the role chain',
        ],
        id='crd203-custom-endpoint-option', filename='settings.py', options=Options(check_custom_endpoints=True),
    ),
]

test_crd2_table, test_table_discipline, test_one_finding_per_credential_argument = table_tests(
    MUST_NOT_FIRE, FINDINGS)
