"""The shared scale run: one pass of the real command lines over a corpus copy.

For each corpus (``real``: the files as they are; ``injected``: with credential patterns
injected by :mod:`.injection`) one session-scoped run does, over a copy: ``lint-creds check``
(JSON report), real ``flake8 --select CRD``, ``lint-creds fix --unsafe-fixes``, a second fix
run, and ``check`` again; the oracle runs on every file the fixer touched. Tests in
``test_real_corpus.py`` and ``test_secrets_at_scale.py`` assert on what the run saw. The
bounded size runs in the default test run, the full size under ``pytest -m scale``; each run
writes its figures to ``tests/scale/.last-run/<size>-<variant>.json``.
"""
from __future__ import annotations

import datetime
import os
import platform
import re
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

from lint_creds.cli.runner import decode_source

from .ast_oracle import violations
from .corpus import (
    LINT_CREDS, FileState, FixSummary, Flake8Run, check_json, commit, copy_tree, flake8_tree,
    parse_fix_summary, run, snapshot, source_for, tool_env, write_figures,
)
from .injection import TEMPLATES, Injection, Style, inject_tree

#: Files injected per template (placements alternate between module and function).
INJECTIONS_PER_TEMPLATE = {"bounded": 1, "full": 20, "venv": 5}
#: The bounded run injects into small files only: libcst's time grows with the file.
MAX_HOST_BYTES = {"bounded": 12_000, "full": None, "venv": None}
SEED = 7
#: Fix errors that mean the fixer (not the input) failed.
FIXER_FAILURES = ("could not rewrite", "fix produced code that does not parse")


class CorpusRun(NamedTuple):
    """Everything one run over one corpus copy saw."""

    name: str
    pristine: Path
    work: Path
    relpaths: List[str]
    injections: List[Injection]
    check_before: dict
    check_stderr: str
    flake8: Flake8Run
    fix: FixSummary
    fix_stderr: str
    before: Dict[str, FileState]
    after: Dict[str, FileState]
    second_fix: FixSummary
    after_second: Dict[str, FileState]
    check_after: dict
    oracle: Dict[str, List[str]]
    times: Dict[str, float]
    #: Everything the commands printed or wrote (report files included), by command.
    outputs: Dict[str, str]


def relative(path: str, root: Path) -> str:
    return os.path.relpath(path, root)


def _timed(times: Dict[str, float], name: str, function, *args):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = function(*args)
    times[name] = round(time.monotonic() - started, 2)
    return result


def _corpus_run(size: str, variant: str, base: Path) -> CorpusRun:
    source = source_for(size)
    times: Dict[str, float] = {}
    pristine, work = base / "pristine", base / "work"
    _timed(times, "copy", copy_tree, source, str(pristine))
    injections: List[Injection] = []
    if variant == "injected":
        injections = inject_tree(str(pristine), source.relpaths,
                                 INJECTIONS_PER_TEMPLATE[size] * len(TEMPLATES), SEED,
                                 MAX_HOST_BYTES[size])
    shutil.copytree(pristine, work)  # copy2: modes and mtimes come along
    env = tool_env(str(base))
    before = snapshot(str(work), source.relpaths)

    done, report = _timed(times, "check", check_json, str(work), env, str(base / "check.json"))
    flake8 = _timed(times, "flake8", flake8_tree, str(work), source.relpaths, env)
    fixed = _timed(times, "fix", run, [*LINT_CREDS, "fix", "--unsafe-fixes", str(work)], env)
    after = snapshot(str(work), source.relpaths)
    oracle = {}
    for relpath in source.relpaths:
        if after[relpath].digest != before[relpath].digest:
            old = decode_source((pristine / relpath).read_bytes(), relpath)
            new = decode_source((work / relpath).read_bytes(), relpath)
            try:
                oracle[relpath] = violations(old, new)
            except SyntaxError as error:
                oracle[relpath] = [f"the fixed file does not parse: {error}"]
    second = _timed(times, "second_fix", run, [*LINT_CREDS, "fix", "--unsafe-fixes", str(work)],
                    env)
    after_second = snapshot(str(work), source.relpaths)
    _, report_after = _timed(times, "check_after", check_json, str(work), env,
                             str(base / "check-after.json"))
    outputs = {
        "check": done.stdout + done.stderr + (base / "check.json").read_text("utf-8"),
        "flake8": flake8.output,
        "fix": fixed.stdout + fixed.stderr,
        "second fix": second.stdout + second.stderr,
        "check after fix": (base / "check-after.json").read_text("utf-8"),
    }
    return CorpusRun(f"{size}-{variant}", pristine, work, source.relpaths, injections, report,
                     done.stderr, flake8,
                     parse_fix_summary(fixed.stderr), fixed.stderr, before, after,
                     parse_fix_summary(second.stderr), after_second, report_after, oracle, times,
                     outputs)


