"""The floors every tool is compared to: read every file, and ``ast.parse`` every file.

    python bench/floors.py read PATH...
    python bench/floors.py parse PATH...
    python bench/floors.py cli-parse PATH...

One process, standard library only, the same walk for both: ``os.scandir`` over ``*.py``
(directories named explicitly or found below them; files named explicitly are taken as they
are). Prints ``files bytes parsed failed`` so a test can check the floor saw the corpus.

``cli-parse`` is ``parse`` after importing what a configurable command line of the standard
library needs: ``re`` (pip's console-script wrapper imports it before any tool runs),
``argparse`` and ``tomllib``. On one file it is the floor of start-up plus parsing.
"""
from __future__ import annotations

import ast
import os
import sys
from typing import Iterator, List, Optional, Sequence, Tuple


def iter_py_files(paths: Sequence[str]) -> Iterator[str]:
    """Every ``*.py`` under ``paths`` (files named explicitly are always yielded)."""
    stack = list(reversed(paths))
    while stack:
        path = stack.pop()
        if not os.path.isdir(path):
            yield path
            continue
        with os.scandir(path) as entries:
            ordered = sorted(entries, key=lambda e: e.name, reverse=True)
        for entry in ordered:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".py"):
                yield entry.path


def read_floor(paths: Sequence[str]) -> Tuple[int, int]:
    """Read every file once as bytes; returns (files, bytes)."""
    files = total = 0
    for path in iter_py_files(paths):
        with open(path, "rb") as handle:
            total += len(handle.read())
        files += 1
    return files, total


def parse_floor(paths: Sequence[str]) -> Tuple[int, int, int, int]:
    """Read and ``ast.parse`` every file; returns (files, bytes, parsed, failed).

    Files that do not parse (Python 2 leftovers, templates) are counted, not fatal: every
    tool meets the same files.
    """
    files = total = parsed = failed = 0
    for path in iter_py_files(paths):
        with open(path, "rb") as handle:
            source = handle.read()
        files += 1
        total += len(source)
        try:
            ast.parse(source, filename=path)
            parsed += 1
        except (SyntaxError, ValueError):  # ValueError: null bytes in source
            failed += 1
    return files, total, parsed, failed


def _import_cli_modules() -> None:
    import argparse  # noqa: F401
    import re  # noqa: F401

    if sys.version_info >= (3, 11):
        import tomllib  # noqa: F401


def main(argv: Optional[List[str]] = None) -> int:
    """``floors.py read|parse|cli-parse PATH...``; prints the counts and returns 0 (2 on bad
    usage)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] not in ("read", "parse", "cli-parse"):
        print(__doc__, file=sys.stderr)
        return 2
    if args[0] == "cli-parse":
        _import_cli_modules()
    if args[0] == "read":
        files, total = read_floor(args[1:])
        print(files, total, 0, 0)
    else:
        print(*parse_floor(args[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
