#!/usr/bin/env python3
"""The lint-creds benchmark suite, in one command (issue 6; see docs/benchmarks.md).

    python3 bench/run.py            # full run: venvs, corpora, timings, scaling, profile, docs
    python3 bench/run.py --quick    # smoke run on the one/small corpora, a few repeats
    python3 bench/run.py --corpora site --only check,ruff --repeats 3

Writes bench/out/results.json, bench/out/benchmarks.md and the charts; a full run also
regenerates docs/benchmarks.md, docs/benchmarks.json (the results, which --merge and
--report-only fall back to) and docs/benchmarks*.png. Standard library only; the venvs
it builds under bench/.cache/ come from the pinned requirement files beside this script.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from typing import Any, Dict, List, Optional, Sequence

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import corpora, envs, measure, profile_check, report, timing, tools  # noqa: E402
from bench.notes import NOTES  # noqa: E402

OUT_DIR = timing.OUT_DIR
DOCS_DIR = os.path.join(envs.REPO_DIR, "docs")
CORPUS_ROOT = corpora.CORPUS_ROOT
FULL_COMMAND = "python3 bench/run.py"
log = timing.log

WHAT = {
    "one": "`bench/corpus/one.py`, a realistic 300-line module with findings (pre-commit case)",
    "small": f"a seeded {corpora.SMALL_FILES}-file sample of site (a pre-commit batch)",
    "site": "every `*.py` of a venv with `bench/requirements-site.txt` installed",
    "dense": f"site with a credential snippet appended to {corpora.DENSE_FRACTION:.0%} of "
             "its files (seeded; one rule per file, cycling through all rules)",
    "aws": "site plus the sources of the AWS packages pinned in `bench/requirements-aws.txt` "
           "that site lacks (aiobotocore, aioboto3, awscli, s3fs, django-storages, "
           "aws-xray-sdk; boto3, botocore, s3transfer and moto are site's)",
    "precommit": f"one file of site (`{corpora.STAGED_FILE}`, which the byte screen turns "
                 "away) checked as a pre-commit hook does, with site as its project: the "
                 "screen's second look analyses it, its imports read through the project "
                 "index (cache warm: `check`; cold: `check-cold`)",
}
ALL_CORPORA = ("one", "small", "site", "dense", "aws", "precommit")
#: Corpora timed in ``--big-repeats`` rounds (a run costs seconds); the others in
#: ``--repeats`` (start-up cases, where many runs steady a ratio of milliseconds).
BIG = ("site", "dense", "aws")
VENV_OF_TOOL = {"check": "crd", "check-cold": "crd", "fix-diff": "crd", "policy": "crd",
                "flake8-crd": "crd", "flake8-bare": "bare",
                "ruff": "tools", "bandit": "tools", "detect-secrets": "tools",
                "semgrep": "tools", "floor-read": "crd", "floor-parse": "crd", "floor-cli": "crd",
                "python": "crd"}


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: corpora one and small, 3 repeats, no scaling")
    parser.add_argument("--corpora", help="comma-separated subset of " + ",".join(ALL_CORPORA))
    parser.add_argument("--only", help="comma-separated subset of tools: " + ",".join(tools.TOOLS))
    parser.add_argument("--repeats", type=int, help="timed runs per command on one, small "
                        "and precommit (default 21; 3 with --quick): start-up ratios of a few "
                        "milliseconds need many runs on a shared machine")
    parser.add_argument("--big-repeats", type=int, default=3,
                        help="timed runs per command on site, dense and aws (default 3); also "
                        "of the cold pre-commit run")
    parser.add_argument("--peer-repeats", type=_positive, default=1,
                        help="timed runs of the slow peers (flake8, bandit, detect-secrets, "
                        "semgrep) on small/site/dense (default 1: minutes each on site)")
    parser.add_argument("--scale-repeats", type=_positive, default=1,
                        help="timed runs per size in the scaling run (default 1)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1x-8x scaling run")
    parser.add_argument("--scale-sizes", default="1,2,4,8",
                        help="multiples of site for the scaling run (default 1,2,4,8)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument("--write-docs", action="store_true",
                        help="regenerate docs/benchmarks.md even for a partial run")
    parser.add_argument("--merge", action="store_true",
                        help="keep the measurements of the last results (bench/out/results.json, "
                        "else docs/benchmarks.json) that this run "
                        "does not repeat (build a full page from partial runs)")
    parser.add_argument("--profile-corpus", default="dense",
                        help="corpus to profile (default dense; falls back to small, one)")
    parser.add_argument("--report-only", action="store_true",
                        help="re-render the page and charts from the last results "
                        "(bench/out/results.json, else docs/benchmarks.json)")
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def ensure_venvs(keys: Sequence[str]) -> None:
    for key in ("site", "aws", "tools", "bare", "crd"):
        if key in keys:
            envs.ensure(key, log=log)


def build_corpora(names: Sequence[str], scale: bool) -> Dict[str, corpora.Corpus]:
    corpora.write_isolation_files(CORPUS_ROOT)
    built: Dict[str, corpora.Corpus] = {}
    if "one" in names:
        built["one"] = corpora.one_corpus()
    if set(names) - {"one"} or scale:
        stamp = envs.stamp("site")
        log("building the site corpus (cached) ...")
        site = corpora.build_site(envs.site_packages("site"), CORPUS_ROOT, stamp)
        if "small" in names:
            built["small"] = corpora.build_small(site, CORPUS_ROOT)
        if "site" in names:
            built["site"] = site
        if "dense" in names:
            log("building the dense corpus (cached) ...")
            built["dense"] = corpora.build_dense(site, CORPUS_ROOT)
        if "aws" in names:
            log("building the aws corpus (cached) ...")
            built["aws"] = corpora.build_aws(site, envs.site_packages("aws"), CORPUS_ROOT,
                                             envs.stamp("aws"))
        if "precommit" in names:
            built["precommit"] = corpora.precommit_corpus(site)
    return built


def profile_run(corpus: corpora.Corpus) -> Dict[str, Any]:
    """cProfile of ``check`` on ``corpus`` (one worker when the CLI offers ``--jobs``)."""
    python = envs.executable("crd", "python")
    help_text = subprocess.run([envs.executable("crd", "lint-creds"), "check", "--help"],
                               capture_output=True, text=True).stdout
    serial = ["--jobs", "1"] if "--jobs" in help_text else []
    argv = ["check", *serial, *corpus.paths]
    out = os.path.join(OUT_DIR, f"check-{corpus.name}.prof")
    log(f"profiling lint-creds {' '.join(argv[:-1])} on {corpus.name} ...")
    error = profile_check.profile(python, argv, out, cwd=CORPUS_ROOT)
    if error:
        return {"error": error}
    result = profile_check.summarize(out)
    direct = subprocess.run([python, os.path.join(corpora.BENCH_DIR, "phases.py"), *corpus.paths],
                            capture_output=True, text=True)
    try:
        result["direct"] = json.loads(direct.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result["direct"] = {"error": (direct.stderr.strip().splitlines() or ["no output"])[-1]}
    empty = tempfile.mkdtemp(prefix="bench-empty-")
    try:
        result["startup_wall"] = _median_wall(tools.TOOLS["check"].argv([empty]))
        result["python_wall"] = _median_wall([python, "-c", "pass"])
    finally:
        shutil.rmtree(empty)
    result.update(corpus=corpus.name, command="lint-creds " + " ".join(argv[:-1]))
    return result


def _median_wall(argv: List[str], runs: int = 7) -> float:
    return statistics.median(measure.run_once(argv).wall for _ in range(runs))


def import_costs(top: int = 12) -> List[List[Any]]:
    """The costliest imports of ``check one.py`` (``-X importtime``): name, self, cumulative ms."""
    proc = subprocess.run([envs.executable("crd", "python"), "-X", "importtime", "-m",
                           "lint_creds", "check", corpora.ONE_PY], capture_output=True, text=True,
                          cwd=CORPUS_ROOT)  # not the checkout's copy (-m reads the cwd first)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            self_us = int(parts[0].split(":")[1])
            rows.append([parts[2].rstrip(), self_us / 1000.0, int(parts[1]) / 1000.0])
    return sorted(rows, key=lambda row: -row[2])[:top]


def libcst_imported() -> Optional[bool]:
    """Does a ``check`` run import libcst? (It must not: the fixer is imported lazily.)"""
    code = ("import sys\nfrom lint_creds.cli.main import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('LIBCST=%d\\n' % ('libcst' in sys.modules))\n")
    proc = subprocess.run([envs.executable("crd", "python"), "-c", code, corpora.ONE_PY],
                          capture_output=True, text=True, cwd=CORPUS_ROOT)
    for line in proc.stderr.splitlines():
        if line.startswith("LIBCST="):
            return line == "LIBCST=1"
    return None


def versions(keys: Sequence[str]) -> Dict[str, str]:
    wanted = {"crd": ("lint-creds", "flake8", "libcst"), "bare": ("flake8",),
              "tools": ("ruff", "bandit", "detect-secrets", "semgrep")}
    found = {"python": platform.python_version()}
    for key, names in wanted.items():
        if key in keys:
            for name in names:
                found.setdefault(name, envs.version_of(key, name))
    return found


def write_outputs(results: Dict[str, Any], to_docs: bool) -> None:
    os.makedirs(OUT_DIR, exist_ok=True)
    results_path = os.path.join(OUT_DIR, "results.json")
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
    bars, scale_png = (os.path.join(OUT_DIR, n)
                       for n in ("benchmarks.png", "benchmarks-scaling.png"))
    chart_ok = subprocess.run([envs.executable("tools", "python"),
                               os.path.join(corpora.BENCH_DIR, "chart.py"), results_path, bars,
                               scale_png]).returncode == 0 if os.path.exists(
                                   envs.executable("tools", "python")) else False
    page = report.render(results, FULL_COMMAND, "benchmarks.png" if chart_ok else None,
                         "benchmarks-scaling.png" if chart_ok and results.get("scaling") else None,
                         results.get("notes", ()))
    with open(os.path.join(OUT_DIR, "benchmarks.md"), "w", encoding="utf-8") as handle:
        handle.write(page)
    log(f"wrote {results_path} and {os.path.join(OUT_DIR, 'benchmarks.md')}")
    if to_docs:
        os.makedirs(DOCS_DIR, exist_ok=True)
        with open(os.path.join(DOCS_DIR, "benchmarks.md"), "w", encoding="utf-8") as handle:
            handle.write(page)
        shutil.copyfile(results_path, os.path.join(DOCS_DIR, "benchmarks.json"))
        for png in (bars, scale_png):
            if chart_ok and os.path.exists(png):
                shutil.copyfile(png, os.path.join(DOCS_DIR, os.path.basename(png)))
        log("regenerated docs/benchmarks.md and its charts")


def last_results_path() -> str:
    """The results of the last run here, else those the docs were made from (committed)."""
    local = os.path.join(OUT_DIR, "results.json")
    return local if os.path.exists(local) else os.path.join(DOCS_DIR, "benchmarks.json")


def merged(previous_path: str, new: Dict[str, Any]) -> Dict[str, Any]:
    """``new`` laid over the results at ``previous_path``, tool by tool and corpus by corpus."""
    try:
        with open(previous_path, encoding="utf-8") as handle:
            old: Dict[str, Any] = json.load(handle)
    except (OSError, ValueError):
        return new
    for corpus, runs in new["runs"].items():
        old.setdefault("runs", {}).setdefault(corpus, {}).update(runs)
    for key in ("corpora", "versions", "labels"):
        old.setdefault(key, {}).update(new[key])
    for key in ("scaling", "profile", "structural", "notes"):
        if new.get(key):
            old[key] = new[key]
    old["meta"] = {**new["meta"], "mode": "partial runs, merged", "date": new["meta"]["date"]}
    return old


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the suite; returns 0, or 1 when lint-creds itself could not be timed."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # end the running tool's process group too
    if args.report_only:
        with open(last_results_path(), encoding="utf-8") as handle:
            results = json.load(handle)
        results["notes"] = list(NOTES)  # the method's notes are text, not measurements
        write_outputs(results, to_docs=args.write_docs or results["meta"]["mode"] == "full")
        return 0
    names = ["one", "small"] if args.quick else list(ALL_CORPORA)
    if args.corpora:
        names = [n for n in args.corpora.split(",") if n]
    repeats = args.repeats or (3 if args.quick else 21)
    big = min(args.big_repeats, repeats) if args.quick else args.big_repeats
    only = set(args.only.split(",")) if args.only else None
    scale = not (args.quick or args.no_scaling or (only and "check" not in only)
                 or (args.corpora and "site" not in names))
    plan = {c: [t for t in tools.PLAN[c] if only is None or t in only] for c in names}
    keys = sorted({VENV_OF_TOOL[t] for ts in plan.values() for t in ts} | {"crd"}
                  | ({"site"} if set(names) - {"one"} or scale else set())
                  | ({"aws"} if "aws" in names else set())
                  | ({"tools"}))
    ensure_venvs(keys)
    built = build_corpora(names, scale)
    now = datetime.datetime.now(datetime.timezone.utc)
    mode = "quick" if args.quick else ("partial" if only or args.corpora else "full")
    results: Dict[str, Any] = {
        "meta": {"date": now.strftime("%Y-%m-%d %H:%M UTC"),
                 "python": platform.python_version(),
                 "machine": f"{platform.machine()}, {os.cpu_count()} cores, load "
                            f"{os.getloadavg()[0]:.2f} at start",
                 "repeats": f"{repeats} on one/small/precommit ({big} cold), {big} on "
                            f"site/dense/aws; slow peers {args.peer_repeats} outside one; "
                            f"scaling {args.scale_repeats}",
                 "mode": mode},
        "corpora": {n: {"files": c.files, "bytes": c.bytes, "what": WHAT[n]}
                    for n, c in built.items()},
        "labels": {name: tool.label for name, tool in tools.TOOLS.items()},
        "versions": versions(keys),
        "notes": list(NOTES),
        "runs": {},
    }
    for name, corpus in built.items():
        log(f"timing on {name} ({corpus.files:,} files, {corpus.bytes / 1e6:,.1f} MB) ...")
        rounds = big if name in BIG else repeats
        if name == "precommit":  # the cold case costs a whole screen of site per run
            runs = timing.time_corpus(corpus, plan[name], rounds, big, frozenset({"check-cold"}))
        else:
            runs = timing.time_corpus(corpus, plan[name], rounds,
                                      None if name == "one" else args.peer_repeats)
        results["runs"][name] = runs
    if scale:
        results["scaling"] = timing.scaling_run(corpora.build_site(
            envs.site_packages("site"), CORPUS_ROOT, envs.stamp("site")), args.scale_repeats,
            [int(k) for k in args.scale_sizes.split(",")])
    if not args.no_profile and (only is None or "check" in only):
        target = (built.get(args.profile_corpus) or built.get("dense") or built.get("small")
                  or built.get("one"))
        if target is not None:
            results["profile"] = profile_run(target)
    results["structural"] = {"libcst_imported_by_check": libcst_imported(),
                             "imports": import_costs()}
    if args.merge:
        results = merged(last_results_path(), results)
    write_outputs(results, to_docs=args.write_docs or results["meta"]["mode"] == "full")
    for row in report.target_rows(results):
        log(" | ".join(row))
    checked = [r.get("check", {}) for r in results["runs"].values()]
    return 1 if checked and all(c.get("error") for c in checked if c) else 0


if __name__ == "__main__":
    sys.exit(main())
