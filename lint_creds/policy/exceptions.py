"""Operations whose IAM action is not ``prefix:Operation``: a reviewed table.

Each row says which actions an API operation needs, on which of its resources, and where
AWS documents it. Everything else maps by the default rule (the action named like the
operation, when AWS's service authorization data has one). ``source`` in a row's actions
marks the action needed on the copy source (``CopySource``), not the target.
"""
from __future__ import annotations

from typing import Dict, NamedTuple, Tuple

_S3_AUTH = "https://docs.aws.amazon.com/AmazonS3/latest/API/"
_SQS_BATCH = ("https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
              "sqs-api-permissions-reference.html")
_DDB_AUTH = ("https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
             "api-permissions-reference.html")
_DDB_PARTIQL = ("https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
                "ql-iam.html")


class Needed(NamedTuple):
    """The actions one operation needs (``role``: ``target`` or ``source``) and why."""

    actions: Tuple[Tuple[str, str], ...]
    source: str


def _on_target(*actions: str, source: str) -> Needed:
    return Needed(tuple((action, "target") for action in actions), source)


#: (IAM prefix, operation) -> what it needs.
EXCEPTIONS: Dict[Tuple[str, str], Needed] = {
    # S3: the bucket-level list actions, and object operations that share an action.
    ("s3", "ListObjects"): _on_target("s3:ListBucket", source=_S3_AUTH + "API_ListObjects.html"),
    ("s3", "ListObjectsV2"): _on_target(
        "s3:ListBucket", source=_S3_AUTH + "API_ListObjectsV2.html"),
    ("s3", "ListObjectVersions"): _on_target(
        "s3:ListBucketVersions", source=_S3_AUTH + "API_ListObjectVersions.html"),
    ("s3", "ListMultipartUploads"): _on_target(
        "s3:ListBucketMultipartUploads", source=_S3_AUTH + "API_ListMultipartUploads.html"),
    ("s3", "ListParts"): _on_target(
        "s3:ListMultipartUploadParts", source=_S3_AUTH + "API_ListParts.html"),
    ("s3", "ListBuckets"): _on_target(
        "s3:ListAllMyBuckets", source=_S3_AUTH + "API_ListBuckets.html"),
    ("s3", "HeadBucket"): _on_target("s3:ListBucket", source=_S3_AUTH + "API_HeadBucket.html"),
    ("s3", "HeadObject"): _on_target("s3:GetObject", source=_S3_AUTH + "API_HeadObject.html"),
    ("s3", "GetObjectAttributes"): _on_target(
        "s3:GetObject", "s3:GetObjectAttributes",
        source=_S3_AUTH + "API_GetObjectAttributes.html"),
    ("s3", "CopyObject"): Needed(
        (("s3:GetObject", "source"), ("s3:PutObject", "target")),
        _S3_AUTH + "API_CopyObject.html"),
    ("s3", "UploadPartCopy"): Needed(
        (("s3:GetObject", "source"), ("s3:PutObject", "target")),
        _S3_AUTH + "API_UploadPartCopy.html"),
    ("s3", "DeleteObjects"): _on_target(
        "s3:DeleteObject", source=_S3_AUTH + "API_DeleteObjects.html"),
    ("s3", "CreateMultipartUpload"): _on_target(
        "s3:PutObject", source=_S3_AUTH + "API_CreateMultipartUpload.html"),
    ("s3", "UploadPart"): _on_target("s3:PutObject", source=_S3_AUTH + "API_UploadPart.html"),
    ("s3", "CompleteMultipartUpload"): _on_target(
        "s3:PutObject", source=_S3_AUTH + "API_CompleteMultipartUpload.html"),
    ("s3", "AbortMultipartUpload"): _on_target(
        "s3:AbortMultipartUpload", source=_S3_AUTH + "API_AbortMultipartUpload.html"),
    ("s3", "SelectObjectContent"): _on_target(
        "s3:GetObject", source=_S3_AUTH + "API_SelectObjectContent.html"),
    ("s3", "GetBucketLocation"): _on_target(
        "s3:GetBucketLocation", source=_S3_AUTH + "API_GetBucketLocation.html"),
    # SQS: a batch needs the action of the single call.
    ("sqs", "SendMessageBatch"): _on_target("sqs:SendMessage", source=_SQS_BATCH),
    ("sqs", "DeleteMessageBatch"): _on_target("sqs:DeleteMessage", source=_SQS_BATCH),
    ("sqs", "ChangeMessageVisibilityBatch"): _on_target(
        "sqs:ChangeMessageVisibility", source=_SQS_BATCH),
    # Lambda
    ("lambda", "Invoke"): _on_target(
        "lambda:InvokeFunction",
        source="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html"),
    ("lambda", "InvokeWithResponseStream"): _on_target(
        "lambda:InvokeFunction",
        source="https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html"),
    ("lambda", "InvokeAsync"): _on_target(
        "lambda:InvokeFunction",
        source="https://docs.aws.amazon.com/lambda/latest/api/API_InvokeAsync.html"),
    # DynamoDB: transactions need the item actions; PartiQL has actions of its own (the
    # statement's verb decides, see :func:`lint_creds.policy.actions.partiql_actions`).
    ("dynamodb", "TransactWriteItems"): _on_target(
        "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem", source=_DDB_AUTH),
    ("dynamodb", "TransactGetItems"): _on_target("dynamodb:GetItem", source=_DDB_AUTH),
    ("dynamodb", "ExecuteStatement"): _on_target(
        "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
        "dynamodb:PartiQLDelete", source=_DDB_PARTIQL),
    ("dynamodb", "BatchExecuteStatement"): _on_target(
        "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
        "dynamodb:PartiQLDelete", source=_DDB_PARTIQL),
    ("dynamodb", "ExecuteTransaction"): _on_target(
        "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
        "dynamodb:PartiQLDelete", source=_DDB_PARTIQL),
    # KMS
    ("kms", "ReEncrypt"): _on_target(
        "kms:ReEncryptFrom", "kms:ReEncryptTo",
        source="https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html"),
    # Secrets Manager: the batch call also needs GetSecretValue on each secret.
    ("secretsmanager", "BatchGetSecretValue"): _on_target(
        "secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue",
        source=("https://docs.aws.amazon.com/secretsmanager/latest/apireference/"
                "API_BatchGetSecretValue.html")),
    # STS: asking who you are needs no permission.
    ("sts", "GetCallerIdentity"): Needed(
        (), "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"),
    # CloudWatch Logs: the ingestion call's action has its own name.
    ("logs", "PutLogEvents"): _on_target(
        "logs:PutLogEvents",
        source="https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
               "API_PutLogEvents.html"),
}

#: PartiQL statement verbs -> the DynamoDB action each needs.
PARTIQL_VERBS = {"SELECT": "dynamodb:PartiQLSelect", "INSERT": "dynamodb:PartiQLInsert",
                 "UPDATE": "dynamodb:PartiQLUpdate", "DELETE": "dynamodb:PartiQLDelete"}
