"""SIGKILL ``lint-creds fix`` at random moments: every file is the old or the new bytes.

Never a mix, never a leftover temporary file, never a changed mode; and the fix spans
modules (half of them take their keys from ``shared/keys.py``, whose definitions go once no
module reads them), so the kill also proves the write order: consumers first, so a killed
run may leave an unused definition but never an import of a name that no longer exists.
The default run kills two runs over a small tree; ``pytest -m scale`` kills twenty in a row
over a larger one (the bar of issue 7).
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
FIX = ["fix", "-q", "--unsafe-fixes", "--no-cache"]

_MODULE = '''"""Module {index}: a worker that talks to S3."""
import os
import boto3


def make_client():
    # credentials read by hand: the bug lint-creds fixes
    return boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id={key_id},
        aws_secret_access_key={secret},
    )


def upload(path, bucket="bucket-{index}"):
    client = make_client()
    with open(path, "rb") as handle:
        client.put_object(Bucket=bucket, Key=os.path.basename(path), Body=handle.read())
''' + "\n".join(f"\n\ndef helper_{{index}}_{n}(value):\n    return value * {n}\n" for n in range(30))


#: The definitions half the modules import (the cross-module part of the fix).
_KEYS = '''\
import os

KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = "eu-west-1"
'''
_SHARED = ("import os\nfrom shared.keys import KEY_ID, SECRET\n", "KEY_ID", "SECRET")
_OWN = ("import os\n", 'os.environ["AWS_ACCESS_KEY_ID"]', 'os.environ["AWS_SECRET_ACCESS_KEY"]')
#: The file whose definitions go last.
KEYS_FILE = "shared/keys.py"


def _build_corpus(root: Path, files: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'kill'\n")
    (root / "shared").mkdir(parents=True)
    (root / "shared/__init__.py").write_text("")
    (root / KEYS_FILE).write_text(_KEYS)
    for index in range(files):
        directory = root / f"pkg{index % 12}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"mod{index}.py"
        imports, key_id, secret = _SHARED if index % 2 else _OWN
        text = _MODULE.format(index=index, key_id=key_id, secret=secret).replace(
            "import os\n", imports, 1)
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


Corpus = Tuple[Path, Dict, Dict, float, float]


def _make_corpus(base: Path, files: int) -> Corpus:
    """The original tree, its snapshot, the fully fixed snapshot, a full run's time, and
    how long its writes took (they come in a burst at the end: the project pass decides
    every file before the first is written)."""
    original = base / "original"
    _build_corpus(original, files)
    fixed = base / "fixed"
    shutil.copytree(original, fixed)
    started = time.monotonic()
    done = subprocess.run([*LINT_CREDS, *FIX, str(fixed)], env=_env(base),
                          capture_output=True, text=True, timeout=600)
    duration = time.monotonic() - started
    written = [path.stat().st_mtime for path in fixed.rglob("*.py")
               if path.read_bytes() != (original / path.relative_to(fixed)).read_bytes()]
    writes = max(written) - min(written) if written else 0.0
    assert done.returncode == 0, done.stderr
    before, after = _snapshot(original), _snapshot(fixed)
    assert before.keys() == after.keys()
    assert sum(before[k] != after[k] for k in before) == files + 1  # every module, and keys
    assert "KEY_ID" not in after[KEYS_FILE][0].decode()
    return original, before, after, duration, writes


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return _make_corpus(tmp_path_factory.mktemp("kill-small"), SMALL)


@pytest.fixture(scope="module")
def large_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return _make_corpus(tmp_path_factory.mktemp("kill-large"), LARGE)


def _kill_once(corpus: Corpus, tmp_path: Path, seed: int, during_writes: bool = False) -> int:
    """Kill a fix at a random moment of the whole run, or (``during_writes``) at a random
    moment after its first write, within the time a full run's writes take."""
    original, before, after, duration, writes = corpus
    tree = tmp_path / f"run{seed}"
    shutil.copytree(original, tree)
    chance = random.Random(seed)
    modules = {path: path.stat().st_mtime_ns for path in tree.rglob("*.py")}
    process = subprocess.Popen([*LINT_CREDS, *FIX, str(tree)], env=_env(tmp_path),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    if during_writes:
        deadline = time.monotonic() + 3 * duration + 30
        while time.monotonic() < deadline and process.poll() is None and all(
                path.stat().st_mtime_ns == mtime for path, mtime in modules.items()):
            time.sleep(0.002)
        time.sleep(chance.uniform(0, writes))
    else:
        time.sleep(chance.uniform(0.05, max(0.1, duration * 0.95)))
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
    if now[KEYS_FILE] == after[KEYS_FILE]:  # the definitions went: so did every reader
        readers = [n for n in now if b"shared.keys" in before[n][0]]
        assert readers and all(now[n] == after[n] for n in readers)
    return rewritten


@pytest.mark.parametrize("seed", range(2))
def test_killed_fix_leaves_old_or_new_bytes(small_corpus, tmp_path: Path, seed: int) -> None:
    _kill_once(small_corpus, tmp_path, seed)


@pytest.mark.scale
def test_killed_fix_twenty_times_in_a_row(large_corpus, tmp_path: Path) -> None:
    partial = [_kill_once(large_corpus, tmp_path, 100 + seed, during_writes=True)
               for seed in range(20)]
    # Most kills must land mid-run, or the test proves nothing.
    assert sum(0 < count < LARGE for count in partial) >= 10, partial
