"""Bad input through the real console script: each gets a clear message with its path, the
rest of the run goes on, exit code 2 only if something could not be analysed."""
from __future__ import annotations

import os
import pathlib
import time
from typing import Callable, Optional

import pytest
from test_check_cli import KEY_ID, run_cli

CALL = f'boto3.client("s3", aws_access_key_id="{KEY_ID}")'
GOOD = f"import boto3\nc = {CALL}\n".encode()
CRD101 = ("CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to boto3.client; "
          "remove it and use the default credential chain")


def case(name: str, make: Callable[[pathlib.Path], None], expected: Optional[str],
         code: int) -> "pytest.ParameterSet":
    """``expected``: the line reported for the bad path (the finding or the error)."""
    return pytest.param(name, make, expected, code, id=name)


def content(data: bytes) -> Callable[[pathlib.Path], None]:
    return lambda path: path.write_bytes(data)


def deep_sum(path: pathlib.Path) -> None:
    path.write_text("import boto3; boto3.Session(key, secret)\nx = " + "+".join(["a"] * 30000) + "\n", encoding="utf-8")


def deep_parens(path: pathlib.Path) -> None:
    path.write_text("import boto3; boto3.Session(key, secret)\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n", encoding="utf-8")


def symlink_loop(path: pathlib.Path) -> None:
    os.symlink(path.name + ".b", str(path) + ".a")
    os.symlink(path.name + ".a", str(path) + ".b")
    os.symlink(path.name + ".a", path)


def fifo(path: pathlib.Path) -> None:
    os.mkfifo(path)


def unreadable_by_the_kernel(path: pathlib.Path) -> None:
    """Reading /proc/self/mem at offset 0 fails with EIO even for root."""
    if not os.path.exists("/proc/self/mem"):
        pytest.skip("needs Linux /proc")
    os.symlink("/proc/self/mem", path)


CASES = [
    case("syntax-error", content(b"import boto3; boto3.Session(key, secret)\ndef f(:\n"),
         "error: syntax error: invalid syntax (line 2)", 2),
    case("invalid-utf8", content(b"import boto3\nx = '\xff'\n"),
         "error: cannot decode as utf-8: invalid byte 0xff on line 2", 2),
    case("bom", content(b"\xef\xbb\xbf" + GOOD), f"2:24: {CRD101}", 1),
    case("unknown-cookie", content(b"# -*- coding: klingon -*-\nimport boto3\n"),
         "error: bad encoding declaration: unknown encoding: klingon", 2),
    case("wrong-cookie", content(b"# coding: ascii\nimport boto3\nx = '\xc3\xa9'\n"),
         "error: cannot decode as ascii: invalid byte 0xc3 on line 3", 2),
    case("latin1-cookie", content(b"# coding: latin-1\nimport boto3\n# caf\xe9\nc = "
                                  + CALL.encode() + b"\n"), f"4:24: {CRD101}", 1),
    case("nul-bytes", content(b"import boto3; boto3.Session(key, secret)\x00\n"), "error: ", 2),
    case("crlf", content(GOOD.replace(b"\n", b"\r\n")), f"2:24: {CRD101}", 1),
    case("cr", content(GOOD.replace(b"\n", b"\r")), f"2:24: {CRD101}", 1),
    case("tabs-and-form-feeds",
         content(b"import boto3\n\x0c\nif True:\n\tc = " + CALL.encode() + b"\n"),
         f"4:25: {CRD101}", 1),
    case("empty", content(b""), None, 0),
    case("deep-sum", deep_sum, "error: too deeply nested to analyse (RecursionError)", 2),
    case("deep-parens", deep_parens,
         "error: syntax error: too many nested parentheses (line 2)", 2),
    case("symlink-loop", symlink_loop, "error: symlink loop", 2),
    case("fifo", fifo, "error: not a regular file", 2),
    case("unreadable", unreadable_by_the_kernel, "error: Input/output error", 2),
]


