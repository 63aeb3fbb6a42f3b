"""Secrets stay secret: every output over the injected corpus is free of the injected keys.

The injected corpus holds synthetic key ids and secrets in literals (CRD101/102). Every
report format (text to a file, to a pipe and to a terminal, where excerpts are shown; json;
sarif; github), the baseline file, real flake8's output, and the fixer's summaries must show
them masked (``AKIA…W5FG``) or not at all. A leak is any 8 consecutive characters of a key
(the mask shows 4 and 4, split by an ellipsis).
"""
from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import pytest

from lint_creds.patterns import mask

from .conftest import RUNS, CorpusRun
from .corpus import LINT_CREDS, run, tool_env
from .injection import TEMPLATES_BY_NAME, Injection

WINDOW = 8
#: Only the injected corpora hold keys.
INJECTED = pytest.mark.parametrize("corpus_run", [r for r in RUNS if "injected" in r.id],
                                   indirect=True)
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def _keys(injections: Sequence[Injection]) -> List[str]:
    """The key material actually written: templates with a literal."""
    keys = []
    for injection in injections:
        source = TEMPLATES_BY_NAME[injection.template].source
        keys += [injection.key_id] if "$key_id" in source else []
        keys += [injection.secret] if "$secret" in source else []
    return keys


def _windows(keys: Sequence[str]) -> Dict[str, str]:
    """Every 8-character window of every key -> the key's mask."""
    return {key[i:i + WINDOW]: mask(key) for key in keys for i in range(len(key) - WINDOW + 1)}


def leaks(text: str, keys: Sequence[str]) -> List[Tuple[str, str]]:
    """(mask of the key, the leaked piece) for every key piece found in ``text``."""
    found = []
    windows = _windows(keys)
    for start in range(len(text) - WINDOW + 1):
        piece = text[start:start + WINDOW]
        if piece in windows:
            found.append((windows[piece], piece))
    return sorted(set(found))


def test_the_leak_detector_can_fail() -> None:
    key = "AKIA" + "QXZT7M2KV4RP9WHD"
    pieces = sorted(("AKIA…9WHD", key[i:i + 8]) for i in range(0, 13))
    assert leaks(f"x = '{key}'", [key]) == pieces
    assert leaks(f"masked {mask(key)} ok", [key]) == []


def _on_terminal(command: Sequence[str], env: Dict[str, str]) -> Tuple[int, str]:
    """Run with stdout on a pseudo-terminal (where ``check`` prints source excerpts)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(list(command), stdout=follower, stderr=subprocess.STDOUT,
                               env=env, close_fds=True)
    os.close(follower)
    chunks: List[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 600)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def _outputs(corpus_run: CorpusRun, base: Path) -> Iterator[Tuple[str, str]]:
    """(what, text) of every output the gate and the fixer produce over the corpus."""
    yield from corpus_run.outputs.items()
    env = tool_env(str(base))
    tree = str(corpus_run.pristine)
    for name in FORMATS:
        done = run([*LINT_CREDS, "check", "--format", name, tree], env)
        assert done.returncode in (1, 2), done.stderr[-2000:]
        yield f"check --format {name}", done.stdout + done.stderr
    report = base / "report.sarif"
    done = run([*LINT_CREDS, "check", "--format", "sarif", "-o", str(report), tree], env)
    yield "check --format sarif -o", done.stdout + done.stderr + report.read_text("utf-8")
    returncode, text = _on_terminal([*LINT_CREDS, "check", tree], env)
    assert returncode in (1, 2) and "^" in text  # excerpts with a caret were shown
    yield "check on a terminal", text
    baseline = base / "baseline.json"
    done = run([*LINT_CREDS, "check", "--write-baseline", str(baseline), tree], env)
    yield "check --write-baseline", done.stdout + done.stderr + baseline.read_text("utf-8")
    # Safe fixes remove no literal, but a diff's context lines could still show one.
    paths = [str(corpus_run.pristine / i.relpath) for i in corpus_run.injections]
    done = run([*LINT_CREDS, "fix", "--diff", *paths], env)
    assert done.stdout.startswith("---"), done.stderr[-2000:]
    yield "fix --diff (safe fixes)", done.stdout + done.stderr


@INJECTED
def test_no_output_shows_an_injected_key(corpus_run: CorpusRun, tmp_path: Path) -> None:
    keys = _keys(corpus_run.injections)
    masks_seen = set()
    leaked = {}
    for what, text in _outputs(corpus_run, tmp_path):
        found = leaks(text, keys)
        if found:
            leaked[what] = found[:5]
        masks_seen |= {mask(key) for key in keys if mask(key) in text}
    assert leaked == {}
    # The keys were reported (masked), so the outputs above were not empty of findings.
    assert len(masks_seen) >= len(keys) // 2, (len(masks_seen), len(keys))


@INJECTED
def test_fix_diff_with_unsafe_fixes_masks_removed_keys(corpus_run: CorpusRun,
                                                       tmp_path: Path) -> None:
    literal = [i for i in corpus_run.injections if "$key_id" in TEMPLATES_BY_NAME[
        i.template].source and TEMPLATES_BY_NAME[i.template].fixable]
    # Only the files with removable literals: the diff of any other file cannot hold a key.
    paths = [str(corpus_run.pristine / i.relpath) for i in literal]
    done = run([*LINT_CREDS, "fix", "--diff", "--unsafe-fixes", *paths], tool_env(str(tmp_path)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("\n-") >= len(literal)  # the diff removed the literals
    assert leaks(done.stdout + done.stderr, _keys(literal)) == []
