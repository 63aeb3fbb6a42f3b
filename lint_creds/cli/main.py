"""``lint-creds`` command line: dispatches to one module per subcommand.

Subcommand modules are imported only when used, so ``lint-creds check`` never imports the
fixer (and so never libcst).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from typing import List, Optional, Sequence


#: subcommand -> (module, one-line help). Each module has ``add_arguments(parser)`` and
#: ``run(args) -> int``.
SUBCOMMANDS = {
    "check": ("lint_creds.cli.check", "report hand-passed AWS credentials (the gate)"),
    "fix": ("lint_creds.cli.fix", "rewrite code onto the default credential chain"),
    "policy": ("lint_creds.cli.policy", "draft the least-privilege IAM policy the code needs"),
    "rule": ("lint_creds.cli.rule", "show the documentation of a rule"),
}


class _VersionAction(argparse.Action):
    """``--version``, reading package metadata only when asked (it is slow to import)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: Optional[str] = None) -> None:
        from .. import __version__

        sys.stdout.write(f"lint-creds {__version__}\n")
        parser.exit()


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter without ``shutil``: argparse builds a formatter for every
    ``add_argument`` and its width lookup imports ``shutil`` (and bz2, lzma, zlib), a few
    milliseconds of every pre-commit call. The width comes from the same place here."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: Optional[int] = None) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``$COLUMNS``, else the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint-creds", formatter_class=_Formatter,
        description="Find and remove hand-passed AWS credentials so boto3 uses its default, "
        "role-aware credential chain.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if a in SUBCOMMANDS), None)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        # With a command named, only its parser is built and its module imported: each
        # parser costs argparse's message lookups (gettext), a pre-commit call's overhead.
        # Without one (--help, a typo), all of them, so the help and the error list every
        # command.
        if wanted is not None and name != wanted:
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text,
                                    formatter_class=_Formatter)
        if name == wanted:
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


def console() -> int:
    """Entry point of the ``lint-creds`` console script and of ``python -m lint_creds``.

    :func:`main`, then the process's objects are frozen out of the garbage collector: the
    interpreter is about to exit, and its last collection would only walk every object built
    by the run (the engine's tables, the parsed module) to free memory the exit frees anyway,
    a few milliseconds of every pre-commit call. The work is done by then: every file
    written has been closed and replaced and the worker pool shut down; the exit still
    flushes the output and runs ``atexit`` handlers. :func:`main` itself leaves the
    collector alone, for callers that go on running (tests, scripts).
    """
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(console())
