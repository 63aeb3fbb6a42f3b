"""A one-line progress report on stderr for long ``check`` and ``fix`` runs.

Shown only on a terminal, only once a run has lasted :data:`SHOW_AFTER` seconds (the usual
pre-commit call never sees it), redrawn at most every :data:`REDRAW_EVERY` seconds and
cleared before the report. Per file it costs a counter and a monotonic clock read (a vDSO
call on Linux, no system call), so it does not slow a run measurably.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Iterable, Iterator, Optional, TextIO, TypeVar

#: Seconds a run lasts before the line first appears.
SHOW_AFTER = 2.0
#: Seconds between redraws.
REDRAW_EVERY = 0.25
#: Environment variable overriding :data:`SHOW_AFTER` (seconds; the tests set 0).
SHOW_AFTER_VARIABLE = "LINT_CREDS_PROGRESS_AFTER"

Item = TypeVar("Item")


class Progress:
    """``lint-creds: 1200/3400 files, 3 findings``, rewritten in place with ``\\r``.

    ``total`` is the number of files when known up front (``fix``); otherwise (``check``,
    which discovers files while it checks them) the files seen so far are the total, with
    ``+`` while discovery goes on.
    """

    def __init__(self, stream: TextIO, total: Optional[int] = None,
                 show_after: float = SHOW_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        self.seen = 0
        self.discovering = total is None
        self.done = 0
        self.findings = 0
        self._clock = clock
        self._next_draw = clock() + show_after
        self._drawn = 0  # length of the line on screen, 0 when none

    def counted(self, items: Iterable[Item]) -> Iterator[Item]:
        """``items``, counted as they are discovered."""
        for item in items:
            self.seen += 1
            yield item
        self.discovering = False

    def advance(self, findings: int = 0) -> None:
        """One more file done, with its findings."""
        self.done += 1
        self.findings += findings
        now = self._clock()
        if now >= self._next_draw:
            self._next_draw = now + REDRAW_EVERY
            self._draw()

    def line(self) -> str:
        """The text of the progress line."""
        total = self.total if self.total is not None else self.seen
        more = "+" if self.total is None and self.discovering else ""
        plural = "" if self.findings == 1 else "s"
        return (f"lint-creds: {self.done}/{total}{more} files, "
                f"{self.findings} finding{plural}")

    def _draw(self) -> None:
        text = self.line()
        # Spaces cover the rest of a longer earlier line.
        self.stream.write("\r" + text + " " * max(self._drawn - len(text), 0))
        self.stream.flush()
        self._drawn = len(text)

    def close(self) -> None:
        """Clear the line, if one was drawn, so the report starts on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0


def progress_for(stream: TextIO, quiet: bool = False,
                 total: Optional[int] = None) -> Optional[Progress]:
    """A :class:`Progress` on ``stream`` when it is a terminal and ``quiet`` is off; else
    None (a pipe or a file never gets one)."""
    if quiet:
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # a closed or replaced stream
        return None
    try:
        show_after = float(os.environ.get(SHOW_AFTER_VARIABLE, SHOW_AFTER))
    except ValueError:
        show_after = SHOW_AFTER
    return Progress(stream, total, show_after)


def tracked(results: Iterable[Item], progress: Progress,
            findings: Callable[[Item], int]) -> Iterator[Item]:
    """``results``, each advancing ``progress`` by one file and its findings; the line is
    cleared when they end (or the consumer stops)."""
    try:
        for result in results:
            progress.advance(findings(result))
            yield result
    finally:
        progress.close()
