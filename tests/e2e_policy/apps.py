"""The example apps (``fixtures/policy_apps/<app>/``): how each is run, the AWS resources it
expects to exist, and the policy a reviewer expects ``lint-creds policy`` to draft for it.
The committed apps hand boto3 their keys; the tests fix a copy and run that.

``grants`` is written by hand from the app's code and AWS's service authorization reference,
not copied from the tool's output: the tests compare the draft with it, and then prove each
grant on moto (the app runs with the draft; it is denied without any one action, and without
any one resource of an action that has several).
"""
from __future__ import annotations

import io
import json
import pathlib
import urllib.request
import zipfile
from typing import Any, Callable, Dict, NamedTuple, Tuple

from .iam_server import ACCOUNT, REGION

REPO = pathlib.Path(__file__).resolve().parents[2]
APPS_DIR = REPO / "fixtures" / "policy_apps"
_ARN = f"{REGION}:{ACCOUNT}"


class App(NamedTuple):
    name: str  # its directory under fixtures/policy_apps
    script: str
    prints: str  # the line it prints on success
    #: creates the resources the app expects, with the administrator's clients
    set_up: Callable[[Callable[[str], Any]], None]
    #: the reviewed draft: action -> the resources it is granted on
    grants: Dict[str, Tuple[str, ...]]
    #: actions drafted on ``*`` on purpose (with a warning), and why
    widened: Dict[str, str]
    #: actions the app cannot be shown to need by running it, and why
    unexercised: Dict[str, str]
    #: called before every run, to start from the same state (None: nothing to reset)
    reset: Callable[[Callable[[str], Any]], None] = lambda client: None
    #: where the app's directory is: the committed code, or a copy ``lint-creds fix`` fixed
    root: pathlib.Path = APPS_DIR

    @property
    def directory(self) -> pathlib.Path:
        return self.root / self.name

    @property
    def path(self) -> pathlib.Path:
        return self.directory / self.script

    @property
    def role(self) -> str:
        return f"policy-e2e-{self.name.replace('_', '-')}"


# -- s3_app -----------------------------------------------------------------------------
REPORTS = "policy-e2e-reports"


def _s3_set_up(client: Callable[[str], Any]) -> None:
    client("s3").create_bucket(Bucket=REPORTS)


_OBJECTS = tuple(f"arn:aws:s3:::{REPORTS}/{key}"
                 for key in ("archive/*", "daily/latest.json", "shared/summary.json"))

# -- queue_app --------------------------------------------------------------------------
JOBS = "policy-e2e-jobs"
JOBS_ARN = f"arn:aws:sqs:{_ARN}:{JOBS}"


def _queue_set_up(client: Callable[[str], Any]) -> None:
    client("sqs").create_queue(QueueName=JOBS)
    client("sns").create_topic(Name="policy-e2e-alerts")


def _queue_reset(client: Callable[[str], Any]) -> None:
    """A run denied half-way leaves messages behind: every run starts from an empty queue."""
    sqs = client("sqs")
    sqs.purge_queue(QueueUrl=sqs.get_queue_url(QueueName=JOBS)["QueueUrl"])


# -- data_app ---------------------------------------------------------------------------
def _data_set_up(client: Callable[[str], Any]) -> None:
    client("dynamodb").create_table(
        TableName="policy-e2e-orders", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}])
    client("secretsmanager").create_secret(Name="policy-e2e/db-password",
                                           SecretString="correct horse battery staple")
    client("ssm").put_parameter(Name="/policy-e2e/flags/new-checkout", Value="on",
                                Type="String")
    kms = client("kms")
    key = kms.create_key(Description="policy-e2e card tokens")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/policy-e2e-cards", TargetKeyId=key)
    client("kinesis").create_stream(StreamName="policy-e2e-clicks", ShardCount=1)
    logs = client("logs")
    logs.create_log_group(logGroupName="/policy-e2e/orders")
    logs.create_log_stream(logGroupName="/policy-e2e/orders", logStreamName="audit")


