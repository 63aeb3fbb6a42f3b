#!/usr/bin/env python3
"""The two steps of the lint-creds GitHub Action (``action.yml`` at the repository root).

``install`` makes ``python -m lint_creds`` work in the interpreter running this script:
nothing to do when lint-creds is already importable at the wanted version (the ``version``
input, else the version of the action's own checkout); otherwise ``pip install
lint-creds==VERSION``, or ``pip install`` of the action's checkout when no version is given.
The interpreter's path becomes the step's ``python`` output.

``check`` runs ``lint-creds check --format github``, prints its workflow commands (GitHub
turns them into annotations on the pull request), writes a SARIF file when asked (output
``sarif-file``), and appends a Markdown table of the findings by rule to the job summary.
Its exit code is the gate's: 0 clean, 1 findings, 2 errors.

Inputs arrive as ``INPUT_*`` environment variables that action.yml sets (composite actions
do not set them by themselves); outputs go to ``$GITHUB_OUTPUT``, the summary to
``$GITHUB_STEP_SUMMARY``. Standard library only and Python 3.9+, since ``install`` runs
before lint-creds exists.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import List, NamedTuple, Optional

#: The action's checkout: the runner sets GITHUB_ACTION_PATH; this file sits two levels down.
ACTION_PATH = Path(os.environ.get("GITHUB_ACTION_PATH") or Path(__file__).resolve().parents[2])
TRUE = ("true", "yes", "on", "1")
_COMMAND = re.compile(r"::error (?P<properties>[^:]*)::")
_RULE_CODE = re.compile(r"[A-Z]+[0-9]+")
_PROJECT_VERSION = re.compile(r'^\[project\][^\[]*?^version\s*=\s*"([^"]+)"', re.M | re.S)


def _input(name: str) -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip()


def _set_output(name: str, value: object) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")


def _error(message: str) -> None:
    """A workflow error annotation (and a line in the log)."""
    print(f"::error title=lint-creds::{message}", flush=True)


def checkout_version(path: Path) -> Optional[str]:
    """``[project] version`` of the checkout at ``path``; None when it cannot be read."""
    try:
        found = _PROJECT_VERSION.search((path / "pyproject.toml").read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found else None


def installed_version() -> Optional[str]:
    """The version of lint-creds this interpreter imports; None when it cannot import it."""
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("lint_creds") is None:
        return None
    try:
        return importlib.metadata.version("lint-creds")
    except importlib.metadata.PackageNotFoundError:
        return None


def install() -> int:
    """The ``install`` step."""
    requested = _input("version")
    wanted = requested or checkout_version(ACTION_PATH)
    have = installed_version()
    if have is not None and have == wanted:
        print(f"lint-creds {have} is already installed for {sys.executable}; not installing")
    else:
        spec = f"lint-creds=={requested}" if requested else str(ACTION_PATH)
        command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
                   *shlex.split(_input("pip-args")), spec]
        print("+ " + shlex.join(command), flush=True)
        status = subprocess.call(command)
        if status != 0:
            _error(f"could not install {spec} (pip exited with {status})")
            return status
    shown = subprocess.run([sys.executable, "-m", "lint_creds", "--version"],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        _error(f"lint-creds does not run after the install: {shown.stderr.strip()}")
        return 1
    print(shown.stdout.strip())
    _set_output("python", sys.executable)
    _set_output("version", shown.stdout.split()[-1])
    return 0


class Tally(NamedTuple):
    """What the gate's workflow commands say."""

    #: (code, rule name) -> findings
    by_rule: "Counter[tuple]"
    #: Files that could not be analysed.
    problems: int
    #: The gate's closing sentence ("Found 3 findings in 2 files (5 files checked).").
    summary: str


def tally(commands: str) -> Tally:
    """Count the findings by rule in ``lint-creds check --format github`` output."""
    by_rule: "Counter[tuple]" = Counter()
    problems, summary = 0, ""
    for line in commands.splitlines():
        command = _COMMAND.match(line)
        if command is None:
            summary = line.strip() or summary
            continue
        properties = dict(part.partition("=")[::2]
                          for part in command.group("properties").split(","))
        title = _unescape(properties.get("title", ""))
        code, _, name = title.partition(" ")
        if _RULE_CODE.fullmatch(code):
            by_rule[(code, name)] += 1
        else:
            problems += 1
    return Tally(by_rule, problems, summary)


def _unescape(text: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"),
                          ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def summary_markdown(found: Tally, status: int, sarif_file: Optional[str]) -> str:
    """The job summary: the gate's sentence, the findings by rule, what else to know."""
    lines = ["## lint-creds", ""]
    if found.summary:
        lines += [found.summary, ""]
    else:
        lines += [f"lint-creds could not run (exit {status}); see the step's log.", ""]
    if found.by_rule:
        lines += ["| rule | name | findings |", "|---|---|---:|"]
        lines += [f"| {code} | {name} | {count} |"
                  for (code, name), count in sorted(found.by_rule.items())]
        lines += [f"| **total** | | **{sum(found.by_rule.values())}** |", ""]
        lines += ["Each finding is annotated on its line; `lint-creds fix` rewrites the safe "
                  "ones onto the default credential chain.", ""]
    if found.problems:
        lines += [f"{found.problems} file{'s' if found.problems != 1 else ''} could not be "
                  "analysed (annotated with the reason).", ""]
    if sarif_file:
        lines += [f"SARIF report: `{sarif_file}`.", ""]
    return "\n".join(lines)


def check() -> int:
    """The ``check`` step; returns the gate's exit code."""
    paths = shlex.split(_input("paths")) or ["."]
    extra = shlex.split(_input("args"))
    gate = [sys.executable, "-m", "lint_creds", "check"]
    handle, report = tempfile.mkstemp(prefix="lint-creds-", suffix=".txt",
                                      dir=os.environ.get("RUNNER_TEMP") or None)
    os.close(handle)
    try:
        shown = ["check", "--format", "github", *extra, *paths]
        print("+ lint-creds " + shlex.join(shown), flush=True)
        status = subprocess.call([*gate, "--format", "github", "--output", report, *extra,
                                  *paths])
        commands = Path(report).read_text(encoding="utf-8")
    finally:
        os.unlink(report)
    sys.stdout.write(commands)  # the runner turns these lines into annotations
    sys.stdout.flush()
    found = tally(commands)
    sarif_file = None
    if _input("sarif").lower() in TRUE:
        sarif_file = _input("sarif-file") or "lint-creds.sarif"
        written = subprocess.run([*gate, "--format", "sarif", "--output", sarif_file,
                                  "--exit-zero", *extra, *paths],
                                 stderr=subprocess.PIPE, text=True)
        if os.path.isfile(sarif_file) and written.returncode in (0, 2):
            _set_output("sarif-file", sarif_file)
        else:  # the gate's problems were shown above; this is a failure of the report
            sys.stderr.write(written.stderr)
            _error(f"could not write the SARIF report {sarif_file}")
            sarif_file = None
            status = status or 2
    _set_output("findings", sum(found.by_rule.values()))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as summary_file:
            summary_file.write(summary_markdown(found, status, sarif_file))
    return status


def main(argv: List[str]) -> int:
    """``lint_creds_action.py install|check``."""
    steps = {"install": install, "check": check}
    if len(argv) != 1 or argv[0] not in steps:
        sys.stderr.write("usage: lint_creds_action.py install|check\n")
        return 2
    return steps[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
