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
    "This page merges partial runs. The rows of one and precommit, and `check`, ruff and "
    "`policy` on site and aws, come from one run of 2026-12-05 on a quiet machine (load 0.6 "
    "at its start; 21 runs on one and precommit, 5 on site and aws). The floors of site and "
    "aws are from 2026-12-04, on a machine about 3x slower, so their columns mix machines. "
    "The slow peers (bandit, detect-secrets, semgrep, the flake8 pair), dense, small, "
    "`fix --diff` and the scaling run are the 2026-11-30 ones, so the bandit/detect-secrets/"
    "semgrep ratios of site divide one day's `check` by another day's peer. Compare the "
    "ratios measured side by side, and the CPU columns.",
    "lint-creds against ruff: ruff parses and checks every file in Rust; lint-creds screens "
    "every byte and parses only the files that pass. On site (the phase table above: one "
    "process, `bench/phases.py`) the screen is about half of the CPU, and parsing and "
    "analysing the 36 files that pass (51 before issue 18) most of the rest. "
    "Of those 36, three hold findings; pandas' `storage_options` plumbing (`frame.py`, "
    "`generic.py`, `series.py`, `stata.py` and tests: it passes the option on and names "
    "dict keys \"key\") costs about 0.8 s of the 1.6, moto's SageMaker and Lambda models "
    "and IAM policy data 0.3 s more (key-id-shaped ids, a name with `key_id` beside a "
    "40-character hex digest). What would drop pandas is knowing that every "
    "`storage_options=` value is a parameter, which bytes alone cannot tell (a tuple "
    "target binds a name in the same shape as a keyword argument). A run with the pool "
    "spends about 0.5 s of CPU more than one process (the parent walks the tree twice, "
    "once for the targets and once for the project index, and feeds the workers).",
    "The aws corpus adds to site the AWS packages site lacks. awscli vendors botocore "
    "(`awscli/botocore/`), a package the engine does not treat as the SDK, so its "
    "`create_client` is one of the project's wrappers: the screen's second look keeps a "
    "file that calls it only when the call could pass a credential (enough positional "
    "arguments, a parameter's keyword, `*` or `**`), 9 files instead of 32.",
    "The precommit rows check one file of site that the screen turns away "
    "(`s3transfer/manager.py`), in site's project: the second look answers the first few "
    "such files of a run by analysing them (their imports resolved through the index) "
    "instead of building the table of every wrapper name in the project, so warm and cold "
    "runs cost the same (the cold one empties a cache of its own before each run). Every "
    "other `check` row is measured with its cache warm (one untimed run first).",
    "Start-up: `python -c pass` is the unit. Importing `re`, `argparse` and `tomllib` "
    "and parsing one.py (`floor-cli`, what any configurable command line that parses "
    "Python pays) already costs 3.3x on this machine (2.9x on the faster one), so the "
    "3.5x target leaves lint-creds about a fifth of a `python -c pass` of its own. Its "
    "share is its modules (about 35 ms here: the engine alone 15 ms, NamedTuple and Enum "
    "classes and the project index), the analysis of one.py (about 20 ms) and "
    "`tomllib` (7 ms; one.py lies in this repository, whose pyproject.toml configures "
    "lint-creds). Issue 18 removed the compiles of module-level patterns at import, the "
    "parsers of the commands not run, and `tomllib` where no `[tool.lint-creds]` can be "
    "in the bytes.",
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
