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
import time
from typing import Any, Dict, List, Optional, Sequence

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import corpora, envs, measure, profile_check, report, tools  # noqa: E402

OUT_DIR = os.path.join(corpora.BENCH_DIR, "out")
DOCS_DIR = os.path.join(envs.REPO_DIR, "docs")
CORPUS_ROOT = os.path.join(envs.CACHE_DIR, "corpus")
FULL_COMMAND = "python3 bench/run.py"
TIMEOUT = 1800.0
_START = time.monotonic()

WHAT = {
    "one": "`bench/corpus/one.py`, a realistic 300-line module with findings (pre-commit case)",
    "small": f"a seeded {corpora.SMALL_FILES}-file sample of site (a pre-commit batch)",
    "site": "every `*.py` of a venv with `bench/requirements-site.txt` installed",
    "dense": f"site with a credential snippet appended to {corpora.DENSE_FRACTION:.0%} of "
             "its files (seeded; one rule per file, cycling through all rules)",
}
VENV_OF_TOOL = {"check": "crd", "fix-diff": "crd", "flake8-crd": "crd", "flake8-bare": "bare",
                "ruff": "tools", "bandit": "tools", "detect-secrets": "tools",
                "semgrep": "tools", "floor-read": "crd", "floor-parse": "crd", "floor-cli": "crd",
                "python": "crd"}


def log(message: str) -> None:
    """Progress on stderr, with the elapsed time."""
    print(f"[{time.monotonic() - _START:7.1f}s] {message}", file=sys.stderr, flush=True)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: corpora one and small, 3 repeats, no scaling")
    parser.add_argument("--corpora", help="comma-separated subset of one,small,site,dense")
    parser.add_argument("--only", help="comma-separated subset of tools: " + ",".join(tools.TOOLS))
    parser.add_argument("--repeats", type=int, help="timed runs per command on one/small "
                        "(default 5; 3 with --quick)")
    parser.add_argument("--big-repeats", type=int, default=3,
                        help="timed runs per command on site/dense (default 3)")
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
    for key in ("site", "tools", "bare", "crd"):
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
    return built


def time_corpus(corpus: corpora.Corpus, names: Sequence[str], repeats: int,
                slow_repeats: Optional[int] = None) -> Dict[str, Any]:
    """Alternating rounds over ``names`` on ``corpus``; a tool that fails is dropped.

    The slow peers (:data:`tools.SLOW`) take part in only the first ``slow_repeats`` rounds
    when that is given: on site one of their runs costs minutes.
    """
    logs = os.path.join(OUT_DIR, "logs")
    os.makedirs(logs, exist_ok=True)
    # Warm-up: read every byte once, so no tool pays for a cold page cache.
    measure.run_once(tools.TOOLS["floor-read"].argv(corpus.paths))
    samples: Dict[str, List[measure.Sample]] = {name: [] for name in names}
    errors: Dict[str, str] = {}
    for round_no, order in enumerate(measure.rotations(names, repeats), 1):
        for name in order:
            if name in errors or (slow_repeats is not None and name in tools.SLOW
                                  and round_no > slow_repeats):
                continue
            tool = tools.TOOLS[name]
            err_path = os.path.join(logs, f"{corpus.name}-{name}.stderr")
            sample = measure.run_once(tool.argv(corpus.paths), cwd=CORPUS_ROOT,
                                      env=tools.environment(tool), stderr_path=err_path,
                                      timeout=TIMEOUT)
            crash = measure.crashed(err_path)
            if crash:
                errors[name] = f"crashed: {crash}".replace("|", "/")
                log(f"  {corpus.name}/{name}: CRASHED ({crash})")
                continue
            if sample.returncode not in tool.ok_codes:
                errors[name] = _failure(sample.returncode, err_path)
                log(f"  {corpus.name}/{name}: FAILED ({errors[name]})")
                continue
            samples[name].append(sample)
            log(f"  {corpus.name} round {round_no}/{repeats} {name}: {sample.wall:.3f}s "
                f"cpu {sample.cpu:.2f}s rss {sample.max_rss_mb:.0f}MB")
    out: Dict[str, Any] = {}
    for name in names:
        if name in errors:
            out[name] = {"error": errors[name], "runs": len(samples[name])}
        else:
            out[name] = {**measure.summarize(samples[name])._asdict(),
                         "returncodes": sorted({s.returncode for s in samples[name]})}
    return out


def _failure(code: int, err_path: str) -> str:
    with open(err_path, "rb") as handle:
        tail = handle.read().decode("utf-8", "replace").strip().splitlines()[-1:]
    detail = tail[0][:160] if tail else "no stderr"
    return f"exit {code}: {detail}".replace("|", "/")


