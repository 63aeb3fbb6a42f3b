"""The timed part of a bench run: alternating rounds of every tool on a corpus, and the
1x-8x scaling run of ``check``. Each command is a child process (:mod:`bench.measure`).
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from typing import Any, Dict, FrozenSet, List, Optional, Sequence

from . import corpora, measure, tools

OUT_DIR = os.path.join(corpora.BENCH_DIR, "out")
TIMEOUT = 1800.0
_START = time.monotonic()
#: Run once, untimed, before the rounds: their project index cache is then warm in every
#: timed run, as it is from a user's second run on (the cold case is a row of its own).
WARM_UP = ("check", "fix-diff")


def log(message: str) -> None:
    """Progress on stderr, with the elapsed time."""
    print(f"[{time.monotonic() - _START:7.1f}s] {message}", file=sys.stderr, flush=True)


def time_corpus(corpus: corpora.Corpus, names: Sequence[str], repeats: int,
                slow_repeats: Optional[int] = None,
                slow: FrozenSet[str] = tools.SLOW) -> Dict[str, Any]:
    """Alternating rounds over ``names`` on ``corpus``; a tool that fails is dropped.

    The ``slow`` tools (by default the slow peers, :data:`tools.SLOW`) take part in only
    the first ``slow_repeats`` rounds when that is given: on site one of their runs costs
    minutes.
    """
    logs = os.path.join(OUT_DIR, "logs")
    os.makedirs(logs, exist_ok=True)
    # Warm-up: read every byte once, so no tool pays for a cold page cache.
    measure.run_once(tools.TOOLS["floor-read"].argv(corpus.paths))
    for name in (n for n in WARM_UP if n in names):
        measure.run_once(tools.TOOLS[name].argv(corpus.paths), cwd=corpora.CORPUS_ROOT,
                         env=tools.environment(tools.TOOLS[name]), timeout=TIMEOUT)
    samples: Dict[str, List[measure.Sample]] = {name: [] for name in names}
    errors: Dict[str, str] = {}
    for round_no, order in enumerate(measure.rotations(names, repeats), 1):
        for name in order:
            if name in errors or (slow_repeats is not None and name in slow
                                  and round_no > slow_repeats):
                continue
            tool = tools.TOOLS[name]
            err_path = os.path.join(logs, f"{corpus.name}-{name}.stderr")
            if tool.cold:
                shutil.rmtree(tool.cold, ignore_errors=True)
            sample = measure.run_once(tool.argv(corpus.paths), cwd=corpora.CORPUS_ROOT,
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
    """``check`` on 1x, 2x, 4x, 8x site (projects of hard-linked copies), alternating sizes
    per round, each cache warmed by one untimed run."""
    log("building the scaling copies (hard links, cached) ...")
    sizes = {f"x{c.files // site.files}": c
             for c in corpora.build_scale(site, corpora.CORPUS_ROOT, multiples)}
    tool = tools.TOOLS["check"]
    os.makedirs(os.path.join(OUT_DIR, "logs"), exist_ok=True)
    for corpus in sizes.values():
        measure.run_once(tool.argv(corpus.paths), cwd=corpora.CORPUS_ROOT,
                         env=tools.environment(tool), timeout=TIMEOUT * 4)
    samples: Dict[str, List[measure.Sample]] = {key: [] for key in sizes}
    for order in measure.rotations(list(sizes), repeats):
        for key in order:
            err_path = os.path.join(OUT_DIR, "logs", f"scaling-{key}.stderr")
            sample = measure.run_once(tool.argv(sizes[key].paths), cwd=corpora.CORPUS_ROOT,
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
