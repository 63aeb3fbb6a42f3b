"""Phase timings of the ``check`` pipeline without a profiler's distortion.

    <lint-creds venv>/bin/python bench/phases.py PATH...   # prints JSON

Runs the same steps as ``lint-creds check`` does, one file at a time in one process, with
``time.process_time`` (CPU seconds) around each: discovery, reading, prefilter, parse, analysis (and
decoding). cProfile (profile_check.py) says *which functions* cost; this says how the
seconds split when nothing is instrumented. It uses lint-creds' internal functions, so it
reports an error instead of numbers if their names change.
"""
from __future__ import annotations

import ast
import json
import sys
import time
from typing import Dict, List, Optional


def measure(paths: List[str]) -> Dict[str, object]:
    """Seconds per phase over ``paths``, file counts, and any crash of lint-creds code."""
    from lint_creds.engine import analyze_tree
    from lint_creds.source.files import FileProblem, discover, read_bytes
    from lint_creds.engine.gc_pause import collector_paused
    from lint_creds.options import Options
    from lint_creds.source.prefilter import could_hold_finding
    from lint_creds.cli.runner import decode_source

    options = Options()
    clock = time.process_time  # CPU seconds: steadier than wall time on a busy machine
    spent = dict.fromkeys(("discovery", "reading", "prefilter", "decoding", "parse",
                           "analysis"), 0.0)
    counts = {"files": 0, "passed prefilter": 0, "parsed": 0}
    errors: List[str] = []
    start = clock()
    targets = [t.path for t in discover(paths) if t.problem is None]
    spent["discovery"] = clock() - start
    for path in targets:
        t0 = clock()
        try:
            data = read_bytes(path)
        except FileProblem:
            continue
        t1 = clock()
        try:
            keep = could_hold_finding(data, options, path)
        except Exception as error:  # a crash is lint-creds' bug: count it, keep timing
            errors.append(f"{path}: prefilter {type(error).__name__}: {error}")
            continue
        t2 = clock()
        spent["reading"] += t1 - t0
        spent["prefilter"] += t2 - t1
        counts["files"] += 1
        if not keep:
            continue
        counts["passed prefilter"] += 1
        try:
            text = decode_source(data, path)
            t3 = clock()
            with collector_paused():  # as check parses and analyses (engine.analyze_source)
                tree = ast.parse(text, path)
                t4 = clock()
                analyze_tree(tree, text.splitlines(), path, options)
                t5 = clock()
        except (FileProblem, SyntaxError, ValueError, RecursionError):
            continue  # check reports these as file problems
        except Exception as error:
            errors.append(f"{path}: engine {type(error).__name__}: {error}")
            continue
        spent["decoding"] += t3 - t2
        spent["parse"] += t4 - t3
        spent["analysis"] += t5 - t4
        counts["parsed"] += 1
    return {**spent, **counts, "crashes": len(errors), "first crash": errors[0] if errors else ""}


def main(argv: Optional[List[str]] = None) -> int:
    """Print the phase timings of ``argv`` paths as JSON."""
    paths = sys.argv[1:] if argv is None else argv
    try:
        result = measure(paths)
    except ImportError as error:  # lint-creds' internals moved
        result = {"error": f"cannot import lint-creds internals: {error}"}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
