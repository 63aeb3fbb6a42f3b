"""``lint-creds rule CODE`` / ``lint-creds rule --all``: rule documentation from the catalog."""
from __future__ import annotations

import argparse
import sys

from ..rules import RULES, RULES_BY_CODE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code (CRD101) or name")
    parser.add_argument("--all", action="store_true", help="list every rule")


def run(args: argparse.Namespace) -> int:
    if args.all or not args.code:
        width = max(len(rule.name) for rule in RULES)
        for rule in RULES:
            flag = "" if rule.enabled_by_default else "  (off by default)"
            sys.stdout.write(f"{rule.code}  {rule.name:<{width}}  fix: {rule.fix_safety.value:<9}"
                             f"  {rule.summary}{flag}\n")
        return 0
    by_name = {rule.name: rule for rule in RULES}
    rule = RULES_BY_CODE.get(args.code.upper()) or by_name.get(args.code)
    if rule is None:
        sys.stderr.write(f"lint-creds: unknown rule {args.code!r}; "
                         f"see `lint-creds rule --all`\n")
        return 2
    sys.stdout.write(rule.doc())
    return 0
