"""``lint-creds policy``: draft the least-privilege IAM policy for the role the code will run
as, from the AWS SDK calls it makes. Exit 0 with a draft, 2 on usage, config or file errors
(the draft of the readable files is still written)."""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import List

from ..project.root import ProjectSpec, common_directory
from .check import _emit, _error, collect_targets
from .config import ConfigError, add_config_arguments, settings_from_args

FORMATS = ("json", "text", "terraform", "cloudformation")
COMPUTE = ("ecs-task", "ec2", "lambda")
_ACCOUNT = re.compile(r"^(\d{12}|\*)$")
_REGION = re.compile(r"^([a-z]{2}(-[a-z]+)+-\d|\*)$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``policy``; configuration flags override ``[tool.lint-creds]``."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to read (default: .); - reads stdin")
    parser.add_argument("--format", choices=FORMATS, default="json",
                        help="json: the identity policy document (default); text: each "
                        "statement with the calls that need it, unresolved calls and warnings; "
                        "terraform/cloudformation: the role, its trust policy and the policy")
    parser.add_argument("--for", dest="compute", choices=COMPUTE, default="ecs-task",
                        help="who assumes the role, for terraform/cloudformation "
                        "(default: ecs-task)")
    parser.add_argument("--account", default="*", metavar="ID",
                        help="the account id in ARNs (default: *)")
    parser.add_argument("--region", default="*", metavar="R",
                        help="the region in ARNs (default: *)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the draft to FILE")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="worker processes for large runs (default: CPU count; 1 = none)")
    add_config_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Draft the policy; returns the exit code."""
    paths: List[str] = list(args.paths) or ["."]
    if not _ACCOUNT.match(args.account):
        _error(f"--account {args.account}: not a 12-digit account id")
        return 2
    if not _REGION.match(args.region):
        _error(f"--region {args.region}: not a region name such as eu-west-1")
        return 2
    try:
        settings = settings_from_args(args, paths)
    except ConfigError as error:
        _error(str(error))
        return 2
    from ..policy.draft import draft_policy
    from ..policy.resources import Place

    project = settings.project
    if project is None and not args.no_project:
        # Outside any marked project the paths' own directory is one, as Python runs a
        # script from it: sibling modules' clients and names are followed. (check and fix
        # read each file alone there: a fix must not reach across unrelated programs.)
        project = ProjectSpec(common_directory(
            [(args.stdin_filename or "-") if path == "-" else path for path in paths]))
    drafted = draft_policy(collect_targets(paths, settings, args), settings.options,
                           Place(region=args.region, account=args.account), project,
                           args.jobs)
    draft = drafted.draft
    if not draft.statements and args.format in ("terraform", "cloudformation"):
        _error("no AWS SDK call found: a role with an empty policy is not worth deploying "
               "(--format text shows what was read)")
        return 2
    try:
        _emit(_render(args.format, draft, args.compute), args.output)
    except OSError as error:
        _error(f"cannot write the policy to {args.output}: {error.strerror or error}")
        return 2
    if args.format != "text":
        if draft.unresolved:
            sys.stderr.write(f"lint-creds: {len(draft.unresolved)} call(s) could not be "
                             "resolved and are not in the draft (--format text lists them)\n")
        if draft.warnings:
            sys.stderr.write(f"lint-creds: {len(draft.warnings)} resource(s) widened to * "
                             "(--format text lists them)\n")
    for path, reason in drafted.problems:
        _error(f"cannot analyse {path}: {reason}")
    return 2 if drafted.problems else 0


def _render(form: str, draft: "object", compute: str) -> str:
    from ..policy.document import Draft, render_text

    assert isinstance(draft, Draft)
    if form == "text":
        return render_text(draft)
    document = draft.document()
    if form == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    from ..policy import iac

    if form == "terraform":
        return iac.render_terraform(document, compute)
    return iac.render_cloudformation(document, compute)
