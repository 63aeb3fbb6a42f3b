"""The Terraform and CloudFormation renderers of ``lint-creds policy``: what they write parses
with real parsers (python-hcl2, PyYAML) and carries the policy through unchanged."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Tuple

import hcl2
import pytest
import yaml

from lint_creds.policy.iac import COMPUTE, render_cloudformation, render_terraform, trust_policy

PRINCIPAL = {"ecs-task": "ecs-tasks.amazonaws.com", "ec2": "ec2.amazonaws.com",
             "lambda": "lambda.amazonaws.com"}

SIMPLE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "S3ReadWrite", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": ["arn:aws:s3:::bucket/*"]},
    {"Sid": "SqsSend", "Effect": "Allow", "Action": "sqs:SendMessage",
     "Resource": "arn:aws:sqs:*:*:queue"}]}

CONDITIONS = {"Version": "2012-10-17", "Statement": [
    {"Sid": "HomeFolder", "Effect": "Allow", "Action": ["s3:ListBucket"],
     "Resource": "arn:aws:s3:::bucket",
     "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "home/"]},
                   "Null": {"aws:TokenIssueTime": "false"},
                   "Bool": {"aws:SecureTransport": True},
                   "NumericLessThan": {"s3:max-keys": 10}}},
    {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}]}

TRICKY_STRINGS = [
    'say "hi"', "back\\slash", "trailing\\", "${aws:username}", "arn:aws:s3:::b/${aws:userid}/*",
    "$${already}", "$$${triple}", "\\${x}", "%{ if x }", "%%{x}", "50% {x}", "$ {x} and { }",
    "caf\u00e9 \u65e5\u672c \U0001f511", "line\nbreak\ttab\rcr", "nul\x00 bell\x07 del\x7f nel\x85",
    "ls\u2028ps\u2029 bom\ufeff nbsp\xa0", "*", "", "# not a comment", "- not a list", "key: value",
    "yes", "null", "true", "1", "0x1F", "~", "'single'", "&anchor *alias !tag |", "@`",
]
TRICKY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Tricky", "Effect": "Allow", "Action": TRICKY_STRINGS, "Resource": "*",
     "Condition": {"StringEquals": {s: s for s in TRICKY_STRINGS if s},
                   "Null": {"yes": "no", "on": None, "true": False, "in": [], "for": {}},
                   "Numbers": {"int": -7, "big": 10 ** 20, "float": -2.5, "tiny": 1e-05,
                               "huge": 1e+20, "third": 1 / 3}}},
    {"Sid": "Single", "Effect": "Allow", "Action": ["\U0001f511:*"], "Resource": ["*"]}]}

POLICIES = [pytest.param(SIMPLE, id="simple"), pytest.param(CONDITIONS, id="conditions"),
            pytest.param(TRICKY, id="tricky")]


# --- reading Terraform back --------------------------------------------------------------------
# python-hcl2 (8.1.2 and later; see pyproject.toml) gives a string back as written, quotes and
# escapes included: '"a\\"b $${c}"'. Undo that as Terraform would.

def _hcl_string(raw: str) -> str:
    assert len(raw) >= 2 and raw[0] == raw[-1] == '"', raw
    return json.loads(re.sub(r"([$%])\1\{", r"\1{", raw))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_hcl_string(k) if k.startswith('"') else k: _plain(v)
                for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return _hcl_string(value) if isinstance(value, str) else value


def _terraform(text: str) -> Tuple[Dict[Tuple[str, str], Dict[str, Any]], Dict[str, Any]]:
    """``{(type, label): attributes}`` of the resources, and ``{name: value}`` of the outputs.

    python-hcl2 gives a function call back as an expression string (``"${jsonencode(...)}"``),
    so the argument of each ``x = jsonencode({...})`` is parsed from the source as an object,
    and ``x`` holds that.
    """
    parsed = hcl2.loads(text)
    resources = {}
    for block in parsed["resource"]:
        for kind, by_label in block.items():
            for label, attrs in by_label.items():
                resources[(_hcl_string(kind), _hcl_string(label))] = dict(attrs)
    outputs = {}
    for block in parsed.get("output", []):
        for name, attrs in block.items():
            outputs[_hcl_string(name)] = attrs["value"]
    arguments = dict(re.findall(r"^  (\w+) = jsonencode\((\{\n.*?\n  \})\)$", text, re.M | re.S))
    for attrs in resources.values():
        for key, value in attrs.items():
            if isinstance(value, str) and value.startswith("${jsonencode("):
                attrs[key] = _plain(hcl2.loads(f"x = {arguments.pop(key)}\n")["x"])
    assert not arguments
    return resources, outputs


# --- the trust policy ---------------------------------------------------------------------------

@pytest.mark.parametrize("compute", COMPUTE)
def test_trust_policy(compute: str) -> None:
    assert trust_policy(compute) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": PRINCIPAL[compute]},
         "Action": "sts:AssumeRole"}]}
    trust_policy(compute)["Statement"].clear()  # a fresh document every call
    assert trust_policy(compute)["Statement"]


@pytest.mark.parametrize("render", [render_terraform, render_cloudformation])
@pytest.mark.parametrize("compute", ["ecs", "ecs-tasks", "EC2", "", "fargate"])
def test_unknown_compute_raises(render: Any, compute: str) -> None:
    with pytest.raises(ValueError, match="unknown compute"):
        render(SIMPLE, compute)
    with pytest.raises(ValueError, match="unknown compute"):
        trust_policy(compute)


@pytest.mark.parametrize("render", [render_terraform, render_cloudformation])
@pytest.mark.parametrize("policy", [[], "policy", {"Statement": [{1: "a"}]},
                                    {"Statement": {"a", "b"}}, {"Statement": object()}])
def test_not_a_policy_raises(render: Any, policy: Any) -> None:
    with pytest.raises(TypeError):
        render(policy, "lambda")


# --- Terraform ---------------------------------------------------------------------------------

@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("compute", COMPUTE)
def test_terraform(compute: str, policy: Dict[str, Any]) -> None:
    text = render_terraform(policy, compute)
    resources, outputs = _terraform(text)
    expected = {("aws_iam_role", "app"), ("aws_iam_role_policy", "app")}
    if compute == "ec2":
        expected.add(("aws_iam_instance_profile", "app"))
    assert set(resources) == expected
    role = resources[("aws_iam_role", "app")]
    assert _hcl_string(role["name"]) == "app"
    trust = role["assume_role_policy"]
    assert trust == trust_policy(compute)
    assert trust["Statement"][0]["Principal"]["Service"] == PRINCIPAL[compute]
    attached = resources[("aws_iam_role_policy", "app")]
    assert attached["role"] == "${aws_iam_role.app.id}"
    assert attached["policy"] == policy
    assert outputs["app_role_arn"] == "${aws_iam_role.app.arn}"
    if compute == "ec2":
        assert resources[("aws_iam_instance_profile", "app")]["role"] == "${aws_iam_role.app.name}"
        assert outputs["app_instance_profile_name"] == "${aws_iam_instance_profile.app.name}"
    # No string opens an interpolation or a template directive: every ``${`` is ``$${``.
    assert not re.search(r"(?<![$%])[$%]\{", text.replace("$${", "").replace("%%{", ""))


def test_terraform_layout() -> None:
    text = render_terraform(SIMPLE, "ecs-task")
    assert text.startswith("# Drafted by `lint-creds policy`") and "Review it" in text
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "  assume_role_policy = jsonencode({\n" in text
    assert '        Sid    = "S3ReadWrite"\n        Effect = "Allow"\n' in text  # fmt-aligned
    assert '        Resource = ["arn:aws:s3:::bucket/*"]\n' in text
    assert "$${aws:username}" in render_terraform(CONDITIONS, "ec2")


# --- CloudFormation ----------------------------------------------------------------------------

@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("compute", COMPUTE)
def test_cloudformation(compute: str, policy: Dict[str, Any]) -> None:
    text = render_cloudformation(policy, compute)
    assert "!" not in "".join(re.findall(r"^\s*[^\"#]*", text, re.M))  # no short-form tags
    template = yaml.safe_load(text)
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert "lint-creds policy" in template["Description"]
    expected = {"AppRole": "AWS::IAM::Role"}
    if compute == "ec2":
        expected["AppInstanceProfile"] = "AWS::IAM::InstanceProfile"
    resources = template["Resources"]
    assert {key: value["Type"] for key, value in resources.items()} == expected
    role = resources["AppRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"] == trust_policy(compute)
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"]["Service"] == PRINCIPAL[compute]
    assert role["Policies"] == [{"PolicyName": "app", "PolicyDocument": policy}]
    outputs = {"RoleArn": {"Fn::GetAtt": ["AppRole", "Arn"]}}
    if compute == "ec2":
        profile = resources["AppInstanceProfile"]["Properties"]
        assert profile == {"Roles": [{"Ref": "AppRole"}]}
        outputs["InstanceProfileArn"] = {"Fn::GetAtt": ["AppInstanceProfile", "Arn"]}
    assert {key: value["Value"] for key, value in template["Outputs"].items()} == outputs


def test_cloudformation_layout() -> None:
    text = render_cloudformation(CONDITIONS, "lambda")
    assert text.startswith("# Drafted by `lint-creds policy`") and "Review it" in text
    assert text.endswith('"\n') and "\nAWSTemplateFormatVersion: \"2010-09-09\"\n" in text
    assert '\n                      - "home/${aws:username}/*"\n' in text
    assert '\n                  "Null":\n' in text  # a bare Null would load as None


# --- both --------------------------------------------------------------------------------------

@pytest.mark.parametrize("render", [render_terraform, render_cloudformation])
@pytest.mark.parametrize("compute", COMPUTE)
def test_deterministic(render: Any, compute: str) -> None:
    first = render(TRICKY, compute, "svc")
    assert isinstance(first, str) and first.endswith("\n")
    assert render(json.loads(json.dumps(TRICKY)), compute, "svc").encode() == first.encode()


def test_tricky_strings_round_trip() -> None:
    """Quotes, backslashes, policy variables, template-looking text, unicode, controls."""
    resources, _ = _terraform(render_terraform(TRICKY, "lambda"))
    assert resources[("aws_iam_role_policy", "app")]["policy"] == TRICKY
    template = yaml.safe_load(render_cloudformation(TRICKY, "lambda"))
    document = template["Resources"]["AppRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert document == TRICKY
    assert document["Statement"][0]["Action"] == TRICKY_STRINGS


@pytest.mark.parametrize("name, label, iam, logical", [
    ("app", "app", "app", "App"),
    ("billing-worker", "billing_worker", "billing-worker", "BillingWorker"),
    ("My Service.v2", "my_service_v2", "My-Service.v2", "MyServiceV2"),
    ("9lives", "r_9lives", "9lives", "9lives"),
    ("${oops}", "oops", "oops", "Oops"),
    ("", "app", "app", "App"),
    ("x" * 100, "x" * 100, "x" * 64, "X" + "x" * 99),
])
def test_names(name: str, label: str, iam: str, logical: str) -> None:
    resources, outputs = _terraform(render_terraform(SIMPLE, "ec2", name))
    assert {key[1] for key in resources} == {label}
    assert _hcl_string(resources[("aws_iam_role", label)]["name"]) == iam
    assert set(outputs) == {f"{label}_role_arn", f"{label}_instance_profile_name"}
    template = yaml.safe_load(render_cloudformation(SIMPLE, "ec2", name))
    assert set(template["Resources"]) == {logical + "Role", logical + "InstanceProfile"}
    assert all(re.fullmatch(r"[A-Za-z0-9]+", key) for key in template["Resources"])
    assert template["Resources"][logical + "Role"]["Properties"]["Policies"][0]["PolicyName"] == iam


# --- the real tools, where installed ----------------------------------------------------------

@pytest.mark.skipif(shutil.which("terraform") is None, reason="needs the terraform CLI")
@pytest.mark.parametrize("compute", COMPUTE)
def test_terraform_cli(compute: str, tmp_path: Path) -> None:
    """``terraform fmt`` leaves the file alone, and Terraform's own ``jsonencode`` of what
    the file says is the policy (no provider needed: the objects go to outputs)."""
    text = render_terraform(TRICKY, compute)
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")

    def terraform(*args: str, stdin: str = "") -> str:
        return subprocess.run(["terraform", *args], input=stdin, cwd=tmp_path, env=env,
                              capture_output=True, text=True, check=True, timeout=120).stdout

    assert terraform("fmt", "-", stdin=text) == text
    arguments = re.findall(r"^  (\w+) = (jsonencode\(\{\n.*?\n  \}\))$", text, re.M | re.S)
    (tmp_path / "main.tf").write_text("".join(
        f'output "{key}" {{\n  value = {value}\n}}\n' for key, value in arguments), "utf-8")
    terraform("init", "-input=false")
    terraform("apply", "-auto-approve", "-input=false")
    outputs = json.loads(terraform("output", "-json"))
    assert json.loads(outputs["assume_role_policy"]["value"]) == trust_policy(compute)
    assert json.loads(outputs["policy"]["value"]) == TRICKY


@pytest.mark.parametrize("compute", COMPUTE)
def test_cfn_lint(compute: str) -> None:
    cfnlint = pytest.importorskip("cfnlint.api")
    assert cfnlint.lint(render_cloudformation(CONDITIONS, compute)) == []
