"""AWS endpoints are AWS: an ``endpoint_url`` built at run time (f-string, ``+``, ``%``,
``.format``, or any of these behind a name) whose constant text pins the host to an AWS
domain does not exempt the call; a look-alike whose host an unknown part can still change
is a custom endpoint (MinIO, localstack) and does.

Detector tables: the must-not-fire cases first, then the findings, each compared as the
exact ``line:col: CODE message`` strings (0-based columns).
"""
from __future__ import annotations

from typing import Optional, Tuple

import pytest

from lint_creds.sinks import is_aws_skeleton
from lint_creds.testing import case, table_tests

MUST_NOT_FIRE = [
    case(
        """\
import os
import boto3
def s3_client(suffix):
    return boto3.client("s3", endpoint_url=f"https://s3.amazonaws.com{suffix}", aws_access_key_id=os.environ["S3_KEY"])
""",
        [],
        id='unknown-suffix-after-aws-host',
    ),
    case(
        """\
import os
import boto3
def s3_client(host):
    return boto3.client("s3", endpoint_url=f"https://{host}", aws_access_key_id=os.environ["S3_KEY"])
""",
        [],
        id='fstring-unknown-host',
    ),
    case(
        """\
import os
import boto3
minio = os.environ["MINIO_HOST"]
s3 = boto3.client("s3", endpoint_url=f"http://{minio}:9000", aws_access_key_id=os.environ["MINIO_ACCESS_KEY"], aws_secret_access_key=os.environ["MINIO_SECRET_KEY"])
""",
        [],
        id='fstring-minio-host-and-port',
    ),
    case(
        """\
import os
import boto3
def s3_client(host):
    return boto3.client("s3", endpoint_url="https://" + host, aws_access_key_id=os.environ["S3_KEY"])
""",
        [],
        id='concat-unknown-host',
    ),
    case(
        """\
import os
import boto3
def s3_client(region):
    return boto3.client("s3", endpoint_url=f"https://s3.{region}.amazonaws.com.evil.com", aws_access_key_id=os.environ["S3_KEY"])
""",
        [],
        id='aws-look-alike-domain',
    ),
    case(
        """\
import os
import boto3
LOCALSTACK = "http://localhost:4566"
sqs = boto3.client("sqs", endpoint_url=LOCALSTACK, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [],
        id='localstack-through-name',
    ),
    case(
        """\
import os
import boto3
def s3_client(host):
    return boto3.client("s3", endpoint_url="https://{}:9000".format(host), aws_access_key_id=os.environ["S3_KEY"])
""",
        [],
        id='format-unknown-host',
    ),
]

FINDINGS = [
    case(
        """\
import os
import boto3
region = os.environ["AWS_REGION"]
s3 = boto3.client("s3", endpoint_url=f"https://s3.{region}.amazonaws.com", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
""",
        [
            '4:75: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
            '4:126: CRD201 AWS secret access key read from the environment is passed to boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='fstring-regional-endpoint',
    ),
    case(
        """\
import os
import boto3
REGION = os.environ.get("AWS_REGION", "eu-west-1")
ddb = boto3.resource("dynamodb", endpoint_url="https://dynamodb." + REGION + ".amazonaws.com", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:95: CRD201 AWS access key id read from the environment is passed to boto3.resource (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='concat-regional-endpoint',
    ),
    case(
        """\
import os
import boto3
def bucket_client(bucket):
    return boto3.client("s3", endpoint_url=f"https://{bucket}.s3.amazonaws.com", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:81: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='fstring-virtual-hosted-bucket',
    ),
    case(
        """\
import os
import boto3
def queue_client(region):
    return boto3.client("sqs", endpoint_url="https://sqs.%s.amazonaws.com" % region, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:85: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='percent-format-endpoint',
    ),
    case(
        """\
import os
import boto3
def s3_client(region):
    return boto3.client("s3", endpoint_url="https://s3.{}.amazonaws.com".format(region), aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:89: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='str-format-endpoint',
    ),
    case(
        """\
import os
import boto3
def s3_client(region):
    return boto3.client("s3", endpoint_url=f"https://s3.{region}.amazonaws.com.cn", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '4:84: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 4); boto3 reads the environment itself, remove it',
        ],
        id='china-region-endpoint',
    ),
    case(
        """\
import os
import boto3
REGION = os.environ["AWS_REGION"]
ENDPOINT = f"https://s3.{REGION}.amazonaws.com"
s3 = boto3.client("s3", endpoint_url=ENDPOINT, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '5:47: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='endpoint-through-name',
    ),
    case(
        """\
import os
import boto3
TEMPLATE = "https://sqs.{region}.amazonaws.com"
def queue_client(region):
    return boto3.client("sqs", endpoint_url=TEMPLATE.format(region=region), aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
""",
        [
            '5:76: CRD201 AWS access key id read from the environment is passed to boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 5); boto3 reads the environment itself, remove it',
        ],
        id='format-template-through-name',
    ),
]

test_endpoints_table, test_table_discipline, test_one_finding_per_credential_argument = table_tests(
    MUST_NOT_FIRE, FINDINGS)

Skeleton = Tuple[Optional[str], ...]


@pytest.mark.parametrize("parts, expected", [
    pytest.param(("https://s3.", None, ".amazonaws.com"), True, id='unknown-region'),
    pytest.param(("https://", None, ".s3.amazonaws.com/key"), True, id='unknown-bucket-then-path'),
    pytest.param(("https://", None, ".execute-api.", None, ".amazonaws.com/", None), True,
                 id='unknown-path-after-slash'),
    pytest.param(("https://", None, ".amazonaws.com", None), False, id='unknown-after-host'),
    pytest.param(("https://s3.", None, ".amazonaws.com:", None), True, id='unknown-port'),
    pytest.param(("https://lambda.", None, ".api.aws"), True, id='dual-stack-domain'),
    pytest.param(("https://", None, "amazonaws.com"), False, id='suffix-without-dot'),
    pytest.param((None, "://s3.amazonaws.com"), False, id='unknown-scheme'),
    pytest.param(("https://", None, "@s3.amazonaws.com"), True, id='unknown-user-info'),
    pytest.param(("https://s3.amazonaws.com@", None), False, id='host-after-user-info'),
    pytest.param(("https://evil.com#", None, ".amazonaws.com"), False, id='fragment-ends-host'),
    pytest.param(("https://evil.com?", None, ".amazonaws.com"), False, id='query-ends-host'),
    pytest.param(("https://s3.amazonaws.com",), True, id='literal'),
    pytest.param(("http://minio:9000",), False, id='literal-minio'),
])
def test_aws_skeleton(parts: Skeleton, expected: bool) -> None:
    assert is_aws_skeleton(parts) is expected
