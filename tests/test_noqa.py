"""``# noqa`` in the CLI behaves exactly as in real flake8: same table, both front ends."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest
from test_check_cli import KEY_ID, run_cli

from lint_creds.source.noqa import is_ignored

CALL = f'boto3.client("s3", aws_access_key_id="{KEY_ID}")'
ENV_CALL = ('boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
            'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])')
COMMENTS = [
    "", "# noqa", "# NOQA", "#noqa", "# noqa:CRD101", "# noqa: CRD101", "# noqa:  CRD101",
    "# noqa: CRD1", "# noqa: CRD", "# noqa: CRD2", "# noqa: E501,CRD101", "# noqa: E501 CRD101",
    "# noqa: E501, W291", "# noqa: crd101", "# noqa : CRD101", "# noqa:CRD101,", "# why  # noqa",
    "# type: ignore # noqa: CRD101", "# noqa - CRD101", "# noqa: CRD1010",
]


def module() -> str:
    lines = ["import os", "", "import boto3", ""]
    for index, comment in enumerate(COMMENTS):
        lines.append(f"c{index} = {CALL}  {comment}".rstrip())
        lines.append(f"e{index} = {ENV_CALL}  {comment}".rstrip())
    lines += [
        f'multi = """text\n{KEY_ID}\n"""  # noqa: CRD102',  # flake8 widens to the whole string
        f"cont = {CALL} \\",
        "    # noqa",  # a comment line after a continuation is not part of the statement
        f"joined = boto3.client('s3', \\\n    aws_access_key_id='{KEY_ID}')  # noqa: CRD101",
    ]
    return "\n".join(lines) + "\n"


def flake8_findings(path: pathlib.Path) -> set:
    out = subprocess.run([sys.executable, "-m", "flake8", "--select", "CRD",
                          "--format", "%(row)d:%(code)s", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    return {tuple(line.split(":")) for line in out.stdout.splitlines()}


def test_cli_and_flake8_suppress_the_same_findings(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "calls.py"
    path.write_text(module(), encoding="utf-8")
    out = run_cli("check", "--format", "json", "--select", "ALL", "calls.py", cwd=tmp_path)
    document = json.loads(out.stdout)
    ours = {(str(f["line"]), f["code"]) for f in document["findings"]}
    theirs = flake8_findings(path)
    assert ours == theirs
    # the table really exercises both outcomes
    assert document["summary"]["suppressed_by_noqa"] > 10 and len(ours) > 10


def test_file_level_flake8_noqa(tmp_path: pathlib.Path) -> None:
    source = f"# flake8: noqa\nimport boto3\nc = {CALL}\n"
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    out = run_cli("check", "a.py", cwd=tmp_path, check_code=0)
    assert out.stdout == "No findings (1 file checked, 1 suppressed by noqa).\n"
    assert flake8_findings(tmp_path / "a.py") == set()
    # with code (or after code) it does not exempt the file, in flake8 either
    source = f"import boto3  # flake8: noqa\nc = {CALL}\n"
    (tmp_path / "b.py").write_text(source, encoding="utf-8")
    run_cli("check", "b.py", cwd=tmp_path, check_code=1)
    assert flake8_findings(tmp_path / "b.py") == {("2", "CRD101")}


@pytest.mark.parametrize("code, line, ignored", [
    pytest.param("CRD101", "x  # noqa", True, id="blanket"),
    pytest.param("CRD101", "x  # noqa:CRD1", True, id="prefix"),
    pytest.param("CRD201", "x  # noqa:CRD1", False, id="other-prefix"),
    pytest.param("CRD101", "x  # noqa: crd101", False, id="codes-are-case-sensitive"),
    pytest.param("CRD101", "x  # noqa: E1,CRD101", True, id="list"),
    pytest.param("CRD101", "x  # noqa: E1 CRD101", True, id="space-list"),
    pytest.param("CRD101", "x", False, id="none"),
])
def test_is_ignored(code: str, line: str, ignored: bool) -> None:
    assert is_ignored(code, line) is ignored
