"""End to end: code that hands keys to boto3 breaks under IAM roles; the fixed code runs on them.

For every program in ``fixtures/e2e`` (see ``programs.py``), against moto's S3 server and
loopback ECS / EC2 credential endpoints (see ``README.md`` here):

1. the original, run where credentials come from a role, crashes (``KeyError``) or runs as the
   wrong identity (its hard-coded key);
2. ``lint-creds fix`` on a copy yields code whose S3 requests are signed with the ECS task
   role's key, the EC2 instance profile's key, or the developer's shared-credentials key,
   whichever the environment offers;
3. the rewrite equals the checked-in golden file byte for byte, and a second fix is a no-op.

All runs happen once, concurrently, in the module fixture ``runs``; the tests read outcomes.
"""
from __future__ import annotations

import pathlib
from contextlib import ExitStack
from typing import Any, Dict, List, NamedTuple, Sequence, Tuple

import pytest

from lint_creds.engine import check_source
from lint_creds.patterns import find_key_ids, mask

from .credential_servers import INSTANCE_PROFILE_NAME
from .environments import SCENARIOS, World, hermetic_env
from .programs import PROGRAMS, Program
from .runner import (
    Case, Outcome, PreparedRun, SetUpClient, copy_program, lint_creds_command, prepare, run,
    run_all, tree_files,
)
from .s3_server import S3Request

pytestmark = pytest.mark.e2e

by_name = pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)

#: The originals run where only a role offers credentials; the fixed programs run with each
#: credential source in turn.
ORIGINAL_CASES = tuple(Case("original", p, "ecs-task-role") for p in PROGRAMS)
FIXED_CASES = tuple(Case("fixed", p, s) for p in PROGRAMS for s in SCENARIOS)


class Runs(NamedTuple):
    """Everything the module's tests look at."""

    #: program name -> its fixed copy, and the ``lint-creds fix`` run that produced it
    fixed: Dict[str, Tuple[pathlib.Path, Any]]
    #: a copy of all fixed programs after a second ``lint-creds fix --unsafe-fixes``
    refixed: Tuple[pathlib.Path, Any]
    outcomes: Dict[str, Outcome]


def _fix(programs: Sequence[Program], root: pathlib.Path, flags: Sequence[str]) -> Any:
    env = hermetic_env(root / "home", "http://127.0.0.1:9")
    return run((*lint_creds_command(), "fix", *flags, *(p.name for p in programs)), root, env)


def _copies(root: pathlib.Path, sources: Dict[str, pathlib.Path]) -> pathlib.Path:
    for name, source in sources.items():
        copy_program(source, root / name)
    return root


