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
    "This page merges partial runs. The rows of one and precommit, and `check`, ruff, "
    "`policy` and `fix --diff` on site, aws and dense, the phase table and the profile come "
    "from one run of 2026-12-05 08:52 UTC (21 runs on one and precommit, 5 on site, aws and "
    "dense). On this machine the ratios of one commit move by 5 to 10% from run to run: "
    "the run ten minutes before, whose code differed only by a cheaper settings-marker "
    "search, measured `check` on site at 0.70x ruff in wall time and 0.64x in CPU, against "
    "0.75x and 0.68x here (ruff itself took 1.50 to 1.69 s there, 1.57 to 1.88 s here). The "
    "floors of site and aws are from 2026-12-04, on a machine about 3x slower, so their "
    "columns mix machines. The slow peers (bandit, detect-secrets, semgrep, the flake8 "
    "pair), small and the scaling run are the 2026-11-30 ones, so the bandit/detect-secrets/"
    "semgrep ratios of site divide one day's `check` by another day's peer. Compare the "
    "ratios measured side by side, and the CPU columns.",
    "lint-creds against ruff: ruff parses and checks every file in Rust; lint-creds screens "
    "every byte and parses only the files that pass. On site 29 files pass; three hold "
    "findings. In one process (the phase table) the screen is about half of the CPU (its "
    "Hyperscan pass, and the later steps on the 1,482 files that pass it), parsing and "
    "analysing the 29 files a third, reading a tenth. pandas' `frame.py` passes on a dict "
    "literal with a \"key\" entry in a docstring example (0.16 s), moto's SageMaker models "
    "and IAM policy data on a `key_id` name beside a 128-character hex digest and a "
    "40-character policy name, which the engine would report if one were bound to the "
    "other (0.17 s). Before the workers start, the parent walks site once (the project "
    "index's walk, which gives the targets too) and checks the cached table of wrapper "
    "names against it (10,904 stats; site defines no wrapper) while a thread compiles the "
    "first stage the workers inherit: the pool starts about 0.15 s into the run.",
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
