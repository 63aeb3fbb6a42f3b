"""Helpers and wrappers in one module: a helper's returned origin reaches its callers, and
a credential handed to a wrapper is reported at the caller's argument, never inside it.

Detector tables (must-not-fire first), findings as exact ``line:col: CODE message`` strings
with 0-based columns. The fake keys are realistic-looking but not real.
"""
from __future__ import annotations

from lint_creds.testing import case, table_tests

MUST_NOT_FIRE = [
    case('''\
import boto3

def first(n):
    return second(n - 1) if n else None

def second(n):
    return first(n)

def wrap(k, s):
    return wrap(k, s) or boto3.client("s3", aws_access_key_id=k, aws_secret_access_key=s)

s3 = boto3.client("s3", aws_access_key_id=first(3), aws_secret_access_key=second(2))
client = wrap(first(1), None)
''', [], id="recursive-helpers-and-wrappers-end"),
    case('''\
import boto3

def make_client(key_id, secret):
    return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)
''', [], id="a-wrapper-alone-is-plumbing"),
    case('''\
import boto3

def make_client(key_id, secret):
    return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)

def from_role(sts):
    creds = sts.assume_role(RoleArn="arn:aws:iam::1:role/r", RoleSessionName="s")["Credentials"]
    return make_client(creds["AccessKeyId"], creds["SecretAccessKey"])

def passed_on(key, secret):
    return make_client(key, secret)
''', [], id="wrapper-fed-by-sts-or-by-parameters"),
    case('''\
import os
import boto3

def region():
    return os.environ["AWS_REGION"]

def identity(value):
    return value

s3 = boto3.client("s3", region_name=region(), aws_access_key_id=identity(None))
''', [], id="helpers-returning-a-region-or-a-parameter"),
    case('''\
import boto3

def make_client(service, region):
    return boto3.client(service, region_name=region)

s3 = make_client("s3", "eu-west-1")
''', [], id="a-function-that-passes-no-credential"),
    case('''\
import os
import boto3

def make_client(key_id, secret):
    return boto3.client("s3", endpoint_url="http://minio:9000", aws_access_key_id=key_id,
                        aws_secret_access_key=secret)

s3 = make_client(os.environ["MINIO_KEY"], os.environ["MINIO_SECRET"])
''', [], id="a-wrapper-for-a-custom-endpoint"),
    case('''\
import os
import boto3

class AwsConfig:
    def __init__(self, key, secret):
        self.key = key
        self.secret = secret

def build(conf: AwsConfig):
    return boto3.client("s3", aws_access_key_id=conf.key, aws_secret_access_key=conf.secret)
''', [], id="a-function-handed-an-object-that-stores-the-values"),
]

FINDINGS = [
    case('''\
import os
import boto3

def _get_env(name, default=None):
    value = os.getenv(name, default)
    return value

s3 = boto3.client("s3", aws_access_key_id=_get_env("AWS_ACCESS_KEY_ID"),
                  aws_secret_access_key=_get_env("AWS_SECRET_ACCESS_KEY"))
''', [
        '8:24: CRD201 AWS access key id read from the environment is passed to boto3.client '
        '(from _get_env("AWS_ACCESS_KEY_ID"), line 8); boto3 reads the environment itself, '
        'remove it',
        '9:18: CRD201 AWS secret access key read from the environment is passed to '
        'boto3.client (from _get_env("AWS_SECRET_ACCESS_KEY"), line 9); boto3 reads the '
        'environment itself, remove it',
    ], id="env-helper-named-by-its-callers"),
    case('''\
import os
import boto3

def get_key_id():
    return os.environ["BILLING_KEY_ID"]

s3 = boto3.client("s3", aws_access_key_id=get_key_id(), aws_secret_access_key=None)
''', [
        '7:24: CRD201 AWS access key id read from the environment is passed to boto3.client '
        '(from os.environ["BILLING_KEY_ID"], line 5); boto3 reads the environment itself, '
        'remove it',
    ], id="helper-returning-a-fixed-env-read"),
    case('''\
import os
import boto3

def make_client(service, key_id, secret):
    return boto3.client(service, aws_access_key_id=key_id, aws_secret_access_key=secret)

s3 = make_client("s3", os.environ["JOB_KEY"], secret=os.environ["JOB_SECRET"])
''', [
        '7:23: CRD201 AWS access key id read from the environment is passed to boto3.client '
        'via make_client() at line 5 (from os.environ["JOB_KEY"], line 7); boto3 reads the '
        'environment itself, remove it',
        '7:46: CRD201 AWS secret access key read from the environment is passed to '
        'boto3.client via make_client() at line 5 (from os.environ["JOB_SECRET"], line 7); '
        'boto3 reads the environment itself, remove it',
    ], id="wrapper-called-with-env-reads"),
    case('''\
import boto3

def session_for(key_id, secret):
    return boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret)

def client_for(service, key_id, secret):
    return session_for(key_id, secret).client(service)

s3 = client_for("s3", "AKIAZ7Q3X5Y2W4V6U8T1", "kF9/aZ3+bQ7xLm2PqR8sT4uV6wY1zC5dE0gH3jN7")
''', [
        "9:22: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to boto3.Session via "
        "client_for() at line 7; remove it and use the default credential chain",
        "9:46: CRD101 hard-coded AWS secret access key 'kF9/…3jN7' passed to boto3.Session "
        "via client_for() at line 7; remove it and use the default credential chain",
    ], id="a-wrapper-of-a-wrapper"),
]

