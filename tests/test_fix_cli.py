"""``lint-creds fix`` through the installed console script, and the codemod through
``python -m libcst.tool codemod``: modes, exit codes, summary, data safety."""
from __future__ import annotations

import os
import pathlib
import shutil
import stat
import subprocess
import sys

import pytest

from lint_creds.cli.fix import NEXT_STEP

CONSOLE = pathlib.Path(sys.executable).with_name("lint-creds")
ENV_CLIENT = ('import os\nimport boto3\n\ns3 = boto3.client("s3", aws_access_key_id=os.environ['
              '"AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n')
FIXED_CLIENT = 'import boto3\n\ns3 = boto3.client("s3")\n'
LITERAL_CLIENT = ('import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="AKIA4CAIPE5FRAEBJ2M4", '
                  'aws_secret_access_key="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")\n')


def lint_creds(*args: str, cwd: pathlib.Path) -> "subprocess.CompletedProcess[str]":
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    return subprocess.run([str(CONSOLE), "fix", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=300)


def write(root: pathlib.Path, files: "dict[str, str]") -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_in_place_fix_and_summary(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"app/env.py": ENV_CLIENT, "app/literal.py": LITERAL_CLIENT,
                     "app/clean.py": "x = 1\n"})
    result = lint_creds("app", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (tmp_path / "app/env.py").read_text() == FIXED_CLIENT
    assert (tmp_path / "app/literal.py").read_text() == LITERAL_CLIENT
    assert result.stderr == (
        "3 files scanned, 1 changed\n"
        "changed (1):\n"
        "  app/env.py\n"
        "fixed 2: CRD201 x2\n"
        "not fixed (2):\n"
        "  app/literal.py:3:25: CRD101 unsafe fix held back (apply it with --unsafe-fixes)\n"
        "  app/literal.py:3:67: CRD101 unsafe fix held back (apply it with --unsafe-fixes)\n"
        "2 unsafe fixes held back; apply with --unsafe-fixes\n"
        f"{NEXT_STEP}\n")
    again = lint_creds("app", cwd=tmp_path)
    assert again.returncode == 0 and again.stderr.startswith("3 files scanned, 0 changed\n")


GLOBAL_READS = ('import os\nimport boto3\n\nKEY = os.environ["AWS_ACCESS_KEY_ID"]\n'
                'SECRET: str = os.getenv("AWS_SECRET_ACCESS_KEY")\n\n\ndef client():\n'
                '    return boto3.client("s3", aws_access_key_id=KEY, '
                'aws_secret_access_key=SECRET)\n')
GLOBAL_READS_FIXED = 'import boto3\n\n\ndef client():\n    return boto3.client("s3")\n'


@pytest.mark.parametrize("marker, args, kept", [
    (None, (), ["KEY", "SECRET"]),  # alone, public names may be imported elsewhere
    ("pyproject.toml", (), []),  # the project shows no other module reads them
    (None, ("--unsafe-fixes",), []),
])
def test_module_level_reads_the_fix_keeps_are_listed(
        tmp_path: pathlib.Path, marker: "str | None", args: "tuple[str, ...]",
        kept: "list[str]") -> None:
    write(tmp_path, {"app.py": GLOBAL_READS, **({marker: ""} if marker else {})})
    result = lint_creds(*args, "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if "still reads" in line]
    assert listed == [f"  app.py:{line}: {name} still reads a credential variable when the "
                      "module is imported (it fails on ECS and EC2)"
                      for line, name in zip((4, 5), kept)]
    assert ("kept (2): public names" in result.stderr) == bool(kept)
    text = (tmp_path / "app.py").read_text()
    assert text.count("os.") == (2 if kept else 0), text
    if not kept:
        assert text == GLOBAL_READS_FIXED


def test_unsafe_fixes(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"literal.py": LITERAL_CLIENT})
    result = lint_creds("--unsafe-fixes", "literal.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "literal.py").read_text() == 'import boto3\n\ns3 = boto3.client("s3")\n'
    assert result.stderr == ("1 file scanned, 1 changed\nchanged (1):\n  literal.py\n"
                             f"fixed 2: CRD101 x2\n{NEXT_STEP}\n")


def test_diff_writes_nothing(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"env.py": ENV_CLIENT})
    result = lint_creds("--diff", "env.py", cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "env.py").read_text() == ENV_CLIENT
    assert result.stdout == (
        "--- a/env.py\n+++ b/env.py\n@@ -1,4 +1,3 @@\n-import os\n import boto3\n \n"
        '-s3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], '
        'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
        '+s3 = boto3.client("s3")\n')
    assert result.stderr.startswith(
        "1 file scanned, 1 would change\nwould change (1):\n  env.py\nwould fix 2: CRD201 x2\n")


def test_check_exit_codes(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"env.py": ENV_CLIENT, "clean.py": "x = 1\n"})
    assert lint_creds("--check", "clean.py", cwd=tmp_path).returncode == 0
    result = lint_creds("--check", "env.py", "clean.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert (tmp_path / "env.py").read_text() == ENV_CLIENT


def test_quiet_prints_only_errors(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"env.py": ENV_CLIENT})
    assert lint_creds("-q", "env.py", cwd=tmp_path).stderr == ""
    result = lint_creds("-q", "env.py", "missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "errors (1):\n  missing.py: no such file or directory\n"


def test_bad_files_are_listed_and_the_rest_is_fixed(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"a_broken.py": "import boto3; boto3.Session(key, secret)\ndef f(:\n", "b_env.py": ENV_CLIENT})
    (tmp_path / "c_latin.py").write_bytes(b"x = '\xff'\n")
    result = lint_creds(".", cwd=tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "b_env.py").read_text() == FIXED_CLIENT
    assert result.stderr.endswith(
        "errors (2):\n"
        "  a_broken.py: syntax error at line 2: invalid syntax\n"
        "  c_latin.py: cannot decode: invalid or missing encoding declaration\n")


