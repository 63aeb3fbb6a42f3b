"""The runner streams: a huge tree is never held in memory, whatever the worker count."""
from __future__ import annotations

from typing import Iterator

import pytest

from lint_creds.source.files import Target
from lint_creds.options import Options
from lint_creds.cli.runner import check_targets
from lint_creds.source.pool import CHUNK_SIZE, CHUNKS_IN_FLIGHT_PER_WORKER, MIN_FILES_FOR_POOL

TOTAL = 6000


@pytest.mark.parametrize("jobs", [1, 2])
def test_targets_are_consumed_as_results_are_taken(jobs: int) -> None:
    consumed = 0

    def targets() -> Iterator[Target]:
        nonlocal consumed
        for index in range(TOTAL):
            consumed += 1
            source = b'import boto3\nc = boto3.client("s3", aws_access_key_id="%s")\n' % (
                b"AKIAZ7VQ3KXW5R2MW5FG" if index % 1000 == 0 else b"")
            yield Target(f"m{index}.py", data=source)

    results = check_targets(targets(), Options(), jobs=jobs)
    first = next(results)
    ahead = MIN_FILES_FOR_POOL + (CHUNKS_IN_FLIGHT_PER_WORKER * jobs + 1) * CHUNK_SIZE
    assert first.path == "m0.py" and first.findings
    assert consumed <= ahead < TOTAL
    rest = list(results)
    assert [r.path for r in rest] == [f"m{i}.py" for i in range(1, TOTAL)]
    assert sum(bool(r.findings) for r in rest) == TOTAL // 1000 - 1
