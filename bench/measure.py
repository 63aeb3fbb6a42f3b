"""Timing one child process: wall clock, CPU (user+sys) and peak RSS from ``os.wait4``.

``wait4`` reports the reaped child's own usage plus that of every descendant it waited for,
so CPU covers worker processes too; ``ru_maxrss`` is the largest single process of that
tree (Linux reports it in KiB), not the sum.
"""
from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence


class Sample(NamedTuple):
    """One timed run of one command."""

    wall: float
    cpu: float
    max_rss_mb: float
    returncode: int
    #: Peak RSS of the top process alone (its ``VmHWM``, polled while it runs; 0 if unseen).
    parent_rss_mb: float = 0.0


class Summary(NamedTuple):
    """Medians over the samples of one command on one corpus."""

    runs: int
    wall: float
    cpu: float
    max_rss_mb: float
    wall_min: float
    wall_max: float
    parent_rss_mb: float = 0.0


def run_once(argv: Sequence[str], cwd: Optional[str] = None,
             env: Optional[Mapping[str, str]] = None, stderr_path: Optional[str] = None,
             timeout: float = 3600.0) -> Sample:
    """Run ``argv`` once with stdout discarded; stderr goes to ``stderr_path`` (or is dropped).

    The deadline is enforced by killing the child, so one hung tool cannot stall the suite.
    """
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        # Own session, so a deadline or an interrupt can end the tool's workers too.
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env) if env else None,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        deadline = start + timeout
        parent_peak = 0.0
        polls = 0
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if polls % 20 == 0:  # every ~20 ms; VmHWM only grows, so the last read is close
                    parent_peak = max(parent_peak, peak_rss_of(proc.pid))
                polls += 1
                if time.perf_counter() > deadline:
                    _kill_group(proc.pid)
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.001)
        except BaseException:  # KeyboardInterrupt, SIGTERM turned into SystemExit
            _kill_group(proc.pid)
            raise
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not reap it again
    finally:
        if stderr_path:
            err.close()  # type: ignore[union-attr]
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                  max_rss_mb=usage.ru_maxrss / 1024.0, returncode=proc.returncode,
                  parent_rss_mb=parent_peak)


def peak_rss_of(pid: int) -> float:
    """``VmHWM`` (peak resident set) of a live process in MB; 0.0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # already gone
        pass


def crashed(stderr_path: str) -> Optional[str]:
    """The last line of a Python traceback in a tool's stderr, if it crashed.

    An uncaught exception exits 1, the same code as "findings", so the exit code alone
    cannot tell a crash from a result.
    """
    try:
        with open(stderr_path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    if "Traceback (most recent call last):" not in text:
        return None
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "traceback"


def summarize(samples: Sequence[Sample]) -> Summary:
    """Median wall, CPU and peak RSS (each taken independently) plus the wall spread."""
    walls = [s.wall for s in samples]
    return Summary(
        runs=len(samples),
        wall=statistics.median(walls),
        cpu=statistics.median(s.cpu for s in samples),
        max_rss_mb=statistics.median(s.max_rss_mb for s in samples),
        wall_min=min(walls),
        wall_max=max(walls),
        parent_rss_mb=statistics.median(s.parent_rss_mb for s in samples),
    )


def rotations(names: Sequence[str], rounds: int) -> List[List[str]]:
    """The order of each round: every command once per round, the start rotating by one.

    Alternating this way spreads slow drifts (thermal, other load) over every command
    instead of charging them to whichever ran last.
    """
    n = len(names)
    return [[names[(r + i) % n] for i in range(n)] for r in range(rounds)] if n else []


def throughput(files: int, size_bytes: int, wall: float) -> Dict[str, float]:
    """Files per second and MB per second (10**6 bytes) at a given wall time."""
    if wall <= 0:
        return {"files_per_s": 0.0, "mb_per_s": 0.0}
    return {"files_per_s": files / wall, "mb_per_s": size_bytes / 1e6 / wall}
