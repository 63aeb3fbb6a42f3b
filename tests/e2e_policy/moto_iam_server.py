"""moto's server with IAM enforcement that authorises the way AWS does for the calls the
policy apps make: the moto server process of ``tests/e2e_policy`` runs this file instead of
``python -m moto.server``::

    python tests/e2e_policy/moto_iam_server.py -H 127.0.0.1 -p PORT

It patches moto in this process only (site-packages is never modified; the tests never
import it), then runs ``moto.server.main``. With ``INITIAL_NO_AUTH_ACTION_COUNT`` set, every
request after the first n is checked by moto's ``moto/iam/access_control.py`` (signature,
then the caller's identity policies), which gets five corrections:

1. **Resources** (``_authenticate_and_authorize_normal_action``): stock moto checks S3 and
   SQS requests against the resource's ARN but every other service against ``*``, which a
   narrowed ``Resource`` never matches. The ARN is computed here from the request, as AWS
   documents it: DynamoDB table, Secrets Manager secret (its real ARN, random suffix
   included, looked up in moto's backend), SSM parameter, KMS key (an alias resolved to its
   key), Kinesis stream, CloudWatch Logs log stream (or group), SNS topic, Lambda function
   (named in the request's path).
2. **Action names**: moto checks some operations under their own name, not their IAM
   action: ``s3:HeadBucket`` (IAM: ``s3:ListBucket``), the SQS batches
   (``sqs:SendMessageBatch`` -> ``sqs:SendMessage`` ...), ``lambda:Invoke``
   (``lambda:InvokeFunction``); from moto 5.2.6 on, every S3 request too
   (``s3:HeadObject`` and the multipart calls: ``s3:GetObject``, ``s3:PutObject``).
3. **Presigned URLs**: moto reads the caller only from the ``Authorization`` header, so a
   request signed in its query string (``X-Amz-Credential``, ``X-Amz-Signature``,
   ``X-Amz-Security-Token``) failed with a 500. It is now authenticated from the query
   string (the SigV4 query signature is verified with botocore's own signer) and
   authorised like any other request of its signer.
4. **Wildcards**: moto turned a policy's ``*`` into the regular expression ``.*`` and left
   every other character a regular-expression character, so ``?`` (which IAM matches as
   one character: a secret's ARN ends in ``-??????``) broke the match. IAM's glob is used:
   ``*`` any run of characters, ``?`` one, everything else literal.
5. **Bodiless requests of Lambda**: for a ``GET`` without a body (``GetFunctionConfiguration``)
   moto hands the signature check the request's headers as its form data, so the payload
   hash it computes is never the signer's and every such call failed with
   ``SignatureDoesNotMatch``. The empty body the client signed is checked instead.

Each denial is also written to this process's stderr (``policy-e2e: denied ACTION on
RESOURCE``), so a failing test can show what moto refused.
"""
from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable, Dict, Optional
from urllib.parse import parse_qsl, unquote, urlsplit

#: moto's name of an operation -> the IAM action AWS checks for it.
IAM_ACTIONS = {
    "s3:HeadBucket": "s3:ListBucket",
    # moto 5.2.6 and later name S3 requests by their operation, as every other service
    # (earlier versions named them by IAM action already; those names pass through).
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjects": "s3:ListBucket",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:UploadPartCopy": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
    "s3:CopyObject": "s3:PutObject",
    "s3:ListParts": "s3:ListMultipartUploadParts",
    "s3:DeleteObjects": "s3:DeleteObject",
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "lambda:Invoke": "lambda:InvokeFunction",
}
_PRESIGNED_V4 = ("X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date")
_PRESIGNED_V2 = ("AWSAccessKeyId", "Signature", "Expires")


def _params(response: Any) -> Dict[str, Any]:
    """The request's parameters: a JSON body (DynamoDB hands moto's parsed dict), else the
    query/form parameters."""
    body = getattr(response, "body", None)
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.lstrip().startswith("{"):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    return {k: v[0] if isinstance(v, list) and v else v
            for k, v in getattr(response, "querystring", {}).items()}


