"""The progress line of long ``check`` and ``fix`` runs: on a real pseudo-terminal it is
drawn, redrawn with ``\\r`` and cleared; on a pipe, with ``-q`` or in a short run it never
appears."""
from __future__ import annotations

import io
import os
import pathlib
import pty
import re
import subprocess
import sys
import threading
from typing import Dict, List, NamedTuple, Optional, Tuple

import pytest

from lint_creds.cli.progress import REDRAW_EVERY, SHOW_AFTER_VARIABLE, Progress

CONSOLE = pathlib.Path(sys.executable).with_name("lint-creds")
KEY = "AKIAZ7VQ3KXW5R2MW5FG"
FRAME = re.compile(r"\rlint-creds: (\d+)/(\d+)(\+?) files, (\d+) findings?( *)")


class Run(NamedTuple):
    returncode: int
    stdout: str
    #: Everything written to stderr; on a terminal, with its "\r\n" turned back into "\n".
    stderr: str


def tree(root: pathlib.Path, files: int, every: int) -> pathlib.Path:
    """``files`` modules, every ``every``-th (the first included) passing a literal key."""
    (root / "pkg").mkdir()
    for index in range(files):
        key = KEY if index % every == 0 else ""
        (root / "pkg" / f"m{index:04}.py").write_text(
            f'import boto3\nc = boto3.client("s3", aws_access_key_id="{key}")\n')
    return root / "pkg"


def run(args: List[str], cwd: pathlib.Path, terminal: bool,
        show_after: Optional[str] = "0") -> Run:
    """The console script with stderr on a pseudo-terminal (or a pipe), stdout on a pipe."""
    env: Dict[str, str] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    if show_after is not None:
        env[SHOW_AFTER_VARIABLE] = show_after
    if not terminal:
        done = subprocess.run([str(CONSOLE), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300)
        return Run(done.returncode, done.stdout, done.stderr)
    leader, follower = pty.openpty()
    received = bytearray()

    def drain() -> None:  # read while the child writes, so it never blocks on the terminal
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=drain)
    try:
        child = subprocess.Popen([str(CONSOLE), *args], cwd=cwd, env=env,
                                 stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        reader.start()
        stdout, _ = child.communicate(timeout=300)
        reader.join(timeout=60)
    finally:
        os.close(leader)
    return Run(child.returncode, stdout.decode(), received.decode().replace("\r\n", "\n"))


def frames(stderr: str) -> Tuple[List[Tuple[int, int, str, int]], str]:
    """The progress frames at the start of ``stderr`` (done, total, "+", findings) and what
    follows the line's clearing; fails unless each frame covers the one before and the
    clearing blanks exactly the last frame's width."""
    found, position, width = [], 0, 0
    while True:
        match = FRAME.match(stderr, position)
        if match is None:
            break
        text = match.group(0)[1:].rstrip(" ")
        assert len(match.group(0)) - 1 == max(width, len(text)), "a longer frame shows through"
        width = len(text)
        found.append((int(match.group(1)), int(match.group(2)), match.group(3),
                      int(match.group(4))))
        position = match.end()
    assert found, f"no progress frame in {stderr!r}"
    clear = "\r" + " " * width + "\r"
    assert stderr[position:position + len(clear)] == clear, stderr[position:]
    return found, stderr[position + len(clear):]


def test_redrawn_at_most_every_quarter_second_and_cleared() -> None:
    """A clock that moves 1 ms per file: 2 s of waiting, then one frame per 0.25 s."""
    milliseconds = [0]
    stream = io.StringIO()
    progress = Progress(stream, total=3000, show_after=2.0,
                        clock=lambda: milliseconds[0] / 1000)
    for _ in range(3000):
        milliseconds[0] += 1
        progress.advance(findings=1)
    progress.close()
    expected = [2000 + int(step * REDRAW_EVERY * 1000) for step in range(5)]  # 2 s, 2.25 s...
    assert expected == [2000, 2250, 2500, 2750, 3000]
    drawn = "".join(f"\rlint-creds: {done}/3000 files, {done} findings" for done in expected)
    width = len("lint-creds: 3000/3000 files, 3000 findings")
    assert stream.getvalue() == drawn + "\r" + " " * width + "\r"


def test_unknown_total_is_what_was_discovered_so_far() -> None:
    stream = io.StringIO()
    progress = Progress(stream, show_after=0.0)
    files = progress.counted(["a.py", "b.py"])
    next(files)
    progress.advance(findings=1)
    list(files)
    progress.advance()
    assert stream.getvalue() == "\rlint-creds: 1/1+ files, 1 finding"
    assert progress.line() == "lint-creds: 2/2 files, 1 finding"


def test_check_draws_progress_on_a_terminal(tmp_path: pathlib.Path) -> None:
    pkg = tree(tmp_path, 60, every=20)
    piped = run(["check", "--no-project", str(pkg)], tmp_path, terminal=False)
    shown = run(["check", "--no-project", str(pkg)], tmp_path, terminal=True)
    assert shown.returncode == piped.returncode == 1
    assert shown.stdout == piped.stdout  # the report itself does not change
    assert piped.stdout.endswith("Found 3 findings in 3 files (60 files checked).\n")
    found, after = frames(shown.stderr)
    # The in-process runner takes its first 200 targets before checking one, so the walk of
    # 60 files is over at the first frame: no "+".
    assert found[0] == (1, 60, "", 1)
    assert [f[0] for f in found] == sorted({f[0] for f in found})
    assert all(total == 60 and findings <= 3 for _, total, _, findings in found)
    assert after == ""


def test_check_progress_in_a_pooled_run(tmp_path: pathlib.Path) -> None:
    pkg = tree(tmp_path, 450, every=50)
    shown = run(["check", "--no-project", "-j", "2", str(pkg)], tmp_path, terminal=True)
    assert shown.returncode == 1
    assert shown.stdout.endswith("Found 9 findings in 9 files (450 files checked).\n")
    found, after = frames(shown.stderr)
    assert found[0][0] == 1 and found[0][3] == 1 and 200 <= found[0][1] <= 450
    assert all(done <= total <= 450 for done, total, _, _ in found)
    assert after == ""


@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"]])
def test_never_on_a_pipe_with_quiet_or_in_a_short_run(
        tmp_path: pathlib.Path, command: List[str]) -> None:
    pkg = tree(tmp_path, 30, every=10)
    args = [*command, "--no-project", str(pkg)]
    piped = run(args, tmp_path, terminal=False)
    assert "lint-creds: " not in piped.stderr and "\r" not in piped.stderr
    quiet = run([*args, "-q"], tmp_path, terminal=True)
    assert quiet.stderr == ""  # fix -q prints errors only; there are none
    one = [*command, "--no-project", str(pkg / "m0000.py")]
    short = run(one, tmp_path, terminal=True, show_after=None)  # well under the default 2 s
    assert short.stderr == run(one, tmp_path, terminal=False).stderr
    assert "\r" not in short.stderr


def test_fix_draws_progress_then_the_summary(tmp_path: pathlib.Path) -> None:
    pkg = tree(tmp_path, 40, every=20)
    shown = run(["fix", "--no-project", str(pkg)], tmp_path, terminal=True)
    assert shown.returncode == 0
    found, after = frames(shown.stderr)
    assert found[0] == (1, 40, "", 1)  # fix knows its total up front
    assert all(total == 40 for _, total, _, _ in found)
    piped = run(["fix", "--no-project", str(pkg)], tmp_path, terminal=False)
    assert after == piped.stderr
    assert after.startswith("40 files scanned, 0 changed\nnot fixed (2):\n")
