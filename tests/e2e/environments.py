"""Process environments for the programs under test: hermetic, and one per credential source.

Every environment starts from the test process's own, minus every ``AWS_*`` variable (and
proxy settings, which could route loopback traffic elsewhere); ``HOME``, ``AWS_CONFIG_FILE``
and ``AWS_SHARED_CREDENTIALS_FILE`` point into a temporary directory, the instance-metadata
service is disabled unless the scenario serves it, and S3 is reached through
``AWS_ENDPOINT_URL_S3`` (botocore >= 1.31 reads it when a client gets no ``endpoint_url``),
so the programs need neither keys nor an endpoint in their source.
"""
from __future__ import annotations

import os
import pathlib
from typing import Callable, Dict, Mapping, NamedTuple, Optional, Tuple

from .credential_servers import ContainerCredentialsServer, InstanceMetadataServer
from .identities import Identity
from .s3_server import MotoS3Server

_DROPPED_PREFIXES = ("AWS_",)
_DROPPED = frozenset({"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                      "DJANGO_SETTINGS_MODULE", "BOTO_CONFIG"})
REGION = "us-east-1"


class World(NamedTuple):
    """The session's S3 server and the identities each credential source hands out."""

    s3: MotoS3Server
    task_role: Identity
    instance_profile: Identity
    developer: Identity


class Endpoints(NamedTuple):
    """One run's own credential endpoints, so their logs show what that run asked for."""

    container: ContainerCredentialsServer
    metadata: InstanceMetadataServer

    @classmethod
    def start(cls, world: World) -> "Endpoints":
        return cls(ContainerCredentialsServer(world.task_role).start(),
                   InstanceMetadataServer(world.instance_profile).start())

    def stop(self) -> None:
        self.container.stop()
        self.metadata.stop()


def hermetic_env(home: pathlib.Path, s3_url: str,
                 base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """An environment with no AWS credential source at all, S3 on ``s3_url``."""
    base = os.environ if base is None else base
    env = {k: v for k, v in base.items()
           if not k.upper().startswith(_DROPPED_PREFIXES) and k.upper() not in _DROPPED}
    aws_dir = home / ".aws"
    aws_dir.mkdir(parents=True, exist_ok=True)
    env.update({
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(aws_dir / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws_dir / "credentials"),
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_S3": s3_url,
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def _ecs_task_role(env: Dict[str, str], world: World, endpoints: Endpoints) -> Identity:
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = endpoints.container.full_uri
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = endpoints.container.authorization_token
    return world.task_role


def _ec2_instance_profile(env: Dict[str, str], world: World, endpoints: Endpoints) -> Identity:
    del env["AWS_EC2_METADATA_DISABLED"]
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoints.metadata.url + "/"
    # One attempt, generously bounded (a loaded CI box can be slow to answer even on
    # loopback); a retry would only hide a failure.
    env["AWS_METADATA_SERVICE_TIMEOUT"] = "10"
    env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = "1"
    return world.instance_profile


def _shared_credentials_file(env: Dict[str, str], world: World, endpoints: Endpoints
                             ) -> Identity:
    key = world.developer
    pathlib.Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[default]\naws_access_key_id = {key.access_key_id}\n"
        f"aws_secret_access_key = {key.secret_access_key}\n", encoding="utf-8")
    return key


#: scenario -> adds its one credential source to a hermetic env, returns the identity it serves.
SCENARIOS: Dict[str, Callable[[Dict[str, str], World, Endpoints], Identity]] = {
    "ecs-task-role": _ecs_task_role,
    "ec2-instance-profile": _ec2_instance_profile,
    "shared-credentials-file": _shared_credentials_file,
}


def scenario_env(scenario: str, home: pathlib.Path, world: World, endpoints: Endpoints
                 ) -> Tuple[Dict[str, str], Identity]:
    """The environment of ``scenario`` and the identity its requests must be signed with."""
    env = hermetic_env(home, world.s3.url)
    return env, SCENARIOS[scenario](env, world, endpoints)
