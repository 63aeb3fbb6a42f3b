"""Baselines: record today's findings, report only new ones, survive line shifts, never store
a secret, count duplicates."""
from __future__ import annotations

import json
import pathlib

import pytest
from test_check_cli import HARD_CODED, KEY_ID, run_cli, write

from lint_creds.cli.baseline import fingerprint, split_new

SECOND_KEY = "AKIAQ4NB2XW7LTY3PZ6K"


def record(tmp_path: pathlib.Path) -> dict:
    out = run_cli("check", "--write-baseline", "baseline.json", cwd=tmp_path, check_code=0)
    assert out.stdout == ""
    assert out.stderr.startswith("lint-creds: wrote ")
    return json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))


def test_baseline_hides_recorded_and_reports_new(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    document = record(tmp_path)
    assert [(r["code"], r["path"], r["count"]) for r in document["findings"]] == [
        ("CRD101", "app.py", 1)]
    out = run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=0)
    assert out.stdout == "No findings (1 file checked, 1 in the baseline).\n"
    # unrelated edits shift the recorded finding; a new key is added below it
    write(tmp_path, "app.py", "'''Uploads.'''\n\n\n" + HARD_CODED +
          f'other = boto3.client("s3", aws_access_key_id="{SECOND_KEY}")\n')
    out = run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=1)
    assert [line.split(":", 3)[:3] for line in out.stdout.splitlines()[:-2]] == [
        ["app.py", "7", "28"]]
    assert out.stdout.splitlines()[-1] == (
        "Found 1 finding in 1 file (1 file checked, 1 in the baseline).")


def test_baseline_never_contains_the_secret(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    record(tmp_path)
    text = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    assert KEY_ID not in text and KEY_ID[4:] not in text and "aws_access_key_id" not in text


def test_duplicates_are_counted(tmp_path: pathlib.Path) -> None:
    line = f'c = boto3.client("s3", aws_access_key_id="{KEY_ID}")\n'
    write(tmp_path, "app.py", "import boto3\n" + line * 2)
    document = record(tmp_path)
    assert [r["count"] for r in document["findings"]] == [2]
    run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=0)
    write(tmp_path, "app.py", "import boto3\n" + line * 3)  # a third copy is new
    out = run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=1)
    assert out.stdout.splitlines()[-1] == (
        "Found 1 finding in 1 file (1 file checked, 2 in the baseline).")


def test_baseline_from_config_relative_to_the_project(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.lint-creds]\nbaseline = "ci/baseline.json"\n')
    write(tmp_path, "src/app.py", HARD_CODED)
    (tmp_path / "ci").mkdir()
    run_cli("check", "--write-baseline", "ci/baseline.json", cwd=tmp_path, check_code=0)
    # run from a subdirectory: paths and the baseline still line up
    out = run_cli("check", ".", cwd=tmp_path / "src", check_code=0)
    assert out.stdout == "No findings (1 file checked, 1 in the baseline).\n"


def test_same_line_in_another_file_or_rule_is_new(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "a.py", HARD_CODED)
    record(tmp_path)
    write(tmp_path, "b.py", HARD_CODED)
    out = run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=1)
    assert out.stdout.startswith("b.py:3:25: CRD101")


@pytest.mark.parametrize("content, reason", [
    pytest.param("not json", "baseline is not valid JSON", id="not-json"),
    pytest.param('{"version": 99}', "not a lint-creds baseline", id="wrong-version"),
])
def test_unusable_baseline_exits_2(tmp_path: pathlib.Path, content: str, reason: str) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    write(tmp_path, "baseline.json", content)
    out = run_cli("check", "--baseline", "baseline.json", cwd=tmp_path, check_code=2)
    assert reason in out.stderr
    missing = run_cli("check", "--baseline", "nope.json", cwd=tmp_path, check_code=2)
    assert "cannot read baseline" in missing.stderr


def test_fingerprint_ignores_whitespace_but_not_code() -> None:
    base = fingerprint("CRD101", "a.py", 'x = f(key="A")')
    assert fingerprint("CRD101", "a.py", '    x  =  f(key="A")  ') == base
    assert fingerprint("CRD101", "a.py", 'x = f(key="B")') != base
    assert fingerprint("CRD102", "a.py", 'x = f(key="A")') != base
    assert fingerprint("CRD101", "b.py", 'x = f(key="A")') != base


def test_split_new_consumes_counts_in_order() -> None:
    assert split_new(["a", "a", "b", "a"], {"a": 2}) == [False, False, True, True]
