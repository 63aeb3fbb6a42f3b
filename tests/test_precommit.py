"""Real ``pre-commit`` in a throwaway git repository, with the hooks of .pre-commit-hooks.yaml.

pre-commit would build a fresh virtualenv for ``language: python`` hooks, which needs the
network; the test copies each shipped hook (id, entry, args, types) into a ``repo: local``
configuration with ``language: system`` and the entry pointing at this environment's
``lint-creds`` console script, so the hook definitions themselves are what runs.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Dict, List

import pytest
from test_check_cli import ENV_CREDS, HARD_CODED, KEY_ID

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists() or shutil.which("git") is None,
                                reason="needs pre-commit (test extra) and git")


def shipped_hooks() -> List[Dict[str, object]]:
    """.pre-commit-hooks.yaml, read with pre-commit's own YAML dependency."""
    import yaml

    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def local_config(hooks: List[Dict[str, object]]) -> str:
    local = []
    for hook in hooks:
        command, *rest = str(hook["entry"]).split()
        local.append({**hook, "language": "system",
                      "entry": " ".join([str(BIN / command), *rest])})
    return json.dumps({"repos": [{"repo": "local", "hooks": local}]})  # JSON is YAML


def git(repo: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          env=ENV, timeout=300)


ENV = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GIT_"))},
       "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
       "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture()
def repo(tmp_path: pathlib.Path) -> pathlib.Path:
    ENV["HOME"] = str(tmp_path / "home")
    ENV["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    repo = tmp_path / "project"
    repo.mkdir()
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    hooks = {hook["id"]: hook for hook in shipped_hooks()}
    assert set(hooks) == {"lint-creds", "lint-creds-fix"}
    assert all(hook["types_or"] == ["python", "jupyter"] for hook in hooks.values())
    # fix first, then the gate checks what is left
    (repo / ".pre-commit-config.yaml").write_text(
        local_config([hooks["lint-creds-fix"], hooks["lint-creds"]]), encoding="utf-8")
    (repo / "README.md").write_text("demo\n", encoding="utf-8")
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "-m", "init").returncode == 0
    install = subprocess.run([str(PRE_COMMIT), "install"], cwd=repo, capture_output=True,
                             text=True, env=ENV, timeout=300)
    assert install.returncode == 0, install.stderr
    return repo


def test_hard_coded_key_refuses_the_commit(repo: pathlib.Path) -> None:
    (repo / "upload.py").write_text(HARD_CODED, encoding="utf-8")
    git(repo, "add", "upload.py")
    commit = git(repo, "commit", "-m", "add upload")
    assert commit.returncode != 0
    output = commit.stdout + commit.stderr
    assert "upload.py:3:25: CRD101 hard-coded AWS access key id 'AKIA…W5FG'" in output
    assert KEY_ID not in output
    assert git(repo, "log", "--format=%s").stdout.split() == ["init"]


def test_env_credentials_are_rewritten_by_the_fix_hook(repo: pathlib.Path) -> None:
    (repo / "client.py").write_text(ENV_CREDS, encoding="utf-8")
    git(repo, "add", "client.py")
    first = git(repo, "commit", "-m", "add client")
    assert first.returncode != 0  # a hook that changes files fails the commit, as usual
    assert "files were modified by this hook" in first.stdout + first.stderr
    assert (repo / "client.py").read_text(encoding="utf-8") == (
        'import boto3\n\ns3 = boto3.client(\n    "s3",\n)\n')
    git(repo, "add", "client.py")
    second = git(repo, "commit", "-m", "add client")
    assert second.returncode == 0, second.stdout + second.stderr
    assert git(repo, "log", "--format=%s").stdout.split("\n")[0] == "add client"


def test_clean_files_and_notebooks_commit(repo: pathlib.Path) -> None:
    (repo / "ok.py").write_text('import boto3\n\ns3 = boto3.client("s3")\n', encoding="utf-8")
    (repo / "nb.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5,
                                               "metadata": {}, "cells": []}), encoding="utf-8")
    git(repo, "add", ".")
    commit = git(repo, "commit", "-m", "clean")
    assert commit.returncode == 0, commit.stdout + commit.stderr


def test_a_key_in_another_module_refuses_the_staged_file(repo: pathlib.Path) -> None:
    """pre-commit passes only the staged file; the key it imports lives in a module
    committed earlier, which the project index reads without reporting it."""
    (repo / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (repo / "credentials.py").write_text(f'UPLOAD_KEY_ID = "{KEY_ID}"\n', encoding="utf-8")
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "--no-verify", "-m", "keys").returncode == 0
    (repo / "upload.py").write_text(
        "import boto3\nfrom credentials import UPLOAD_KEY_ID\n\n"
        's3 = boto3.client("s3", aws_access_key_id=UPLOAD_KEY_ID)\n', encoding="utf-8")
    git(repo, "add", "upload.py")
    commit = git(repo, "commit", "-m", "add upload")
    assert commit.returncode != 0
    output = commit.stdout + commit.stderr
    assert ("upload.py:4:25: CRD101 hard-coded AWS access key id 'AKIA…W5FG' passed to "
            "boto3.client (through UPLOAD_KEY_ID, defined at credentials.py:1)") in output
    assert "credentials.py:1" not in output.replace("defined at credentials.py:1", "")
    assert KEY_ID not in output
    assert git(repo, "status", "--porcelain", "--ignored").stdout.count(".lint-creds-cache") == 1
