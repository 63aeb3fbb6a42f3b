"""Which SDK calls the policy reads: source in, ``(service, kind, method)`` out."""
from __future__ import annotations

import ast
import textwrap
from typing import List, Optional, Tuple

import pytest

from lint_creds.engine.scopes import ModuleScopes
from lint_creds.engine.values import ValueResolver
from lint_creds.policy.calls import sdk_calls

Row = Tuple[Optional[str], str, str]


def calls(source: str) -> List[Row]:
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    scopes = ModuleScopes(tree)
    resolver = ValueResolver(scopes, (), text.splitlines())
    return [(c.service, c.kind, c.method) for c in sdk_calls(tree, resolver, scopes)]


CASES = [
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        s3.put_object(Bucket="b", Key="k", Body=b"")
        s3.close()
        ''', [("s3", "client", "put_object")], id="client"),
    pytest.param('''
        import boto3 as b
        from boto3 import client
        b.client("sqs").send_message(QueueUrl="u", MessageBody="m")
        client("sns").publish(TopicArn="t", Message="m")
        ''', [("sqs", "client", "send_message"), ("sns", "client", "publish")],
        id="aliases-and-chained"),
    pytest.param('''
        import boto3
        session = boto3.Session(region_name="eu-west-1")
        ddb = session.client(service_name="dynamodb")
        ddb.get_item(TableName="t", Key={})
        ''', [("dynamodb", "client", "get_item")], id="session"),
    pytest.param('''
        import boto3
        SERVICE = "kinesis"
        boto3.client(SERVICE).put_record(StreamName="s", Data=b"", PartitionKey="p")
        ''', [("kinesis", "client", "put_record")], id="service-from-a-constant"),
    pytest.param('''
        import boto3
        def make(name):
            return boto3.client(name)
        boto3.client(NAME).list_queues()
        ''', [(None, "client", "list_queues")], id="unknown-service-kept-unresolved"),
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="b"):
            pass
        s3.get_waiter("object_exists").wait(Bucket="b", Key="k")
        ''', [("s3", "paginator", "list_objects_v2"), ("s3", "waiter", "object_exists")],
        id="paginator-and-waiter"),
    pytest.param('''
        import boto3
        s3 = boto3.resource("s3")
        bucket = s3.Bucket("reports")
        bucket.put_object(Key="k", Body=b"")
        for obj in bucket.objects.filter(Prefix="2024/"):
            pass
        s3.Object("reports", "k").get()
        bucket.Object("k").delete()
        s3.meta.client.upload_file("f", "reports", "k")
        ''', [("s3", "resource", "Bucket.put_object"),
              ("s3", "resource", "Bucket.objects.filter"),
              ("s3", "resource", "Object.get"), ("s3", "resource", "Object.delete"),
              ("s3", "client", "upload_file")], id="resource-api"),
    pytest.param('''
        import boto3
        queue = boto3.resource("sqs").get_queue_by_name(QueueName="jobs")
        queue.send_message(MessageBody="m")
        ''', [("sqs", "resource", "ServiceResource.get_queue_by_name"),
              ("sqs", "resource", "Queue.send_message")], id="action-that-makes-a-resource"),
    pytest.param('''
        import boto3
        table = boto3.resource("dynamodb").Table("orders")
        table.put_item(Item={})
        with table.batch_writer() as batch:
            batch.put_item(Item={})
        ''', [("dynamodb", "resource", "Table.put_item"),
              ("dynamodb", "resource", "Table.batch_writer")], id="dynamodb-table"),
    pytest.param('''
        import boto3
        class Store:
            def __init__(self):
                self.s3 = boto3.client("s3")
            def save(self, key):
                self.s3.put_object(Bucket="b", Key=key, Body=b"")
        ''', [("s3", "client", "put_object")], id="self-attribute"),
    pytest.param('''
        import aioboto3
        async def main():
            session = aioboto3.Session()
            async with session.client("s3") as s3:
                await s3.get_object(Bucket="b", Key="k")
        ''', [("s3", "client", "get_object")], id="aioboto3"),
    pytest.param('''
        from aiobotocore.session import get_session
        async def main():
            async with get_session().create_client("sqs") as sqs:
                await sqs.receive_message(QueueUrl="u")
        ''', [("sqs", "client", "receive_message")], id="aiobotocore"),
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
        ''', [("s3", "client", "generate_presigned_url")], id="presigned"),
    pytest.param('''
        import functools
        import boto3
        @functools.lru_cache()
        def queue_client():
            return boto3.client("sqs")
        def send(body):
            queue_client().send_message(QueueUrl="u", MessageBody=body)
        ''', [("sqs", "client", "send_message")], id="factory-function"),
    pytest.param('''
        import boto3
        bucket = boto3.resource("s3").Bucket("logs")
        bucket.objects.filter(Prefix="old/").delete()
        ''', [("s3", "resource", "Bucket.objects.filter"),
              ("s3", "resource", "Bucket.objects.delete")], id="narrowed-collection-action"),
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        getattr(s3, "delete_object")(Bucket="b", Key="k")
        getattr(s3, method)(Bucket="b")
        getattr(settings, "x")()
        ''', [("s3", "client", "delete_object"), ("s3", "dynamic", "")], id="getattr"),
    pytest.param('''
        import requests
        session = requests.Session()
        session.get("https://example.com")
        client = make_client()
        client.put_object(Bucket="b")
        ''', [], id="look-alikes"),
    pytest.param('''
        import boto3
        class Repo:
            _table = None
            def table(self):
                return boto3.resource("dynamodb").Table("t")
            @classmethod
            def _cached(cls):
                if cls._table:
                    return cls._table
                cls._table = boto3.resource("dynamodb").Table("t")
                return cls._table
            def run(self):
                self.table().get_item(Key={})
                rows = self._cached()
                rows.scan()
                Repo._cached().query()
                self.other().put_item(Item={})
        ''', [("dynamodb", "resource", "Table.get_item"), ("dynamodb", "resource", "Table.scan"),
              ("dynamodb", "resource", "Table.query")], id="methods-returning-sdk-objects"),
    pytest.param('''
        class Store:
            def table(self):
                return {}
            def run(self):
                self.table().get("k")
                Store.table(self).update({})
        ''', [], id="methods-returning-anything-else"),
    pytest.param('''
        import functools
        import boto3
        class Uploader:
            @property
            def s3(self):
                return boto3.client("s3")
            @functools.cached_property
            def queue(self):
                return boto3.resource("sqs").Queue("u")
            def plain(self):
                return boto3.client("sns")
            def run(self):
                self.s3.put_object(Bucket="b", Key="k", Body=b"")
                self.queue.send_message(MessageBody="m")
                self.plain.publish(Message="m")
        ''', [("s3", "client", "put_object"), ("sqs", "resource", "Queue.send_message")],
        id="properties-returning-sdk-objects"),
]

