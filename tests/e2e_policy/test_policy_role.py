"""End to end: the policy ``lint-creds policy`` drafts is enough for the app, and each grant
of it is needed, on moto with IAM enforced (see ``README.md`` here).

For every app in ``fixtures/policy_apps`` (see ``apps.py``), committed with its keys handed
to boto3 by hand and fixed (a copy) by ``lint-creds fix`` first:

0. the fix leaves no finding, and the committed app dies on the role (no key variable);
1. the draft is the reviewed one (actions and resources), with no unresolved call and only
   the expected resources widened to ``*``;
2. the app, run as a role whose only policy is the draft (its keys served by a loopback ECS
   container-credentials endpoint), succeeds;
3. without any one action, or any one resource of an action granted on several, the app
   fails with AccessDenied at a call the draft says needs that action, and moto's log shows
   it refused exactly that grant. The actions a successful run cannot exercise are listed
   in ``apps.py`` (``unexercised``); for them the run must still succeed.

All runs happen once, in the module fixture ``runs``; the tests read their outcomes.
"""
from __future__ import annotations

import json
from typing import Dict, List, Tuple

import pytest

from lint_creds.patterns import mask

from .apps import APPS, BY_NAME, App
from .conftest import PolicyWorld
from .iam_server import session
from .policies import (
    DENIED, denials, draft_places, failing_place, grants, iam_match, narrowed,
    presigning_places,
)
from .runner import (
    UNFIXED, Draft, Fixed, Removed, Run, draft, fix_apps, in_parallel, run_app, variants,
)

pytestmark = pytest.mark.e2e

by_app = pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
_VARIANTS: List[Tuple[App, Removed]] = [(app, removed) for app in APPS
                                        for removed in variants(app)]


def _variant_id(case: Tuple[App, Removed]) -> str:
    app, removed = case
    assert removed is not None
    action, resource = removed
    return f"{app.name}-{action}" + (f"-on-{resource}" if resource else "")


@pytest.fixture(scope="module")
def fixed(policy_world: PolicyWorld, tmp_path_factory: pytest.TempPathFactory) -> Fixed:
    """``lint-creds fix`` on a copy of the apps (in the hermetic environment)."""
    return fix_apps(APPS[0].root, tmp_path_factory.mktemp("fixed"))


@pytest.fixture(scope="module")
def drafts(fixed: Fixed) -> Dict[str, Draft]:
    """``lint-creds policy`` on every fixed app (after the server fixture made this process
    hermetic, so the tool's environment is too)."""
    return dict(zip([app.name for app in APPS], in_parallel(
        [lambda app=app: draft(app._replace(root=fixed.root)) for app in APPS])))


@pytest.fixture(scope="module")
def runs(policy_world: PolicyWorld, fixed: Fixed, drafts: Dict[str, Draft],
         tmp_path_factory: pytest.TempPathFactory) -> Dict[Tuple[str, Removed], Run]:
    """Every run of every app: as committed, then fixed with the draft, then each variant
    (apps in parallel)."""
    server, admin = policy_world
    per_app = in_parallel([
        lambda app=app: run_app(app._replace(root=fixed.root), drafts[app.name], admin,
                                server, tmp_path_factory.mktemp(app.name))
        for app in APPS])
    return {(app.name, removed): outcome for app, found in zip(APPS, per_app)
            for removed, outcome in found.items()}


def _explain(run: Run) -> str:
    """What a failing assertion shows: the run's output and moto's refusals, keys masked."""
    text = (f"{run.app.name} without {run.removed}: exit {run.returncode}\n"
            f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}\n"
            f"moto denied: {denials(run.server_log)}\ncredentials: {run.credential_hits}")
    for word in set(text.split()):
        if word.startswith(("ASIA", "AKIA")) and len(word) >= 20:
            text = text.replace(word, mask(word))
    return text