def _figures(result: CorpusRun) -> Dict[str, object]:
    """The numbers docs/safety.md quotes."""
    fix = result.fix
    touched = sorted(result.oracle)
    return {
        "corpus": result.name,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "python": platform.python_version(),
        "files": len(result.relpaths),
        "bytes": sum(os.path.getsize(result.pristine / r) for r in result.relpaths),
        "injected_files": len(result.injections),
        "injected_findings": sum(len(i.codes) for i in result.injections),
        "injected_by_placement": dict(Counter(i.placement for i in result.injections)),
        "injected_styles": dict(Counter(_style_name(i.style) for i in result.injections)),
        "check": {
            "findings_by_rule": dict(Counter(f["code"] for f in result.check_before["findings"])),
            "files_with_findings": len({f["path"] for f in result.check_before["findings"]}),
            "errors_by_reason": _reasons(e["reason"] for e in result.check_before["errors"]),
        },
        "flake8_findings": len(result.flake8.findings),
        "flake8_crashes": [list(crash) for crash in result.flake8.crashes],
        "fix": {
            "files_changed": fix.changed,
            "fixed_by_rule": fix.fixed,
            "not_fixed_by_reason": dict(Counter(reason for *_, reason in fix.not_fixed)),
            "errors_by_reason": _reasons(reason for _, reason in fix.errors),
        },
        "oracle_violations": sum(bool(v) for v in result.oracle.values()),
        "touched_files": len(touched),
        "non_idempotent_files": len(changed(result.after, result.after_second)),
        "untouched_but_changed": len(untouched_changed(result)),
        "check_after_fix_findings": len(result.check_after["findings"]),
        "seconds": result.times,
    }


def _style_name(style: Style) -> str:
    indent = "tabs" if style.indent == "\t" else f"{len(style.indent)} spaces"
    newline = "CRLF" if style.newline == "\r\n" else "LF"
    return f"{indent}, {style.quote} quotes, {newline}"


def _reasons(reasons) -> Dict[str, int]:  # type: ignore[no-untyped-def]
    """Error reasons grouped by their kind (the text before any detail in parentheses)."""
    return dict(Counter(re.sub(r"\s*\(.*|: .*", "", reason) for reason in reasons))


def changed(a: Dict[str, FileState], b: Dict[str, FileState]) -> List[str]:
    return sorted(r for r in a if a[r] != b[r])


def untouched_changed(result: CorpusRun) -> List[str]:
    """Files whose bytes the fixer kept but whose mode or mtime changed anyway."""
    return sorted(r for r in result.relpaths if result.after[r].digest == result.before[r].digest
                  and result.after[r] != result.before[r])


#: The bounded corpus is run injected only: its untouched files are the real corpus, and
#: the default test run has no time for a second pass.
RUNS = [
    pytest.param(("bounded", "injected"), id="bounded-injected"),
    pytest.param(("full", "real"), id="full-real", marks=pytest.mark.scale),
    pytest.param(("full", "injected"), id="full-injected", marks=pytest.mark.scale),
]


@pytest.fixture(scope="session", params=RUNS)
def corpus_run(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    size, variant = request.param
    result = _corpus_run(size, variant, tmp_path_factory.mktemp(f"{size}-{variant}"))
    path = write_figures(result.name, _figures(result))
    print(f"\n{result.name}: figures in {path}")
    return result