#: SDK objects that reach a function through its parameters.
PARAMETERS = [
    pytest.param('''
        def upload(client, bucket, key):
            client.put_object(Bucket=bucket, Key=key, Body=b"")
        class Box:
            def put(self, thing):
                thing.put_object()
        upload(make(), "b", "k")
        Box().put(object())
        ''', [], id="silent-nothing-passed-is-from-the-sdk"),
    pytest.param('''
        import boto3
        def upload(client, path):
            client.upload_file(path, "b", "k")
        upload(boto3.client("s3"), "report.csv")
        ''', [("s3", "client", "upload_file")], id="positional-argument"),
    pytest.param('''
        import boto3
        class Worker:
            def __init__(self):
                self.sqs = boto3.client("sqs")
            def run(self):
                self._drain(queue_client=self.sqs)
            def _drain(self, queue_client):
                queue_client.receive_message(QueueUrl="u")
        ''', [("sqs", "client", "receive_message")], id="keyword-argument-to-a-method"),
    pytest.param('''
        import boto3
        class Orders:
            def __init__(self, table, topic=None):
                self.table = table
            def add(self, item):
                self.table.put_item(Item=item)
        orders = Orders(boto3.resource("dynamodb").Table("orders"))
        ''', [("dynamodb", "resource", "Table.put_item")], id="injected-into-a-class"),
    pytest.param('''
        import boto3
        def listing(s3=None):
            s3 = s3 or boto3.client("s3")
            return s3.list_buckets()
        def purge(sqs=boto3.client("sqs")):
            sqs.purge_queue(QueueUrl="u")
        ''', [("s3", "client", "list_buckets"), ("sqs", "client", "purge_queue")],
        id="defaults-and-fallbacks"),
    pytest.param('''
        from typing import TYPE_CHECKING, Optional
        from botocore.client import BaseClient
        from mypy_boto3_sqs import SQSClient
        from mypy_boto3_sso_admin.client import SSOAdminClient
        if TYPE_CHECKING:
            from mypy_boto3_dynamodb.service_resource import Table
        def send(sqs: SQSClient, admin: "Optional[SSOAdminClient]", table: "Table",
                 anything: BaseClient):
            sqs.send_message(QueueUrl="u", MessageBody="m")
            admin.list_instances()
            table.get_item(Key={})
            anything.get_object(Bucket="b", Key="k")
        ''', [("sqs", "client", "send_message"), ("sso-admin", "client", "list_instances"),
              ("dynamodb", "resource", "Table.get_item"), (None, "client", "get_object")],
        id="type-hints"),
    pytest.param('''
        import boto3
        def drain(sqs, url):
            sqs.delete_message(QueueUrl=url, ReceiptHandle="h")
            drain(sqs, url)
        def forward(client):
            drain(client, "u")
        forward(boto3.client("sqs"))
        forward(boto3.client("sqs"))
        ''', [("sqs", "client", "delete_message")], id="recursion-and-repeats-followed-once"),
    pytest.param('''
        import boto3
        s3 = boto3.client("s3")
        def put(key):
            s3.put_object(Bucket="b", Key=key, Body=b"")
        s3.copy({"Bucket": "a", "Key": "k"}, "b", "k")
        print(s3)
        ''', [("s3", "client", "put_object"), ("s3", "client", "copy")],
        id="sdk-calls-and-builtins-are-not-followed"),
    pytest.param('''
        import boto3
        from typing import Optional
        from mypy_boto3_s3 import S3Client
        def put(s3: Optional["S3Client"]):
            s3.put_object(Bucket="b", Key="k", Body=b"")
        ''', [("s3", "client", "put_object")], id="quoted-hint-inside-optional"),
    pytest.param('''
        import boto3
        CLIENTS = {"s3": boto3.client("s3"), "sqs": boto3.client("sqs")}
        class Jobs:
            def __init__(self):
                self.clients = {"events": boto3.client("events")}
            def run(self):
                self.clients["events"].put_events(Entries=[])
        CLIENTS["sqs"].send_message(QueueUrl="u", MessageBody="m")
        CLIENTS[name].list_queues()
        ''', [("events", "client", "put_events"), ("sqs", "client", "send_message")],
        id="clients-in-a-dict"),
    pytest.param('''
        import boto3
        def client(name, region=None):
            return boto3.client(name, region_name=region)
        def session_client(service_name):
            return boto3.Session().client(service_name=service_name)
        client("dynamodb").get_item(TableName="t", Key={})
        session_client(service_name="sns").publish(TopicArn="t", Message="m")
        client(SERVICE).list_things()
        ''', [("dynamodb", "client", "get_item"), ("sns", "client", "publish"),
              (None, "client", "list_things")], id="factory-taking-the-service-name"),
]


