"""cProfile of one ``lint-creds check`` run, and where its time goes by phase.

Every function's *exclusive* time goes to the first phase whose pattern matches
``file:function``, so the phases add up to the profiled total with no double counting.
The profile runs in the lint-creds venv; only ``pstats`` (stdlib) reads it here.
"""
from __future__ import annotations

import pstats
import re
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Tuple

#: phase -> pattern over "file:function" (first match wins; order matters). A function
#: that matches none (a builtin, most of the stdlib) takes the phases of its callers, in
#: proportion to the time each caller spent in it.
PHASES: Tuple[Tuple[str, str], ...] = (
    ("workers (waiting on a pool)",
     r"concurrent/futures|multiprocessing|threading\.py|selectors\.py|queue\.py|"
     r"method 'acquire'|posix\.waitpid|select\.poll"),
    ("start-up (imports)", r"<frozen importlib|marshal\.loads|<module>|_imp\.|zipimport"),
    ("discovery", r"lint_creds/source/files\.py:(?!read_bytes)|posix\.scandir|posix\.stat|"
                  r"posix\.lstat|fnmatch\.py"),
    ("reading", r"read_bytes|decode_source|method 'read' of '_io|io\.open"),
    ("prefilter", r"lint_creds/source/(prefilter|boto_screen)\.py"),
    ("parse", r"builtins\.compile|/ast\.py:parse"),
    ("reporting", r"lint_creds/report|lint_creds/.*:(_?emit|_?format\w*|render\w*)$"),
    ("analysis", r"lint_creds/|/ast\.py:"),
)
OTHER = "other"
Key = Tuple[str, int, str]


def phase_of(location: str) -> str:
    """The phase a ``file:function`` location names itself ('other' when none matches)."""
    for phase, pattern in PHASES:
        if re.search(pattern, location):
            return phase
    return OTHER


def _location(key: Key) -> str:
    filename, _, function = key
    return f"{filename}:{function}" if filename != "~" else function


def _shares(key: Key, raw: Dict[Key, Any], memo: Dict[Key, Dict[str, float]],
            active: "set[Key]") -> Dict[str, float]:
    """Fractions of ``key``'s time per phase: its own, or else its callers' (recursively)."""
    if key in memo:
        return memo[key]
    own = phase_of(_location(key))
    callers = raw[key][4] if key in raw else {}
    if own != OTHER or not callers or key in active:
        memo[key] = {own: 1.0}
        return memo[key]
    active.add(key)
    mixed: Dict[str, float] = {}
    times = {caller: edge[2] for caller, edge in callers.items()}  # time spent via that caller
    total = sum(times.values())
    for caller, spent in times.items():
        weight = spent / total if total else 1.0 / len(times)
        for phase, share in _shares(caller, raw, memo, active).items():
            mixed[phase] = mixed.get(phase, 0.0) + weight * share
    active.discard(key)
    memo[key] = mixed or {OTHER: 1.0}
    return memo[key]


def summarize(profile_path: str, top: int = 15) -> Dict[str, Any]:
    """Phase totals and the top functions by exclusive time from a cProfile dump."""
    raw: Dict[Key, Any] = pstats.Stats(profile_path).stats  # type: ignore[attr-defined]
    phases: Dict[str, float] = {}
    memo: Dict[Key, Dict[str, float]] = {}
    rows: List[Tuple[str, float, int]] = []
    for key, (_, calls, tottime, _, _) in raw.items():
        for phase, share in _shares(key, raw, memo, set()).items():
            phases[phase] = phases.get(phase, 0.0) + tottime * share
        rows.append((_short(_location(key)), tottime, calls))
    rows.sort(key=lambda r: -r[1])
    names = [name for name, _ in PHASES] + [OTHER]
    ordered = [(name, phases[name]) for name in names if name in phases]
    return {"total": sum(phases.values()), "phases": ordered, "top": rows[:top]}


def _short(location: str) -> str:
    """Trim site-packages and stdlib prefixes so locations fit a table."""
    return re.sub(r"^.*?/(site-packages|python3\.\d+)/", "", location)


def profile(python: str, check_argv: Sequence[str], out: str,
            cwd: Optional[str] = None) -> Optional[str]:
    """Run ``python -m cProfile -o out -m lint_creds <check_argv>`` in ``cwd``; returns an
    error or None. ``-m`` puts ``cwd`` first on ``sys.path``: it must not hold a checkout of
    lint-creds, or that copy runs (with an index cache of its own, cold) instead of the
    installed one."""
    proc = subprocess.run([python, "-m", "cProfile", "-o", out, "-m", "lint_creds",
                           *check_argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=cwd)
    if proc.returncode not in (0, 1):
        return f"exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}"
    return None
