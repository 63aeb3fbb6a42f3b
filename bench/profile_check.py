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

#: phase -> pattern over "file:function" (first match wins; order matters).
PHASES: Tuple[Tuple[str, str], ...] = (
    ("workers (waiting on a pool)",
     r"concurrent/futures|multiprocessing|threading\.py|selectors\.py|queue\.py|"
     r"method 'acquire'|posix\.waitpid|select\.poll|built-in method posix\.read\b"),
    ("start-up (imports)", r"<frozen importlib|marshal\.loads|<module>|_imp\.|zipimport"),
    ("discovery", r"lint_creds/files\.py:(?!read_bytes)|posix\.scandir|posix\.stat|"
                  r"posix\.lstat|fnmatch|posixpath|DirEntry"),
    ("reading", r"read_bytes|decode_source|tokenize|codecs|_io\.|io\.open|method 'read'|"
                r"method 'decode'|posix\.open"),
    ("prefilter", r"prefilter|could_hold|method 'lower' of 'bytes'|method 'search'"),
    ("parse", r"builtins\.compile|ast\.py:parse"),
    ("reporting", r"lint_creds/report|format|emit|print|method 'write'|mask"),
    ("analysis", r"lint_creds/|ast\.py|enum\.py|re/|sre_|builtins\.(isinstance|getattr|len)"),
)


def phase_of(location: str) -> str:
    """The phase a ``file:function`` location belongs to ('other' when none matches)."""
    for phase, pattern in PHASES:
        if re.search(pattern, location):
            return phase
    return "other"


def _location(key: Tuple[str, int, str]) -> str:
    filename, _, function = key
    return f"{filename}:{function}" if filename != "~" else function


def summarize(profile_path: str, top: int = 15) -> Dict[str, Any]:
    """Phase totals and the top functions by exclusive time from a cProfile dump."""
    stats = pstats.Stats(profile_path)
    raw: Dict[Tuple[str, int, str], Tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    phases: Dict[str, float] = {}
    rows: List[Tuple[str, float, int]] = []
    for key, (_, calls, tottime, _, _) in raw.items():
        location = _location(key)
        phase = phase_of(location)
        phases[phase] = phases.get(phase, 0.0) + tottime
        rows.append((_short(location), tottime, calls))
    rows.sort(key=lambda r: -r[1])
    ordered = [(name, phases[name]) for name, _ in PHASES + (("other", ""),) if name in phases]
    return {"total": sum(phases.values()), "phases": ordered, "top": rows[:top]}


def _short(location: str) -> str:
    """Trim site-packages and stdlib prefixes so locations fit a table."""
    return re.sub(r"^.*?/(site-packages|python3\.\d+)/", "", location)


def profile(python: str, check_argv: Sequence[str], out: str) -> Optional[str]:
    """Run ``python -m cProfile -o out -m lint_creds <check_argv>``; returns an error or None."""
    proc = subprocess.run([python, "-m", "cProfile", "-o", out, "-m", "lint_creds",
                           *check_argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 1):
        return f"exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}"
    return None
