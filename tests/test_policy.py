"""``lint-creds policy``: source in, the actions and resources of the draft out (the real
catalog data, the real engine), then the command line on real files."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap
from typing import List, Tuple

import pytest

from lint_creds.options import DEFAULT_OPTIONS
from lint_creds.policy import catalog, modules
from lint_creds.policy.draft import draft_policy
from lint_creds.policy.exceptions import EXCEPTIONS
from lint_creds.policy.resources import Place
from lint_creds.source.files import Target

SCRIPT = pathlib.Path(sys.executable).with_name("lint-creds")


def draft(source: str, place: Place = Place()) -> "object":
    data = textwrap.dedent(source).encode()
    return draft_policy([Target("app.py", data=data)], DEFAULT_OPTIONS, place).draft


def grants(source: str, place: Place = Place()) -> List[Tuple[str, str]]:
    """``(action, resource)`` pairs of the draft, sorted."""
    result = draft(source, place)
    return sorted((action, resource) for s in result.statements  # type: ignore[attr-defined]
                  for action in s.actions for resource in s.resources)


def client_call(service: str, call: str) -> str:
    return f"import boto3\nboto3.client({service!r}).{call}\n"


#: Every row of the exceptions table, as a call: (service, call, the actions it needs).
EXCEPTION_ROWS = [
    ("s3", "list_objects(Bucket='b')", {"s3:ListBucket"}),
    ("s3", "list_objects_v2(Bucket='b')", {"s3:ListBucket"}),
    ("s3", "list_object_versions(Bucket='b')", {"s3:ListBucketVersions"}),
    ("s3", "list_multipart_uploads(Bucket='b')", {"s3:ListBucketMultipartUploads"}),
    ("s3", "list_parts(Bucket='b', Key='k', UploadId='u')", {"s3:ListMultipartUploadParts"}),
    ("s3", "list_buckets()", {"s3:ListAllMyBuckets"}),
    ("s3", "head_bucket(Bucket='b')", {"s3:ListBucket"}),
    ("s3", "head_object(Bucket='b', Key='k')", {"s3:GetObject"}),
    ("s3", "get_object_attributes(Bucket='b', Key='k', ObjectAttributes=[])",
     {"s3:GetObject", "s3:GetObjectAttributes"}),
    ("s3", "copy_object(Bucket='b', Key='k', CopySource={'Bucket': 'src', 'Key': 's'})",
     {"s3:GetObject", "s3:PutObject"}),
    ("s3", "upload_part_copy(Bucket='b', Key='k', CopySource='src/s', PartNumber=1, "
           "UploadId='u')", {"s3:GetObject", "s3:PutObject"}),
    ("s3", "delete_objects(Bucket='b', Delete={})", {"s3:DeleteObject"}),
    ("s3", "create_multipart_upload(Bucket='b', Key='k')", {"s3:PutObject"}),
    ("s3", "upload_part(Bucket='b', Key='k', PartNumber=1, UploadId='u')", {"s3:PutObject"}),
    ("s3", "complete_multipart_upload(Bucket='b', Key='k', UploadId='u')", {"s3:PutObject"}),
    ("s3", "abort_multipart_upload(Bucket='b', Key='k', UploadId='u')",
     {"s3:AbortMultipartUpload"}),
    ("s3", "select_object_content(Bucket='b', Key='k')", {"s3:GetObject"}),
    ("s3", "get_bucket_location(Bucket='b')", {"s3:GetBucketLocation"}),
    ("sqs", "send_message_batch(QueueUrl='https://q/1/jobs', Entries=[])", {"sqs:SendMessage"}),
    ("sqs", "delete_message_batch(QueueUrl='https://q/1/jobs', Entries=[])",
     {"sqs:DeleteMessage"}),
    ("sqs", "change_message_visibility_batch(QueueUrl='https://q/1/jobs', Entries=[])",
     {"sqs:ChangeMessageVisibility"}),
    ("lambda", "invoke(FunctionName='f')", {"lambda:InvokeFunction"}),
    ("lambda", "invoke_with_response_stream(FunctionName='f')", {"lambda:InvokeFunction"}),
    ("lambda", "invoke_async(FunctionName='f', InvokeArgs=b'')", {"lambda:InvokeFunction"}),
    ("dynamodb", "transact_write_items(TransactItems=[])",
     {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
      "dynamodb:ConditionCheckItem"}),
    ("dynamodb", "transact_get_items(TransactItems=[])", {"dynamodb:GetItem"}),
    ("dynamodb", "execute_statement(Statement=query)",
     {"dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete"}),
    ("dynamodb", "batch_execute_statement(Statements=[])",
     {"dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete"}),
    ("dynamodb", "execute_transaction(TransactStatements=[])",
     {"dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
      "dynamodb:PartiQLDelete"}),
    ("kms", "re_encrypt(CiphertextBlob=b'', DestinationKeyId='k')",
     {"kms:ReEncryptFrom", "kms:ReEncryptTo"}),
    ("secretsmanager", "batch_get_secret_value(SecretIdList=[])",
     {"secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"}),
    ("sts", "get_caller_identity()", set()),
    ("logs", "put_log_events(logGroupName='g', logStreamName='s', logEvents=[])",
     {"logs:PutLogEvents"}),
]


@pytest.mark.parametrize("service, call, actions", EXCEPTION_ROWS,
                         ids=[row[1].split("(")[0] for row in EXCEPTION_ROWS])
def test_exceptions_table(service: str, call: str, actions: set) -> None:
    assert {action for action, _ in grants(client_call(service, call))} == actions


def test_every_row_of_the_exceptions_table_is_tested() -> None:
    tested = {(catalog.service_prefix(service), catalog.operation_of(
        service, call.split("(")[0])) for service, call, _ in EXCEPTION_ROWS}
    assert tested == set(EXCEPTIONS)


@pytest.mark.parametrize("source, expected", [
    pytest.param('''
        import boto3
        BUCKET = "reports"
        s3 = boto3.client("s3")
        s3.put_object(Bucket=BUCKET, Key=f"daily/{day}.json", Body=b"")
        ''', [("s3:PutObject", "arn:aws:s3:::reports/daily/*")], id="f-string-prefix"),
    pytest.param('''
        import boto3
        boto3.client("s3").get_object(Bucket="reports", Key="a/" + name)
        ''', [("s3:GetObject", "arn:aws:s3:::reports/a/*")], id="concatenation"),
    pytest.param('''
        import boto3
        boto3.client("s3").get_object(Bucket=bucket, Key="k")
        ''', [("s3:GetObject", "*")], id="unknown-bucket-is-star"),
    pytest.param('''
        import boto3
        boto3.client("s3").list_objects_v2(Bucket="reports", Prefix="2024/")
        ''', [("s3:ListBucket", "arn:aws:s3:::reports")], id="list-is-on-the-bucket"),
    pytest.param('''
        import boto3
        boto3.client("sqs").send_message(
            QueueUrl="https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", MessageBody="m")
        ''', [("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs")],
        id="queue-url"),
    pytest.param('''
        import boto3
        boto3.client("sns").publish(TopicArn="arn:aws:sns:eu-west-1:123456789012:alerts",
                                    Message="m")
        ''', [("sns:Publish", "arn:aws:sns:eu-west-1:123456789012:alerts")], id="topic-arn"),
    pytest.param('''
        import boto3
        boto3.client("secretsmanager").get_secret_value(SecretId="prod/db")
        ''', [("secretsmanager:GetSecretValue",
               "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????")],
        id="secret-name"),
    pytest.param('''
        import boto3
        boto3.client("ssm").get_parameter(Name="/app/flag")
        ''', [("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/app/flag")],
        id="ssm-parameter"),
    pytest.param('''
        import boto3
        boto3.client("lambda").invoke(FunctionName="resize")
        ''', [("lambda:InvokeFunction",
               "arn:aws:lambda:eu-west-1:123456789012:function:resize")], id="lambda"),
    pytest.param('''
        import boto3
        boto3.client("kinesis").put_record(StreamName="clicks", Data=b"", PartitionKey="p")
        ''', [("kinesis:PutRecord", "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks")],
        id="kinesis"),
    pytest.param('''
        import boto3
        boto3.client("logs").put_log_events(logGroupName="app", logStreamName="web",
                                            logEvents=[])
        ''', [("logs:PutLogEvents",
               "arn:aws:logs:eu-west-1:123456789012:log-group:app:log-stream:web")],
        id="log-stream"),
    pytest.param('''
        import boto3
        boto3.resource("dynamodb").Table("orders").query(KeyConditionExpression="x")
        ''', [("dynamodb:Query", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders")],
        id="dynamodb-resource"),
    pytest.param('''
        import boto3
        boto3.resource("s3").Object("reports", "k").get()
        ''', [("s3:GetObject", "arn:aws:s3:::reports/k")], id="object-with-bucket-and-key"),
    pytest.param('''
        import boto3
        queue = boto3.resource("sqs").get_queue_by_name(QueueName="jobs")
        queue.send_message(MessageBody="m")
        ''', [("sqs:GetQueueUrl", "arn:aws:sqs:eu-west-1:123456789012:jobs"),
              ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs")],
        id="queue-by-name"),
    pytest.param('''
        import boto3
        boto3.client("s3").put_object(Bucket="b", Key="k", SSEKMSKeyId=(
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
        ''', [("kms:GenerateDataKey", "arn:aws:kms:eu-west-1:123456789012:key/"
               "1234abcd-12ab-34cd-56ef-1234567890ab"), ("s3:PutObject", "arn:aws:s3:::b/k")],
        id="sse-kms-implies-generate-data-key"),
    pytest.param('''
        import boto3
        boto3.client("dynamodb").execute_statement(Statement='SELECT * FROM "orders"')
        ''', [("dynamodb:PartiQLSelect", "*")], id="partiql-verb"),
    pytest.param('''
        import boto3
        s3 = boto3.resource("s3")
        s3.Bucket("media").upload_file("/tmp/a.png", "img/a.png")
        ''', [("s3:AbortMultipartUpload", "arn:aws:s3:::media/img/a.png"),
              ("s3:PutObject", "arn:aws:s3:::media/img/a.png")], id="resource-transfer"),
    pytest.param('''
        import boto3
        boto3.client("s3").copy_object(Bucket="dst", Key="k",
                                       CopySource={"Bucket": "src", "Key": "s"})
        ''', [("s3:GetObject", "arn:aws:s3:::src/s"), ("s3:PutObject", "arn:aws:s3:::dst/k")],
        id="copy-source"),
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        s3.generate_presigned_url("put_object", Params={"Bucket": "up", "Key": "x"})
        ''', [("s3:PutObject", "arn:aws:s3:::up/x")], id="presigned-url"),
    pytest.param('''
        import boto3
        queue = boto3.resource("sqs").Queue(
            "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs")
        for message in queue.receive_messages(MaxNumberOfMessages=10):
            message.delete()
        ''', [("sqs:DeleteMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs"),
              ("sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs")],
        id="messages-received-then-deleted"),
    pytest.param('''
        import boto3
        bucket = boto3.resource("s3").Bucket("scratch")
        stale = [summary for summary in bucket.objects.filter(Prefix="tmp/")]
        for summary in bucket.objects.filter(Prefix="tmp/"):
            summary.delete()
        ''', [("s3:DeleteObject", "arn:aws:s3:::scratch/*"),
              ("s3:ListBucket", "arn:aws:s3:::scratch")], id="collection-elements"),
    pytest.param('''
        import boto3
        boto3.client("stepfunctions").start_execution(
            stateMachineArn="arn:aws:states:eu-west-1:123456789012:stateMachine:etl")
        boto3.client("firehose").put_record(DeliveryStreamName="logs", Record={})
        boto3.client("athena").start_query_execution(QueryString="q", WorkGroup="primary")
        ''', [("athena:StartQueryExecution",
               "arn:aws:athena:eu-west-1:123456789012:workgroup/primary"),
              ("firehose:PutRecord",
               "arn:aws:firehose:eu-west-1:123456789012:deliverystream/logs"),
              ("states:StartExecution",
               "arn:aws:states:eu-west-1:123456789012:stateMachine:etl")],
        id="arguments-spelled-like-the-arn-variable"),
])
def test_resources_are_narrowed(source: str, expected: List[Tuple[str, str]]) -> None:
    assert grants(source, Place(region="eu-west-1", account="123456789012")) == expected


@pytest.mark.parametrize("source, reason", [
    ("import boto3\nboto3.client(name).list_queues()\n",
     "the client's service name is not a constant"),
    ("import boto3\nboto3.client('s3').no_such_operation()\n",
     "no_such_operation() is not an operation of s3"),
    ("import boto3\nboto3.client('nosuchservice').list_things()\n",
     "unknown service 'nosuchservice'"),
    ("import boto3\ns3 = boto3.client('s3')\ngetattr(s3, action)(Bucket='b')\n",
     "the method is chosen at run time (getattr)"),
])
def test_unresolved_calls_are_listed_never_dropped(source: str, reason: str) -> None:
    result = draft(source)
    assert [r[2] for r in result.unresolved] == [reason]  # type: ignore[attr-defined]
    assert result.statements == ()  # type: ignore[attr-defined]


APP = '''\
import boto3

s3 = boto3.client("s3")
s3.put_object(Bucket="reports", Key="daily.json", Body=b"")
boto3.client(service).describe()
'''


def run(*args: str, cwd: pathlib.Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([str(SCRIPT), "policy", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_the_command_writes_the_document_and_says_what_it_left(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    first = run("--account", "123456789012", "app.py", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ReportsDailyJson", "Effect": "Allow", "Action": ["s3:PutObject"],
        "Resource": "arn:aws:s3:::reports/daily.json"}]}
    assert "1 call(s) could not be resolved" in first.stderr
    assert run("--account", "123456789012", "app.py", cwd=tmp_path).stdout == first.stdout
    text = run("--format", "text", "app.py", cwd=tmp_path).stdout
    assert "app.py:4: s3.put_object() -> s3:PutObject" in text
    assert "app.py:5: boto3.client(service).describe(): the client's service name" in text


def test_bad_input_is_reported_and_the_rest_drafted(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import boto3\ndef (:\n", encoding="utf-8")
    result = run(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot analyse broken.py: syntax error" in result.stderr
    assert "s3:PutObject" in result.stdout
    if sys.version_info < (3, 12):  # newer syntax says which Python reads it, as check does
        (tmp_path / "broken.py").write_text("import boto3\ntype Pair = tuple[int, int]\n",
                                            encoding="utf-8")
        newer = run(".", cwd=tmp_path)
        assert "cannot analyse broken.py: uses Python 3.12 syntax (a type statement, line 2)" \
            in newer.stderr, newer.stderr
    bad = run("--account", "12", "app.py", cwd=tmp_path)
    assert (bad.returncode, bad.stderr) == (
        2, "lint-creds: error: --account 12: not a 12-digit account id\n")


@pytest.mark.parametrize("form, marker", [("terraform", 'resource "aws_iam_role"'),
                                          ("cloudformation", "AWS::IAM::Role")])
def test_infrastructure_formats(tmp_path: pathlib.Path, form: str, marker: str) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    result = run("--format", form, "--for", "ec2", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout and "s3:PutObject" in result.stdout
    assert "ec2.amazonaws.com" in result.stdout


def test_clients_defined_in_another_module_of_the_project(tmp_path: pathlib.Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "aws.py").write_text(
        'import boto3\n\ns3 = boto3.client("s3")\n'
        'orders = boto3.resource("dynamodb").Table("orders")\n\n\n'
        'def make_queue():\n    return boto3.client("sqs")\n', encoding="utf-8")
    (tmp_path / "app" / "jobs.py").write_text(
        "from app.aws import s3\nfrom .aws import orders\nfrom app import aws\n\n"
        's3.put_object(Bucket="reports", Key="a.json", Body=b"")\n'
        "orders.get_item(Key={})\n"
        'aws.s3.delete_object(Bucket="reports", Key="old.json")\n', encoding="utf-8")
    (tmp_path / "app" / "queue.py").write_text(
        "from app.aws import make_queue\nfrom app import aws\n\n"
        'make_queue().send_message(QueueUrl="u", MessageBody="m")\n'
        'aws.make_queue().purge_queue(QueueUrl="u")\n', encoding="utf-8")
    for given in (".", "app/jobs.py"):  # the defining module given or not
        result = run("--format", "text", given, cwd=tmp_path)
        queue = [  # drafted only when given
            "app/queue.py:5: aws.make_queue().purge_queue() -> sqs:PurgeQueue",
            "app/queue.py:4: make_queue().send_message() -> sqs:SendMessage"]
        assert [line.strip() for line in result.stdout.splitlines() if "->" in line] == [
            "app/jobs.py:6: orders.get_item() -> dynamodb:GetItem",
            "app/jobs.py:5: s3.put_object() -> s3:PutObject",
            "app/jobs.py:7: aws.s3.delete_object() -> s3:DeleteObject",
            *(queue if given == "." else [])], given


def test_a_client_defined_in_a_package_init_reaches_a_file_naming_no_sdk(
        tmp_path: pathlib.Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    (tmp_path / "app" / "clients").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "clients" / "__init__.py").write_text(
        'import boto3\n\nsqs = boto3.client("sqs")\n', encoding="utf-8")
    (tmp_path / "app" / "send.py").write_text(
        "import json\nfrom app.clients import (\n    sqs,\n)\n\n"
        'sqs.send_message(QueueUrl="u", MessageBody=json.dumps({}))\n', encoding="utf-8")
    result = run("--format", "text", "app/send.py", cwd=tmp_path)
    assert "app/send.py:6: sqs.send_message() -> sqs:SendMessage" in result.stdout


@pytest.mark.parametrize("source", [
    b"import a\nimport b", b"from x import (a,\n b)\nimport c",
    b"  import x  # import y\nfrom . import (import_me,\nimport_you)\nimport z",
    b"import", b"reimport a\nimport b", b"from a import b; import c\n", b"\nfrom . import x",
    b"\r\nimport a\rimport b", b"x = 'import'\n\timport os.path as p\n", b""])
def test_import_statements_are_those_the_pattern_finds(source: bytes) -> None:
    found = [(m.start(), m.groups()) for m in modules._import_statements(source)]
    assert found == [(m.start(), m.groups()) for m in modules._IMPORT.finditer(source)]


def test_no_role_is_written_for_code_that_calls_nothing(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n", encoding="utf-8")
    result = run("--format", "terraform", "app.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert "no AWS SDK call found" in result.stderr


def test_standard_input(tmp_path: pathlib.Path) -> None:
    result = subprocess.run([str(SCRIPT), "policy", "--format", "text", "--stdin-filename",
                             "job.py", "-"], cwd=tmp_path, input=APP, capture_output=True,
                            text=True, timeout=120)
    assert "job.py:4: s3.put_object() -> s3:PutObject" in result.stdout


def test_clients_passed_to_functions_and_classes_of_other_modules(
        tmp_path: pathlib.Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "storage.py").write_text(  # never names the SDK
        "def archive(client, key):\n"
        '    client.put_object(Bucket="archive", Key=key, Body=b"")\n'
        "    forget(client, key)\n\n\n"
        "def forget(client, key):\n"
        '    client.delete_object(Bucket="inbox", Key=key)\n\n\n'
        "class Ledger:\n"
        "    def __init__(self, table):\n"
        "        self.table = table\n\n"
        "    def record(self, item):\n"
        "        self.table.put_item(Item=item)\n\n\n"
        "def unused(client):\n"
        "    client.delete_bucket(Bucket='archive')\n", encoding="utf-8")
    (package / "handler.py").write_text(
        "import boto3\n\nfrom app import storage\nfrom app.storage import Ledger\n\n"
        's3 = boto3.client("s3")\n'
        'ledger = Ledger(table=boto3.resource("dynamodb").Table("ledger"))\n\n\n'
        "def handle(event, context):\n"
        '    storage.archive(s3, event["key"])\n'
        "    ledger.record(event)\n", encoding="utf-8")
    result = run("--format", "text", "app/handler.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(line.strip() for line in result.stdout.splitlines() if "->" in line) == [
        "app/storage.py:15: self.table.put_item() -> dynamodb:PutItem",
        "app/storage.py:2: client.put_object() -> s3:PutObject [widened: ObjectName not known]",
        "app/storage.py:7: client.delete_object() -> s3:DeleteObject"
        " [widened: ObjectName not known]"]
    assert "DeleteBucket" not in result.stdout  # ``unused`` is never called


def test_a_directory_outside_any_project_is_one(tmp_path: pathlib.Path) -> None:
    """No pyproject.toml, setup.cfg or .git above: the script's directory is where its
    imports are found, as when Python runs it (sibling modules' constants and functions)."""
    (tmp_path / "names.py").write_text(  # names that look like key material to the index
        'ARCHIVE = "policy-e2e-reports-archive-2024"\nEXPORTS = ARCHIVE\n', encoding="utf-8")
    (tmp_path / "store.py").write_text(
        "from names import EXPORTS\n\n\ndef keep(client, key):\n"
        "    client.put_object(Bucket=EXPORTS, Key=key, Body=b'')\n", encoding="utf-8")
    (tmp_path / "main.py").write_text(
        "import boto3\n\nimport names\nfrom store import keep\n\n"
        's3 = boto3.client("s3")\nkeep(s3, "daily.csv")\n'
        "s3.head_bucket(Bucket=names.ARCHIVE)\n", encoding="utf-8")
    result = run("--format", "text", "main.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.strip() for line in result.stdout.splitlines() if line.strip()] == [
        "S3PolicyE2eReportsArchive2024: s3:ListBucket",
        "on arn:aws:s3:::policy-e2e-reports-archive-2024",
        "main.py:8: s3.head_bucket() -> s3:ListBucket",
        "S3PolicyE2eReportsArchive20242: s3:PutObject",
        # the key is a parameter: the callee is drafted for every caller
        "on arn:aws:s3:::policy-e2e-reports-archive-2024/*",
        "store.py:5: client.put_object() -> s3:PutObject [widened: ObjectName not known]",
        "Warnings (resources the code does not name; narrow them by hand):",
        "store.py:5: client.put_object() needs s3:PutObject on"
        " arn:aws:s3:::policy-e2e-reports-archive-2024/* (widened: ObjectName not known)"]
    alone = run("--format", "text", "--no-project", "main.py", cwd=tmp_path)
    assert "store.py" not in alone.stdout and "s3:ListBucket" in alone.stdout


def test_a_big_tree_is_drafted_by_workers_as_by_one_process(tmp_path: pathlib.Path) -> None:
    """Past the pool's threshold the files go to worker processes in chunks: the draft, the
    unresolved calls and the problems (in the files' order) are those of one process."""
    from lint_creds.source.pool import CHUNK_SIZE, MIN_FILES_FOR_POOL

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "aws.py").write_text('import boto3\n\ns3 = boto3.client("s3")\n', encoding="utf-8")
    numbers = range(MIN_FILES_FOR_POOL + 3 * CHUNK_SIZE)
    for number in numbers:
        if number % 50 == 7:  # naming no SDK: drafted through the client it imports
            source = f'from app.aws import s3\n\ns3.get_object(Bucket="b{number}", Key="k")\n'
        elif number % 50 == 13:
            source = f'import boto3\n\nboto3.client("sqs").send_message(QueueUrl=q{number})\n'
        elif number % 50 == 21:
            source = "import boto3\ndef (:\n"
        else:
            source = f"def f{number}(x):\n    return x\n"
        (app / f"m{number:03}.py").write_text(source, encoding="utf-8")
    results = [run("--format", "text", "-j", jobs, ".", cwd=tmp_path) for jobs in ("1", "2")]
    assert results[0].stdout == results[1].stdout and results[0].stderr == results[1].stderr
    broken = [f"app/m{n:03}.py" for n in numbers if n % 50 == 21]
    assert results[0].returncode == 2 and [line.split()[4].rstrip(":") for line in results[
        0].stderr.splitlines() if "cannot analyse" in line] == broken
    assert results[0].stdout.count("s3:GetObject") >= 5 and "sqs:SendMessage" in results[0].stdout
