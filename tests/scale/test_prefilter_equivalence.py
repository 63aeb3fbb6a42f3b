"""The prefilter never changes a result: on every file of a real corpus, the runner (with
its byte-level prefilter) reports exactly what the engine reports when it runs anyway.

Also the engine's crash-freedom on real code: ``check_source`` may reject input Python
cannot parse (SyntaxError, ValueError, RecursionError, MemoryError) and nothing else.

Run alone while changing ``lint_creds/source/prefilter.py``::

    python -m pytest tests/scale/test_prefilter_equivalence.py           # bounded, seconds
    python -m pytest -m scale tests/scale/test_prefilter_equivalence.py  # all of site
"""
from __future__ import annotations

import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from typing import List, Optional, Sequence, Tuple

import pytest

from lint_creds.source import multi_scan, prefilter
from lint_creds.source.prefilter import could_hold_finding

from .corpus import SEED, Source, site_source, venv_sources, write_figures
from .equivalence import OPTION_SETS, prefilter_difference

BOUNDED_FILES = 200
BOUNDED_MAX_BYTES = 40_000


def compare(path: str) -> Tuple[str, bool, Optional[str]]:
    """(path, prefilter accepted it under some option set, a difference or None)."""
    with open(path, "rb") as handle:
        data = handle.read()
    accepted = any(could_hold_finding(data, options, path) for options in OPTION_SETS.values())
    return path, accepted, prefilter_difference(data, path)


def _chunk(paths: Sequence[str]) -> List[Tuple[str, bool, Optional[str]]]:
    return [compare(path) for path in paths]


def compare_all(paths: Sequence[str], workers: int) -> List[Tuple[str, bool, Optional[str]]]:
    """:func:`compare` over every path, on ``workers`` processes."""
    if workers <= 1:
        return _chunk(paths)
    chunks = [paths[i:i + 64] for i in range(0, len(paths), 64)]
    with ProcessPoolExecutor(workers) as pool:
        return [row for rows in pool.map(_chunk, chunks) for row in rows]


def _bounded() -> Source:
    everything = venv_sources()
    small = [r for r in everything.relpaths
             if os.path.getsize(os.path.join(everything.root, r)) <= BOUNDED_MAX_BYTES]
    return Source("venv-sample", everything.root,
                  sorted(random.Random(SEED).sample(small, BOUNDED_FILES)))


SIZES = [
    pytest.param("bounded", id="bounded"),
    pytest.param("full", id="full", marks=pytest.mark.scale),
]


def engines() -> List[str]:
    """The screen's two paths (lint_creds/source/multi_scan.py): pure Python, and Hyperscan's
    first stage from the first byte where Hyperscan is installed."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return ["python"]
    return ["python", "hyperscan"]


@pytest.mark.parametrize("size", SIZES)
def test_prefilter_changes_no_result(size: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """On each path the runner reports what the engine reports, and both paths pass the
    same files."""
    source = _bounded() if size == "bounded" else site_source()
    paths = [os.path.join(source.root, r) for r in source.relpaths]
    accepted = {}
    for engine in engines():
        monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, engine)
        monkeypatch.setattr(prefilter, "_cache", {})  # anchors read the engine when built
        started = time.monotonic()
        rows = compare_all(paths, 1 if size == "bounded" else (os.cpu_count() or 1))
        seconds = round(time.monotonic() - started, 1)
        differences = [(os.path.relpath(p, source.root), d) for p, _, d in rows if d]
        accepted[engine] = [os.path.relpath(p, source.root) for p, a, _ in rows if a]
        write_figures(f"{size}-prefilter-{engine}", {
            "files": len(rows), "accepted_by_prefilter": len(accepted[engine]),
            "differences": len(differences), "seconds": seconds})
        assert differences == [], engine
        assert len(rows) == len(source.relpaths)
    assert all(files == accepted["python"] for files in accepted.values())


def test_a_prefilter_that_drops_a_finding_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import lint_creds.cli.runner

    source = b'import os, boto3\nboto3.client("s3", aws_access_key_id=os.environ["K"])\n'
    assert prefilter_difference(source, "app.py") is None
    monkeypatch.setattr(lint_creds.cli.runner, "could_hold_finding",
                        lambda data, options, path, project=None: False)
    assert "CRD201" in (prefilter_difference(source, "app.py") or "")
