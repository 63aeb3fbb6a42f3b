"""The policy catalog against the real generated data (``scripts/generate_policy_data.py``)."""
from __future__ import annotations

import gzip
import json
from importlib import resources
from typing import Optional

import pytest

from lint_creds.policy import catalog
from lint_creds.policy.catalog import ResourceType

DATA = resources.files("lint_creds.policy") / "data"


@pytest.mark.parametrize("service, prefix", [
    pytest.param("nosuchservice", None, id="unknown-service"),
    pytest.param("", None, id="empty"),
    pytest.param("s3", "s3", id="s3"),
    pytest.param("stepfunctions", "states", id="stepfunctions"),
    pytest.param("logs", "logs", id="logs"),
    pytest.param("lambda", "lambda", id="lambda"),
    pytest.param("dynamodbstreams", "dynamodb", id="signing-name"),
    pytest.param("elbv2", "elasticloadbalancing", id="endpoint-prefix"),
    pytest.param("cloudwatch", "cloudwatch", id="service-name"),
    pytest.param("iot-data", "iot", id="override"),
    pytest.param("runtime.sagemaker", "sagemaker", id="botocore-alias"),
])
def test_service_prefix(service: str, prefix: Optional[str]) -> None:
    assert catalog.service_prefix(service) == prefix


@pytest.mark.parametrize("service, method, operation", [
    pytest.param("s3", "no_such_method", None, id="unknown-method"),
    pytest.param("nosuchservice", "list_objects_v2", None, id="unknown-service"),
    pytest.param("s3", "ListObjectsV2", None, id="operation-name-is-not-a-method"),
    pytest.param("s3", "upload_file", None, id="transfer-helper-is-not-an-operation"),
    pytest.param("s3", "list_objects_v2", "ListObjectsV2", id="s3"),
    pytest.param("dynamodb", "put_item", "PutItem", id="dynamodb"),
    pytest.param("sqs", "send_message_batch", "SendMessageBatch", id="sqs"),
    pytest.param("lambda", "invoke", "Invoke", id="lambda"),
    pytest.param("ec2", "describe_instances", "DescribeInstances", id="ec2"),
    pytest.param("rds", "describe_db_instances", "DescribeDBInstances", id="acronym"),
])
def test_operation_of(service: str, method: str, operation: Optional[str]) -> None:
    assert catalog.operation_of(service, method) == operation


@pytest.mark.parametrize("service, paginator, operation", [
    pytest.param("s3", "put_object", None, id="not-paginated"),
    pytest.param("s3", "no_such_method", None, id="unknown"),
    pytest.param("nosuchservice", "list_objects_v2", None, id="unknown-service"),
    pytest.param("s3", "list_objects_v2", "ListObjectsV2", id="s3"),
    pytest.param("dynamodb", "scan", "Scan", id="dynamodb"),
])
def test_paginated_operation(service: str, paginator: str, operation: Optional[str]) -> None:
    assert catalog.paginated_operation(service, paginator) == operation


@pytest.mark.parametrize("service, waiter, operation", [
    pytest.param("s3", "no_such_waiter", None, id="unknown"),
    pytest.param("s3", "BucketExists", None, id="waiter-model-name"),
    pytest.param("nosuchservice", "bucket_exists", None, id="unknown-service"),
    pytest.param("s3", "bucket_exists", "HeadBucket", id="s3"),
    pytest.param("s3", "object_exists", "HeadObject", id="s3-object"),
    pytest.param("dynamodb", "table_exists", "DescribeTable", id="dynamodb"),
])
def test_waiter_operation(service: str, waiter: str, operation: Optional[str]) -> None:
    assert catalog.waiter_operation(service, waiter) == operation


def test_action_get_object_applies_to_objects() -> None:
    found = catalog.action("s3", "GetObject")
    assert found is not None
    assert (found.prefix, found.name) == ("s3", "GetObject")
    arns = {t.name: t.arn for t in found.resources}
    assert arns["object"] == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"


