"""Many patterns in one pass over a file's bytes, with Hyperscan when it is installed.

The screen (:mod:`lint_creds.source.prefilter`) asks a dozen questions of every byte of every
file. Asked one by one in CPython's search loops that is most of ``check``'s time on a big
tree; Hyperscan (Intel's multi-pattern regex engine, the ``hyperscan`` wheel; Vectorscan on
ARM) answers all of them in one scan at memory speed. Measured on the benchmark's site corpus
(10,904 files, 168 MB, one process): the pure-Python screen 2.2 s of CPU, this first stage
0.11 s, google-re2's one-regex alternation 0.18 s (a yes/no only, not which pattern). See
docs/benchmarks.md.

Hyperscan is installed with lint-creds where it ships wheels (CPython 3.10-3.13 on Linux,
macOS and Windows, x86-64 and 64-bit ARM; see pyproject.toml). Elsewhere, or with
``LINT_CREDS_SCREEN=python`` in the environment, :func:`scanner` returns None and the screen
runs its pure-Python path (``LINT_CREDS_SCREEN=hyperscan`` uses Hyperscan from the first
byte), which gives the same answers (tests/test_prefilter.py proves it
on every fixture and generated variant, tests/scale on whole corpora).

Compiling the patterns costs about 80 ms, more than the pure-Python screen spends on a few
megabytes, so :class:`LazyScanner` compiles them only once a run has screened enough bytes
to win the time back: a pre-commit call on three files never pays for it.
"""
from __future__ import annotations

import os
from typing import Callable, List, Optional, Sequence, Tuple, Union

#: ``(pattern, case-insensitive, bit)``: a match of the pattern sets the bit in the result.
#: Patterns use the syntax Python's ``re`` and Hyperscan share (no look-arounds, no
#: back-references).
Pattern = Tuple[bytes, bool, int]
Scan = Callable[[bytes], int]

#: ``python``: the pure-Python screen only; ``hyperscan``: the first stage from the first
#: byte; unset: the first stage once it pays (benchmarks and tests compare the two).
ENGINE_VARIABLE = "LINT_CREDS_SCREEN"
#: Bytes the pure-Python screen is left to screen before the patterns are compiled.
COMPILE_AFTER_BYTES = 6_000_000


def scanner(patterns: Sequence[Pattern]) -> Optional[Scan]:
    """A function from bytes to the OR of the bits of the ``patterns`` that match them; None
    when Hyperscan is not installed or cannot compile them."""
    try:
        import hyperscan
    except ImportError:
        return None
    database = hyperscan.Database()
    try:
        database.compile(
            expressions=[pattern for pattern, _, _ in patterns],
            ids=list(range(len(patterns))), elements=len(patterns),
            flags=[hyperscan.HS_FLAG_SINGLEMATCH | (hyperscan.HS_FLAG_CASELESS if caseless else 0)
                   for _, caseless, _ in patterns])
    except hyperscan.error:
        return None  # an unsupported platform or pattern: the pure-Python path still works
    bits = [bit for _, _, bit in patterns]

    def scan(data: bytes) -> int:
        found: List[int] = [0]

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            found[0] |= bits[pattern_id]

        database.scan(data, match_event_handler=on_match)
        return found[0]

    return scan


class LazyScanner:
    """:func:`scanner`, compiled once :meth:`get` has been asked about enough bytes."""

    def __init__(self, patterns: Union[Sequence[Pattern], Callable[[], Sequence[Pattern]]],
                 compile_after: Optional[int] = None) -> None:
        #: The patterns, or a function that makes them (called when they are compiled).
        self.patterns = patterns
        engine = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
        if compile_after is None:
            compile_after = 0 if engine == "hyperscan" else COMPILE_AFTER_BYTES
        self._left = compile_after
        #: Compiled (or given up on: with ``LINT_CREDS_SCREEN=python``).
        self._compiled = engine == "python"
        self._scan: Optional[Scan] = None

    def compile_now(self) -> None:
        """Compile at once (unless the pure-Python screen was asked for): a run about to
        screen many files, or to fork workers that inherit the compiled patterns."""
        self._left = 0
        self.get(0)

    def get(self, size: int) -> Optional[Scan]:
        """The scanner for a file of ``size`` bytes, or None while the pure-Python screen
        is still cheaper (or Hyperscan is missing)."""
        if not self._compiled:
            self._left -= size
            if self._left > 0:
                return None
            patterns = self.patterns() if callable(self.patterns) else self.patterns
            self._scan, self._compiled = scanner(patterns), True
        return self._scan

    def ready(self) -> Optional[Scan]:
        """The scanner if it is compiled already, else None (compiling nothing: for the
        small texts a file hides, which the pure-Python screen searches about as fast)."""
        return self._scan if self._compiled else None
