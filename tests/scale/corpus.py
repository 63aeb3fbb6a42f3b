"""Corpora for the scale tests, and the real command lines run over them.

Two sizes:

* **bounded** (the default test run): a seeded sample of real ``.py`` files from the test
  venv's own site-packages (boto3, botocore, s3transfer, django, django-storages, flask,
  werkzeug, moto), located through ``importlib`` so it exists wherever the test extras are
  installed;
* **full** (``pytest -m scale``): the benchmark's site corpus, ``bench/.cache/corpus/site``
  (10,904 files of pinned site-packages), built by ``python3 bench/run.py``.

Every run works on copies; the originals are never written.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import pytest

from .injection import REPO

from bench.corpora import SKIPPED_DIRS  # noqa: E402  (REPO is on sys.path now)

SEED = 20261123
SITE_ROOT = os.path.join(REPO, "bench", ".cache", "corpus", "site")
BUILD_HINT = ("the site corpus is missing: build it with `python3 bench/run.py --quick` "
              "(it builds bench/.cache/corpus/site on the way; about 5 minutes)")
#: Packages of the test extras whose sources make the bounded corpus.
VENV_PACKAGES = ("boto3", "botocore", "s3transfer", "django", "storages", "flask", "werkzeug",
                 "moto")
#: Bounded corpus: files drawn, and the largest file taken (keeps the default run fast).
BOUNDED_FILES = 100
BOUNDED_MAX_BYTES = 25_000
#: Where each run writes its figures (git-ignored; docs/safety.md quotes the full run).
FIGURES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".last-run")


class Source(NamedTuple):
    """A corpus to copy: a root directory and the files under it (relative, sorted)."""

    name: str
    root: str
    relpaths: List[str]


def _skipped(relpath: str) -> bool:
    parts = relpath.split(os.sep)
    return any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in parts[:-1])


def venv_sources() -> Source:
    """Every ``.py`` file of :data:`VENV_PACKAGES` in the test venv (one site-packages)."""
    relpaths: List[str] = []
    root = ""
    for name in VENV_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        package = list(spec.submodule_search_locations)[0]
        root = root or os.path.dirname(package)
        if os.path.dirname(package) != root:
            continue  # installed elsewhere (editable): not part of one tree
        for directory, dirs, files in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for file in files:
                if file.endswith(".py"):
                    relpath = os.path.relpath(os.path.join(directory, file), root)
                    if not _skipped(relpath):
                        relpaths.append(relpath)
    assert relpaths, "none of the test extras' packages is installed"
    return Source("venv", root, sorted(relpaths))


def bounded_source(files: int = BOUNDED_FILES) -> Source:
    """A seeded sample of :func:`venv_sources`, an equal share from each package (files up
    to :data:`BOUNDED_MAX_BYTES`)."""
    everything = venv_sources()
    by_package: Dict[str, List[str]] = {}
    for relpath in everything.relpaths:
        if os.path.getsize(os.path.join(everything.root, relpath)) <= BOUNDED_MAX_BYTES:
            by_package.setdefault(relpath.split(os.sep)[0], []).append(relpath)
    rng = random.Random(SEED)
    share = -(-files // len(by_package))  # the same share of every package
    chosen = [r for package in sorted(by_package)
              for r in rng.sample(by_package[package], min(share, len(by_package[package])))]
    return Source("bounded", everything.root, sorted(chosen))


def site_source() -> Source:
    """The benchmark's site corpus; skips the test with the build command when missing."""
    listing = SITE_ROOT + ".files"
    if not os.path.isfile(listing):
        pytest.skip(BUILD_HINT)
    with open(listing, encoding="utf-8") as handle:
        relpaths = [line for line in handle.read().splitlines() if line]
    return Source("site", SITE_ROOT, relpaths)


def source_for(size: str) -> Source:
    """The corpus of a size: ``bounded``, ``full``, or ``venv`` (every file of the test
    extras' packages, for a rehearsal of the full run without the benchmark's corpus)."""
    return {"bounded": bounded_source, "full": site_source, "venv": venv_sources}[size]()


def copy_tree(source: Source, dest: str) -> None:
    """Copy the corpus files (content, mode and times) under ``dest``, plus a config file
    that stops lint-creds' upward search for ``pyproject.toml`` at the copy."""
    for relpath in source.relpaths:
        target = os.path.join(dest, relpath)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(source.root, relpath), target)
    with open(os.path.join(dest, "pyproject.toml"), "w", encoding="utf-8") as handle:
        handle.write("[tool.lint-creds]\n")


class FileState(NamedTuple):
    """What must not change in a file the fixer leaves alone."""

    digest: str
    mode: int
    mtime_ns: int


def snapshot(root: str, relpaths: Sequence[str]) -> Dict[str, FileState]:
    """Content hash, mode and mtime of every file."""
    states = {}
    for relpath in relpaths:
        path = os.path.join(root, relpath)
        info = os.stat(path)
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        states[relpath] = FileState(digest, info.st_mode, info.st_mtime_ns)
    return states


# -- the real command lines -------------------------------------------------------------

def _script(name: str) -> List[str]:
    """The installed console script next to this interpreter (``-m`` as a fallback)."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(path):
        return [path]
    return [sys.executable, "-m", name.replace("-", "_")]


LINT_CREDS = _script("lint-creds")
FLAKE8 = _script("flake8")


def tool_env(home: str) -> Dict[str, str]:
    """The environment for the subprocesses: no AWS_* variable, HOME in a tmp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, PYTHONIOENCODING="utf-8")
    return env


