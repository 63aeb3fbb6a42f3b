"""From an SDK call to the IAM actions it needs, each with the arguments that name its
resources: the operation (client method, paginator, waiter, resource-API action, transfer
helper or presigned URL), then the reviewed exceptions, else ``prefix:Operation``."""
from __future__ import annotations

import ast
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

from ..engine.origins import constant_string
from ..engine.scopes import Scope
from . import catalog
from .calls import SdkCall
from .exceptions import EXCEPTIONS, PARTIQL_VERBS

#: An argument as written: its expression and the scope to resolve it in.
Argument = Tuple[ast.expr, Scope]

#: The S3 transfer manager's helpers: their positional parameters and the API operations
#: they make (a large upload or copy is multipart).
_UPLOAD = ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
           "AbortMultipartUpload")
_TRANSFERS = {
    "upload_file": (("Filename", "Bucket", "Key"), _UPLOAD),
    "upload_fileobj": (("Fileobj", "Bucket", "Key"), _UPLOAD),
    "download_file": (("Bucket", "Key", "Filename"), ("HeadObject", "GetObject")),
    "download_fileobj": (("Bucket", "Key", "Fileobj"), ("HeadObject", "GetObject")),
    "copy": (("CopySource", "Bucket", "Key"),
             ("HeadObject", "CopyObject", "CreateMultipartUpload", "UploadPartCopy",
              "CompleteMultipartUpload", "AbortMultipartUpload")),
}
#: The same helpers on resource objects, with the identifiers they take from the object.
_RESOURCE_TRANSFER_PARAMS = {"Bucket": ("Bucket",), "Object": ("Bucket", "Key"),
                             "ObjectSummary": ("Bucket", "Key")}
#: Resource-API actions not named like their operation: (service, type.method) -> operations.
_RESOURCE_OPERATIONS = {
    ("s3", "Object.get"): ("GetObject",), ("s3", "Object.put"): ("PutObject",),
    ("s3", "Object.delete"): ("DeleteObject",), ("s3", "Object.load"): ("HeadObject",),
    ("s3", "Object.reload"): ("HeadObject",), ("s3", "Object.copy_from"): ("CopyObject",),
    ("s3", "Object.wait_until_exists"): ("HeadObject",),
    ("s3", "Object.initiate_multipart_upload"): ("CreateMultipartUpload",),
    ("s3", "Bucket.create"): ("CreateBucket",), ("s3", "Bucket.delete"): ("DeleteBucket",),
    ("s3", "Bucket.wait_until_exists"): ("HeadBucket",),
    ("s3", "Bucket.objects.all"): ("ListObjects",),
    ("s3", "Bucket.objects.filter"): ("ListObjects",),
    ("s3", "Bucket.objects.page_size"): ("ListObjects",),
    ("s3", "Bucket.objects.limit"): ("ListObjects",),
    ("s3", "Bucket.objects.delete"): ("ListObjects", "DeleteObjects"),
    ("s3", "Bucket.object_versions.all"): ("ListObjectVersions",),
    ("s3", "Bucket.object_versions.filter"): ("ListObjectVersions",),
    ("s3", "ServiceResource.buckets.all"): ("ListBuckets",),
    ("dynamodb", "Table.load"): ("DescribeTable",), ("dynamodb", "Table.reload"): (
        "DescribeTable",),
    ("dynamodb", "Table.delete"): ("DeleteTable",), ("dynamodb", "Table.update"): (
        "UpdateTable",),
    ("dynamodb", "Table.batch_writer"): ("BatchWriteItem",),
    ("dynamodb", "Table.wait_until_exists"): ("DescribeTable",),
    ("sqs", "Queue.send_messages"): ("SendMessageBatch",),
    ("sqs", "Queue.receive_messages"): ("ReceiveMessage",),
    ("sqs", "Queue.delete_messages"): ("DeleteMessageBatch",),
    ("sqs", "Queue.purge"): ("PurgeQueue",), ("sqs", "Queue.delete"): ("DeleteQueue",),
    ("sqs", "Queue.load"): ("GetQueueAttributes",),
    ("sqs", "Queue.reload"): ("GetQueueAttributes",),
    ("sqs", "ServiceResource.get_queue_by_name"): ("GetQueueUrl",),
    ("sns", "Topic.delete"): ("DeleteTopic",), ("sns", "Topic.load"): ("GetTopicAttributes",),
    # The elements of collections (policy/sdk_objects.py ``ELEMENTS``).
    ("s3", "ObjectSummary.get"): ("GetObject",), ("s3", "ObjectSummary.put"): ("PutObject",),
    ("s3", "ObjectSummary.delete"): ("DeleteObject",),
    ("s3", "ObjectSummary.copy_from"): ("CopyObject",),
    ("s3", "ObjectVersion.get"): ("GetObject",), ("s3", "ObjectVersion.head"): ("HeadObject",),
    ("s3", "ObjectVersion.delete"): ("DeleteObject",),
    ("s3", "MultipartUpload.abort"): ("AbortMultipartUpload",),
    ("s3", "MultipartUpload.complete"): ("CompleteMultipartUpload",),
    ("sqs", "Message.delete"): ("DeleteMessage",),
    ("sqs", "Message.change_visibility"): ("ChangeMessageVisibility",),
    ("sns", "Subscription.delete"): ("Unsubscribe",),
}
#: Resource identifiers as the operations' parameters: (service, type) -> names, in order
#: (a sub-resource continues its parent's: ``bucket.Object("k")`` is Bucket, then Key).
_IDENTIFIERS = {
    ("s3", "Bucket"): ("Bucket",), ("s3", "Object"): ("Bucket", "Key"),
    ("s3", "ObjectSummary"): ("Bucket", "Key"), ("dynamodb", "Table"): ("TableName",),
    ("sqs", "Queue"): ("QueueUrl",), ("sns", "Topic"): ("TopicArn",),
    ("sqs", "Message"): ("QueueUrl", "ReceiptHandle"),
    ("kinesis", "Stream"): ("StreamName",),
}
#: Arguments that imply another permission: (action, argument) -> (action, resource source).
_IMPLIED = {
    ("s3:PutObject", "ACL"): ("s3:PutObjectAcl", "target"),
    ("s3:PutObject", "Tagging"): ("s3:PutObjectTagging", "target"),
    ("s3:PutObject", "SSEKMSKeyId"): ("kms:GenerateDataKey", "SSEKMSKeyId"),
    ("s3:GetObject", "VersionId"): ("s3:GetObjectVersion", "target"),
}