def _secret_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = p.get("SecretId")
    if not secret_id:
        return None
    secret = secretsmanager_backends[account][region].secrets.get(secret_id)
    return secret.arn if secret is not None else (
        secret_id if secret_id.startswith("arn:")
        else f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_id}")


def _key_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    from moto.kms.models import kms_backends

    key_id = p.get("KeyId")
    if not key_id:
        return None
    try:
        raw = kms_backends[account][region].any_id_to_key_id(key_id)
    except Exception:  # an unknown alias: AWS answers NotFound, moto will too
        return None
    return f"arn:aws:kms:{region}:{account}:key/{raw}"


def _parameter_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    name = p.get("Name")
    if not isinstance(name, str):
        return None
    return name if name.startswith("arn:") else (
        f"arn:aws:ssm:{region}:{account}:parameter/{name.lstrip('/')}")


def _stream_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    if p.get("StreamARN"):
        return str(p["StreamARN"])
    name = p.get("StreamName")
    return f"arn:aws:kinesis:{region}:{account}:stream/{name}" if name else None


def _log_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    group = p.get("logGroupName")
    if not group:
        return None
    arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    stream = p.get("logStreamName")
    return f"{arn}:log-stream:{stream}" if stream else arn


def _table_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    table = p.get("TableName")
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}" if table else None


def _topic_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    return p.get("TopicArn") or p.get("TargetArn") or None


def _function_arn(region: str, account: str, p: Dict[str, Any]) -> Optional[str]:
    name = p.get("FunctionName")
    if not isinstance(name, str) or not name:
        return None
    if name.startswith("arn:"):
        return name
    return f"arn:aws:lambda:{region}:{account}:function:{name}"


#: A Lambda request's path: ``/2015-03-31/functions/NAME/invocations`` (and the like).
_FUNCTION_PATH = re.compile(r"^/[\d-]+/functions/(?P<name>[^/?]+)")


#: moto's service name -> the ARN of the resource a request acts on (None: ``*``).
RESOURCES: Dict[str, Callable[[str, str, Dict[str, Any]], Optional[str]]] = {
    "dynamodb": _table_arn, "secretsmanager": _secret_arn, "ssm": _parameter_arn,
    "kms": _key_arn, "kinesis": _stream_arn, "logs": _log_arn, "sns": _topic_arn,
    "awslambda": _function_arn,
}


def iam_glob(pattern: str, string: str) -> "Optional[re.Match[str]]":
    """IAM's wildcard match: ``*`` any run of characters, ``?`` exactly one."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.match(f"^{regex}$", string, re.DOTALL)


def _presigned_headers(path: str, headers: Any) -> Optional[Dict[str, str]]:
    """For a request signed in its query string (SigV4, or the SigV2 that boto3 still uses
    by default to presign S3 URLs in us-east-1): its headers plus the ``Authorization`` (and
    ``X-Amz-Security-Token``) that moto's access control reads; None otherwise."""
    if "Authorization" in headers:
        return None
    query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
    found = {name: value for name, value in headers.items()}
    if all(name in query for name in _PRESIGNED_V4):
        found["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={query['X-Amz-Credential']}, "
            f"SignedHeaders={query.get('X-Amz-SignedHeaders', 'host')}, "
            f"Signature={query['X-Amz-Signature']}")
        found["X-Amz-Date"] = query["X-Amz-Date"]
    elif all(name in query for name in _PRESIGNED_V2):
        # SigV2 names no region or service: S3's, in the partition moto serves ("aws").
        found["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={query['AWSAccessKeyId']}/19700101/us-east-1/s3/"
            f"aws4_request, SignedHeaders=host, Signature={query['Signature']}")
    else:
        return None
    token = query.get("X-Amz-Security-Token", query.get("x-amz-security-token"))
    if token is not None:
        found["X-Amz-Security-Token"] = token
    return found


def _sigv2_string_to_sign(method: str, path: str) -> str:
    """S3's SigV2 query-string StringToSign: the method, Content-MD5, Content-Type, Expires,
    the ``x-amz-*`` parameters, then the canonical resource (botocore's own)."""
    from botocore.auth import HmacV1Auth

    query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
    lines = [method.upper(), query.get("Content-MD5", query.get("content-md5", "")),
             query.get("Content-Type", query.get("content-type", "")), query["Expires"]]
    amz = sorted((k.lower(), v.strip()) for k, v in query.items()
                 if k.lower().startswith("x-amz-"))
    lines += [f"{k}:{v}" for k, v in amz]
    lines.append(HmacV1Auth(None).canonical_resource(urlsplit(path)))
    return "\n".join(lines)