#: What iterating a collection, or an action returning several resources, yields.
ELEMENTS = [
    pytest.param('''
        import boto3
        s3 = boto3.resource("s3")
        for bucket in s3.buckets.all():
            for summary in bucket.objects.all():
                summary.get()
        async def drain(queue):
            async for message in queue.receive_messages():
                await message.delete()
        upload_ids = {u.abort() for u in s3.Bucket("b").multipart_uploads.all()}
        ''', [("s3", "resource", "ServiceResource.buckets.all"),
              ("s3", "resource", "Bucket.objects.all"), ("s3", "resource", "ObjectSummary.get"),
              ("s3", "resource", "MultipartUpload.abort"),
              ("s3", "resource", "Bucket.multipart_uploads.all")],
        id="loops-and-comprehensions"),
    pytest.param('''
        import boto3
        client = boto3.client("s3")
        for page in client.get_paginator("list_objects_v2").paginate(Bucket="b"):
            page.get("Contents")
        for name in ["a", "b"]:
            name.upper()
        ''', [("s3", "paginator", "list_objects_v2")], id="silent-pages-and-plain-values"),
]


@pytest.mark.parametrize("source, expected", CASES + PARAMETERS + ELEMENTS)
def test_sdk_calls(source: str, expected: List[Row]) -> None:
    assert calls(source) == expected
