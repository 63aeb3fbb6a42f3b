"""``lint-creds check``: the gate. Exit 0 clean, 1 findings, 2 usage/config/file errors."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Iterator, List, Optional, Sequence, Tuple

from ..findings import Reported
from ..source.files import (
    DEFAULT_EXCLUDES, FileProblem, Target, Visit, display_path, iter_collect,
)
from .config import ConfigError, Settings, add_config_arguments, settings_from_args
from .progress import progress_for
from .runner import FileResult, check_targets

#: Report formats that carry each finding's baseline fingerprint.
FINGERPRINTED_FORMATS = frozenset({"json", "sarif", "gitlab"})

FORMAT_NAMES = ("text", "json", "sarif", "github", "gitlab", "junit")
#: Report formats that list every checked file, clean ones too (``Report.paths``).
PATH_LISTING_FORMATS = frozenset({"junit"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``check``; configuration flags override ``[tool.lint-creds]``."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to check (default: .); - reads stdin")
    parser.add_argument("--format", choices=FORMAT_NAMES, default="text",
                        help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    add_config_arguments(parser)
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not in FILE")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="record the current findings in FILE and exit 0")
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when there are findings (errors still exit 2)")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="worker processes for large runs (default: CPU count; 1 = none)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress line on stderr during long runs")


def run(args: argparse.Namespace) -> int:
    """Run the gate; returns the exit code."""
    paths: List[str] = list(args.paths) or ["."]
    try:
        settings = settings_from_args(args, paths, baseline=args.baseline)
    except ConfigError as error:
        _error(str(error))
        return 2
    findings: List[Reported] = []
    problems: List[Tuple[str, str]] = []
    checked: List[str] = []  # kept only for the formats that list every file
    files = noqa_suppressed = 0
    for result in _check(paths, settings, args):  # streamed: only findings are kept
        files += 1
        if args.format in PATH_LISTING_FORMATS:
            checked.append(result.path)
        noqa_suppressed += result.noqa_suppressed
        findings += result.findings
        if result.problem:
            problems.append((result.path, result.problem))
    if args.write_baseline or settings.baseline or args.format in FINGERPRINTED_FORMATS:
        findings = [_with_fingerprint(f, settings.root) for f in findings]
    if args.write_baseline:
        return _write_baseline(args.write_baseline, findings, problems)
    held_back = 0
    if settings.baseline and not args.write_baseline:
        try:
            findings, held_back = _apply_baseline(settings.baseline, findings)
        except FileProblem as problem:
            _error(str(problem))
            return 2
    from ..report import Problem, Report, render

    report = Report(tuple(findings), tuple(Problem(p, reason) for p, reason in problems),
                    files, noqa_suppressed, held_back, settings.root, tuple(checked))
    excerpts = args.format == "text" and not args.output and sys.stdout.isatty()
    try:
        _emit(render(args.format, report, excerpts), args.output)
    except OSError as error:
        _error(f"cannot write the report to {args.output}: {error.strerror or error}")
        return 2
    if args.format != "text" or args.output:  # the text report already lists them
        for path, reason in problems:
            _error(f"cannot analyse {path}: {reason}")
    if problems:
        return 2
    return 1 if findings and not args.exit_zero else 0


def _check(paths: Sequence[str], settings: Settings,
           args: argparse.Namespace) -> Iterator[FileResult]:
    """Results for every target in the order the paths were given, stdin first-class."""
    return check_targets(collect_targets(paths, settings, args), settings.options, args.jobs,
                         settings.project, progress_for(sys.stderr, args.quiet),
                         _is_the_whole_project(paths, settings, args))


def collect_targets(paths: Sequence[str], settings: Settings,
                    args: argparse.Namespace) -> Iterator[Target]:
    """The files the paths name, in order, ``-`` read from stdin (``check``, ``policy``)."""
    if _is_the_whole_project(paths, settings, args):
        yield from _project_targets(paths[0], settings)
        return
    visit = Visit.of(paths)  # a file reached by two of the paths is read once
    for path in paths:
        if path == "-":
            yield Target(args.stdin_filename or "-", data=sys.stdin.buffer.read())
        else:
            yield from iter_collect([path], settings.excludes, settings.root,
                                    args.force_exclude, visit)


def _is_the_whole_project(paths: Sequence[str], settings: Settings,
                          args: argparse.Namespace) -> bool:
    """Is the one path the project's root, walked with the excludes the project index
    walks with? (``check .`` in CI: the index's walk gives the same files.)"""
    return (len(paths) == 1 and paths[0] != "-" and settings.project is not None
            and not args.force_exclude and tuple(settings.excludes) == DEFAULT_EXCLUDES
            and os.path.abspath(paths[0]) == os.path.abspath(settings.project.root))


def _project_targets(path: str, settings: Settings) -> Iterator[Target]:
    """The project index's walk of its root, named from ``path`` as a walk from it would
    name them (``./app/jobs.py`` for ``.``, shown as ``app/jobs.py``)."""
    from ..project import index_for

    assert settings.project is not None
    index = index_for(settings.project, settings.options)
    inside = index.root.rstrip(os.sep) + os.sep
    # What display_path(os.path.join(path, below)) puts before ``below``, for every file
    # below the root (only the leading "./" of ``path`` is dropped): joined once, not per file.
    lead = display_path(os.path.join(path, "x"))[:-1]
    for target in index.walk():
        if target.path.startswith(inside):
            named = lead + target.path[len(inside):]
        else:
            below = os.path.relpath(target.path, index.root)
            named = display_path(path if below == os.curdir else os.path.join(path, below))
        yield Target(named, target.problem, target.data)


def _with_fingerprint(finding: Reported, root: str) -> Reported:
    from . import baseline as baselines  # hashlib: only when fingerprints are needed

    relative = baselines.relative_path(finding.path, root) if finding.path != "-" else "-"
    return finding._replace(fingerprint=baselines.fingerprint(
        finding.code, relative, finding.source_line))


def _rebased(findings: Sequence[Reported], baseline_file: str) -> List[Tuple[str, str, str]]:
    """(code, path relative to the baseline's directory, fingerprint) per finding."""
    from . import baseline as baselines

    directory = os.path.dirname(os.path.abspath(baseline_file))
    rows = []
    for finding in findings:
        relative = baselines.relative_path(finding.path, directory)
        rows.append((finding.code, relative,
                     baselines.fingerprint(finding.code, relative, finding.source_line)))
    return rows


def _write_baseline(path: str, findings: Sequence[Reported],
                    problems: Sequence[Tuple[str, Optional[str]]]) -> int:
    from . import baseline as baselines

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(baselines.dump(_rebased(findings, path)))
    except OSError as error:
        _error(f"cannot write baseline {path}: {error.strerror or error}")
        return 2
    sys.stderr.write(f"lint-creds: wrote {len(findings)} finding(s) to baseline {path}\n")
    for problem_path, reason in problems:
        _error(f"cannot analyse {problem_path}: {reason}")
    return 2 if problems else 0


def _apply_baseline(path: str, findings: List[Reported]) -> Tuple[List[Reported], int]:
    from . import baseline as baselines

    recorded = baselines.load(path)
    new = baselines.split_new([row[2] for row in _rebased(findings, path)], recorded)
    kept = [finding for finding, is_new in zip(findings, new) if is_new]
    return kept, len(findings) - len(kept)


def _emit(text: str, output: Optional[str]) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:  # UTF-8 whatever the locale: masks use "…"
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:  # pragma: no cover - replaced stdout without a buffer
        sys.stdout.write(text)


def _error(message: str) -> None:
    sys.stderr.write(f"lint-creds: error: {message}\n")