FINDINGS += [
    case('''\
import os
import boto3
from dataclasses import dataclass

class AwsConfig:
    def __init__(self, key, secret, region="eu-west-1"):
        self.key = key
        self.secret = secret
        self.region = region

@dataclass
class Creds:
    access_key: str
    secret_key: str

cfg = AwsConfig(os.environ["APP_KEY"], secret=os.environ["APP_SECRET"])
s3 = boto3.client("s3", region_name=cfg.region, aws_access_key_id=cfg.key,
                  aws_secret_access_key=cfg.secret)
creds = Creds("AKIAZ7Q3X5Y2W4V6U8T1", os.getenv("S"))
sqs = boto3.client("sqs", aws_access_key_id=creds.access_key,
                   aws_secret_access_key=creds.secret_key)
''', [
        '17:48: CRD201 AWS access key id read from the environment is passed to boto3.client '
        '(from os.environ["APP_KEY"], line 16); boto3 reads the environment itself, remove it',
        '18:18: CRD201 AWS secret access key read from the environment is passed to '
        'boto3.client (from os.environ["APP_SECRET"], line 16); boto3 reads the environment '
        'itself, remove it',
        "19:14: CRD102 hard-coded AWS access key id 'AKIA…U8T1' in a string literal",
        "20:26: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to boto3.client "
        "(through creds.access_key, line 19); remove it and use the default credential chain",
        '21:19: CRD201 AWS secret access key read from the environment is passed to '
        'boto3.client (from os.getenv("S"), line 19); boto3 reads the environment itself, '
        'remove it',
    ], id="objects-that-store-what-their-constructor-was-given"),
]

FINDINGS += [
    case('''\
import os
import boto3

class S3Store:
    def __init__(self, bucket, key, secret):
        self.bucket = bucket
        self.client = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)

store = S3Store("b", os.environ["STORE_KEY"], secret=os.environ["STORE_SECRET"])
''', [
        '9:21: CRD201 AWS access key id read from the environment is passed to boto3.client '
        'via S3Store() at line 7 (from os.environ["STORE_KEY"], line 9); boto3 reads the '
        'environment itself, remove it',
        '9:46: CRD201 AWS secret access key read from the environment is passed to '
        'boto3.client via S3Store() at line 7 (from os.environ["STORE_SECRET"], line 9); '
        'boto3 reads the environment itself, remove it',
    ], id="a-class-whose-constructor-builds-the-client"),
]

#: A class whose method hands its parameters to the SDK, called on objects of known class.
STORE = '''\
import os
import boto3

class Store:
    def connect(self, key, secret):
        return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)

    @staticmethod
    def make(key, secret):
        return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)

    def reconnect(self):
        return self.connect(os.environ["RE_KEY"], os.environ["RE_SECRET"])
'''


def _method_finding(line: int, col: int, role: str, via: str, at: int, variable: str) -> str:
    return (f'{line}:{col}: CRD201 AWS {role} read from the environment is passed to '
            f'boto3.client via {via}() at line {at} (from os.environ["{variable}"], line '
            f'{line}); boto3 reads the environment itself, remove it')


FINDINGS += [
    case(STORE + '''
a = Store().connect(os.environ["A_KEY"], os.environ["A_SECRET"])
store = Store()
b = store.connect(key=os.environ["B_KEY"], secret=os.environ["B_SECRET"])

def use(s: Store, t: "Store"):
    s.connect(os.environ["C_KEY"], os.environ["C_SECRET"])
    Store.make(os.environ["D_KEY"], os.environ["D_SECRET"])
''', [
        _method_finding(13, 28, "access key id", "self.connect", 6, "RE_KEY"),
        _method_finding(13, 50, "secret access key", "self.connect", 6, "RE_SECRET"),
        _method_finding(15, 20, "access key id", "Store().connect", 6, "A_KEY"),
        _method_finding(15, 41, "secret access key", "Store().connect", 6, "A_SECRET"),
        _method_finding(17, 18, "access key id", "store.connect", 6, "B_KEY"),
        _method_finding(17, 43, "secret access key", "store.connect", 6, "B_SECRET"),
        _method_finding(20, 14, "access key id", "s.connect", 6, "C_KEY"),
        _method_finding(20, 35, "secret access key", "s.connect", 6, "C_SECRET"),
        _method_finding(21, 15, "access key id", "Store.make", 10, "D_KEY"),
        _method_finding(21, 36, "secret access key", "Store.make", 10, "D_SECRET"),
    ], id="methods-that-build-the-client-on-objects-of-known-class"),
]

MUST_NOT_FIRE += [
    case(STORE.replace('os.environ["RE_KEY"], os.environ["RE_SECRET"]', "k, s") + '''
def use(store, other: dict):
    store.connect(os.environ["A_KEY"], os.environ["A_SECRET"])
    other.connect(os.environ["B_KEY"], os.environ["B_SECRET"])
    Store().close(os.environ["C_KEY"])
''', [], id="methods-of-unknown-objects-or-that-reach-no-sdk-call"),
]

test_helpers_table, test_table_discipline, test_one_finding_per_credential_argument = (
    table_tests(MUST_NOT_FIRE, FINDINGS))
