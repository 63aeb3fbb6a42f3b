"""``lint-creds`` command line: dispatches to one module per subcommand.

Subcommand modules are imported only when used, so ``lint-creds check`` never imports the
fixer (and so never libcst).
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional, Sequence


#: subcommand -> (module, one-line help). Each module has ``add_arguments(parser)`` and
#: ``run(args) -> int``.
SUBCOMMANDS = {
    "check": ("lint_creds.check_command", "report hand-passed AWS credentials (the gate)"),
    "fix": ("lint_creds.fix_command", "rewrite code onto the default credential chain"),
    "rule": ("lint_creds.rule_command", "show the documentation of a rule"),
}


class _VersionAction(argparse.Action):
    """``--version``, reading package metadata only when asked (it is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: Optional[str] = None) -> None:
        from . import __version__

        sys.stdout.write(f"lint-creds {__version__}\n")
        parser.exit()


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint-creds",
        description="Find and remove hand-passed AWS credentials so boto3 uses its default, "
        "role-aware credential chain.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if a in SUBCOMMANDS), None)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == wanted:  # only the module that runs is imported
            importlib.import_module(module_name).add_arguments(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the ``lint-creds`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        return int(module.run(args))
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except BrokenPipeError:  # `lint-creds check | head`: the reader left, stop quietly
        sys.stderr.close()
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
