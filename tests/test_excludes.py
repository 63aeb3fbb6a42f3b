"""Exclude patterns: plain names are looked up in a set, the other globs in one regex; both
must say what ``fnmatch`` says of the path (``pattern`` or ``*/pattern``) or of one of its
components, which is what the walk and ``--force-exclude`` apply."""
from __future__ import annotations

import fnmatch
from typing import Sequence

import pytest

from lint_creds.source.files import DEFAULT_EXCLUDES, is_excluded

PATTERNS = ("build", ".git", "*.egg-info", "tests/", "a*b", "src/gen", "t?st*", "[ab]x")


def by_fnmatch(path: str, patterns: Sequence[str]) -> bool:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return any(
        fnmatch.fnmatchcase(path, g) or fnmatch.fnmatchcase(path, f"*/{g}")
        or any(fnmatch.fnmatchcase(part, g) for part in parts)
        for g in (p.rstrip("/") for p in patterns))


@pytest.mark.parametrize("path, excluded", [
    ("build", True),
    ("pkg/build/gen.py", True),
    ("pkg/builder.py", False),
    ("rebuild/x.py", False),
    (".git/hooks/x.py", True),
    ("lib/demo.egg-info/x.py", True),
    ("tests", True),
    ("app/tests/test_x.py", True),
    ("a/x/b", True),  # a slash-free glob with * still matches across components
    ("axb.py", False),
    ("src/gen", True),
    ("other/src/gen", True),
    ("src/general.py", False),
    ("test1/x.py", True),
    ("ax/y.py", True),
    ("cx/y.py", False),
    ("./build", True),
    ("app/jobs.py", False),
])
def test_a_path_is_excluded_as_fnmatch_says(path: str, excluded: bool) -> None:
    assert by_fnmatch(path, PATTERNS) == excluded  # the table itself is right
    assert is_excluded(path, PATTERNS) == excluded


@pytest.mark.parametrize("path", [
    "venv/lib/x.py", "pkg/node_modules/m.py", "a/b.egg-info", "site-packages/six.py",
    "src/app.py", "envy/x.py", "_build", "pkg/__pycache__/m.py", "buck-out/x",
])
def test_the_default_excludes_match_as_fnmatch_says(path: str) -> None:
    assert is_excluded(path, DEFAULT_EXCLUDES) == by_fnmatch(path, DEFAULT_EXCLUDES)