def run(command: Sequence[str], env: Dict[str, str], timeout: float = 3600,
        cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    """Run a command, capturing its output as UTF-8 text."""
    return subprocess.run(list(command), env=env, capture_output=True, timeout=timeout,
                          cwd=cwd, encoding="utf-8", errors="replace")


class FixSummary(NamedTuple):
    """The parsed stderr summary of ``lint-creds fix``."""

    scanned: int
    changed: int
    fixed: Dict[str, int]
    #: (path, line, col, code, reason) of every finding left alone.
    not_fixed: List[Tuple[str, int, int, str, str]]
    #: (path, reason) of every file the run could not handle.
    errors: List[Tuple[str, str]]


_SCANNED = re.compile(r"^(\d+) files? scanned, (\d+) (?:changed|would change)")
_FIXED = re.compile(r"^(?:fixed|would fix) \d+: (.*)$")
_LEFT = re.compile(r"^  (.+?):(\d+):(\d+): (CRD\d{3}) (.+)$")
_ERROR = re.compile(r"^  (.+?): (.+)$")


def parse_fix_summary(stderr: str) -> FixSummary:
    """Read the summary ``lint-creds fix`` writes to stderr (see fix_command.Summary)."""
    scanned = changed = 0
    fixed: Dict[str, int] = {}
    not_fixed: List[Tuple[str, int, int, str, str]] = []
    errors: List[Tuple[str, str]] = []
    section = ""
    for line in stderr.splitlines():
        match = _SCANNED.match(line)
        if match:
            scanned, changed = int(match.group(1)), int(match.group(2))
            continue
        match = _FIXED.match(line)
        if match:
            for part in match.group(1).split(", "):
                code, count = part.split(" x")
                fixed[code] = int(count)
            continue
        if line.startswith("not fixed ("):
            section = "left"
        elif line.startswith("errors ("):
            section = "errors"
        elif section == "left" and _LEFT.match(line):
            path, row, col, code, reason = _LEFT.match(line).groups()  # type: ignore[union-attr]
            not_fixed.append((path, int(row), int(col), code, reason))
        elif section == "errors" and _ERROR.match(line):
            errors.append(_ERROR.match(line).groups())  # type: ignore[union-attr,arg-type]
        elif line and not line.startswith(" "):
            section = ""
    return FixSummary(scanned, changed, fixed, not_fixed, errors)


def check_json(root: str, env: Dict[str, str], report: str,
               extra: Sequence[str] = ()) -> Tuple[subprocess.CompletedProcess, dict]:
    """``lint-creds check --format json -o REPORT ROOT``: the process and the report."""
    done = run([*LINT_CREDS, "check", "--format", "json", "-o", report, *extra, root], env)
    assert done.returncode in (0, 1, 2), done.stderr[-3000:]
    with open(report, encoding="utf-8") as handle:
        return done, json.load(handle)


def write_figures(name: str, figures: Dict[str, object]) -> str:
    """Write a run's figures to ``tests/scale/.last-run/NAME.json``; returns the path."""
    os.makedirs(FIGURES_DIR, exist_ok=True)
    path = os.path.join(FIGURES_DIR, f"{name}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(figures, handle, indent=1, sort_keys=True)
        handle.write("\n")
    return path


def commit() -> str:
    """The repository's current commit (for the figures), or ``unknown``."""
    done = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def counted(pairs: Sequence[Tuple[str, str]]) -> Counter:
    """A multiset of (path, code) pairs."""
    return Counter(pairs)


class Flake8Run(NamedTuple):
    """Real flake8 over a tree: CRD findings, and the files flake8's own plugins crashed on."""

    #: (relative path, line, 1-based column, code)
    findings: List[Tuple[str, int, int, str]]
    #: (relative path, plugin, error) of every file a plugin crashed on (then excluded).
    crashes: List[Tuple[str, str, str]]
    returncodes: List[int]
    output: str


_FLAKE8_FINDING = re.compile(r"^(.+?):(\d+):(\d+): (CRD\d{3}) ", re.MULTILINE)
#: flake8 aborts the whole run when any plugin raises on any file.
_FLAKE8_CRASH = re.compile(r'^(.+?): "(.+?)" failed during execution due to (.+)$', re.MULTILINE)
MAX_FLAKE8_RETRIES = 5


def flake8_tree(root: str, relpaths: Sequence[str], env: Dict[str, str]) -> Flake8Run:
    """``flake8 --isolated --select CRD`` over every top-level directory of the tree.

    flake8 stops the whole run when one plugin crashes on one file (pyflakes does, with a
    RecursionError, on sympy's 568-level ``resolvent_lookup.py``). Running per top-level
    directory and excluding a file another plugin crashed on keeps the rest of the tree
    compared; a crash of lint-creds' own plugin is recorded like any other, and the test
    fails on it.
    """
    tops = sorted({relpath.split(os.sep)[0] for relpath in relpaths})
    findings: List[Tuple[str, int, int, str]] = []
    crashes: List[Tuple[str, str, str]] = []
    codes, outputs = [], []
    for top in tops:
        excluded: List[str] = []
        for _ in range(MAX_FLAKE8_RETRIES + 1):
            extra = ["--extend-exclude", ",".join(excluded)] if excluded else []
            done = run([*FLAKE8, "--isolated", "--select", "CRD", *extra,
                        os.path.join(root, top)], env)
            text = done.stdout + done.stderr
            crash = _FLAKE8_CRASH.search(text)
            if crash is None or crash.group(1) in excluded:
                break
            excluded.append(crash.group(1))
            crashes.append((os.path.relpath(crash.group(1), root), crash.group(2),
                            crash.group(3)))
        codes.append(done.returncode)
        outputs.append(text)
        findings += [(os.path.relpath(m.group(1), root), int(m.group(2)), int(m.group(3)),
                      m.group(4)) for m in _FLAKE8_FINDING.finditer(done.stdout)]
    return Flake8Run(findings, crashes, codes, "".join(outputs))
