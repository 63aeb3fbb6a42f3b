"""Drafting each app's policy and running the app as a role holding it (or a variant of it).

One app's runs share its role, so they go one after the other (``PutRolePolicy`` replaces the
role's policy before each); the apps go in parallel, one thread each. Every run is a fresh
``python`` subprocess, bounded by the e2e suite's ``RUN_TIMEOUT_S``, in a hermetic
environment whose only credential source is a loopback ECS container-credentials endpoint
serving the role's temporary keys, and whose only AWS endpoint is ``AWS_ENDPOINT_URL``.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, TypeVar

from e2e.credential_servers import ContainerCredentialsServer
from e2e.environments import hermetic_env
from e2e.runner import lint_creds_command, run

from .apps import APPS_DIR, App
from .iam_server import ACCOUNT, REGION, Admin, MotoIamServer
from .policies import Document, without

T = TypeVar("T")
#: The run of the app as committed, before ``fix`` (keys read from the environment).
UNFIXED: "Removed" = ("<before fix>", None)
#: What a run removes from the draft: ``(action, None)`` every grant of the action,
#: ``(action, resource)`` that one grant; ``None`` removes nothing.
Removed = Optional[Tuple[str, Optional[str]]]


class Draft(NamedTuple):
    """``lint-creds policy`` on one app: the JSON document and the text report."""

    returncode: int
    document: Document
    text: str
    stderr: str  # of the JSON run: the unresolved-call and widened-resource counts


class Run(NamedTuple):
    """One run of an app as its role."""

    app: App
    removed: Removed
    returncode: int
    stdout: str
    stderr: str
    #: what moto's server logged during the run (other apps' lines may be interleaved)
    server_log: str
    #: ``"GET 200"``... the container-credentials endpoint answered during the run
    credential_hits: List[str]


def variants(app: App) -> List[Removed]:
    """Every removal an app is run with: each action, then each resource of an action
    granted on several (from the reviewed draft, so tests can be named before running)."""
    found: List[Removed] = [(action, None) for action in app.grants]
    found += [(action, resource) for action, resources in app.grants.items()
              if len(resources) > 1 for resource in resources]
    return found


class Fixed(NamedTuple):
    """``lint-creds fix`` on a copy of every app, and ``check`` before and after."""

    root: pathlib.Path
    fix: "subprocess.CompletedProcess[str]"
    before: "subprocess.CompletedProcess[str]"
    after: "subprocess.CompletedProcess[str]"


def fix_apps(apps_dir: pathlib.Path, workdir: pathlib.Path) -> Fixed:
    """Copy the apps, then fix the copy as a migration would: ``--unsafe-fixes``, since one
    app's keys come from its settings module (a reviewed change of identity)."""
    root = workdir / "apps"
    shutil.copytree(apps_dir, root, ignore=shutil.ignore_patterns("__pycache__"))
    check = [*lint_creds_command(), "check", "--no-cache", "."]
    before = run(check, root, _tool_env())
    fixed = run([*lint_creds_command(), "fix", "--unsafe-fixes", "."], root, _tool_env())
    return Fixed(root, fixed, before, run(check, root, _tool_env()))


def draft(app: App) -> Draft:
    """``lint-creds policy`` on the app's directory, as a user would run it."""
    command = [*lint_creds_command(), "policy", "--account", ACCOUNT, "--region", REGION]
    as_json = run([*command, app.name], app.root, _tool_env())
    as_text = run([*command, "--format", "text", app.name], app.root, _tool_env())
    document = json.loads(as_json.stdout) if as_json.returncode == 0 else {"Statement": []}
    return Draft(max(as_json.returncode, as_text.returncode), document, as_text.stdout,
                 as_json.stderr + as_text.stderr)


def _tool_env() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


class Clients:
    """The administrator's clients for one thread (a client per service, made once)."""

    def __init__(self, admin: Admin) -> None:
        self.admin = admin
        self._made: Dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = self.admin.client(service)
        return self._made[service]


def run_app(app: App, drafted: Draft, admin: Admin, server: MotoIamServer,
            workdir: pathlib.Path) -> Dict[Removed, Run]:
    """Set up the app's resources and role, then run it with the draft and every variant."""
    clients = Clients(admin)
    app.set_up(clients)
    role_arn = admin.create_role(app.role, drafted.document, clients("iam"))
    role = admin.assume_role(role_arn, app.name, clients("sts"))
    endpoint = ContainerCredentialsServer(role).start()
    try:
        env = hermetic_env(workdir / "home", server.url)
        del env["AWS_ENDPOINT_URL_S3"]  # the apps rely on the generic variable alone
        env.update({
            "AWS_ENDPOINT_URL": server.url,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.full_uri,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": endpoint.authorization_token,
        })
        runs: Dict[Removed, Run] = {}
        committed = app._replace(root=APPS_DIR)
        result = run([sys.executable, str(committed.path)], workdir, env)
        runs[UNFIXED] = Run(committed, UNFIXED, result.returncode, result.stdout,
                            result.stderr, "", [])
        for removed in [None, *variants(app)]:
            document = drafted.document if removed is None else without(
                drafted.document, *removed)
            if removed is not None:
                admin.put_role_policy(app.role, document, clients("iam"))
            app.reset(clients)
            endpoint.clear()
            offset = server.log_size()
            result = run([sys.executable, str(app.path)], workdir, env)
            runs[removed] = Run(app, removed, result.returncode, result.stdout, result.stderr,
                                server.log_since(offset),
                                [f"{hit.method} {hit.status}" for hit in endpoint.hits])
        return runs
    finally:
        endpoint.stop()


def in_parallel(jobs: Sequence[Callable[[], T]]) -> List[T]:
    """Every job in a thread of its own (they wait on subprocesses and moto, not the CPU)."""
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        return list(pool.map(lambda job: job(), jobs))