def patch_moto() -> None:
    from botocore.auth import HmacV1Auth, S3SigV4QueryAuth, SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam import access_control
    from moto.iam.access_control import IAMPolicyStatement, IAMRequestBase

    original_init = IAMRequestBase.__init__
    original_check_signature = IAMRequestBase.check_signature
    original_check_permitted = IAMRequestBase.check_action_permitted
    original_normal_action = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

    def __init__(self: Any, account_id: str, method: str, path: str, data: Any, body: Any,
                 headers: Any, action: Any) -> None:
        presigned = _presigned_headers(path, headers)
        original_init(self, account_id, method, path, data, body,
                      presigned if presigned is not None else headers, action)
        #: "v4", "v2" (how the query string was signed) or None (the Authorization header)
        self._presigned = None if presigned is None else (
            "v4" if "X-Amz-Credential=" in urlsplit(path).query else "v2")
        self._action = IAM_ACTIONS.get(self._action, self._action)
        if (self._service == "lambda" and not self._body and isinstance(self._data, dict)
                and "Authorization" in self._data):
            self._data = b""  # the headers, given as form data (correction 5)

    def check_signature(self: Any) -> None:
        if not self._presigned:
            return original_check_signature(self)
        if self._presigned == "v2":  # HMAC-SHA1 of the StringToSign
            credentials = self._access_key.create_credentials()
            given = self._get_string_between(
                "Signature=", ",", self._headers["Authorization"])
            if HmacV1Auth(credentials).sign_string(
                    _sigv2_string_to_sign(self._method, self._path)) != given:
                self._raise_signature_does_not_match()
            return None
        split = urlsplit(self._path)
        pairs = [pair for pair in split.query.split("&")
                 if not pair.startswith("X-Amz-Signature=")]
        signed = self._get_string_between(
            "SignedHeaders=", ",", self._headers["Authorization"]).split(";")
        request = AWSRequest(method=self._method, url=f"{split.path}?{'&'.join(pairs)}",
                             headers=self._create_headers_for_aws_request(signed, self._headers))
        request.context["timestamp"] = self._headers["X-Amz-Date"]
        signer = S3SigV4QueryAuth if self._service == "s3" else SigV4QueryAuth
        auth = signer(self._access_key.create_credentials(), self._service, self._region)
        string_to_sign = auth.string_to_sign(request, auth.canonical_request(request))
        given = self._get_string_between("Signature=", ",", self._headers["Authorization"])
        if auth.signature(string_to_sign, request) != given:
            self._raise_signature_does_not_match()

    def check_action_permitted(self: Any, resource: str) -> None:
        try:
            original_check_permitted(self, resource)
        except Exception:
            sys.stderr.write(f"policy-e2e: denied {self._action} on {resource}\n")
            sys.stderr.flush()
            raise

    def normal_action(self: Any, resource: str = "*") -> None:
        find = RESOURCES.get(getattr(self, "service_name", "") or "")
        if resource == "*" and find is not None:
            params = _params(self)
            in_path = _FUNCTION_PATH.match(urlsplit(getattr(self, "path", "") or "").path)
            if in_path is not None and "FunctionName" not in params:
                params = {**params, "FunctionName": unquote(in_path.group("name"))}
            resource = find(self.region, self.current_account, params) or "*"
        original_normal_action(self, resource)

    IAMRequestBase.__init__ = __init__  # type: ignore[method-assign]
    IAMRequestBase.check_signature = check_signature  # type: ignore[method-assign]
    IAMRequestBase.check_action_permitted = check_action_permitted  # type: ignore[method-assign]
    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = (  # type: ignore
        normal_action)
    IAMPolicyStatement._match = staticmethod(iam_glob)  # type: ignore[method-assign]
    assert access_control.IAMPolicyStatement._match is iam_glob


def main() -> None:
    patch_moto()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
