"""Syntax of a newer Python is reported as such ("uses Python 3.12 syntax; run lint-creds
under Python ≥ 3.12"), a real mistake stays a syntax error: the detector on its own, then
``check`` and ``fix`` through the console script under whichever Python runs the suite."""
from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys
from typing import List, Tuple

import pytest

from lint_creds.source.syntax_version import NewerSyntax, newer_syntax

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONSOLE = pathlib.Path(sys.executable).with_name("lint-creds")
RUNNING = sys.version_info[:2]
#: A line that makes the byte screen send the file to the parser.
SINK = 'import boto3\nc = boto3.client("s3", aws_access_key_id="AKIAZ7VQ3KXW5R2MW5FG")\n'

#: (source, the version it needs, what it is called, its line)
NEWER: List[Tuple[str, Tuple[int, int], str, int]] = [
    ("x = 1\nmatch x:\n    case 1:\n        pass\n", (3, 10), "a match statement", 2),
    ("match (\n    a,\n    b,\n):\n    case (1, 2):\n        pass\n", (3, 10),
     "a match statement", 1),
    ("try:\n    pass\nexcept* ValueError:\n    pass\n", (3, 11), "except*", 3),
    ("x = a[*b]\n", (3, 11), "a starred subscript", 1),
    ("x: tuple[int, *Ts]\n", (3, 11), "a starred subscript", 1),
    ("def f(*args: *Ts):\n    pass\n", (3, 11), "a starred annotation", 1),
    ("type Key = str\n", (3, 12), "a type statement", 1),
    ("type Pair[T] = tuple[T, T]\n", (3, 12), "a type statement", 1),
    ("def first[T](items: list[T]) -> T:\n    return items[0]\n", (3, 12),
     "type parameters", 1),
    ("class Box[T]:\n    pass\n", (3, 12), "type parameters", 1),
    ('x = f"{d["k"]}"\n', (3, 12), "an f-string that reuses its quotes", 1),
    ("x = f'{f\"{a['b']}\"}'\n", (3, 12), "an f-string that reuses its quotes", 1),
    ('x = f"{v:{w["k"]}}"\n', (3, 12), "an f-string that reuses its quotes", 1),
    ("x = f\"{'\\n'.join(a)}\"\n", (3, 12), "a backslash in an f-string expression", 1),
    ('x = f"""{a # the total\n}"""\n', (3, 12), "a comment in an f-string expression", 1),
    ('x = f"{a +\n b}"\n', (3, 12), "a line break inside a one-line f-string", 1),
    ("def f[T = int]():\n    pass\n", (3, 13), "a type parameter default", 1),
    ("class C[T = int]:\n    pass\n", (3, 13), "a type parameter default", 1),
]

#: Syntax errors under every supported Python, none of them newer syntax.
MISTAKES = [
    "def f(:\n    pass\n",
    "print 'hello'\n",
    "type = 1\nprint type\n",
    's = """\nmatch x:\n    case 1:\n"""\ndef f(:\n',
    "# type Key = str\n# def f[T]():\nclass C(:\n",
    "x = [*a]\ny = b in [*c]\nz = (\n",
    "x = f'{a!}'\n",
    "x = f'{}'\n",
    "match x:\n    pass\n",
    "exec 'code'\n",
]


def _id(case: Tuple[str, Tuple[int, int], str, int]) -> str:
    return f"{case[1][0]}.{case[1][1]}-{case[2]}-line{case[3]}"


@pytest.mark.parametrize("case", NEWER, ids=_id)
def test_newer_syntax_is_named(case: Tuple[str, Tuple[int, int], str, int]) -> None:
    """Under an older Python the real parser error is explained; under a newer one the
    sample must parse (so it is real syntax of that version)."""
    source, version, what, line = case
    if RUNNING >= version:
        ast.parse(source)
        pytest.skip(f"Python {RUNNING[0]}.{RUNNING[1]} parses {version[0]}.{version[1]} "
                    "syntax: nothing to explain")
    with pytest.raises(SyntaxError) as caught:
        ast.parse(source)
    assert newer_syntax(source, caught.value) == NewerSyntax(version, what, line)


