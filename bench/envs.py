"""The bench's virtualenvs under ``bench/.cache/``, built from the pinned requirement files.

* ``site-venv``   the packages whose sources make the site corpus (requirements-site.txt);
* ``tools-venv``  ruff, bandit, detect-secrets, semgrep and matplotlib (requirements-peers.txt);
* ``flake8-bare`` flake8 and its default plugins only (requirements-flake8.txt);
* ``flake8-crd``  the same flake8 plus lint-creds from this checkout, reinstalled on every
  run so the numbers are of the working tree; ``lint-creds check``/``fix`` run from here too;
* ``aws-src``     not a venv: the AWS packages of requirements-aws.txt installed with
  ``--no-deps`` into a plain directory (``pip install --target``). Their pins cannot share
  one venv with site's (aiobotocore and awscli each pin an older botocore than site's), and
  the aws corpus only reads their sources: nothing there is imported or run.

flake8 runs every installed plugin whatever ``--select`` says, so only the two flake8 venvs
side by side measure what the lint-creds plugin adds. A venv is rebuilt when the hash of
its requirement file changes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from typing import Dict, List, NamedTuple, Sequence

from .corpora import BENCH_DIR

REPO_DIR = os.path.dirname(BENCH_DIR)
CACHE_DIR = os.path.join(BENCH_DIR, ".cache")


class VenvSpec(NamedTuple):
    """One venv: its directory name, requirement files, and whether it gets the project."""

    name: str
    requirements: Sequence[str]
    with_project: bool = False
    #: A plain directory filled by ``pip install --no-deps --target`` (sources only).
    target: bool = False


SPECS: Dict[str, VenvSpec] = {
    "site": VenvSpec("site-venv", ("requirements-site.txt",)),
    "tools": VenvSpec("tools-venv", ("requirements-peers.txt",)),
    "bare": VenvSpec("flake8-bare", ("requirements-flake8.txt",)),
    "crd": VenvSpec("flake8-crd", ("requirements-flake8.txt",), with_project=True),
    "aws": VenvSpec("aws-src", ("requirements-aws.txt",), target=True),
}


def venv_dir(key: str) -> str:
    """Directory of the venv ``key`` (a key of :data:`SPECS`)."""
    return os.path.join(CACHE_DIR, SPECS[key].name)


def executable(key: str, name: str) -> str:
    """Path of console script or interpreter ``name`` in venv ``key``."""
    return os.path.join(venv_dir(key), "bin", name)


def stamp(key: str) -> str:
    """Hash of the venv's requirement files and the interpreter that builds it."""
    digest = hashlib.sha256(sys.version.encode())
    for name in SPECS[key].requirements:
        with open(os.path.join(BENCH_DIR, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def _pip(key: str, args: List[str]) -> None:
    subprocess.run([executable(key, "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *args], check=True)


def ensure(key: str, log=print) -> str:  # type: ignore[no-untyped-def]
    """Create or refresh venv ``key``; returns its directory."""
    spec = SPECS[key]
    directory = venv_dir(key)
    marker = os.path.join(directory, ".bench-stamp")
    current = stamp(key)
    try:
        with open(marker, encoding="utf-8") as handle:
            up_to_date = handle.read().strip() == current
    except OSError:
        up_to_date = False
    if not up_to_date and spec.target:
        log(f"filling {spec.name} (pip --no-deps --target, from the registry) ...")
        if os.path.isdir(directory):
            shutil.rmtree(directory)
        for name in spec.requirements:
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", "--no-deps", "--no-compile",
                            "--target", directory, "-r", os.path.join(BENCH_DIR, name)],
                           check=True)
    elif not up_to_date:
        log(f"building {spec.name} (pip, from the registry) ...")
        subprocess.run([sys.executable, "-m", "venv", "--clear", directory], check=True)
        for name in spec.requirements:
            _pip(key, ["-r", os.path.join(BENCH_DIR, name)])
    if not up_to_date:
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(current + "\n")
    if spec.with_project:
        # Non-editable, so start-up is what a user gets; deps were resolved on first build.
        log(f"installing this checkout into {spec.name} ...")
        fresh = not up_to_date or not version_of(key, "lint-creds")
        # The first install resolves the project's dependencies; later ones only rebuild it.
        _pip(key, [REPO_DIR] if fresh else ["--force-reinstall", "--no-deps", REPO_DIR])
    return directory


def site_packages(key: str) -> str:
    """The site-packages directory of venv ``key`` (a target directory is its own)."""
    if SPECS[key].target:
        return venv_dir(key)
    out = subprocess.run([executable(key, "python"), "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def version_of(key: str, distribution: str) -> str:
    """Installed version of ``distribution`` in venv ``key`` ('' when missing)."""
    out = subprocess.run([executable(key, "python"), "-c",
                          "import sys, importlib.metadata as m\n"
                          "try: print(m.version(sys.argv[1]))\n"
                          "except m.PackageNotFoundError: print('')", distribution],
                         capture_output=True, text=True)
    return out.stdout.strip()
