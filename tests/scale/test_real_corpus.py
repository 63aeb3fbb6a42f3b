"""The gate and the fixer over real code: copies of a real corpus, as is and with
credential patterns injected (issue 7).

The run itself (check, flake8, fix, fix again, check again, the oracle) is the
``corpus_run`` fixture of ``conftest.py``; these tests assert on what it saw. Bounded in the
default test run; the full site corpus under ``pytest -m scale``.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from .conftest import FIXER_FAILURES, CorpusRun, changed, relative, untouched_changed
from .injection import TEMPLATES, TEMPLATES_BY_NAME

# -- crash-freedom ----------------------------------------------------------------------


def test_check_covers_every_file_without_crashing(corpus_run: CorpusRun) -> None:
    report = corpus_run.check_before
    assert "Traceback" not in corpus_run.check_stderr
    assert report["summary"]["files_checked"] == len(corpus_run.relpaths)
    for error in report["errors"]:  # a file that cannot be analysed: path and reason
        assert relative(error["path"], corpus_run.work) in corpus_run.before
        assert error["reason"] and "internal error" not in error["reason"], error


def test_flake8_plugin_never_raises_and_agrees_with_check(corpus_run: CorpusRun) -> None:
    flake8 = corpus_run.flake8
    assert [c for c in flake8.crashes if "lint-creds" in c[1] or "CRD" in c[1]] == []
    assert set(flake8.returncodes) <= {0, 1}, flake8.output[-3000:]
    assert "Traceback" not in flake8.output, flake8.output[-3000:]
    crashed = {path for path, _, _ in flake8.crashes}  # other plugins' crashes: not compared
    gate = sorted((path, f["line"], f["column"], f["code"])
                  for f in corpus_run.check_before["findings"]
                  for path in [relative(f["path"], corpus_run.work)] if path not in crashed)
    assert sorted(flake8.findings) == gate, flake8.output[-3000:]


def test_fixer_never_fails_on_a_file_python_parses(corpus_run: CorpusRun) -> None:
    assert corpus_run.fix.scanned == len(corpus_run.relpaths)
    for path, reason in corpus_run.fix.errors:
        assert not reason.startswith(FIXER_FAILURES), (path, reason)
        with pytest.raises((SyntaxError, ValueError, UnicodeDecodeError)):
            ast.parse(Path(path).read_bytes())  # only input Python rejects may be an error
    assert "Traceback" not in corpus_run.fix_stderr


# -- the injected findings --------------------------------------------------------------

def _injected_only(corpus_run: CorpusRun) -> None:
    if not corpus_run.injections:
        pytest.skip("nothing injected in the real corpus")


def test_check_finds_every_injected_finding(corpus_run: CorpusRun) -> None:
    _injected_only(corpus_run)
    by_path: Dict[str, List[Tuple[int, str]]] = {}
    for finding in corpus_run.check_before["findings"]:
        by_path.setdefault(relative(finding["path"], corpus_run.work), []).append(
            (finding["line"], finding["code"]))
    wrong = []
    for injection in corpus_run.injections:
        found = sorted(code for line, code in by_path.get(injection.relpath, [])
                       if injection.holds(line))
        if found != sorted(injection.codes):
            wrong.append((injection.relpath, injection.template, injection.placement, found))
    assert wrong == []
    assert {i.template for i in corpus_run.injections} == {t.name for t in TEMPLATES}


def test_no_injected_finding_survives_unless_reported(corpus_run: CorpusRun) -> None:
    _injected_only(corpus_run)
    left: Dict[str, List[Tuple[int, str, str]]] = {}
    for path, line, _, code, reason in corpus_run.fix.not_fixed:
        left.setdefault(relative(path, corpus_run.work), []).append((line, code, reason))
    wrong = []
    for injection in corpus_run.injections:
        held = [(code, reason) for line, code, reason in left.get(injection.relpath, [])
                if injection.holds(line)]
        assert all(reason for _, reason in held)
        expected = [] if TEMPLATES_BY_NAME[injection.template].fixable else sorted(
            injection.codes)
        if sorted(code for code, _ in held) != expected:
            wrong.append((injection.relpath, injection.template, injection.placement, held))
    assert wrong == []


# -- the fixer's guarantees -------------------------------------------------------------

def test_every_touched_file_parses_and_satisfies_the_oracle(corpus_run: CorpusRun) -> None:
    assert {r: v for r, v in corpus_run.oracle.items() if v} == {}
    if corpus_run.injections:
        assert corpus_run.oracle, "the fixer touched nothing in the injected corpus"
    for relpath in corpus_run.oracle:  # a rewrite keeps the file's mode
        assert corpus_run.after[relpath].mode == corpus_run.before[relpath].mode


def test_fixer_touches_only_files_with_findings(corpus_run: CorpusRun) -> None:
    flagged = {relative(f["path"], corpus_run.work) for f in corpus_run.check_before["findings"]}
    assert set(corpus_run.oracle) <= flagged
    assert corpus_run.fix.changed == len(corpus_run.oracle)


def test_untouched_files_keep_bytes_mode_and_mtime(corpus_run: CorpusRun) -> None:
    assert untouched_changed(corpus_run) == []


def test_second_fix_changes_nothing(corpus_run: CorpusRun) -> None:
    assert corpus_run.second_fix.changed == 0
    assert changed(corpus_run.after, corpus_run.after_second) == []
    assert corpus_run.second_fix.fixed == {}


def test_check_after_fix_reports_only_what_fix_left(corpus_run: CorpusRun) -> None:
    remaining = Counter((relative(f["path"], corpus_run.work), f["code"])
                        for f in corpus_run.check_after["findings"])
    left = Counter((relative(path, corpus_run.work), code)
                   for path, _, _, code, _ in corpus_run.fix.not_fixed)
    assert remaining == left
