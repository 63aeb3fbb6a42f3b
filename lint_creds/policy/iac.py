"""The drafted identity policy wrapped in a role, as Terraform or as a CloudFormation template.

Both renderers are hand-written and deterministic: the same policy, compute and name always
give byte-identical text. Every string is escaped for its format (``${`` and ``%{`` become
``$${`` and ``%%{`` in Terraform; CloudFormation gets double-quoted YAML scalars), so ARNs
with policy variables such as ``${aws:username}`` reach IAM unchanged.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from itertools import groupby
from typing import Any, Dict, List, Tuple

COMPUTE = ("ecs-task", "ec2", "lambda")

_SERVICE = {"ecs-task": "ecs-tasks.amazonaws.com", "ec2": "ec2.amazonaws.com",
            "lambda": "lambda.amazonaws.com"}
_WHAT = {"ecs-task": "an Amazon ECS task (its task role)",
         "ec2": "Amazon EC2 instances (through an instance profile)",
         "lambda": "an AWS Lambda function (its execution role)"}
_NOTE = {"ecs-task": "The task execution role (image pulls, log delivery) is a separate role.",
         "ec2": "Attach the instance profile to the instances or their launch template.",
         "lambda": "Writing its logs also needs CloudWatch Logs permissions, e.g. the "
                   "AWSLambdaBasicExecutionRole managed policy."}

_HCL_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HCL_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "endfor", "endif"})
_YAML_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*(::[A-Za-z][A-Za-z0-9]*)?\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Escaped inside a double-quoted string: quotes, backslashes, control characters, lone
# surrogates, and (NEL, LS, PS) what YAML would fold as a line break. Astral characters
# (U+10000 and up) stay as they are in both formats.
_HCL_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')
_YAML_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]')


def _check(compute: str, policy: Any = None) -> None:
    if compute not in COMPUTE:
        raise ValueError(f"unknown compute {compute!r}; expected one of {', '.join(COMPUTE)}")
    if policy is not None and not isinstance(policy, dict):
        raise TypeError("policy must be a dict (a JSON policy document)")


def trust_policy(compute: str) -> Dict[str, Any]:
    """The assume-role (trust) policy letting ``compute``'s AWS service assume the role.

    ``compute`` is one of :data:`COMPUTE`; anything else raises :class:`ValueError`.
    """
    _check(compute)
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": _SERVICE[compute]},
         "Action": "sts:AssumeRole"}]}


def _names(name: str) -> Tuple[str, str, str]:
    """(Terraform label, IAM name, CloudFormation logical-ID stem) for ``name``."""
    label = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() or "app"
    if label[0].isdigit():
        label = "r_" + label
    iam = re.sub(r"[^A-Za-z0-9+=,.@_-]+", "-", name).strip("-")[:64] or "app"
    stem = "".join(part[:1].upper() + part[1:] for part in re.findall(r"[A-Za-z0-9]+", name))
    return label, iam, stem[:200] or "App"


def _header(compute: str) -> List[str]:
    return [f"# Drafted by `lint-creds policy`: the IAM role for {_WHAT[compute]}.",
            '# Review it before deploying: check every action, narrow every "*" resource.',
            f"# {_NOTE[compute]}"]


def _scalar_kind(value: Any) -> str:
    """"scalar", "dict" or "list"; anything that is not a JSON value raises."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"policy holds a non-finite number: {value!r}")
    if value is None or isinstance(value, (bool, str, int, float)):
        return "scalar"
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return "dict"
    if isinstance(value, (list, tuple)):
        return "list"
    raise TypeError(f"policy holds {value!r}, which is not a JSON value with string keys")


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # Positional, with a ".": python-hcl2 misreads exponents and YAML 1.1 wants the dot.
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


# --- Terraform -------------------------------------------------------------------------------

class _Raw(str):
    """An HCL expression written as is (a reference, a ``jsonencode(...)`` call)."""


def _hcl_string(text: str) -> str:
    body = _HCL_ESCAPE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04x}"), text)
    # ``${`` and ``%{`` open a template interpolation or directive; doubling escapes them.
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def _hcl_key(key: str) -> str:
    return key if _HCL_IDENT.match(key) and key not in _HCL_KEYWORDS else _hcl_string(key)


def _hcl_body(items: List[Tuple[str, str]], indent: str) -> List[str]:
    """``key = value`` lines, ``=`` aligned over runs of one-line values as ``terraform fmt``
    does; a value spanning lines ends the run."""
    lines: List[str] = []
    for multiline, run in groupby(items, key=lambda item: "\n" in item[1]):
        pairs = list(run)
        width = 0 if multiline else max(len(key) for key, _ in pairs)
        lines += [f"{indent}{key.ljust(width)} = {value}" for key, value in pairs]
    return lines


def _hcl(value: Any, indent: str) -> str:
    """``value`` as an HCL expression whose continuation lines are indented from ``indent``."""
    if isinstance(value, _Raw):
        return str(value)
    kind = _scalar_kind(value)
    inner = indent + "  "
    if kind == "dict":
        if not value:
            return "{}"
        body = _hcl_body([(_hcl_key(k), _hcl(v, inner)) for k, v in value.items()], inner)
        return "{\n" + "\n".join(body) + "\n" + indent + "}"
    if kind == "list":
        if not value:
            return "[]"
        if len(value) == 1 and _scalar_kind(value[0]) == "scalar":
            return "[" + _hcl(value[0], indent) + "]"
        return "[\n" + "".join(f"{inner}{_hcl(item, inner)},\n" for item in value) + indent + "]"
    return _hcl_string(value) if isinstance(value, str) else _literal(value)


