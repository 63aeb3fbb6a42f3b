"""The project's own code passes flake8 (pycodestyle, pyflakes, and lint-creds itself).

Real flake8 on the real trees, with the settings written here (``--isolated``: no
configuration file of the checkout or the user changes the verdict). Tests may hold long
source lines in their tables and the throwaway keys the rules are tested on.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Tuple

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
MAX_LINE_LENGTH = "100"
#: What the bench builds and downloads, and its output: not the project's code.
BENCH_DATA = "bench/.cache,bench/corpus,bench/out"

#: (paths, codes ignored beyond flake8's defaults)
TREES: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("lint_creds",), ""),
    (("scripts", "bench"), ""),
    (("tests",), "E501,CRD"),
)


@pytest.mark.parametrize("paths, ignored", TREES, ids=[" ".join(t[0]) for t in TREES])
def test_the_tree_passes_flake8(paths: Tuple[str, ...], ignored: str) -> None:
    argv = [sys.executable, "-m", "flake8", "--isolated", "--max-line-length", MAX_LINE_LENGTH,
            "--extend-exclude", BENCH_DATA]
    if ignored:
        argv += ["--extend-ignore", ignored]
    result = subprocess.run([*argv, *paths], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
