"""The notes at the foot of docs/benchmarks.md: how the bench measures, and what the
figures mean. Text, not measurements (``--report-only`` re-renders them)."""
from __future__ import annotations

NOTES = (
    "Peak RSS is `ru_maxrss` of the reaped child: the largest single process of the tool's "
    "process tree (a parent or one worker), not a sum.",
    "Every tool runs on exactly the corpus files: ruff with `--isolated --no-respect-gitignore`, "
    "flake8 with `--isolated`, semgrep with `--no-git-ignore --x-ignore-semgrepignore-files "
    "--max-target-bytes=0`, detect-secrets with `--all-files`; paths any tool skips by "
    "default (`build/`, `dist/`, `env/`, ...) are left out of the corpora.",
    "The floors run single-process in the lint-creds venv's interpreter (`bench/floors.py`).",
    "semgrep's wall time includes its start-up (Python wrapper plus semgrep-core), measured "
    "offline with metrics and the version check off.",
    "lint-creds against ruff on site: ruff parses and checks every file in Rust on both "
    "cores; lint-creds screens every byte in Python and parses only the files that pass (51 "
    "of 10,904 on site: moto's IAM and S3 models, pandas' `storage_options` plumbing, "
    "botocore's credential code). The screen is about a dozen substring scans of every byte "
    "at memchr speed, about 0.1 s of CPU each over site: 1.7 to 1.9 s of CPU in all, against "
    "2.8 to 3.4 s for ruff's whole run; parsing and analysing the 51 files costs 0.7 s more "
    "(`bench/phases.py`, 2026-11-30). Each scan is bound by CPython's search loop, not by "
    "memory: scanning in cache-sized blocks changes nothing. The margin is small (0.97x in "
    "wall time and 0.95x in CPU time in this page's run; 1.00x in the day's full run, made "
    "before the last narrowing of the anchors), about the run-to-run spread of either tool "
    "on this machine (up to 10%).",
    "flake8 on site: pyflakes raises RecursionError on sympy's 568-level "
    "`resolvent_lookup.py` and flake8 then aborts the whole run (exit 1, after about 3 "
    "minutes, nothing reported), so both flake8s skip that one file (`--extend-exclude`) and "
    "the bare one must exit 0. A complete run takes 4 to 8 minutes, by machine; the pair "
    "is timed alternately, and its run-to-run spread has been up to 10%, as large as the "
    "target's margin: the row is also given in CPU time, and `--peer-repeats 3` gives the "
    "pair three runs each (the tables' runs column says how many this page had).",
    "`fix --diff` pays libcst for every file it rewrites: libcst parses and prints the whole "
    "module, but its codemod passes see only the statements that matter (every run of "
    "other statements is one stand-in, `lint_creds/fix/slicing.py`), and the imports a fix "
    "leaves unused are removed without libcst's whole-module scope analysis when the "
    "module's `ast` decides them (`lint_creds/fix/imports.py`).",
)