@pytest.fixture(scope="module")
def runs(world: World, setup_s3: SetUpClient, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every run of the module, concurrently, in two waves.

    1. ``lint-creds fix`` over copies of the programs (one run per set of flags), and the
       originals;
    2. the fixed programs in every scenario, a second fix of the fixed copies, and the golden
       files of any program whose fixed copy differs from them (else the fixed runs prove the
       golden too).
    """
    mktemp = tmp_path_factory.mktemp
    fixed_root = _copies(mktemp("fixed"), {p.name: p.original for p in PROGRAMS})
    groups: Dict[Tuple[str, ...], List[Program]] = {}
    for program in PROGRAMS:
        groups.setdefault(program.fix_flags, []).append(program)
    fixed_dir = {p.name: fixed_root / p.name for p in PROGRAMS}
    with ExitStack() as cleanup:
        def prepare_all(cases: Sequence[Case], source: Any) -> List[PreparedRun]:
            return [prepare(c, source(c), world, setup_s3, mktemp("run"), cleanup) for c in cases]

        originals = prepare_all(ORIGINAL_CASES, lambda c: c.program.original)
        wave = run_all([*(lambda f=f, ps=ps: _fix(ps, fixed_root, f) for f, ps in groups.items()),
                        *(p.execute for p in originals)])
        by_flags = dict(zip(groups, wave))
        ran = list(zip(originals, wave[len(groups):]))

        again_root = _copies(mktemp("refixed"), fixed_dir)
        unproven = tuple(Case("expected", p, "ecs-task-role") for p in PROGRAMS
                         if tree_files(fixed_dir[p.name]) != tree_files(p.expected))
        second = (prepare_all(FIXED_CASES, lambda c: fixed_dir[c.program.name])
                  + prepare_all(unproven, lambda c: c.program.expected))
        wave = run_all([lambda: _fix(PROGRAMS, again_root, ("--unsafe-fixes",)),
                        *(p.execute for p in second)])
        ran += zip(second, wave[1:])
        log = world.s3.requests()
        outcomes = {p.case.id: p.outcome(result, log, setup_s3) for p, result in ran}
    return Runs({p.name: (fixed_dir[p.name], by_flags[p.fix_flags]) for p in PROGRAMS},
                (again_root, wave[0]), outcomes)


def _signers(requests: Sequence[S3Request]) -> List[Tuple[str, str]]:
    """Who signed the requests, masked, with whether they carried a session token."""
    return sorted({(mask(r.access_key_id or "unsigned"), "token" if r.token else "no token")
                   for r in requests})


def _expected_hits(scenario: str) -> Dict[str, List[str]]:
    """What each scenario's credential endpoints must have answered (nothing, for the file)."""
    role = INSTANCE_PROFILE_NAME
    return {
        "ecs-task-role": {"container": ["GET 200"], "metadata": []},
        "ec2-instance-profile": {"container": [], "metadata": [
            "PUT /latest/api/token 200",
            "GET /latest/meta-data/iam/security-credentials/ 200",
            f"GET /latest/meta-data/iam/security-credentials/{role} 200"]},
        "shared-credentials-file": {"container": [], "metadata": []},
    }[scenario]


def assert_ran_as_scenario_identity(outcome: Outcome) -> None:
    """The program succeeded and every S3 request it made was signed by the key its
    scenario's credential source handed out (and that source was really asked)."""
    program, identity = outcome.case.program, outcome.identity
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stdout.strip().splitlines()[-1] == program.expected_stdout(outcome.bucket)
    made = {(r.method, r.path) for r in outcome.requests}
    for method, key in program.requests:
        assert (method, f"{outcome.bucket}/{key}") in made, sorted(made)
    expected_signer = (mask(identity.access_key_id), "token" if identity.token else "no token")
    assert _signers(outcome.requests) == [expected_signer], identity.name
    assert all(r.token == identity.token for r in outcome.requests)
    assert outcome.endpoint_hits == _expected_hits(outcome.case.scenario)


# -- 1. the bug: the original code under an IAM role ------------------------------------------
@by_name
def test_original_breaks_under_task_role(program: Program, runs: Runs) -> None:
    outcome = runs.outcomes[Case("original", program, "ecs-task-role").id]
    if program.original_error is not None:
        # No AWS_ACCESS_KEY_ID on ECS/EC2: the hand-written env read crashes before any call.
        assert outcome.returncode != 0
        assert outcome.stderr.strip().splitlines()[-1] == program.original_error
        assert outcome.requests == ()
    else:
        # Hard-coded keys "work", but as the committed user, never as the role (keys written
        # into the environment even take precedence over the role for the whole process).
        assert outcome.returncode == 0, outcome.stderr
        (literal_key,) = {key for text in tree_files(program.original).values()
                          for key in find_key_ids(text.decode("utf-8"))}
        assert outcome.requests
        assert _signers(outcome.requests) == [(mask(literal_key), "no token")]
    assert outcome.endpoint_hits == {"container": [], "metadata": []}


# -- the goldens: no findings left, and they run (tests/test_fixtures.py checks the originals'
#    annotations) ------------------------------------------------------------------------------
@by_name
def test_expected_rewrite_has_no_findings(program: Program) -> None:
    for path in sorted(program.expected.rglob("*.py")):
        assert check_source(path.read_bytes(), str(path)) == [], path


@by_name
def test_expected_rewrite_runs_as_task_role(program: Program, runs: Runs) -> None:
    # The golden was run itself only when the fixer's output differs from it; otherwise the
    # fixed program, byte-identical to it, is the one that ran.
    golden = Case("expected", program, "ecs-task-role")
    ran = golden if golden.id in runs.outcomes else golden._replace(variant="fixed")
    assert_ran_as_scenario_identity(runs.outcomes[ran.id])


# -- 2. and 3. the fixer's output --------------------------------------------------------------
@by_name
def test_fix_matches_golden(program: Program, runs: Runs) -> None:
    workdir, result = runs.fixed[program.name]
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_files(workdir) == tree_files(program.expected)


@by_name
def test_second_fix_changes_nothing(program: Program, runs: Runs) -> None:
    root, result = runs.refixed
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_files(root / program.name) == tree_files(runs.fixed[program.name][0])


@by_name
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_fixed_program_runs_as(program: Program, scenario: str, runs: Runs) -> None:
    assert_ran_as_scenario_identity(runs.outcomes[Case("fixed", program, scenario).id])