def test_action_list_bucket_applies_to_buckets() -> None:
    found = catalog.action("s3", "ListBucket")
    assert found is not None
    arns = {t.name: t.arn for t in found.resources}
    assert arns["bucket"] == "arn:${Partition}:s3:::${BucketName}"


def test_action_required_resource_type() -> None:
    found = catalog.action("sqs", "SendMessage")
    assert found is not None
    assert found.resources == (
        ResourceType("queue", "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}", True),)


@pytest.mark.parametrize("prefix, name, spelled", [
    pytest.param("s3", "getobject", "GetObject", id="lower-case"),
    pytest.param("S3", "GETOBJECT", "GetObject", id="upper-case"),
    pytest.param("dynamodb", "PutItem", "PutItem", id="exact"),
])
def test_action_names_fall_back_to_any_case(prefix: str, name: str, spelled: str) -> None:
    found = catalog.action(prefix, name)
    assert found is not None and found.name == spelled


@pytest.mark.parametrize("prefix, name", [
    pytest.param("s3", "NoSuchAction", id="unknown-action"),
    pytest.param("nosuchprefix", "GetObject", id="unknown-prefix"),
    pytest.param("s3", "ListObjectsV2", id="operation-without-its-own-action"),
])
def test_action_unknown(prefix: str, name: str) -> None:
    assert catalog.action(prefix, name) is None


def test_action_without_resource_types() -> None:
    found = catalog.action("s3", "ListAllMyBuckets")
    assert found is not None and found.resources == ()


@pytest.mark.parametrize("service, operation, actions", [
    pytest.param("s3", "ListObjectsV2", (), id="named-otherwise"),
    pytest.param("nosuchservice", "GetObject", (), id="unknown-service"),
    pytest.param("s3", "GetObject", ("s3:GetObject",), id="s3"),
    pytest.param("dynamodb", "PutItem", ("dynamodb:PutItem",), id="dynamodb"),
    pytest.param("stepfunctions", "StartExecution", ("states:StartExecution",),
                 id="prefix-differs"),
    pytest.param("lambda", "Invoke", (), id="lambda-invoke-is-invokefunction"),
])
def test_actions_for_operation(service: str, operation: str, actions: tuple) -> None:
    assert catalog.actions_for_operation(service, operation) == actions


@pytest.mark.parametrize("name, keys", [
    pytest.param(catalog.SDK_DATA, {"source", "aliases", "services"}, id="sdk"),
    pytest.param(catalog.IAM_DATA, {"source", "services"}, id="iam"),
])
def test_data_files_are_gzip_json_of_the_documented_shape(name: str, keys: set) -> None:
    data = json.loads(gzip.decompress((DATA / name).read_bytes()))
    assert set(data) == keys
    assert len(data["services"]) > 300
    for service in data["services"].values():
        if name == catalog.SDK_DATA:
            assert set(service) == {"prefix", "methods", "paginators", "waiters"}
            assert all(isinstance(v, str) for v in service["methods"].values())
            assert set(service["paginators"]) <= set(service["methods"])
            assert set(service["waiters"].values()) <= set(service["methods"].values())
        else:
            assert set(service) == {"actions", "resources"}
            for types in service["actions"].values():
                for kind, required in types:
                    assert kind in service["resources"] and isinstance(required, bool)


def test_sdk_prefixes_are_iam_prefixes_where_aws_publishes_one() -> None:
    sdk, iam = catalog.load(catalog.SDK_DATA), catalog.load(catalog.IAM_DATA)
    known = [s["prefix"] for s in sdk["services"].values() if s["prefix"] in iam["services"]]
    assert len(known) > 0.9 * len(sdk["services"])


def test_data_is_small() -> None:
    sizes = [len((DATA / name).read_bytes()) for name in (catalog.SDK_DATA, catalog.IAM_DATA)]
    assert sum(sizes) < 1_500_000