def test_moto_enforces_iam(policy_world: PolicyWorld) -> None:
    """The bar everything else stands on: after the bootstrap, moto refuses an unknown key
    and a role's request its policy does not allow."""
    from botocore.exceptions import ClientError
    from e2e.identities import new_identity

    server, admin = policy_world
    stranger = session(new_identity("unknown key", temporary=False)).client(
        "sqs", endpoint_url=server.url)
    with pytest.raises(ClientError) as refused:
        stranger.list_queues()
    assert "InvalidClientTokenId" in str(refused.value)

    iam, sts = admin.client("iam"), admin.client("sts")
    only_sns = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sns:ListTopics", "Resource": "*"}]}
    role = admin.assume_role(admin.create_role("policy-e2e-sns-only", only_sns, iam),
                             "enforcement", sts)
    as_role = session(role)
    as_role.client("sns", endpoint_url=server.url).list_topics()
    with pytest.raises(ClientError) as denied:
        as_role.client("sqs", endpoint_url=server.url).list_queues()
    assert "AccessDenied" in str(denied.value)


def test_fix_takes_every_key_out(fixed: Fixed) -> None:
    """Every committed app hands boto3 keys (``check`` finds them in each); after ``fix``
    nothing is left, in any file of any app."""
    assert fixed.before.returncode == 1, fixed.before.stdout + fixed.before.stderr
    assert {line.split("/", 1)[0] for line in fixed.before.stdout.splitlines()
            if ": CRD" in line} == {app.name for app in APPS}
    assert fixed.fix.returncode == 0, fixed.fix.stderr
    assert "not fixed" not in fixed.fix.stderr, fixed.fix.stderr
    assert (fixed.after.returncode, fixed.after.stdout.strip()) == (
        0, f"No findings ({len(list(fixed.root.rglob('*.py')))} files checked)."), (
        fixed.after.stdout)


@by_app
def test_the_committed_app_dies_on_the_role(
        app: App, runs: Dict[Tuple[str, Removed], Run]) -> None:
    """Why the fix is needed: on a role no key variable exists, and the committed code
    reads them itself."""
    run = runs[(app.name, UNFIXED)]
    assert run.returncode != 0 and "KeyError: 'AWS_ACCESS_KEY_ID'" in run.stderr, _explain(run)


@by_app
def test_draft_is_the_reviewed_policy(app: App, drafts: Dict[str, Draft]) -> None:
    drafted = drafts[app.name]
    assert drafted.returncode == 0, drafted.stderr
    assert grants(drafted.document) == {a: set(r) for a, r in app.grants.items()}, (
        json.dumps(drafted.document, indent=2))
    assert "Unresolved calls" not in drafted.text, drafted.text
    warnings = drafted.text.partition("Warnings (")[2]
    widened = {line.split(" needs ")[1].split(" on ")[0]
               for line in warnings.splitlines() if " needs " in line}
    assert widened == set(app.widened), drafted.text
    assert ("widened to *" in drafted.stderr) == bool(app.widened), drafted.stderr


@by_app
def test_app_runs_as_the_role_with_the_draft(
        app: App, runs: Dict[Tuple[str, Removed], Run]) -> None:
    run = runs[(app.name, None)]
    assert run.returncode == 0, _explain(run)
    assert run.stdout.strip().splitlines()[-1] == app.prints, _explain(run)
    assert not [d for d in denials(run.server_log) if d[0].startswith(_prefixes(app))], (
        _explain(run))
    # the keys came from the container endpoint, the only credential source there is
    assert "GET 200" in run.credential_hits, _explain(run)


@pytest.mark.parametrize("case", _VARIANTS, ids=_variant_id)
def test_app_is_denied_without(case: Tuple[App, Removed], drafts: Dict[str, Draft],
                               runs: Dict[Tuple[str, Removed], Run]) -> None:
    app, removed = case
    assert removed is not None
    action, resource = removed
    run = runs[(app.name, removed)]
    if action in app.unexercised:
        # documented: a successful run never asks for it (see apps.py and the README)
        assert run.returncode == 0, _explain(run)
        return
    assert run.returncode != 0, _explain(run)
    assert DENIED.search(run.stderr), _explain(run)
    # moto refused the removed grant, and nothing else of this app's
    refused = [(a, arn) for a, arn in denials(run.server_log) if a.startswith(_prefixes(app))]
    removed_resources = [resource] if resource else list(app.grants[action])
    assert refused, _explain(run)
    assert all(a == action and any(iam_match(r, arn) for r in removed_resources)
               for a, arn in refused), _explain(run)
    # at a call the draft says needs the action (a presigned URL: where it is opened)
    text = drafts[app.name].text
    expected = draft_places(text, run.app.directory).get(action, set()) | presigning_places(
        text, run.app.directory).get(action, set())
    assert failing_place(run.stderr, run.app.directory) in expected, _explain(run)


