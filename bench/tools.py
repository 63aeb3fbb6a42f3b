"""Every command the bench times, as data: a name, the venv it runs from, its arguments.

Flags make each tool see exactly the corpus (no caches, no VCS ignore files, no config from
the surrounding repository) and ask each for the same job: the hard-coded-secret rules
(ruff S105-S107, bandit B105-B107), a local semgrep rule, a full detect-secrets scan.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, FrozenSet, List, NamedTuple, Sequence

from . import envs
from .corpora import BENCH_DIR, COLD_CACHE, COLD_CONFIG

SEMGREP_RULE = os.path.join(BENCH_DIR, "semgrep-rule.yml")
FLOORS = os.path.join(BENCH_DIR, "floors.py")

Argv = Callable[[Sequence[str]], List[str]]


class Tool(NamedTuple):
    """One timed command."""

    name: str
    label: str
    argv: Argv
    ok_codes: FrozenSet[int] = frozenset({0, 1})
    env: Dict[str, str] = {}
    #: A directory emptied before each timed run (a cache that must be cold).
    cold: str = ""


#: Files another flake8 plugin crashes on (see the flake8 rows of TOOLS).
_FLAKE8_SKIP = ("--extend-exclude", "resolvent_lookup.py")


def _in(venv: str, script: str, *args: str) -> Argv:
    return lambda paths: [envs.executable(venv, script), *args, *paths]


TOOLS: Dict[str, Tool] = {tool.name: tool for tool in (
    # Exit 2 also means "a file could not be analysed" (reported, and the run goes on):
    # still a complete run; the tables show the exit codes, and crashes are caught apart.
    Tool("check", "lint-creds check", _in("crd", "lint-creds", "check"), frozenset({0, 1, 2})),
    # The pre-commit case with the project index's cache cold: site's configuration but a
    # cache of its own, removed before every run (the warm case is plain ``check``).
    Tool("check-cold", "lint-creds check, index cache cold",
         _in("crd", "lint-creds", "check", "--config", COLD_CONFIG), frozenset({0, 1, 2}),
         cold=COLD_CACHE),
    Tool("fix-diff", "lint-creds fix --diff", _in("crd", "lint-creds", "fix", "--diff"),
         frozenset({0, 1, 2})),
    # pyflakes raises RecursionError on sympy's 568-level resolvent_lookup.py and flake8
    # then aborts the whole run (exit 1, nothing reported), so both flake8s skip that one
    # file; the bare one must exit 0, or it did not finish.
    # The IAM policy draft (issue 17): the same analysis as ``check`` plus the SDK calls.
    Tool("policy", "lint-creds policy", _in("crd", "lint-creds", "policy"), frozenset({0, 1, 2})),
    Tool("flake8-crd", "flake8 + lint-creds (--select CRD)",
         _in("crd", "flake8", "--isolated", "--select", "CRD", *_FLAKE8_SKIP)),
    Tool("flake8-bare", "flake8 without lint-creds (same flags)",
         _in("bare", "flake8", "--isolated", "--select", "CRD", *_FLAKE8_SKIP), frozenset({0})),
    Tool("ruff", "ruff --no-cache S105-S107",
         _in("tools", "ruff", "check", "--no-cache", "--isolated", "--no-respect-gitignore",
             "--no-force-exclude", "--quiet", "--select", "S105,S106,S107")),
    Tool("bandit", "bandit -t B105-B107",
         _in("tools", "bandit", "-q", "-t", "B105,B106,B107", "-r")),
    Tool("detect-secrets", "detect-secrets scan",
         _in("tools", "detect-secrets", "scan", "--all-files"), frozenset({0})),
    Tool("semgrep", "semgrep (local rule)",
         _in("tools", "semgrep", "scan", "--config", SEMGREP_RULE, "--metrics=off",
             "--disable-version-check", "--oss-only", "--no-git-ignore",
             "--x-ignore-semgrepignore-files", "--max-target-bytes=0", "--quiet"),
         env={"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}),
    Tool("floor-read", "floor: read every file", _in("crd", "python", FLOORS, "read"),
         frozenset({0})),
    Tool("floor-parse", "floor: ast.parse every file", _in("crd", "python", FLOORS, "parse"),
         frozenset({0})),
    Tool("floor-cli", "floor: re, argparse, tomllib imported, then ast.parse",
         _in("crd", "python", FLOORS, "cli-parse"), frozenset({0})),
    Tool("python", "python -c pass",
         lambda paths: [envs.executable("crd", "python"), "-c", "pass"], frozenset({0})),
)}

#: corpus -> the tools timed on it. Peers run where a target compares them (site) and on
#: the pre-commit corpora; dense, aws and precommit only need what their targets compare
#: (and the floors, for context).
PLAN: Dict[str, Sequence[str]] = {
    "one": ("check", "fix-diff", "flake8-crd", "flake8-bare", "ruff", "bandit",
            "detect-secrets", "semgrep", "floor-read", "floor-parse", "floor-cli", "python"),
    "small": ("check", "fix-diff", "flake8-crd", "flake8-bare", "ruff", "bandit",
              "detect-secrets", "semgrep", "floor-read", "floor-parse"),
    "site": ("check", "fix-diff", "policy", "flake8-crd", "flake8-bare", "ruff", "bandit",
             "detect-secrets", "semgrep", "floor-read", "floor-parse"),
    "dense": ("check", "fix-diff", "ruff", "floor-read", "floor-parse"),
    "aws": ("check", "ruff", "floor-read", "floor-parse"),
    "precommit": ("check", "check-cold", "python"),
}

#: Peers that take minutes on site: fewer runs there (``--peer-repeats``). Their targets
#: are 10x margins (or, for flake8, also compared in CPU time), which one run settles.
SLOW = frozenset({"flake8-crd", "flake8-bare", "bandit", "detect-secrets", "semgrep"})

#: Variables that would change what a tool reads or where it writes.
_DROPPED_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "FLAKE8_CONFIG")


def environment(tool: Tool) -> Dict[str, str]:
    """The child environment: ours minus path overrides, plus the tool's own settings."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}, **tool.env)
    return env