class Need(NamedTuple):
    """One action a call needs; ``arguments`` name its resource (``Bucket``, ``Key``...)."""

    action: str
    operation: str
    arguments: Dict[str, Argument]
    #: Why it is needed when the call does not name it: ``"ACL= of PutObject"``.
    implied_by: str = ""


class Unresolved(NamedTuple):
    """A call whose permissions cannot be known, and why."""

    call: SdkCall
    reason: str


def needs_of(call: SdkCall) -> Tuple[List[Need], Optional[Unresolved]]:
    """The actions ``call`` needs, or why they cannot be known."""
    if call.service is None:
        return [], Unresolved(call, "the client's service name is not a constant")
    if call.kind == "dynamic":
        return [], Unresolved(call, "the method is chosen at run time (getattr)")
    prefix = catalog.service_prefix(call.service)
    if prefix is None:
        return [], Unresolved(call, f"unknown service {call.service!r}")
    operations, arguments = _operations(call)
    if not operations:
        return [], Unresolved(call, f"{call.method}() is not an operation of {call.service}")
    needs: List[Need] = []
    for operation in operations:
        found = list(_actions(call.service, prefix, operation, arguments, call))
        if not found and (prefix, operation) not in EXCEPTIONS:
            return [], Unresolved(call, f"no IAM action is published for {prefix}:{operation}")
        needs += found
    return needs, None


def _operations(call: SdkCall) -> Tuple[Tuple[str, ...], Dict[str, Argument]]:
    service, method = call.service or "", call.method
    arguments = _keywords(call.node, call.scope)
    if call.kind == "paginator":
        operation = catalog.paginated_operation(service, method)
        return ((operation,) if operation else ()), arguments
    if call.kind == "waiter":
        operation = catalog.waiter_operation(service, method)
        return ((operation,) if operation else ()), arguments
    if call.kind == "resource":
        return _resource_operations(call, arguments)
    if service == "s3" and method in _TRANSFERS:
        positions, operations = _TRANSFERS[method]
        return operations, {**_positional(call, positions), **arguments}
    if method == "generate_presigned_url":
        return _presigned(call, arguments)
    if service == "s3" and method == "generate_presigned_post":
        return ("PutObject",), {**_positional(call, ("Bucket", "Key")), **arguments}
    operation = catalog.operation_of(service, method)
    return ((operation,) if operation else ()), arguments