# -- lambda_app -------------------------------------------------------------------------
FUNCTIONS = ("policy-e2e-thumbnailer", "policy-e2e-audit")
_LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def _lambda_set_up(client: Callable[[str], Any]) -> None:
    """The two functions, on moto's Lambda without Docker: an invocation is authorised as
    AWS does it, then answered with its own payload instead of running the code."""
    functions = client("lambda")
    request = urllib.request.Request(
        f"{functions.meta.endpoint_url}/moto-api/config", method="POST",
        data=json.dumps({"lambda": {"use_docker": False}}).encode("utf-8"),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert json.loads(reply.read())["lambda"]["use_docker"] is False
    role = client("iam").create_role(
        RoleName="policy-e2e-function-exec",
        AssumeRolePolicyDocument=json.dumps(_LAMBDA_TRUST))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    for name in FUNCTIONS:
        functions.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                  Handler="index.handler", Code={"ZipFile": code.getvalue()})


APPS: Tuple[App, ...] = (
    App(
        name="s3_app", script="publish_reports.py", prints="reports published",
        set_up=_s3_set_up,
        grants={
            "s3:ListBucket": (f"arn:aws:s3:::{REPORTS}",),
            "s3:PutObject": _OBJECTS,
            "s3:GetObject": _OBJECTS,
            "s3:AbortMultipartUpload": (f"arn:aws:s3:::{REPORTS}/archive/*",),
        },
        widened={},
        unexercised={
            "s3:AbortMultipartUpload": "upload_file() aborts a multipart upload only when it "
            "fails; a successful run never asks for it (table tests: tests/test_policy.py "
            "test_resources_are_narrowed[resource-transfer], "
            "test_exceptions_table[abort_multipart_upload])",
        },
    ),
    App(
        name="queue_app", script="dispatch_jobs.py", prints="jobs dispatched",
        set_up=_queue_set_up, reset=_queue_reset,
        grants={
            "sqs:SendMessage": (JOBS_ARN,),
            "sqs:ReceiveMessage": (JOBS_ARN,),
            "sqs:DeleteMessage": (JOBS_ARN,),
            "sns:Publish": (f"arn:aws:sns:{_ARN}:policy-e2e-alerts",),
        },
        widened={}, unexercised={},
    ),
    App(
        name="data_app", script="record_order.py", prints="order recorded",
        set_up=_data_set_up,
        grants={
            "dynamodb:PutItem": (f"arn:aws:dynamodb:{_ARN}:table/policy-e2e-orders",),
            "dynamodb:GetItem": (f"arn:aws:dynamodb:{_ARN}:table/policy-e2e-orders",),
            "secretsmanager:GetSecretValue": (
                f"arn:aws:secretsmanager:{_ARN}:secret:policy-e2e/db-password-??????",),
            "ssm:GetParameter": (f"arn:aws:ssm:{_ARN}:parameter/policy-e2e/flags/new-checkout",),
            "kms:Encrypt": ("*",),
            "kms:Decrypt": ("*",),
            "kinesis:PutRecord": (f"arn:aws:kinesis:{_ARN}:stream/policy-e2e-clicks",),
            "logs:PutLogEvents": (
                f"arn:aws:logs:{_ARN}:log-group:/policy-e2e/orders:log-stream:audit",),
        },
        widened={
            "kms:Encrypt": "the code names the key by alias; IAM matches key ARNs",
            "kms:Decrypt": "the code names the key by alias; IAM matches key ARNs",
        },
        unexercised={},
    ),
    App(
        name="lambda_app", script="request_thumbnails.py", prints="thumbnails requested",
        set_up=_lambda_set_up,
        grants={
            "lambda:InvokeFunction": tuple(f"arn:aws:lambda:{_ARN}:function:{name}"
                                           for name in FUNCTIONS),
            "lambda:GetFunctionConfiguration": (
                f"arn:aws:lambda:{_ARN}:function:{FUNCTIONS[0]}",),
        },
        widened={}, unexercised={},
    ),
)
BY_NAME = {app.name: app for app in APPS}