def _hcl_block(kind: str, labels: List[str], attrs: Dict[str, Any]) -> List[str]:
    head = " ".join([kind] + [_hcl_string(label) for label in labels])
    return [head + " {"] + _hcl_body([(k, _hcl(v, "  ")) for k, v in attrs.items()], "  ") + ["}"]


def render_terraform(policy: Dict[str, Any], compute: str, name: str = "app") -> str:
    """Terraform for the role: ``aws_iam_role`` with ``compute``'s trust policy, the policy
    attached inline by ``aws_iam_role_policy``, for ``ec2`` an ``aws_iam_instance_profile``,
    and outputs for what callers reference. Resource labels come from ``name``.

    Raises :class:`ValueError` for an unknown ``compute`` and :class:`TypeError` for a
    ``policy`` that is not a JSON object.
    """
    _check(compute, policy)
    label, iam, _ = _names(name)
    role = f"aws_iam_role.{label}"
    blocks = [
        _hcl_block("resource", ["aws_iam_role", label], {
            "name": iam,
            "assume_role_policy": _Raw("jsonencode(" + _hcl(trust_policy(compute), "  ") + ")")}),
        _hcl_block("resource", ["aws_iam_role_policy", label], {
            "name": iam, "role": _Raw(f"{role}.id"),
            "policy": _Raw("jsonencode(" + _hcl(policy, "  ") + ")")}),
    ]
    outputs = [(f"{label}_role_arn", f"{role}.arn")]
    if compute == "ec2":
        blocks.append(_hcl_block("resource", ["aws_iam_instance_profile", label], {
            "name": iam, "role": _Raw(f"{role}.name")}))
        outputs.append((f"{label}_instance_profile_name",
                        f"aws_iam_instance_profile.{label}.name"))
    blocks += [_hcl_block("output", [out], {"value": _Raw(ref)}) for out, ref in outputs]
    return "\n\n".join("\n".join(block) for block in [_header(compute)] + blocks) + "\n"


# --- CloudFormation --------------------------------------------------------------------------

def _yaml_escape(char: str) -> str:
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _yaml_string(text: str) -> str:
    return '"' + _YAML_ESCAPE.sub(lambda m: _yaml_escape(m.group()), text) + '"'


def _yaml_key(key: str) -> str:
    plain = _YAML_KEY.match(key) and key.lower() not in _YAML_WORDS
    return key if plain else _yaml_string(key)


def _yaml_inline(value: Any) -> str:
    if isinstance(value, str):
        return _yaml_string(value)
    return {"dict": "{}", "list": "[]"}.get(_scalar_kind(value)) or _literal(value)


def _yaml(value: Any, indent: str) -> List[str]:
    """Block-style lines for a non-empty dict or list, each starting with ``indent``."""
    lines: List[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _scalar_kind(item) != "scalar" and item:
                lines.append(f"{indent}{_yaml_key(key)}:")
                lines.extend(_yaml(item, indent + "  "))
            else:
                lines.append(f"{indent}{_yaml_key(key)}: {_yaml_inline(item)}")
        return lines
    for item in value:
        if _scalar_kind(item) != "scalar" and item:
            nested = _yaml(item, indent + "  ")
            lines.append(f"{indent}- {nested[0][len(indent) + 2:]}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{indent}- {_yaml_inline(item)}")
    return lines


def render_cloudformation(policy: Dict[str, Any], compute: str, name: str = "app") -> str:
    """A CloudFormation YAML template for the role: ``AWS::IAM::Role`` with ``compute``'s
    trust policy and ``policy`` inline, for ``ec2`` an ``AWS::IAM::InstanceProfile``, and the
    role's ARN as an output. Intrinsics use the long form (``Ref:``, ``Fn::GetAtt:``), so any
    YAML loader reads the template. Logical IDs come from ``name``.

    Raises :class:`ValueError` for an unknown ``compute`` and :class:`TypeError` for a
    ``policy`` that is not a JSON object.
    """
    _check(compute, policy)
    _, iam, stem = _names(name)
    role, profile = stem + "Role", stem + "InstanceProfile"
    resources: Dict[str, Any] = {role: {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": trust_policy(compute),
        "Policies": [{"PolicyName": iam, "PolicyDocument": policy}]}}}
    outputs: Dict[str, Any] = {"RoleArn": {"Description": "The role's ARN",
                                           "Value": {"Fn::GetAtt": [role, "Arn"]}}}
    if compute == "ec2":
        resources[profile] = {"Type": "AWS::IAM::InstanceProfile",
                              "Properties": {"Roles": [{"Ref": role}]}}
        outputs["InstanceProfileArn"] = {"Description": "The instance profile's ARN",
                                         "Value": {"Fn::GetAtt": [profile, "Arn"]}}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"IAM role for {_WHAT[compute]}, drafted by lint-creds policy; "
                       "review before deploying.",
        "Resources": resources, "Outputs": outputs}
    return "\n".join(_header(compute) + _yaml(template, "")) + "\n"
