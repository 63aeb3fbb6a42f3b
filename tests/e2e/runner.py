"""Running the fixture programs and the fixer: copies, buckets, bounded concurrent runs.

Every run is a fresh ``python`` subprocess with its own copy of the program, its own bucket
and its own credential endpoints, so runs can go in parallel (the suite stays fast on two
cores) and each run's S3 requests and endpoint hits are still told apart exactly.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Sequence, Tuple

from .environments import Endpoints, World, scenario_env
from .identities import Identity
from .programs import Program
from .s3_server import S3Request

#: Bound on every program and fixer run; each takes one to a few seconds.
RUN_TIMEOUT_S = 60
WORKERS = max(2, os.cpu_count() or 2)


class Case(NamedTuple):
    """One program run: which version of which program, with which credential source."""

    variant: str  # "original", "expected" (the golden) or "fixed" (lint-creds fix output)
    program: Program
    scenario: str

    @property
    def id(self) -> str:
        return f"{self.variant}-{self.program.name}-{self.scenario}"


class Outcome(NamedTuple):
    """What one run did, as the outside world saw it."""

    case: Case
    returncode: int
    stdout: str
    stderr: str
    #: the identity the scenario's credential source hands out
    identity: Identity
    bucket: str
    #: the S3 requests to this run's bucket, in arrival order
    requests: Tuple[S3Request, ...]
    #: "container"/"metadata" -> requests this run's credential endpoints answered
    endpoint_hits: Dict[str, List[str]]


class SetUpClient(NamedTuple):
    """An S3 client signed with a set-up key that no program is ever given."""

    client: Any
    key_id: str


class PreparedRun(NamedTuple):
    """A case ready to run: its copy, bucket, credential endpoints and environment."""

    case: Case
    workdir: pathlib.Path
    env: Dict[str, str]
    identity: Identity
    bucket: str
    endpoints: Endpoints

    def execute(self) -> "subprocess.CompletedProcess[str]":
        return run(self.case.program.command(self.bucket), self.workdir, self.env)

    def outcome(self, result: "subprocess.CompletedProcess[str]", log: Sequence[S3Request],
                setup: SetUpClient) -> Outcome:
        """What the run did: its result, and the S3 requests to its bucket not made by the
        set-up client (a program is never given that key)."""
        mine = tuple(r for r in log if r.access_key_id != setup.key_id and (
            r.path == self.bucket or r.path.startswith(self.bucket + "/")))
        container, metadata = self.endpoints
        hits = {"container": [f"{h.method} {h.status}" for h in container.hits],
                "metadata": [f"{h.method} {h.path} {h.status}" for h in metadata.hits]}
        return Outcome(self.case, result.returncode, result.stdout, result.stderr, self.identity,
                       self.bucket, mine, hits)


def copy_program(source: pathlib.Path, destination: pathlib.Path) -> pathlib.Path:
    """A copy of a program's tree (runs and the fixer never touch ``fixtures/``)."""
    shutil.copytree(source, destination,
                    ignore=shutil.ignore_patterns("__pycache__", ".lint-creds-cache"))
    return destination


def run(command: Sequence[str], cwd: pathlib.Path, env: Mapping[str, str]
        ) -> "subprocess.CompletedProcess[str]":
    """Run a program or the fixer, bounded in time, capturing text output."""
    return subprocess.run(list(command), cwd=cwd, env=dict(env), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S, check=False)


def run_all(jobs: Sequence[Callable[[], Any]]) -> List[Any]:
    """Call every job, ``WORKERS`` at a time; results in job order."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda job: job(), jobs))


def lint_creds_command() -> Tuple[str, ...]:
    """The installed ``lint-creds`` console script (``python -m lint_creds`` if absent)."""
    script = pathlib.Path(sys.executable).with_name("lint-creds")
    return (str(script),) if script.exists() else (sys.executable, "-m", "lint_creds")


def tree_files(root: pathlib.Path) -> Dict[str, bytes]:
    """``relative path -> bytes`` of every file under ``root`` (caches excluded: Python's,
    and lint-creds' index cache in a program that is a project of its own)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not {"__pycache__", ".lint-creds-cache"} & set(p.parts)}


def prepare(case: Case, source: pathlib.Path, world: World, setup: SetUpClient,
            root: pathlib.Path, cleanup: ExitStack) -> PreparedRun:
    """Copy ``source``, create the case's bucket (seeded with the objects the program
    expects) and start its credential endpoints; ``cleanup`` stops them."""
    here = root / case.id
    bucket = f"e2e-{case.id}".lower().replace("_", "-")
    setup.client.create_bucket(Bucket=bucket)
    for key, body in case.program.seed.items():
        setup.client.put_object(Bucket=bucket, Key=key, Body=body)
    endpoints = Endpoints.start(world)
    cleanup.callback(endpoints.stop)
    env, identity = scenario_env(case.scenario, here / "home", world, endpoints)
    env.update(case.program.environment(bucket))
    return PreparedRun(case, copy_program(source, here / "app"), env, identity, bucket, endpoints)