def test_select_and_ignore(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"env.py": ENV_CLIENT})
    result = lint_creds("--ignore", "CRD2", "--check", "env.py", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == "1 file scanned, 0 would change\n"
    bad = lint_creds("--select", "CRD9", "env.py", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown rule code or prefix 'CRD9'" in bad.stderr


def test_pyproject_excludes_are_honoured(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.lint-creds]\nextend-exclude = ["vendored"]\n',
                     "vendored/lib.py": ENV_CLIENT, "src/app.py": ENV_CLIENT})
    result = lint_creds(".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "vendored/lib.py").read_text() == ENV_CLIENT
    assert (tmp_path / "src/app.py").read_text() == FIXED_CLIENT


BYTES_CASES = [
    pytest.param(ENV_CLIENT.replace("\n", "\r\n").encode(),
                 FIXED_CLIENT.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(ENV_CLIENT.replace("\n", "\r").encode(),
                 FIXED_CLIENT.replace("\n", "\r").encode(), id="cr"),
    pytest.param(b"\xef\xbb\xbf" + ENV_CLIENT.encode(), b"\xef\xbb\xbf" + FIXED_CLIENT.encode(),
                 id="bom"),
    pytest.param(("# -*- coding: latin-1 -*-\n# caf\xe9   \n" + ENV_CLIENT).encode("latin-1"),
                 ("# -*- coding: latin-1 -*-\n# caf\xe9   \n" + FIXED_CLIENT).encode("latin-1"),
                 id="latin-1-cookie-trailing-whitespace"),
]


@pytest.mark.parametrize("before, after", BYTES_CASES)
def test_bytes_encoding_newlines_and_mode_survive(tmp_path: pathlib.Path, before: bytes,
                                                  after: bytes) -> None:
    path = tmp_path / "tool.py"
    path.write_bytes(before)
    path.chmod(0o755)
    result = lint_creds("tool.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == after
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert sorted(os.listdir(tmp_path)) == ["tool.py"]  # no temporary file left behind


def _lock(path: pathlib.Path) -> bool:
    """Make ``path`` unwritable even for root (which ignores modes): the immutable flag."""
    path.chmod(0o444)
    if os.geteuid() != 0:
        return False
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root without chattr +i: cannot make a file unwritable")
    return True


def test_unwritable_file_is_an_error_and_others_are_fixed(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"locked.py": ENV_CLIENT, "open.py": ENV_CLIENT})
    immutable = _lock(tmp_path / "locked.py")
    try:
        result = lint_creds(".", cwd=tmp_path)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(tmp_path / "locked.py")], check=True)
    assert result.returncode == 2
    assert (tmp_path / "locked.py").read_text() == ENV_CLIENT
    assert (tmp_path / "open.py").read_text() == FIXED_CLIENT
    assert result.stderr == (
        "2 files scanned, 1 changed\n"
        "changed (1):\n"
        "  open.py\n"
        "fixed 2: CRD201 x2\n"
        "not fixed (2):\n"
        "  locked.py:4:25: CRD201 not written\n"
        "  locked.py:4:76: CRD201 not written\n"
        f"{NEXT_STEP}\n"
        "errors (1):\n"
        "  locked.py: could not write: file is not writable\n")


