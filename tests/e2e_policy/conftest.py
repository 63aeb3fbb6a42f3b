"""Fixtures of the policy end-to-end tests: moto with IAM enforced, its administrator, and
this process made hermetic for the administrator's in-process clients."""
from __future__ import annotations

import os
from typing import Dict, Iterator, NamedTuple

import pytest

from e2e.environments import hermetic_env

from .iam_server import Admin, MotoIamServer, bootstrap_admin


def _no_endpoint(env: Dict[str, str]) -> Dict[str, str]:
    """A hermetic environment that names no AWS endpoint (clients are given the URL)."""
    del env["AWS_ENDPOINT_URL_S3"]
    return env


class PolicyWorld(NamedTuple):
    server: MotoIamServer
    admin: Admin


@pytest.fixture(scope="module")
def policy_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyWorld]:
    """A fresh moto server for the module (IAM enforced after the administrator's three
    bootstrap requests), with this process hermetic while it runs."""
    root = tmp_path_factory.mktemp("policy-e2e")
    server = MotoIamServer(root, _no_endpoint(hermetic_env(root / "server-home", "")))
    env = _no_endpoint(hermetic_env(root / "admin-home", ""))
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        server.start()
        try:
            yield PolicyWorld(server, bootstrap_admin(server.url))
        finally:
            server.stop()