def scaling_run(site: corpora.Corpus, repeats: int,
                multiples: Sequence[int] = (1, 2, 4, 8)) -> List[Dict[str, Any]]:
    """``check`` on 1x, 2x, 4x, 8x site (hard-linked copies), alternating sizes per round."""
    log("building the scaling copies (hard links, cached) ...")
    sizes = {f"x{c.files // site.files}": c
             for c in corpora.build_scale(site, CORPUS_ROOT, multiples)}
    tool = tools.TOOLS["check"]
    os.makedirs(os.path.join(OUT_DIR, "logs"), exist_ok=True)
    samples: Dict[str, List[measure.Sample]] = {key: [] for key in sizes}
    for order in measure.rotations(list(sizes), repeats):
        for key in order:
            err_path = os.path.join(OUT_DIR, "logs", f"scaling-{key}.stderr")
            sample = measure.run_once(tool.argv(sizes[key].paths), cwd=CORPUS_ROOT,
                                      env=tools.environment(tool), stderr_path=err_path,
                                      timeout=TIMEOUT * 4)
            if measure.crashed(err_path):
                sample = sample._replace(returncode=-1)  # reported below as a failure
            samples[key].append(sample)
            log(f"  scaling {key}: {sample.wall:.2f}s rss {sample.max_rss_mb:.0f}MB "
                f"(exit {sample.returncode})")
    rows = []
    for key, corpus in sizes.items():
        bad = [s.returncode for s in samples[key] if s.returncode not in tool.ok_codes]
        row: Dict[str, Any] = {"copies": int(key[1:]), "files": corpus.files, "bytes": corpus.bytes}
        if bad:
            row["error"] = "crashed (traceback)" if bad[0] == -1 else f"exit {bad[0]}"
        else:
            row.update(measure.summarize(samples[key])._asdict())
        rows.append(row)
    return rows


def profile_run(corpus: corpora.Corpus) -> Dict[str, Any]:
    """cProfile of ``check`` on ``corpus`` (one worker when the CLI offers ``--jobs``)."""
    python = envs.executable("crd", "python")
    help_text = subprocess.run([envs.executable("crd", "lint-creds"), "check", "--help"],
                               capture_output=True, text=True).stdout
    serial = ["--jobs", "1"] if "--jobs" in help_text else []
    argv = ["check", *serial, *corpus.paths]
    out = os.path.join(OUT_DIR, f"check-{corpus.name}.prof")
    log(f"profiling lint-creds {' '.join(argv[:-1])} on {corpus.name} ...")
    error = profile_check.profile(python, argv, out)
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
                           "lint_creds", "check", corpora.ONE_PY], capture_output=True, text=True)
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
                          capture_output=True, text=True)
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
    bars, scale_png = (os.path.join(OUT_DIR, n) for n in ("benchmarks.png", "benchmarks-scaling.png"))
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
    names = ["one", "small"] if args.quick else ["one", "small", "site", "dense"]
    if args.corpora:
        names = [n for n in args.corpora.split(",") if n]
    repeats = args.repeats or (3 if args.quick else 5)
    big = min(args.big_repeats, repeats) if args.quick else args.big_repeats
    only = set(args.only.split(",")) if args.only else None
    scale = not (args.quick or args.no_scaling or (only and "check" not in only)
                 or (args.corpora and "site" not in names))
    plan = {c: [t for t in tools.PLAN[c] if only is None or t in only] for c in names}
    keys = sorted({VENV_OF_TOOL[t] for ts in plan.values() for t in ts} | {"crd"}
                  | ({"site"} if set(names) - {"one"} or scale else set())
                  | ({"tools"}))
    ensure_venvs(keys)
    built = build_corpora(names, scale)
    results: Dict[str, Any] = {
        "meta": {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                 "python": platform.python_version(),
                 "machine": f"{platform.machine()}, {os.cpu_count()} cores, load "
                            f"{os.getloadavg()[0]:.2f} at start",
                 "repeats": f"{repeats} on one/small, {big} on site/dense; slow peers "
                            f"{args.peer_repeats} outside one; scaling {args.scale_repeats}",
                 "mode": "quick" if args.quick else ("partial" if only or args.corpora else "full")},
        "corpora": {n: {"files": c.files, "bytes": c.bytes, "what": WHAT[n]} for n, c in built.items()},
        "labels": {name: tool.label for name, tool in tools.TOOLS.items()},
        "versions": versions(keys),
        "notes": list(NOTES),
        "runs": {},
    }
    for name, corpus in built.items():
        log(f"timing on {name} ({corpus.files:,} files, {corpus.bytes / 1e6:,.1f} MB) ...")
        rounds = big if name in ("site", "dense") else repeats
        slow = None if name == "one" else args.peer_repeats
        results["runs"][name] = time_corpus(corpus, plan[name], rounds, slow)
    if scale:
        results["scaling"] = scaling_run(corpora.build_site(
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