CODEMOD = "lint_creds.fix.codemod.RemoveHandPassedCredentials"
#: The codemod's dotted path before the package was laid out by parts; it must keep working.
OLD_CODEMOD = "lint_creds.codemod.RemoveHandPassedCredentials"


def libcst_tool(*args: str, cwd: pathlib.Path,
                codemod: str = CODEMOD) -> "subprocess.CompletedProcess[str]":
    command = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format", codemod,
               *args]
    return subprocess.run(command, cwd=cwd, text=True, capture_output=True, timeout=300)


@pytest.mark.parametrize("codemod", [CODEMOD, OLD_CODEMOD])
def test_libcst_tool_runs_the_codemod(tmp_path: pathlib.Path, codemod: str) -> None:
    """The documented standalone invocation: ``python -m libcst.tool codemod``."""
    write(tmp_path, {"env.py": ENV_CLIENT, "literal.py": LITERAL_CLIENT})
    result = libcst_tool("env.py", "literal.py", cwd=tmp_path, codemod=codemod)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env.py").read_text() == FIXED_CLIENT
    assert (tmp_path / "literal.py").read_text() == LITERAL_CLIENT  # unsafe: held back
    assert "line 3: CRD101 not fixed: unsafe fix held back" in result.stderr
    unsafe = libcst_tool("literal.py", "--unsafe-fixes", cwd=tmp_path, codemod=codemod)
    assert unsafe.returncode == 0, unsafe.stderr
    assert (tmp_path / "literal.py").read_text() == 'import boto3\n\ns3 = boto3.client("s3")\n'


def test_stdin_to_stdout(tmp_path: pathlib.Path) -> None:
    def run(*args: str, data: bytes) -> "subprocess.CompletedProcess[bytes]":
        return subprocess.run([str(CONSOLE), "fix", *args], cwd=tmp_path, input=data,
                              capture_output=True, timeout=300)

    crlf = ENV_CLIENT.replace("\n", "\r\n").encode()
    fixed = run("-", "--stdin-filename", "app/env.py", data=crlf)
    assert fixed.returncode == 0
    assert fixed.stdout == FIXED_CLIENT.replace("\n", "\r\n").encode()
    assert fixed.stderr == b"1 file scanned, 1 changed\nfixed 2: CRD201 x2\n"
    assert run("--check", "-", data=crlf).returncode == 1
    assert run("-", data=b"x = 1\n").stdout == b"x = 1\n"
    diff = run("--diff", "-", "--stdin-filename", "env.py", data=ENV_CLIENT.encode())
    assert diff.stdout.startswith(b"--- a/env.py\n+++ b/env.py\n")
    broken = run("-", data=b"import boto3; boto3.Session(key, secret)\ndef f(:\n")
    assert broken.returncode == 2 and broken.stdout == b"import boto3; boto3.Session(key, secret)\ndef f(:\n"
    assert run("-", "other.py", data=b"").returncode == 2


def test_the_next_step_names_who_the_code_runs_as_and_the_policy_command() -> None:
    """After a fix, the summary's last line says where credentials now come from, which
    identity that is on each platform, and the command that drafts its policy."""
    for words in ("default credential chain", "ECS task role", "EC2 instance profile",
                  "Lambda execution role", "`lint-creds policy --format text`"):
        assert words in NEXT_STEP, words
