"""SIGKILL ``lint-creds fix`` at random moments: every file is the old or the new bytes.

Never a mix, never a leftover temporary file, never a changed mode. The default run kills
two runs over a small tree; ``pytest -m scale`` kills twenty in a row over a larger one
(the bar of issue 7).
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Tuple

import pytest

SMALL, LARGE = 30, 120
LINT_CREDS = [sys.executable, "-m", "lint_creds"]

_MODULE = '''"""Module {index}: a worker that talks to S3."""
import os
import boto3


def make_client():
    # credentials read by hand: the bug lint-creds fixes
    return boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )


def upload(path, bucket="bucket-{index}"):
    client = make_client()
    with open(path, "rb") as handle:
        client.put_object(Bucket=bucket, Key=os.path.basename(path), Body=handle.read())
''' + "\n".join(f"\n\ndef helper_{{index}}_{n}(value):\n    return value * {n}\n" for n in range(30))


def _build_corpus(root: Path, files: int) -> None:
    for index in range(files):
        directory = root / f"pkg{index % 12}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"mod{index}.py"
        text = _MODULE.format(index=index)
        if index % 5 == 0:
            text = text.replace("\n", "\r\n")  # CRLF files must stay CRLF
        path.write_bytes(text.encode("utf-8"))
        path.chmod(0o640 if index % 3 else 0o755)
        if index % 7 == 0:
            (directory / f"clean{index}.py").write_text("import boto3\nboto3.client('s3')\n")


def _snapshot(root: Path) -> Dict[str, Tuple[bytes, int]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mode)
        for path in sorted(root.rglob("*")) if path.is_file()
    }


def _env(tmp: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(tmp)
    return env


def _make_corpus(base: Path, files: int) -> Tuple[Path, Dict, Dict, float]:
    """The original tree, its snapshot, the fully fixed snapshot, and a full run's time."""
    original = base / "original"
    _build_corpus(original, files)
    fixed = base / "fixed"
    shutil.copytree(original, fixed)
    started = time.monotonic()
    done = subprocess.run([*LINT_CREDS, "fix", "-q", str(fixed)], env=_env(base),
                          capture_output=True, text=True, timeout=600)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    before, after = _snapshot(original), _snapshot(fixed)
    assert before.keys() == after.keys()
    assert sum(before[k] != after[k] for k in before) == files  # every module was rewritten
    return original, before, after, duration


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Dict, Dict, float]:
    return _make_corpus(tmp_path_factory.mktemp("kill-small"), SMALL)


@pytest.fixture(scope="module")
def large_corpus(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Dict, Dict, float]:
    return _make_corpus(tmp_path_factory.mktemp("kill-large"), LARGE)


def _kill_once(corpus: Tuple[Path, Dict, Dict, float], tmp_path: Path, seed: int) -> int:
    original, before, after, duration = corpus
    tree = tmp_path / f"run{seed}"
    shutil.copytree(original, tree)
    delay = random.Random(seed).uniform(0.05, max(0.1, duration * 0.95))
    process = subprocess.Popen([*LINT_CREDS, "fix", "-q", str(tree)], env=_env(tmp_path),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the pool's workers die with it
    except ProcessLookupError:
        pass
    process.wait(timeout=60)
    now = _snapshot(tree)
    assert now.keys() == before.keys(), (
        f"files appeared or vanished: {sorted(now.keys() ^ before.keys())[:5]}")
    rewritten = 0
    for name, state in now.items():
        assert state in (before[name], after[name]), f"{name} is neither old nor new"
        rewritten += state == after[name] and state != before[name]
    return rewritten


@pytest.mark.parametrize("seed", range(2))
def test_killed_fix_leaves_old_or_new_bytes(small_corpus, tmp_path: Path, seed: int) -> None:
    _kill_once(small_corpus, tmp_path, seed)


@pytest.mark.scale
def test_killed_fix_twenty_times_in_a_row(large_corpus, tmp_path: Path) -> None:
    partial = [_kill_once(large_corpus, tmp_path, 100 + seed) for seed in range(20)]
    # Most kills must land mid-run, or the test proves nothing.
    assert sum(0 < count < LARGE for count in partial) >= 10, partial