def _resource_operations(call: SdkCall, arguments: Dict[str, Argument]
                         ) -> Tuple[Tuple[str, ...], Dict[str, Argument]]:
    service = call.service or ""
    kind, _, method = call.method.rpartition(".")
    identified = {**_identifiers(service, call.identifiers), **arguments}
    if service == "s3" and method in _TRANSFERS:
        names = _RESOURCE_TRANSFER_PARAMS.get(kind.split(".")[0], ())
        positions = tuple(p for p in _TRANSFERS[method][0] if p not in names)
        return _TRANSFERS[method][1], {**identified, **_positional(call, positions)}
    operations = _RESOURCE_OPERATIONS.get((service, call.method))
    if operations is None:
        operation = catalog.operation_of(service, method)
        operations = (operation,) if operation else ()
    return operations, identified


def _identifiers(service: str, identifiers: Tuple[Tuple[str, ast.expr, Scope], ...]
                 ) -> Dict[str, Argument]:
    """``s3.Object("b", "k")``, ``s3.Bucket("b").Object("k")`` -> Bucket and Key."""
    found: Dict[str, Argument] = {}
    names: List[str] = []
    missing: List[str] = []
    for label, node, scope in identifiers:
        if label.startswith("="):  # named by the action that made it
            found[label[1:]] = (node, scope)
            names.append(label[1:])
            continue
        kind, _, index = label.partition(":")
        if index == "0":  # a constructor's arguments fill what its parents left, in order
            wanted = _IDENTIFIERS.get((service, kind), ())
            missing = [n for n in wanted if n not in found and n not in names]
        if int(index) < len(missing):
            names.append(missing[int(index)])
            found[missing[int(index)]] = (node, scope)
    return found


def _presigned(call: SdkCall, arguments: Dict[str, Argument]
               ) -> Tuple[Tuple[str, ...], Dict[str, Argument]]:
    """Whoever opens a presigned URL acts with the signer's permissions."""
    method_node = arguments.get("ClientMethod") or (
        (call.node.args[0], call.scope) if call.node.args else None)
    method = constant_string(method_node[0]) if method_node else None
    operation = catalog.operation_of(call.service or "", method) if method else None
    if operation is None:
        return (), arguments
    params = arguments.get("Params") or (
        (call.node.args[1], call.scope) if len(call.node.args) > 1 else None)
    inner: Dict[str, Argument] = {}
    if params is not None and isinstance(params[0], ast.Dict):
        for key, value in zip(params[0].keys, params[0].values):
            name = constant_string(key) if key is not None else None
            if name:
                inner[name] = (value, params[1])
    return (operation,), inner


def _actions(service: str, prefix: str, operation: str, arguments: Dict[str, Argument],
             call: SdkCall) -> Iterator[Need]:
    exception = EXCEPTIONS.get((prefix, operation))
    if exception is not None:
        pairs = exception.actions
        if operation in ("ExecuteStatement",) and "Statement" in arguments:
            verb = (constant_string(arguments["Statement"][0]) or "").lstrip().split(" ", 1)[0]
            if verb.upper() in PARTIQL_VERBS:
                pairs = ((PARTIQL_VERBS[verb.upper()], "target"),)
    else:
        pairs = tuple((a, "target") for a in catalog.actions_for_operation(service, operation))
    for action, role in pairs:
        resource_args = arguments if role == "target" else _copy_source(arguments)
        yield Need(action, operation, resource_args)
        for argument in sorted(arguments):
            implied = _IMPLIED.get((action, argument))
            if implied is not None and role == "target":
                implied_action, where = implied
                implied_args = resource_args if where == "target" else {
                    "KeyId": arguments[where]}
                yield Need(implied_action, operation, implied_args,
                           f"{argument}= of {operation}")


def _copy_source(arguments: Dict[str, Argument]) -> Dict[str, Argument]:
    """``CopySource={"Bucket": ..., "Key": ...}`` as the source's own Bucket and Key (a
    ``"bucket/key"`` string is split when it is a constant)."""
    source = arguments.get("CopySource")
    if source is None:
        return {}
    node, scope = source
    if isinstance(node, ast.Dict):
        return {name: (value, scope) for key, value in zip(node.keys, node.values)
                if key is not None and (name := constant_string(key)) in ("Bucket", "Key")}
    text = constant_string(node)
    if text and "/" in text:
        bucket, key = text.lstrip("/").split("/", 1)
        return {"Bucket": (ast.Constant(bucket), scope), "Key": (ast.Constant(key), scope)}
    return {}


def _keywords(call: ast.Call, scope: Scope) -> Dict[str, Argument]:
    return {k.arg: (k.value, scope) for k in call.keywords if k.arg is not None}


def _positional(call: SdkCall, names: Tuple[str, ...]) -> Dict[str, Argument]:
    return {name: (arg, call.scope) for name, arg in zip(names, call.node.args)
            if not isinstance(arg, ast.Starred)}