def test_a_reviewer_can_narrow_the_kms_grant_to_its_key(
        policy_world: PolicyWorld, drafts: Dict[str, Draft],
        runs: Dict[Tuple[str, Removed], Run]) -> None:
    """The draft widens KMS to ``*`` (the code names the key by alias) and says to narrow it
    by hand: granted on the alias's key ARN the calls pass, on another key's they do not."""
    from botocore.exceptions import ClientError

    server, admin = policy_world
    app = BY_NAME["data_app"]
    iam, sts, admin_kms = admin.client("iam"), admin.client("sts"), admin.client("kms")
    alias = "alias/policy-e2e-cards"
    key = admin_kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    other = admin_kms.create_key(Description="another key")["KeyMetadata"]["Arn"]
    role = admin.assume_role(iam.get_role(RoleName=app.role)["Role"]["Arn"], "reviewer", sts)
    kms = session(role).client("kms", endpoint_url=server.url)
    document = drafts[app.name].document
    for granted, allowed in ((key, True), (other, False)):
        admin.put_role_policy(app.role, narrowed(document, "kms:Encrypt", granted), iam)
        if allowed:
            kms.encrypt(KeyId=alias, Plaintext=b"tok_4242")
        else:
            with pytest.raises(ClientError, match="AccessDenied"):
                kms.encrypt(KeyId=alias, Plaintext=b"tok_4242")


@pytest.mark.parametrize("signature_version", ["s3", "s3v4"], ids=["sigv2", "sigv4"])
def test_presigned_urls_are_checked_as_their_signer(
        signature_version: str, policy_world: PolicyWorld, drafts: Dict[str, Draft],
        runs: Dict[Tuple[str, Removed], Run]) -> None:
    """The patched moto authenticates a presigned URL from its query string (a tampered
    signature is refused) and authorises it as the role that signed it. boto3 presigns with
    SigV2 in us-east-1 unless told otherwise (s3_app does); SigV4 is checked here too."""
    import urllib.error
    import urllib.request

    from botocore.config import Config

    server, admin = policy_world
    app = BY_NAME["s3_app"]
    iam, sts = admin.client("iam"), admin.client("sts")
    admin.put_role_policy(app.role, drafts[app.name].document, iam)
    role = admin.assume_role(iam.get_role(RoleName=app.role)["Role"]["Arn"], "presign", sts)
    s3 = session(role).client("s3", endpoint_url=server.url,
                              config=Config(signature_version=signature_version))

    def status(key: str, tamper: bool = False) -> int:
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "policy-e2e-reports",
                                                              "Key": key}, ExpiresIn=60)
        if tamper:
            url = url.replace("Signature=", "Signature=0")
        try:
            with urllib.request.urlopen(url, timeout=30) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as error:
            return error.code

    assert status("daily/latest.json") == 200
    assert status("daily/latest.json", tamper=True) == 403
    assert status("daily/other.json") == 403  # not granted: denied before the key is looked up


def _prefixes(app: App) -> Tuple[str, ...]:
    return tuple({action.split(":")[0] + ":" for action in app.grants})


def test_every_app_is_proven() -> None:
    """Each reviewed action is either proven needed by a denial or listed as unexercised,
    with a reason; every widened action is explained."""
    for app in APPS:
        assert set(app.unexercised) <= set(app.grants), app.name
        assert set(app.widened) <= set(app.grants), app.name
        assert all(reason for reason in [*app.unexercised.values(), *app.widened.values()])
    assert set(BY_NAME) == {
        p.name for p in APPS[0].directory.parent.iterdir()
        if p.is_dir() and not p.name.startswith("__")}
