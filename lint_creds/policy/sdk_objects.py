"""What the AWS SDK builds and how its objects lead to one another, as the policy reads
calls: the factories of clients, resources and sessions, client methods that are not API
operations, and the resource API's collections and resource-making actions."""
from __future__ import annotations

import ast
from typing import NamedTuple, Optional, Tuple

from ..engine.scopes import Scope

#: What builds a client or a resource, by qualified name (the service is the first argument).
FACTORIES = {
    "boto3.client": "client", "boto3.resource": "resource",
    "boto3.session.Session.client": "client", "boto3.session.Session.resource": "resource",
}
#: What builds a session (a client or resource factory of its own).
SESSIONS = frozenset({
    "boto3.Session", "boto3.session.Session", "aioboto3.Session", "aioboto3.session.Session",
    "botocore.session.get_session", "botocore.session.Session", "aiobotocore.session.get_session",
    "aiobotocore.session.AioSession", "boto3.DEFAULT_SESSION",
})
#: Session methods that build a client or a resource.
SESSION_FACTORIES = {"client": "client", "create_client": "client", "resource": "resource"}
#: Methods of a client that are not API operations.
CLIENT_PLUMBING = frozenset({
    "close", "can_paginate", "get_paginator", "get_waiter", "exceptions", "meta",
    "__aenter__", "__aexit__",
})
#: Packages whose functions take clients but are not the project's code to follow.
LIBRARIES = ("boto3.", "botocore.", "aioboto3.", "aiobotocore.", "s3transfer.")
#: Collection methods that return the collection, narrowed (``objects.filter(...).delete()``).
NARROWING = frozenset({"all", "filter", "limit", "page_size"})
#: What a collection, or an action returning several resources, yields when iterated:
#: (service, ``Type.collection``) -> the type of its elements.
ELEMENTS = {
    ("s3", "Bucket.objects"): "ObjectSummary", ("s3", "Bucket.object_versions"): (
        "ObjectVersion"),
    ("s3", "Bucket.multipart_uploads"): "MultipartUpload",
    ("s3", "ServiceResource.buckets"): "Bucket",
    ("sqs", "Queue.receive_messages"): "Message", ("sqs", "ServiceResource.queues"): "Queue",
    ("sns", "ServiceResource.topics"): "Topic", ("sns", "Topic.subscriptions"): "Subscription",
    ("dynamodb", "ServiceResource.tables"): "Table",
}
#: Resource-API actions that also return a resource: (service, method) -> its type and
#: the parameter that names it.
MADE_BY_ACTIONS = {
    ("sqs", "get_queue_by_name"): ("Queue", "QueueName"),
    ("sqs", "create_queue"): ("Queue", "QueueName"),
    ("sns", "create_topic"): ("Topic", "Name"),
    ("dynamodb", "create_table"): ("Table", "TableName"),
    ("s3", "create_bucket"): ("Bucket", "Bucket"),
}


class Receiver(NamedTuple):
    """What an expression stands for: a ``session``, a ``client``, a ``resource`` (an SDK
    resource object: ``kind`` is its type, ``service``'s root is ``"ServiceResource"``),
    a ``paginator`` or a ``waiter`` (``name`` is its operation-ish name)."""

    kind: str
    service: Optional[str]  # None: built with a service name that cannot be known
    name: str = ""
    #: Identifiers of a resource object, as the SDK names them (``Bucket``, ``Key``).
    identifiers: Tuple[Tuple[str, ast.expr, Scope], ...] = ()
