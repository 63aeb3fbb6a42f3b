"""Fixtures of the policy end-to-end tests: moto with IAM enforced, its administrator, and
this process made hermetic for the administrator's in-process clients."""
from __future__ import annotations

import os
import pathlib
from importlib.metadata import version
from typing import Dict, Iterator, List, NamedTuple

import pytest

from e2e.environments import hermetic_env

from .iam_server import Admin, MotoIamServer, bootstrap_admin


#: moto before 5.2 (5.1.22 is the last release for Python 3.9) answers valid SigV4 requests
#: to S3 with SignatureDoesNotMatch while IAM is enforced (getmoto/moto#5948), so there the
#: S3 app's runs and its presigned SigV4 URLs prove nothing about the policy.
OLD_MOTO_S3 = tuple(int(part) for part in version("moto").split(".")[:2]) < (5, 2)


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    if not OLD_MOTO_S3:
        return
    here = pathlib.Path(__file__).parent
    skip = pytest.mark.skip(reason=f"moto {version('moto')} (< 5.2, the last for Python 3.9) "
                            "rejects valid S3 SigV4 signatures under IAM (getmoto/moto#5948)")
    runs_s3_as_the_role = ("test_app_runs_as_the_role_with_the_draft[s3_app]",
                           "test_app_is_denied_without[s3_app-",
                           "test_presigned_urls_are_checked_as_their_signer[sigv4]")
    for item in items:
        if here in item.path.parents and item.name.startswith(runs_s3_as_the_role):
            item.add_marker(skip)


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
