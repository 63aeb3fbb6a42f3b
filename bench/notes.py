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
    "This page is one full run (2026-12-05 23:50 UTC), on a new machine of the same kind as "
    "the run before it: every row was measured side by side, 3 runs on site, aws and dense, "
    "21 on one and precommit, one run of each slow peer. The page before merged partial "
    "runs, on another machine. Its site and start-up rows came from 18:39 UTC that day: "
    "site 0.58x ruff wall, 0.54x CPU; one.py 5.1x; pre-commit 5.0x. Its slow peers and "
    "scaling run came from 2026-11-30. On one machine the ratios of one commit move by 5 "
    "to 10% from run to run; compare the ratios measured side by side, and the CPU columns. "
    "Three rows that passed on the old page fail here. (1) `check` on site in wall time, "
    "0.705x ruff (the CPU row passes at 0.594x). (2) The flake8 pair: 1.40x wall but "
    "1.09x CPU, from one run each; the CPU says the plugin adds 9%, and the wall gap (the "
    "plugin's run kept both cores busy for less of its time) is not explained yet. (3) The "
    "scaling run: the parent's peak RSS grows from 31 MB at 1x to 74 MB at 8x. The project "
    "index keeps state for every file of the project: the walk's targets, and the cached "
    "and checked tables of wrapper names: about 0.4 kB a file, by a tracemalloc snapshot "
    "taken by hand at the end of a whole-project `check` of site. "
    "The 2026-11-30 scaling run (17 MB, flat) came before that state existed.",
    "lint-creds against ruff: ruff parses and checks every file in Rust; lint-creds screens "
    "every byte and parses only the files that pass. On site 27 files pass; three hold "
    "findings. In one process (the phase table of site in the 18:39 run; this page's is of "
    "dense, the default profile corpus) the screen is about three fifths of the "
    "CPU (its Hyperscan pass, and the later steps on the files that pass it), parsing and "
    "analysing the 27 files about a quarter, reading a tenth. What still passes without a "
    "finding: moto's SageMaker models on a `kms_key_id` name beside a 128-character hex "
    "digest, which the engine would report if one were bound to the other; moto's managed "
    "IAM policies, one 4.7 MB string; a pandas test whose string holds a `{\"key\": ...}` "
    "dict; a Twisted test with a credential-like name and a joined secret-shaped string. "
    "Before the workers start, the parent walks site once (the project index's walk, which "
    "gives the targets too) and checks the cached table of wrapper names against it (10,904 "
    "stats; site defines no wrapper) while a thread compiles the first stage the workers "
    "inherit.",
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
    "Start-up: `python -c pass` is the unit. Importing `re` (pip's console-script wrapper "
    "does), `argparse` and `tomllib` and parsing one.py (`floor-cli`, what any configurable "
    "command line that parses Python pays) already costs 3.1x on this machine (2.9x on a "
    "faster one), so the 3.5x target leaves lint-creds' own modules, its analysis of one.py "
    "and its report 2 to 6 ms. Timed by hand here (`python -c pass` 10.3 ms, `check one.py` "
    "55 ms): its 45 modules take about 15 ms to import (their NamedTuple and Enum classes, "
    "`typing`), the screen, parse and analysis of one.py about 11 ms, 4 of them compiling "
    "the 30 patterns the run uses (`re` keeps no compiled pattern across processes), "
    "`tomllib` 3.5 ms (one.py lies in this repository, whose pyproject.toml configures "
    "lint-creds) and the exit about 3 ms. Issue 18 removed the compiles of module-level "
    "patterns at import, the parsers of the commands not run, `tomllib` where no "
    "`[tool.lint-creds]` can be in the bytes, and the exiting interpreter's last collection "
    "(the console entry freezes the collector, 2.5 ms). What is left is the engine itself: "
    "the target needs an engine that is not Python bytecode, or a resident process, not "
    "more trimming.",
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