@pytest.mark.parametrize("case", NEWER, ids=_id)
def test_found_whatever_python_runs(case: Tuple[str, Tuple[int, int], str, int]) -> None:
    """The detector itself, on every interpreter: as if Python 3.9 had stopped at the line."""
    source, version, what, line = case
    error = SyntaxError("invalid syntax", ("<test>", line, 1, source.splitlines()[line - 1]))
    assert newer_syntax(source, error, running=(3, 9)) == NewerSyntax(version, what, line)
    assert newer_syntax(source, error, running=version) is None  # that Python parses it


@pytest.mark.parametrize("source", MISTAKES)
def test_a_mistake_stays_a_syntax_error(source: str) -> None:
    with pytest.raises(SyntaxError) as caught:
        ast.parse(source)
    assert newer_syntax(source, caught.value) is None
    assert newer_syntax(source, caught.value, running=(3, 9)) is None


def test_only_the_construct_at_the_error_counts() -> None:
    """A 3.12 statement elsewhere does not explain a mistake on another line; when the
    error is explained, the newest construct of the file is the one named."""
    source = "type Key = str\n\ndef f(:\n    pass\n"
    mistake = SyntaxError("invalid syntax", ("<test>", 3, 7, "def f(:"))
    assert newer_syntax(source, mistake, running=(3, 9)) is None
    both = "match x:\n    case 1:\n        pass\ntype Key = str\n"
    at_match = SyntaxError("invalid syntax", ("<test>", 1, 7, "match x:"))
    assert newer_syntax(both, at_match, running=(3, 9)) == NewerSyntax(
        (3, 12), "a type statement", 4)


def test_no_construct_in_code_every_supported_python_parses() -> None:
    """The project's own modules and fixtures are 3.9 code: nothing newer may be found
    there (a false "uses Python 3.12 syntax" would hide a real syntax error)."""
    from lint_creds.source.syntax_version import _constructs

    files = sorted(ROOT.glob("lint_creds/**/*.py")) + sorted(ROOT.glob("fixtures/**/*.py"))
    assert len(files) > 100
    found = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        newer = [c for c in _constructs(text) if c[0] > (3, 9)]
        if newer:
            found[str(path.relative_to(ROOT))] = newer
    assert found == {}


def _run(command: str, cwd: pathlib.Path, *paths: str) -> "subprocess.CompletedProcess[str]":
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    return subprocess.run([str(CONSOLE), command, "--no-project", *paths], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _first_beyond_running() -> Tuple[str, Tuple[int, int], str, int]:
    beyond = [case for case in NEWER if case[1] > RUNNING]
    if not beyond:
        pytest.skip(f"Python {RUNNING[0]}.{RUNNING[1]} parses every construct of the "
                    "supported range")
    return beyond[0]


def test_check_names_the_python_the_file_needs(tmp_path: pathlib.Path) -> None:
    source, version, what, line = _first_beyond_running()
    (tmp_path / "new.py").write_text(SINK + source, encoding="utf-8")
    (tmp_path / "broken.py").write_text(SINK + "def f(:\n    pass\n", encoding="utf-8")
    result = _run("check", tmp_path, "new.py", "broken.py")
    needed = f"{version[0]}.{version[1]}"
    assert result.returncode == 2, result.stderr
    assert result.stdout == (
        f"new.py: error: uses Python {needed} syntax ({what}, line {line + 2}); "
        f"run lint-creds under Python ≥ {needed}\n"
        "broken.py: error: syntax error: invalid syntax (line 3)\n"
        "No findings (2 files checked, 2 could not be analysed).\n")


def test_fix_names_the_python_the_file_needs(tmp_path: pathlib.Path) -> None:
    source, version, what, line = _first_beyond_running()
    (tmp_path / "new.py").write_text(SINK + source, encoding="utf-8")
    result = _run("fix", tmp_path, "new.py")
    needed = f"{version[0]}.{version[1]}"
    assert result.returncode == 2
    assert (tmp_path / "new.py").read_text(encoding="utf-8") == SINK + source
    assert result.stderr == (
        "1 file scanned, 0 changed\nerrors (1):\n"
        f"  new.py: uses Python {needed} syntax ({what}, line {line + 2}); "
        f"run lint-creds under Python ≥ {needed}\n")
