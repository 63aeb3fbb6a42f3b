"""What a short ``lint-creds check`` (the pre-commit case) loads, in real subprocesses: no
TOML parser without a ``[tool.lint-creds]`` table to read, only the parser of the command
that runs, and the pure-Python screen, with the same answers, where Hyperscan cannot be
imported.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap
from typing import List, Tuple

import pytest

from lint_creds.cli.main import build_parser
from lint_creds.options import Options
from lint_creds.rules import RULES_BY_CODE
from lint_creds.source import multi_scan, prefilter

REPO = pathlib.Path(__file__).resolve().parent.parent
HARD_CODED = 'import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="AKIAZ7VQ3KXW5R2MW5FG")\n'
LOADED = textwrap.dedent("""\
    import sys
    from lint_creds.cli.main import main
    code = main(["check", "app.py"])
    print("\\nLOADED", sorted(m for m in ("tomllib", "tomli") if m in sys.modules), code)
    """)


@pytest.mark.parametrize("pyproject, loaded, code", [
    pytest.param(None, [], 1, id="no-pyproject"),
    pytest.param('[project]\nname = "app"\ndependencies = ["boto3", "lint-creds>=0.1"]\n\n'
                 '[tool.ruff]\nline-length = 100  # lint-creds runs in pre-commit\n',
                 [], 1, id="depends-on-lint-creds"),
    pytest.param('[project]\nname = "app"\n\n[tool.lint-creds]\nignore = ["CRD101"]\n',
                 ["tomllib" if sys.version_info >= (3, 11) else "tomli"], 0,
                 id="configured"),
    pytest.param('[tool]\n"lint-creds" = { ignore = ["CRD101"] }\n',
                 ["tomllib" if sys.version_info >= (3, 11) else "tomli"], 0,
                 id="inline-table"),
])
def test_the_toml_parser_is_imported_only_for_a_lint_creds_table(
        tmp_path: pathlib.Path, pyproject: str, loaded: List[str], code: int) -> None:
    (tmp_path / "app.py").write_text(HARD_CODED)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    out = subprocess.run([sys.executable, "-c", LOADED], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.splitlines()[-1] == f"LOADED {loaded} {code}", out.stderr


def test_a_command_builds_only_its_own_parser() -> None:
    def commands(argv: List[str]) -> List[str]:
        parser = build_parser(argv)
        subparsers = next(a for a in parser._actions if a.dest == "command")
        return sorted(subparsers.choices)  # type: ignore[arg-type]

    assert commands(["check", "app.py"]) == ["check"]
    assert commands(["fix", "--diff", "check"]) == ["fix"]  # "check" is a path there
    assert commands([]) == commands(["--help"]) == commands(["chekc"]) == [
        "check", "fix", "policy", "rule"]


FROZEN = textwrap.dedent("""\
    import atexit, gc, sys
    from lint_creds.cli import main as cli
    entry = sys.argv.pop(1)
    atexit.register(lambda: print("FROZEN", gc.get_freeze_count() > 0, flush=True))
    sys.exit(cli.console() if entry == "console" else cli.main())
    """)


@pytest.mark.parametrize("entry, frozen", [("console", True), ("main", False)])
@pytest.mark.parametrize("source, code, finding", [
    (HARD_CODED, 1, "app.py:3:"), ("import boto3\n\ns3 = boto3.client('s3')\n", 0, None)])
def test_the_console_entry_exits_with_the_commands_code_and_skips_the_last_collection(
        tmp_path: pathlib.Path, entry: str, frozen: bool, source: str, code: int,
        finding: str) -> None:
    # The console script and ``python -m lint_creds`` freeze the collector once the command
    # is done (the exiting interpreter need not walk the run's objects); ``main``, which
    # callers that keep running use, leaves it alone. Output and atexit work either way.
    (tmp_path / "app.py").write_text(source)
    out = subprocess.run([sys.executable, "-c", FROZEN, entry, "check", "app.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == code, out.stderr
    assert (finding in out.stdout) if finding else "app.py" not in out.stdout
    assert out.stdout.splitlines()[-1] == f"FROZEN {frozen}"


def test_python_dash_m_runs_the_console_entry(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text(HARD_CODED)
    out = subprocess.run([sys.executable, "-m", "lint_creds", "check", "app.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout.count("app.py:3:")) == (1, 1), out.stderr


ALL = Options(select=frozenset(RULES_BY_CODE))
SCREEN = textwrap.dedent("""\
    import json, sys
    sys.modules["hyperscan"] = None  # as on a platform without its wheel
    from lint_creds.options import Options
    from lint_creds.rules import RULES_BY_CODE
    from lint_creds.source import prefilter
    options = Options(select=frozenset(RULES_BY_CODE))
    sources = json.load(sys.stdin)
    answers = [prefilter.could_hold_finding(data.encode("latin-1"), options, name)
               for name, data in sources]
    stage = prefilter.anchors(options).first_stage.get(0)
    print(json.dumps({"answers": answers, "first_stage": stage is not None,
                      "hyperscan": sys.modules["hyperscan"] is not None}))
    """)


def screened_sources() -> List[Tuple[str, bytes]]:
    """Every fixture, and the split and escaped variants of the small ones."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from test_prefilter import fixture_sources, join_sources
    finally:
        sys.path.remove(str(REPO / "tests"))
    return list(fixture_sources()) + [(f"v{i}.py", data)
                                      for i, data in enumerate(join_sources()[:400])]


def test_without_hyperscan_the_pure_python_screen_gives_the_same_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sources = screened_sources()
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, "python")
    monkeypatch.setattr(prefilter, "_cache", {})
    expected = [prefilter.could_hold_finding(data, ALL, name) for name, data in sources]
    monkeypatch.setattr(prefilter, "_cache", {})
    # Asked to use Hyperscan from the first byte, the screen must find it missing.
    env = {**os.environ, multi_scan.ENGINE_VARIABLE: "hyperscan"}
    out = subprocess.run([sys.executable, "-c", SCREEN], input=json.dumps(
        [(name, data.decode("latin-1")) for name, data in sources]), capture_output=True,
        text=True, timeout=300, env=env)
    result = json.loads(out.stdout)
    assert result["first_stage"] is False and result["hyperscan"] is False
    assert result["answers"] == expected
    assert len(sources) > 500 and 0 < sum(expected) < len(sources)
