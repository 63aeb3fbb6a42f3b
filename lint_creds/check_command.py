"""``lint-creds check``: the gate. Exit 0 clean, 1 findings, 2 usage/config/file errors."""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence, Tuple

from . import baseline as baselines
from .config import ConfigError, Settings, add_config_arguments, settings_from_args
from .files import FileProblem, collect
from .runner import FileResult, Reported, check_data, check_paths

FORMAT_NAMES = ("text", "json", "sarif", "github")


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


def run(args: argparse.Namespace) -> int:
    """Run the gate; returns the exit code."""
    paths: List[str] = list(args.paths) or ["."]
    try:
        settings = settings_from_args(args, paths, baseline=args.baseline)
    except ConfigError as error:
        _error(str(error))
        return 2
    results = _check(paths, settings, args)
    findings = [_with_fingerprint(f, settings.root) for r in results for f in r.findings]
    problems = [(r.path, r.problem) for r in results if r.problem]
    if args.write_baseline:
        return _write_baseline(args.write_baseline, findings, problems)
    held_back = 0
    if settings.baseline and not args.write_baseline:
        try:
            findings, held_back = _apply_baseline(settings.baseline, findings)
        except FileProblem as problem:
            _error(str(problem))
            return 2
    from .report import Problem, Report, render

    report = Report(tuple(findings), tuple(Problem(p, reason) for p, reason in problems),
                    len(results), sum(r.noqa_suppressed for r in results), held_back,
                    settings.root)
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


def _check(paths: Sequence[str], settings: Settings, args: argparse.Namespace) -> List[FileResult]:
    """Results for every target, stdin first-class, in the order the paths were given."""
    results: List[FileResult] = []
    pending: List[Tuple[int, str]] = []  # (index in results, path) to check in one batch
    for path in paths:
        if path == "-":
            name = args.stdin_filename or "-"
            results.append(check_data(sys.stdin.buffer.read(), name, settings.options))
            continue
        for target in collect([path], settings.excludes, settings.root, args.force_exclude):
            if target.problem:
                results.append(FileResult(target.path, problem=target.problem, analysed=False))
            else:
                pending.append((len(results), target.path))
                results.append(FileResult(target.path))
    checked = check_paths([p for _, p in pending], settings.options, args.jobs)
    for (index, _), result in zip(pending, checked):
        results[index] = result
    return results


def _with_fingerprint(finding: Reported, root: str) -> Reported:
    relative = baselines.relative_path(finding.path, root) if finding.path != "-" else "-"
    return finding._replace(fingerprint=baselines.fingerprint(
        finding.code, relative, finding.source_line))


def _rebased(findings: Sequence[Reported], baseline_file: str) -> List[Tuple[str, str, str]]:
    """(code, path relative to the baseline's directory, fingerprint) per finding."""
    directory = os.path.dirname(os.path.abspath(baseline_file))
    rows = []
    for finding in findings:
        relative = baselines.relative_path(finding.path, directory)
        rows.append((finding.code, relative,
                     baselines.fingerprint(finding.code, relative, finding.source_line)))
    return rows


def _write_baseline(path: str, findings: Sequence[Reported],
                    problems: Sequence[Tuple[str, Optional[str]]]) -> int:
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
