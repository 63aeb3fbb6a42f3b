"""The real ``lint-creds`` console script in a subprocess: exit codes, stdin, output, paths.

``run_cli`` is shared by the other ``test_check_*``/``test_report_*`` modules.
"""
from __future__ import annotations

import os
import pathlib
import posixpath
import subprocess
import sys
import textwrap
from typing import Optional

import pytest

SCRIPT = os.path.join(os.path.dirname(sys.executable), "lint-creds")
KEY_ID = "AKIAZ7VQ3KXW5R2MW5FG"  # shaped like a key, not a real one
HARD_CODED = textwrap.dedent(f"""\
    import boto3

    s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}")
    """)
ENV_CREDS = textwrap.dedent("""\
    import os

    import boto3

    s3 = boto3.client(
        "s3",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )
    """)
CLEAN = 'import boto3\n\ns3 = boto3.client("s3")\n'
CRD101_MESSAGE = ("CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; "
                  "remove it and use the default credential chain")


def run_cli(*args: str, cwd: Optional[pathlib.Path] = None, stdin: bytes = b"",
            check_code: Optional[int] = None) -> subprocess.CompletedProcess:
    """Run the installed console script; assert the exit code when ``check_code`` is set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([SCRIPT, *args], cwd=cwd, input=stdin, capture_output=True,
                            env=env, timeout=120)
    out = subprocess.CompletedProcess(result.args, result.returncode,
                                      result.stdout.decode("utf-8"),
                                      result.stderr.decode("utf-8"))
    if check_code is not None:
        assert out.returncode == check_code, (out.stdout, out.stderr)
    return out


def write(directory: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_tree_exits_0(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", CLEAN)
    out = run_cli("check", cwd=tmp_path, check_code=0)
    assert out.stdout == "No findings (1 file checked).\n"
    assert out.stderr == ""


def test_findings_exit_1_with_ruff_like_lines(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "pkg/app.py", HARD_CODED)
    write(tmp_path, "pkg/ok.py", CLEAN)
    out = run_cli("check", cwd=tmp_path, check_code=1)
    assert out.stdout == (f"pkg/app.py:3:25: {CRD101_MESSAGE}\n"
                          "CRD101 (hard-coded-credential-argument): 1\n"
                          "Found 1 finding in 1 file (2 files checked).\n")
    assert KEY_ID not in out.stdout + out.stderr


def test_exit_zero_reports_but_exits_0(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    out = run_cli("check", "--exit-zero", "app.py", cwd=tmp_path, check_code=0)
    assert out.stdout.startswith(f"app.py:3:25: {CRD101_MESSAGE}\n")


def test_unanalysable_file_exits_2_and_the_rest_is_checked(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    write(tmp_path, "broken.py", "import boto3; boto3.Session(key, secret)\ndef f(:\n")
    out = run_cli("check", "--exit-zero", cwd=tmp_path, check_code=2)
    assert out.stdout == (f"app.py:3:25: {CRD101_MESSAGE}\n"
                          "broken.py: error: syntax error: invalid syntax (line 2)\n"
                          "CRD101 (hard-coded-credential-argument): 1\n"
                          "Found 1 finding in 1 file (2 files checked, 1 could not be analysed).\n")


def test_stdin_with_stdin_filename(tmp_path: pathlib.Path) -> None:
    out = run_cli("check", "-", "--stdin-filename", "src/app.py", cwd=tmp_path,
                  stdin=HARD_CODED.encode(), check_code=1)
    assert out.stdout.splitlines()[0] == f"src/app.py:3:25: {CRD101_MESSAGE}"
    clean = run_cli("check", "-", cwd=tmp_path, stdin=CLEAN.encode(), check_code=0)
    assert clean.stdout == "No findings (1 file checked).\n"


def test_stdin_filename_finds_the_config(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "proj/pyproject.toml", '[tool.lint-creds]\nignore = ["CRD1"]\n')
    out = run_cli("check", "-", "--stdin-filename", str(tmp_path / "proj" / "a.py"),
                  cwd=tmp_path, stdin=HARD_CODED.encode(), check_code=0)
    assert out.stdout == "No findings (1 file checked).\n"


def test_output_file(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    out = run_cli("check", "--output", "report.txt", cwd=tmp_path, check_code=1)
    assert out.stdout == ""
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == (
        f"app.py:3:25: {CRD101_MESSAGE}\nCRD101 (hard-coded-credential-argument): 1\n"
        "Found 1 finding in 1 file (1 file checked).\n")


def test_unwritable_output_exits_2(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    out = run_cli("check", "--output", "no/such/dir/report.txt", cwd=tmp_path, check_code=2)
    assert "cannot write the report to no/such/dir/report.txt" in out.stderr


def test_directories_skip_default_excludes_and_walk_notebooks(tmp_path: pathlib.Path) -> None:
    for skipped in (".venv/lib/x.py", "node_modules/a.py", "build/b.py", "__pycache__/c.py"):
        write(tmp_path, skipped, HARD_CODED)
    write(tmp_path, "README.txt", HARD_CODED)  # not a Python suffix: not walked
    write(tmp_path, "src/mod.py", CLEAN)
    out = run_cli("check", ".", cwd=tmp_path, check_code=0)
    assert out.stdout == "No findings (1 file checked).\n"


def test_explicit_file_of_any_suffix_is_checked(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "script", HARD_CODED)
    out = run_cli("check", "script", cwd=tmp_path, check_code=1)
    assert out.stdout.startswith("script:3:25: CRD101")


@pytest.mark.parametrize("exclude, named, cwd", [
    ('"fixtures"', "fixtures/bad.py", "."),
    ('"fixtures"', "fixtures", "."),
    ('"src/gen"', "src/gen/bad.py", "."),  # a path pattern: the directory above matches
    ('"src/gen/"', "src/gen/bad.py", "."),
    ('"src/gen/*"', "src/gen/bad.py", "."),
    ('"src/*"', "src/gen/bad.py", "."),
    ('"src/gen"', "./src/gen/bad.py", "."),
    ('"src/gen"', "gen/bad.py", "src"),  # named from below the root: matched from the root
    ('"src/gen"', "bad.py", "src/gen"),
    ('"src/gen"', "../gen/bad.py", "src/other"),
])
def test_force_exclude_applies_excludes_to_named_files(
        tmp_path: pathlib.Path, exclude: str, named: str, cwd: str) -> None:
    """pre-commit passes staged files by name; with --force-exclude (which the shipped hooks
    pass) ``extend-exclude`` still applies to them and to the directories above them, as in
    ruff."""
    write(tmp_path, "pyproject.toml", f"[tool.lint-creds]\nextend-exclude = [{exclude}]\n")
    write(tmp_path, "fixtures/bad.py", HARD_CODED)
    write(tmp_path, "src/gen/bad.py", HARD_CODED)
    (tmp_path / "src" / "other").mkdir()
    out = run_cli("check", "--force-exclude", named, cwd=tmp_path / cwd, check_code=0)
    assert out.stdout == "No findings (0 files checked).\n"


@pytest.mark.parametrize("exclude, named", [
    ('"src/gen"', "src/general/bad.py"),
    ('"src/gen"', "lib/src/bad.py"),
    ('"gen/bad.py"', "src/gen/ok/bad.py"),
    ('".*"', "./src/bad.py"),  # "." and ".." lead to the file: they are no hidden directory
    ('".*"', "src/bad.py"),
])
def test_force_exclude_keeps_named_files_no_pattern_covers(
        tmp_path: pathlib.Path, exclude: str, named: str) -> None:
    write(tmp_path, "pyproject.toml", f"[tool.lint-creds]\nextend-exclude = [{exclude}]\n")
    write(tmp_path, named, HARD_CODED)
    out = run_cli("check", "--force-exclude", named, cwd=tmp_path, check_code=1)
    assert out.stdout.startswith(f"{posixpath.normpath(named)}:3:25: CRD101")


def test_named_paths_are_checked_even_when_excluded(tmp_path: pathlib.Path) -> None:
    """Without --force-exclude a path named on the command line is checked (ruff's rule),
    directories included; walking ``.`` still skips it."""
    write(tmp_path, "pyproject.toml", '[tool.lint-creds]\nextend-exclude = ["fixtures"]\n')
    write(tmp_path, "fixtures/sub/bad.py", HARD_CODED)
    assert run_cli("check", "fixtures/sub/bad.py", cwd=tmp_path, check_code=1).stdout.startswith(
        "fixtures/sub/bad.py:3:25: CRD101")
    assert run_cli("check", "fixtures", cwd=tmp_path, check_code=1).stdout.startswith(
        "fixtures/sub/bad.py:3:25: CRD101")
    assert run_cli("check", ".", cwd=tmp_path, check_code=0).stdout == (
        "No findings (0 files checked).\n")


def test_no_command_and_bad_flags_exit_2(tmp_path: pathlib.Path) -> None:
    assert run_cli(cwd=tmp_path).returncode == 2
    assert run_cli("check", "--format", "xml", cwd=tmp_path).returncode == 2


def test_version() -> None:
    from lint_creds import __version__

    out = run_cli("--version", check_code=0)
    assert out.stdout == f"lint-creds {__version__}\n"


def test_rule_command() -> None:
    out = run_cli("rule", "CRD101", check_code=0)
    assert out.stdout.startswith("# hard-coded-credential-argument (CRD101)\n")
    listing = run_cli("rule", "--all", check_code=0)
    assert [line.split()[0] for line in listing.stdout.splitlines()] == [
        "CRD101", "CRD102", "CRD201", "CRD202", "CRD203", "CRD301", "CRD302"]
    assert run_cli("rule", "CRD999").returncode == 2


def test_check_never_imports_libcst_and_defers_heavy_modules(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    write(tmp_path, "other.py", CLEAN)
    code = textwrap.dedent("""\
        import sys
        from lint_creds.cli.main import main
        code = main(["check", "."])
        loaded = sorted(m for m in ("libcst", "json", "tomllib", "tomli",
                        "concurrent.futures", "flake8", "importlib.metadata")
                        if m in sys.modules)
        print("\\nLOADED", loaded, code)
        """)
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.splitlines()[-1] == "LOADED [] 1"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_format_exit_codes(tmp_path: pathlib.Path, fmt: str) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    assert run_cli("check", "--format", fmt, "app.py", cwd=tmp_path).returncode == 1
    write(tmp_path, "app.py", CLEAN)
    assert run_cli("check", "--format", fmt, "app.py", cwd=tmp_path).returncode == 0
    write(tmp_path, "app.py", "import boto3; boto3.Session(key, secret)\n(\n")
    assert run_cli("check", "--format", fmt, "app.py", cwd=tmp_path).returncode == 2
