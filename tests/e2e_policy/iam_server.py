"""moto's server with IAM enforced, and the administrator that sets it up.

The server is ``moto_iam_server.py`` (moto's own server plus the documented corrections of
its authorisation) on ``127.0.0.1`` and a free port, started by reusing the e2e suite's
:class:`~e2e.s3_server.MotoS3Server` (its port probing, readiness wait and bounded stop).

``INITIAL_NO_AUTH_ACTION_COUNT=3``: moto lets exactly the first three API requests through
unauthenticated, and authorises every later one against IAM (signature, then the caller's
policies). Those three bootstrap an administrator (``CreateUser``, ``PutUserPolicy`` with
``*`` on ``*``, ``CreateAccessKey``); everything else (the apps' resources, the roles, their
policies, ``AssumeRole``) is done with the administrator's key under enforcement, so a
policy can be replaced between runs (``PutRolePolicy``) while IAM stays on. (A moto reset,
``/moto-api/reset``, would delete the administrator but leave the no-auth counter spent:
every module starts a fresh server instead.)
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any, Dict, NamedTuple

from e2e.identities import Identity, new_identity
from e2e.s3_server import MotoS3Server, _free_port

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
#: The requests moto serves without authentication: the administrator's bootstrap.
NO_AUTH_REQUESTS = 3
ADMIN_USER = "policy-e2e-admin"
_SERVER_SCRIPT = pathlib.Path(__file__).with_name("moto_iam_server.py")
_ALLOW_ALL = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


class MotoIamServer(MotoS3Server):
    """``moto_iam_server.py`` in a subprocess, IAM enforced after the bootstrap requests."""

    def __init__(self, workdir: pathlib.Path, env: Dict[str, str]) -> None:
        super().__init__(workdir, {
            **env, "INITIAL_NO_AUTH_ACTION_COUNT": str(NO_AUTH_REQUESTS),
            # queue_app's runs each start from an empty queue: moto's setting for AWS's one
            # purge a minute is turned off (the purge is set-up, not what is tested)
            "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false"})
        # No request recording: under enforcement moto itself checks who signed each request.
        self._env.pop("MOTO_ENABLE_RECORDING", None)
        self._env.pop("MOTO_RECORDER_FILEPATH", None)

    def start(self) -> "MotoIamServer":
        for _ in range(3):  # a free port can be taken between probing and binding
            self.port = _free_port()
            with open(self.log, "ab") as log:
                self._process = subprocess.Popen(
                    [sys.executable, str(_SERVER_SCRIPT), "-H", "127.0.0.1", "-p",
                     str(self.port)],
                    cwd=self.workdir, env=self._env, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"moto server did not start; see {self.log}:\n{self.log.read_text()}")

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


def session(identity: Identity) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=identity.access_key_id,
        aws_secret_access_key=identity.secret_access_key,
        aws_session_token=identity.token, region_name=REGION)


class Admin(NamedTuple):
    """The administrator: an IAM user allowed everything, with its own access key."""

    identity: Identity
    arn: str
    url: str

    def client(self, service: str) -> Any:
        return session(self.identity).client(service, endpoint_url=self.url)

    def create_role(self, name: str, document: Dict[str, Any], iam: Any) -> str:
        """A role the administrator may assume (as an ECS task would), with ``document`` as
        its inline policy; returns its ARN."""
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "ecs-tasks.amazonaws.com", "AWS": self.arn}}]}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"]["Arn"]
        self.put_role_policy(name, document, iam)
        return str(arn)

    @staticmethod
    def put_role_policy(role: str, document: Dict[str, Any], iam: Any) -> None:
        """Replace the role's one inline policy (moto reads it again on every request)."""
        iam.put_role_policy(RoleName=role, PolicyName=role, PolicyDocument=json.dumps(document))

    @staticmethod
    def assume_role(arn: str, session_name: str, sts: Any) -> Identity:
        """The role's temporary credentials, as the ECS agent would serve them."""
        credentials = sts.assume_role(RoleArn=arn, RoleSessionName=session_name,
                                      DurationSeconds=3600)["Credentials"]
        return Identity(f"role {arn}", credentials["AccessKeyId"],
                        credentials["SecretAccessKey"], credentials["SessionToken"])


def bootstrap_admin(url: str) -> Admin:
    """The server's first (and only unauthenticated) requests: create the administrator."""
    bootstrap = new_identity("bootstrap key", temporary=False)  # never checked by moto
    iam = session(bootstrap).client("iam", endpoint_url=url)
    arn = iam.create_user(UserName=ADMIN_USER)["User"]["Arn"]
    iam.put_user_policy(UserName=ADMIN_USER, PolicyName="administrator",
                        PolicyDocument=json.dumps(_ALLOW_ALL))
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    identity = Identity("administrator", key["AccessKeyId"], key["SecretAccessKey"], None)
    return Admin(identity, str(arn), url)
