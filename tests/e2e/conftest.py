"""Fixtures of the end-to-end tests: the loopback S3 server, identities, a hermetic process."""
from __future__ import annotations

import os
from typing import Iterator

import pytest

from .environments import REGION, World, hermetic_env
from .identities import new_identity
from .runner import SetUpClient
from .s3_server import MotoS3Server


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """moto's S3 server on 127.0.0.1 and a fresh identity per credential source; the
    credential endpoints are started per run (see ``runner.run_cases``)."""
    root = tmp_path_factory.mktemp("e2e-world")
    s3 = MotoS3Server(root, hermetic_env(root / "home", "http://127.0.0.1:9"))
    try:
        yield World(
            s3.start(),
            task_role=new_identity("ECS task role", temporary=True),
            instance_profile=new_identity("EC2 instance profile", temporary=True),
            developer=new_identity("developer key (shared credentials file)", temporary=False),
        )
    finally:
        s3.stop()


@pytest.fixture(scope="module")
def hermetic_process(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[None]:
    """This process's own environment made hermetic (no AWS_* variables, HOME in a tmp dir,
    no instance metadata), for the boto3 set-up client that runs in-process."""
    env = hermetic_env(tmp_path_factory.mktemp("admin-home"), world.s3.url)
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def setup_s3(world: World, hermetic_process: None) -> SetUpClient:
    """An S3 client signed with a set-up key (not any identity under test), to create buckets
    and seed the objects programs expect."""
    import boto3  # only once the environment is hermetic

    key = new_identity("set-up key", temporary=False)
    client = boto3.session.Session(
        aws_access_key_id=key.access_key_id, aws_secret_access_key=key.secret_access_key,
        region_name=REGION,
    ).client("s3", endpoint_url=world.s3.url)
    return SetUpClient(client, key.access_key_id)
