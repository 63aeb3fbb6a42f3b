"""``lint-creds fix PATH...``: rewrite code onto the default credential chain.

Writes in place by default; ``--diff`` prints a unified diff and ``--check`` exits 1 when
something would change (neither writes). Safe fixes only unless ``--unsafe-fixes``. The
summary goes to stderr; exit codes are 0 ok, 1 would change (``--check``), 2 errors.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import List, Optional, Sequence, Tuple

from ..fix.fixer import FileResult, FixSettings, fix_bytes, fix_files
from ..options import Options
from ..project.root import ProjectSpec
from ..source.files import collect
from .config import ConfigError, add_config_arguments, settings_from_args
from .progress import progress_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``fix`` subcommand's options."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or directories to fix; - fixes stdin to stdout")
    parser.add_argument("--diff", action="store_true",
                        help="print a unified diff of the changes to stdout; write nothing")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any file would change")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that may change which identity the code runs as")
    add_config_arguments(parser)
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="worker processes for large batches (default: all cores)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only errors: no summary, no progress line")


def run(args: argparse.Namespace) -> int:
    """Run ``lint-creds fix``; returns the exit code."""
    try:
        config = settings_from_args(args, args.paths)
    except ConfigError as error:
        sys.stderr.write(f"lint-creds: {error}\n")
        return 2
    options = config.options
    if "-" in args.paths:
        return _run_stdin(args, options, config.project)
    targets = collect(args.paths, config.excludes, config.root, args.force_exclude)
    paths = [t.path for t in targets if t.problem is None]
    settings = FixSettings(options, args.unsafe_fixes, write=not (args.diff or args.check),
                           diff=args.diff, project=config.project)
    progress = progress_for(sys.stderr, args.quiet, total=len(paths))
    on_result = None if progress is None else (
        lambda result, advance=progress.advance: advance(len(result.outcomes)))
    try:
        results = fix_files(paths, settings, args.jobs, on_result)
    finally:
        if progress is not None:
            progress.close()
    for result in results:
        if result.diff:
            sys.stdout.write(result.diff)
    errors = [(t.path, t.problem or "") for t in targets if t.problem is not None]
    errors += [(r.path, r.error) for r in results if r.error is not None]
    summary = Summary(results, errors, settings)
    sys.stderr.write(summary.render(quiet=args.quiet))
    if errors:
        return 2
    return 1 if args.check and summary.changed else 0


def _run_stdin(args: argparse.Namespace, options: Options,
               project: Optional[ProjectSpec]) -> int:
    """``lint-creds fix -``: source on stdin, the fixed source (or the diff) on stdout."""
    if args.paths != ["-"]:
        sys.stderr.write("lint-creds: `-` (stdin) cannot be combined with other paths\n")
        return 2
    name = args.stdin_filename or "-"
    settings = FixSettings(options, args.unsafe_fixes, write=False, diff=args.diff,
                           project=project)
    data = sys.stdin.buffer.read()
    result, new_data = fix_bytes(data, name, settings)
    if args.diff:
        sys.stdout.write(result.diff)
    elif not args.check:
        sys.stdout.buffer.write(new_data if new_data is not None else data)
        sys.stdout.flush()
    errors = [(name, result.error)] if result.error is not None else []
    wording = settings._replace(write=not (args.diff or args.check))  # stdout is the fix
    summary = Summary([result], errors, wording, list_files=False)
    sys.stderr.write(summary.render(quiet=args.quiet))
    if errors:
        return 2
    return 1 if args.check and summary.changed else 0


#: The migration's next step, once keys are out of the code.
NEXT_STEP = ("next: boto3's default credential chain now supplies the credentials, so the "
             "code runs as the identity its platform gives it (the ECS task role, the EC2 "
             "instance profile, the Lambda execution role; locally, your AWS profile); "
             "draft that role's least-privilege policy with "
             "`lint-creds policy --format text` on the same paths")


class Summary:
    """The end-of-run report: scanned, changed, fixed per rule, left with reasons, errors."""

    def __init__(self, results: Sequence[FileResult], errors: Sequence[Tuple[str, str]],
                 settings: FixSettings, list_files: bool = True) -> None:
        self.results = results
        #: List each changed file (not for stdin, whose one file is the output).
        self.list_files = list_files
        self.errors = errors
        self.settings = settings
        self.changed = sum(1 for r in results if r.changed)

    def render(self, quiet: bool = False) -> str:
        lines = [] if quiet else self._body()
        if self.errors:
            lines.append(f"errors ({len(self.errors)}):")
            lines += [f"  {path}: {reason}" for path, reason in self.errors]
        return "".join(line + "\n" for line in lines)

    def _body(self) -> List[str]:
        dry = not self.settings.write
        fixed: Counter = Counter()
        left = []
        for result in self.results:
            for outcome in result.outcomes:
                finding = outcome.finding  # type: ignore[attr-defined]
                if outcome.fixed:  # type: ignore[attr-defined]
                    fixed[finding.code] += 1
                else:
                    left.append(f"  {result.path}:{finding.line}:{finding.col + 1}: "
                                f"{finding.code} {outcome.reason}")  # type: ignore[attr-defined]
        skipped = [r for r in self.results if r.skipped]
        lines = [f"{len(self.results)} file{_s(len(self.results))} scanned, {self.changed} "
                 f"{'would change' if dry else 'changed'}"
                 + (f", {len(skipped)} skipped ({skipped[0].skipped})" if skipped else "")]
        changed = [r.path for r in self.results if r.changed]
        if changed and self.list_files:
            lines.append(f"{'would change' if dry else 'changed'} ({len(changed)}):")
            lines += [f"  {path}" for path in changed]
        if fixed:
            verb = "would fix" if dry else "fixed"
            lines.append(f"{verb} {sum(fixed.values())}: " + ", ".join(
                f"{code} x{count}" for code, count in sorted(fixed.items())))
        if left:
            lines.append(f"not fixed ({len(left)}):")
            lines += left
        kept = [f"  {result.path}{f':{line}' if line else ''}: {name} still reads a "
                "credential variable when the module is imported (it fails on ECS and EC2)"
                for result in self.results for line, name in result.kept]
        if kept:
            lines.append(f"kept ({len(kept)}): public names another module may import; fix "
                         "inside a project (a pyproject.toml or .git above) so the fixer can "
                         "check, or drop them with --unsafe-fixes:")
            lines += kept
        held = sum(1 for r in self.results for o in r.outcomes
                   if not o.fixed and "held back" in (o.reason or ""))  # type: ignore[attr-defined]
        if held:
            lines.append(f"{held} unsafe fix{'es' if held != 1 else ''} held back; "
                         "apply with --unsafe-fixes")
        if self.changed and not dry and self.list_files:
            lines.append(NEXT_STEP)
        return lines


def _s(count: int) -> str:
    return "" if count == 1 else "s"