@pytest.mark.parametrize("name, make, expected, code", CASES)
def test_bad_file_next_to_a_good_one(tmp_path: pathlib.Path, name: str,
                                     make: Callable[[pathlib.Path], None],
                                     expected: Optional[str], code: int) -> None:
    make(tmp_path / "bad.py")
    (tmp_path / "good.py").write_bytes(GOOD)
    out = run_cli("check", "--exit-zero", ".", cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert f"good.py:2:24: {CRD101}" in lines  # the rest of the run is still checked
    reported = [line for line in lines if line.startswith("bad.py:")]
    if expected is None:
        assert reported == []
    else:
        separator = " " if expected.startswith("error") else ""
        assert len(reported) == 1, reported
        assert reported[0].startswith(f"bad.py:{separator}{expected}"), reported
    assert out.returncode == (2 if code == 2 else 0)


def test_unreadable_file_permission_denied(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "secret.py"
    path.write_bytes(GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads "
                        "(see the /proc/self/mem case for a failing read)")
        out = run_cli("check", "secret.py", cwd=tmp_path, check_code=2)
        assert out.stdout.startswith("secret.py: error: Permission denied\n")
    finally:
        path.chmod(0o644)


def test_50_mb_file_is_refused_quickly(tmp_path: pathlib.Path) -> None:
    line = b"# padding padding padding padding padding padding padding padding\n"
    with open(tmp_path / "huge.py", "wb") as handle:
        for _ in range(50 * 1024 * 1024 // (len(line) * 1024) + 1):
            handle.write(line * 1024)
    (tmp_path / "good.py").write_bytes(GOOD)
    started = time.monotonic()
    out = run_cli("check", ".", cwd=tmp_path, check_code=2)
    assert time.monotonic() - started < 30
    assert [line.split(" (")[0] for line in out.stdout.splitlines()] == [
        f"good.py:2:24: {CRD101}", "huge.py: error: file is too large",
        "CRD101", "Found 1 finding in 1 file"]  # the counts line split at " (" too


def test_directory_named_like_a_python_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_bytes(GOOD)
    out = run_cli("check", "x.py", cwd=tmp_path, check_code=1)
    assert out.stdout.splitlines()[0] == f"x.py/inner.py:2:24: {CRD101}"
    (tmp_path / "x.py" / "inner.py").unlink()
    assert run_cli("check", ".", cwd=tmp_path, check_code=0).stdout == (
        "No findings (0 files checked).\n")


def test_nonexistent_path(tmp_path: pathlib.Path) -> None:
    (tmp_path / "good.py").write_bytes(GOOD)
    out = run_cli("check", "good.py", "missing.py", "missing_dir", cwd=tmp_path, check_code=2)
    assert out.stdout.splitlines()[:3] == [
        f"good.py:2:24: {CRD101}",
        "missing.py: error: no such file or directory",
        "missing_dir: error: no such file or directory"]


def test_notebook_that_is_not_json(tmp_path: pathlib.Path) -> None:
    (tmp_path / "nb.ipynb").write_text("{'cells': oops", encoding="utf-8")
    out = run_cli("check", ".", cwd=tmp_path, check_code=2)
    assert out.stdout.startswith("nb.ipynb: error: not a valid notebook: not JSON (")


def test_deep_but_real_nesting_is_analysed(tmp_path: pathlib.Path) -> None:
    """Generated tables as deep as sympy's resolvent_lookup.py (568 levels) are analysed,
    not refused: the engine gives its recursive visitors headroom."""
    table = " + ".join(["x"] * 600)  # a left-nested chain of 600 BinOp levels
    (tmp_path / "tables.py").write_text(f"import boto3\nT = {table}\nc = {CALL}\n",
                                        encoding="utf-8")
    out = run_cli("check", "tables.py", cwd=tmp_path, check_code=1)
    assert out.stdout.startswith(f"tables.py:3:24: {CRD101}")


def test_a_file_whose_size_is_not_reported_is_read_to_its_end() -> None:
    """procfs files report a size of 0: reading goes on to the end of the data, and the size
    limit still holds."""
    from lint_creds.source.files import FileProblem, read_bytes

    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs Linux /proc")
    data = read_bytes("/proc/self/status")
    assert data.startswith(b"Name:") and len(data) > 100
    with pytest.raises(FileProblem, match="too large"):
        read_bytes("/proc/self/status", max_bytes=10)


def test_a_directory_the_system_will_not_open_is_named_as_one(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to open a directory (PermissionError, where Linux opens it): the
    reason still says what the path is."""
    from lint_creds.source import files

    def refuse(path: str, flags: int) -> int:
        raise PermissionError(13, "Permission denied", path)

    (tmp_path / "x.py").mkdir()
    monkeypatch.setattr(files.os, "open", refuse)
    with pytest.raises(files.FileProblem, match="is a directory, not a file"):
        files.read_bytes(str(tmp_path / "x.py"))
    with pytest.raises(files.FileProblem, match="Permission denied"):
        files.read_bytes(str(tmp_path / "missing.py"))


def test_a_file_reached_through_symlinked_directories_is_reported_once(
        tmp_path: pathlib.Path) -> None:
    """One file, one report, under the path the user gave; a directory link back into the
    tree (a loop) is not followed twice and does not fail the gate."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_bytes(GOOD)
    os.symlink("pkg", tmp_path / "alias")  # another path to the same directory
    os.symlink("..", tmp_path / "pkg" / "up")  # a loop
    whole = run_cli("check", ".", cwd=tmp_path)
    assert (whole.returncode, whole.stdout.splitlines()[:-2]) == (1, [f"pkg/a.py:2:24: {CRD101}"])
    both = run_cli("check", "pkg/a.py", "alias/a.py", cwd=tmp_path)
    assert both.stdout.splitlines()[:-2] == [f"pkg/a.py:2:24: {CRD101}"]
    through_the_link = run_cli("check", "alias", cwd=tmp_path)
    assert through_the_link.stdout.splitlines()[:-2] == [f"alias/a.py:2:24: {CRD101}"]
