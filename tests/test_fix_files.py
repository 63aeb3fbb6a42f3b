"""Whole-program goldens (fixtures/fix) and the fixer's file handling: encodings, newline
styles, atomic writes, errors per file, parallel runs equal to sequential ones."""
from __future__ import annotations

import os
import pathlib
import re
import stat
from typing import List, Tuple

import pytest

from lint_creds.fix.codemod import fix_source
from lint_creds.engine import check_source
from lint_creds.fix.fixer import (
    FileResult, FixSettings, decode, encode, fix_file, fix_files, unified_diff, write_atomically,
)

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "fix"
PROGRAMS = sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(".expected.py"))
ANNOTATION = re.compile(r"#.*")
CODE = re.compile(r"\bCRD\d{3}\b")


def _expected(program: pathlib.Path, unsafe: bool) -> str:
    stem = program.with_suffix("")
    unsafe_golden = pathlib.Path(f"{stem}.unsafe.expected.py")
    golden = unsafe_golden if unsafe and unsafe_golden.exists() else pathlib.Path(
        f"{stem}.expected.py")
    return golden.read_text(encoding="utf-8")


def _id(path: pathlib.Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("program", PROGRAMS, ids=_id)
def test_program_golden(program: pathlib.Path, unsafe: bool) -> None:
    source = program.read_text(encoding="utf-8")
    fixed, report = fix_source(source, str(program), unsafe_fixes=unsafe)
    assert fixed == _expected(program, unsafe)
    again, report_again = fix_source(fixed, str(program), unsafe_fixes=unsafe)
    assert again == fixed
    # what is left in the golden is exactly what the report says was not fixed
    assert len(report_again.outcomes) == len(report.left())


@pytest.mark.parametrize("path", PROGRAMS, ids=_id)
def test_fixture_annotations_match_the_engine(path: pathlib.Path) -> None:
    """Each ``# CRDnnn`` comment marks a finding on its line, and only those."""
    lines = path.read_text(encoding="utf-8").splitlines()
    annotated = sorted((number, code) for number, line in enumerate(lines, 1)
                       for comment in ANNOTATION.findall(line) for code in CODE.findall(comment))
    found = sorted((f.line, f.code) for f in check_source("\n".join(lines), str(path)))
    assert found == annotated


# -- decoding and encoding --------------------------------------------------------------
ROUND_TRIPS = [
    pytest.param(b"x = 1\n", id="lf"),
    pytest.param(b"x = 1\r\ny = 2\r\n", id="crlf"),
    pytest.param(b"x = 1\ry = 2\r", id="cr"),
    pytest.param(b"x = 1\r\ny = 2\n", id="mixed"),
    pytest.param(b"\xef\xbb\xbfx = '\xc3\xa9'\n", id="utf8-bom"),
    pytest.param(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", id="latin-1-cookie"),
    pytest.param(b"x = 1", id="no-final-newline"),
    pytest.param(b"x = 1   \n\n\n", id="trailing-whitespace"),
]


@pytest.mark.parametrize("data", ROUND_TRIPS)
def test_decode_encode_round_trip(data: bytes) -> None:
    decoded = decode(data)
    assert encode(decoded.text, decoded) == data
    assert "\r" not in decoded.text or decoded.newline is None


def test_undecodable_file_is_an_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.py"
    path.write_bytes(b"x = '\xff\xfe'\n")
    result = fix_file(str(path))
    assert result.error == "cannot decode: invalid or missing encoding declaration"
    assert path.read_bytes() == b"x = '\xff\xfe'\n"


def test_syntax_error_is_an_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import boto3; boto3.Session(key, secret)\ndef f(:\n")
    assert fix_file(str(path)).error == "syntax error at line 2: invalid syntax"


def test_a_file_without_anchors_is_not_parsed(tmp_path: pathlib.Path) -> None:
    """As in ``check``: the prefilter proves there is nothing to fix (docs/cli.md)."""
    path = tmp_path / "broken.py"
    path.write_text("def f(:\n")
    assert fix_file(str(path)) == FileResult(str(path))


def test_a_file_named_like_a_notebook_that_is_not_one_is_an_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "n.ipynb"
    path.write_text("{}")
    assert fix_file(str(path)).error == (
        "not a valid notebook: no list of cells (nbformat 4 expected)")
    assert path.read_text() == "{}"


# -- writing ------------------------------------------------------------------------------
ENV_CLIENT = ('import os\nimport boto3\ns3 = boto3.client("s3", aws_access_key_id=os.environ['
              '"AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n')
FIXED_CLIENT = 'import boto3\ns3 = boto3.client("s3")\n'


def test_write_atomically_keeps_mode_and_leaves_no_temporary(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "script.py"
    path.write_text("old\n")
    path.chmod(0o751)
    write_atomically(str(path), b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert sorted(os.listdir(tmp_path)) == ["script.py"]


def test_write_through_a_symlink_replaces_the_target(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(ENV_CLIENT)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert fix_file(str(link)).changed
    assert link.is_symlink() and target.read_text() == FIXED_CLIENT


def test_fix_file_preserves_crlf_bom_and_cookie(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "win.py"
    original = ("# -*- coding: utf-8 -*-\n" + ENV_CLIENT).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + original.encode())
    result = fix_file(str(path))
    assert result.changed and result.error is None
    expected = ("# -*- coding: utf-8 -*-\n" + FIXED_CLIENT).replace("\n", "\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_diff_mode_writes_nothing(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(ENV_CLIENT)
    result = fix_file(str(path), FixSettings(write=False, diff=True))
    assert path.read_text() == ENV_CLIENT
    assert result.changed
    assert result.diff == unified_diff(str(path), ENV_CLIENT, FIXED_CLIENT)
    assert result.diff.splitlines()[:3] == [f"--- {path}", f"+++ {path}", "@@ -1,3 +1,2 @@"]


def _tree(root: pathlib.Path, count: int) -> List[str]:
    paths = []
    for index in range(count):
        path = root / f"m{index:03}.py"
        path.write_text(ENV_CLIENT if index % 3 == 0 else (
            "import boto3; boto3.Session(key, secret)\ndef f(:\n" if index % 7 == 1 else f"x = {index}\n"))
        paths.append(str(path))
    return paths


def _summary(results: list) -> List[Tuple[str, bool, int, object]]:
    return [(pathlib.Path(r.path).name, r.changed, len(r.outcomes), r.error) for r in results]


def test_parallel_results_equal_sequential(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    settings = FixSettings(write=False, diff=True)
    sequential = fix_files(_tree(tmp_path / "a", 60), settings, jobs=1)
    parallel = fix_files(_tree(tmp_path / "b", 60), settings, jobs=2)
    assert _summary(sequential) == _summary(parallel)
    assert sum(r.changed for r in parallel) == 20
    assert sum(r.error is not None for r in parallel) == 6


def test_a_rewrite_that_does_not_parse_is_never_written(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection: were the codemod ever to emit broken code, the file keeps its bytes
    and the run says why (the guard in fixer.py is otherwise unreachable)."""
    import lint_creds.fix.codemod as codemod

    def broken(source: str, *args: object, **kwargs: object) -> Tuple[str, object]:
        text, report = fix_source(source, *args, **kwargs)  # type: ignore[arg-type]
        return text + "def broken(:\n", report

    monkeypatch.setattr(codemod, "fix_source", broken)
    path = tmp_path / "env.py"
    path.write_text(ENV_CLIENT)
    result = fix_file(str(path))
    assert path.read_text() == ENV_CLIENT
    assert not result.changed
    assert result.error is not None and result.error.startswith(
        "fix produced code that does not parse (syntax error at line")
    assert {o.reason for o in result.outcomes} == {"the fixed code would not parse"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env.py"]


def test_nothing_fixable_means_no_libcst(tmp_path: pathlib.Path) -> None:
    """Held-back (unsafe) findings only: the fixer reports them without importing libcst."""
    import subprocess
    import sys

    path = tmp_path / "literal.py"
    path.write_text(LITERAL_SOURCE)
    code = ("import sys; from lint_creds.fix.fixer import fix_file;"
            f"r = fix_file({str(path)!r});"
            "print(r.changed, sorted({o.reason for o in r.outcomes}), 'libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == (
        "False ['unsafe fix held back (apply it with --unsafe-fixes)'] False")


LITERAL_SOURCE = (
    'import boto3\nboto3.client("s3", aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG", '
    'aws_secret_access_key="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")\n'
)
