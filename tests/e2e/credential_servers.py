"""Loopback stand-ins for the two places an IAM role's keys come from.

* :class:`ContainerCredentialsServer`: the ECS task-role endpoint boto3 reads through
  ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` (botocore accepts ``http://`` only for loopback
  addresses and a few link-local hosts, so ``127.0.0.1`` is allowed), with the
  ``Authorization`` token ECS/EKS pod identity send through ``AWS_CONTAINER_AUTHORIZATION_TOKEN``.
* :class:`InstanceMetadataServer`: the EC2 instance-metadata service, IMDSv2 only (a session
  token from ``PUT /latest/api/token`` is required on every read), reached through
  ``AWS_EC2_METADATA_SERVICE_ENDPOINT``.

Both are plain ``http.server`` servers on ``127.0.0.1`` and a free port, served from a daemon
thread, and log every request so a test can show which endpoint the SDK really used.
"""
from __future__ import annotations

import datetime
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from .identities import Identity

#: (status, content type, body)
Reply = Tuple[int, str, bytes]
Route = Callable[[BaseHTTPRequestHandler], Reply]

TASK_ROLE_ARN = "arn:aws:iam::123456789012:role/e2e-task-role"
#: The role name IMDS lists under ``iam/security-credentials/``.
INSTANCE_PROFILE_NAME = "e2e-instance-profile"
_NOT_FOUND: Reply = (404, "text/plain", b"not found")
_JOIN_TIMEOUT_S = 5.0


class Hit(NamedTuple):
    """One request a credential server answered."""

    method: str
    path: str
    status: int


def _credentials_json(identity: Identity, **extra: str) -> bytes:
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)
    document = {
        **extra,
        "AccessKeyId": identity.access_key_id,
        "SecretAccessKey": identity.secret_access_key,
        "Token": identity.token,
        "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json.dumps(document).encode()


class LoopbackServer:
    """An HTTP server on 127.0.0.1 answering ``(method, path)`` routes from :meth:`routes`."""

    def __init__(self) -> None:
        self.hits: List[Hit] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=type(self).__name__)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def routes(self) -> Dict[Tuple[str, str], Route]:
        """``(method, path) -> route``; unknown requests get a 404."""
        raise NotImplementedError

    def start(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(_JOIN_TIMEOUT_S)

    def clear(self) -> None:
        with self._lock:
            self.hits.clear()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        route = self.routes().get((handler.command, handler.path.split("?")[0]))
        status, content_type, body = route(handler) if route else _NOT_FOUND
        with self._lock:
            self.hits.append(Hit(handler.command, handler.path, status))
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _handler_class(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server._answer(self)

            do_PUT = do_GET

            def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
                pass

        return Handler


class ContainerCredentialsServer(LoopbackServer):
    """The ECS container-credentials endpoint serving one role's temporary keys."""

    def __init__(self, role: Identity) -> None:
        super().__init__()
        self.role = role
        self.path = f"/v2/credentials/{secrets.token_hex(8)}"
        self.authorization_token = secrets.token_urlsafe(24)

    @property
    def full_uri(self) -> str:
        """The value for ``AWS_CONTAINER_CREDENTIALS_FULL_URI``."""
        return self.url + self.path

    def routes(self) -> Dict[Tuple[str, str], Route]:
        return {("GET", self.path): self._credentials}

    def _credentials(self, handler: BaseHTTPRequestHandler) -> Reply:
        if handler.headers.get("Authorization") != self.authorization_token:
            return (401, "text/plain", b"missing or wrong authorization token")
        return (200, "application/json", _credentials_json(self.role, RoleArn=TASK_ROLE_ARN))


class InstanceMetadataServer(LoopbackServer):
    """IMDSv2 serving an instance profile's temporary keys; v1 (token-less) reads are refused."""

    _TOKEN = "/latest/api/token"
    _CREDENTIALS = "/latest/meta-data/iam/security-credentials/"

    def __init__(self, role: Identity, role_name: str = INSTANCE_PROFILE_NAME) -> None:
        super().__init__()
        self.role = role
        self.role_name = role_name
        self.issued_tokens: List[str] = []

    def routes(self) -> Dict[Tuple[str, str], Route]:
        return {
            ("PUT", self._TOKEN): self._token,
            ("GET", self._CREDENTIALS): self._guarded(lambda: self.role_name.encode()),
            ("GET", self._CREDENTIALS + self.role_name): self._guarded(self._credentials),
        }

    def _token(self, handler: BaseHTTPRequestHandler) -> Reply:
        if not handler.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return (400, "text/plain", b"missing token TTL")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.issued_tokens.append(token)
        return (200, "text/plain", token.encode())

    def _guarded(self, body: Callable[[], bytes]) -> Route:
        def route(handler: BaseHTTPRequestHandler) -> Reply:
            token: Optional[str] = handler.headers.get("X-aws-ec2-metadata-token")
            if token not in self.issued_tokens:
                return (401, "text/plain", b"IMDSv2 session token required")
            return (200, "text/plain", body())
        return route

    def _credentials(self) -> bytes:
        return _credentials_json(self.role, Code="Success", Type="AWS-HMAC",
                                 LastUpdated=datetime.datetime.now(datetime.timezone.utc)
                                 .strftime("%Y-%m-%dT%H:%M:%SZ"))
