"""From ``results.json`` to markdown: the per-corpus tables, the targets (issues 6 and 18), the
scaling and profile sections, and the whole of ``docs/benchmarks.md``. Pure functions.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

Results = Dict[str, Any]


def median_of(results: Results, corpus: str, tool: str, field: str = "wall") -> Optional[float]:
    """A measured median, or None when that tool did not run (or failed) on that corpus."""
    entry = results.get("runs", {}).get(corpus, {}).get(tool)
    if not entry or entry.get("error"):
        return None
    value = entry.get(field)
    return float(value) if value is not None else None


def ratio(results: Results, num: Tuple[str, str], den: Tuple[str, str]) -> Optional[float]:
    """Median wall of ``num`` (corpus, tool) over that of ``den``; None if either is missing."""
    a, b = median_of(results, *num), median_of(results, *den)
    return a / b if a is not None and b else None


def _cpu_ratio(results: Results, num: Tuple[str, str], den: Tuple[str, str]) -> Optional[float]:
    a, b = median_of(results, *num, "cpu"), median_of(results, *den, "cpu")
    return a / b if a is not None and b else None


class Target(NamedTuple):
    """One row of the targets table: what is measured, how, and the limit it must meet."""

    label: str
    measure: Callable[[Results], Optional[float]]
    limit: float
    unit: str = "x"


def _ratio(num: Tuple[str, str], den: Tuple[str, str]) -> Callable[[Results], Optional[float]]:
    return lambda results: ratio(results, num, den)


def _scaling(results: Results, copies: int) -> Optional[Dict[str, Any]]:
    for row in results.get("scaling", []):
        if row.get("copies") == copies and not row.get("error"):
            return dict(row)
    return None


def _parent_rss(row: Dict[str, Any]) -> float:
    """The parent's own peak when it was seen, else the whole tree's largest process."""
    return float(row.get("parent_rss_mb") or row["max_rss_mb"])


def rss_8x(results: Results) -> Optional[float]:
    """Peak RSS (MB) of the ``check`` parent process on 8x site."""
    row = _scaling(results, 8)
    return _parent_rss(row) if row else None


def rss_growth(results: Results) -> Optional[float]:
    """Relative peak-RSS growth of the ``check`` parent from 1x to 8x site (0.2 = 20%)."""
    one, eight = _scaling(results, 1), _scaling(results, 8)
    if not one or not eight:
        return None
    return _parent_rss(eight) / _parent_rss(one) - 1.0


def libcst_flag(results: Results) -> Optional[float]:
    """1.0 when ``check`` imported libcst, 0.0 when not, None when not checked."""
    flag = results.get("structural", {}).get("libcst_imported_by_check")
    return None if flag is None else float(bool(flag))


def _cpu(num: Tuple[str, str], den: Tuple[str, str]) -> Callable[[Results], Optional[float]]:
    return lambda results: _cpu_ratio(results, num, den)


#: Start-up: ``check one.py`` against ``python -c pass``.
ONE_PY_LIMIT = 3.5
#: The bar: issue 6's targets, with issue 18's sharper ones where they replace them.
TARGETS: Tuple[Target, ...] = (
    Target("`check` on site ÷ ruff `--no-cache` S105-S107",
           _ratio(("site", "check"), ("site", "ruff")), 0.6),
    Target("`check` on site ÷ ruff, CPU time (user + sys)",
           _cpu(("site", "check"), ("site", "ruff")), 0.6),
    Target("`check` on aws ÷ ruff `--no-cache` S105-S107",
           _ratio(("aws", "check"), ("aws", "ruff")), 1.0),
    Target("`check` on aws ÷ ruff, CPU time (user + sys)",
           _cpu(("aws", "check"), ("aws", "ruff")), 1.0),
    Target("`check` on site ÷ bandit", _ratio(("site", "check"), ("site", "bandit")), 0.1),
    Target("`check` on site ÷ detect-secrets",
           _ratio(("site", "check"), ("site", "detect-secrets")), 0.1),
    Target("`check` on site ÷ semgrep", _ratio(("site", "check"), ("site", "semgrep")), 0.1),
    Target("`check` on dense ÷ `ast.parse` floor on dense",
           _ratio(("dense", "check"), ("dense", "floor-parse")), 0.5),
    Target("flake8 + lint-creds ÷ flake8 without it, site",
           _ratio(("site", "flake8-crd"), ("site", "flake8-bare")), 1.10),
    Target("the same, in CPU time (user + sys)",
           _cpu(("site", "flake8-crd"), ("site", "flake8-bare")), 1.10),
    Target("`fix --diff` on dense ÷ `check` on dense",
           _ratio(("dense", "fix-diff"), ("dense", "check")), 3.0),
    Target("`policy` on site ÷ `check` on site",
           _ratio(("site", "policy"), ("site", "check")), 3.0),
    Target("`check one.py` ÷ `python -c pass`", _ratio(("one", "check"), ("one", "python")),
           ONE_PY_LIMIT),
    Target("pre-commit: `check` of one file of site, index cache warm ÷ `python -c pass`",
           _ratio(("precommit", "check"), ("precommit", "python")), 4.0),
    Target("pre-commit, index cache cold ÷ `check` on all of site",
           _ratio(("precommit", "check-cold"), ("site", "check")), 1.0),
    Target("libcst imported by a `check` run (1 = yes)", libcst_flag, 0.0, ""),
    Target("peak RSS of the `check` parent on 8x site", rss_8x, 150.0, " MB"),
    Target("its growth from 1x to 8x site", rss_growth, 0.20, " (fraction)"),
)


def target_rows(results: Results) -> List[Tuple[str, str, str, str]]:
    """(measure, target, measured, verdict) for every target; missing data is 'not measured'."""
    rows = []
    for target in TARGETS:
        value = target.measure(results)
        shown = "not measured" if value is None else f"{value:.3g}{target.unit}"
        verdict = "—" if value is None else ("PASS" if value <= target.limit else "FAIL")
        rows.append((target.label, f"≤ {target.limit:g}{target.unit}", shown, verdict))
    return rows


def floor_lines(results: Results) -> List[str]:
    """Measures that put the start-up target in context: the parse floor of one.py against
    ``python -c pass`` (a script that imports ``ast`` and parses the file: what no checker
    that parses Python can go below), bare and after a configurable CLI's imports."""
    lines = []
    one_floor = ratio(results, ("one", "floor-parse"), ("one", "python"))
    if one_floor is not None:
        lines.append(f"- `ast.parse` floor on one.py ÷ `python -c pass` (a script that only "
                     f"reads and parses the file): {one_floor:.3g}x, against the "
                     f"≤ {ONE_PY_LIMIT:g}x target for `check one.py`.")
    cli_floor = ratio(results, ("one", "floor-cli"), ("one", "python"))
    if cli_floor is not None:
        lines.append(f"- the same after importing `re` (pip's console-script wrapper does), "
                     f"`argparse` and `tomllib`: {cli_floor:.3g}x.")
    return lines


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _fmt(value: Optional[float], digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}g}" if abs(value) < 10 ** digits else f"{value:,.0f}"


CORPUS_HEADER = ("tool", "wall s", "CPU s", "peak RSS MB", "files/s", "MB/s", "× check",
                 "× read floor", "× parse floor", "runs", "exit")


def _failed_then_fastest(item: Tuple[str, Dict[str, Any]]) -> Tuple[bool, float]:
    """Sort key of a corpus's runs: the runs that worked, fastest first, then the failures."""
    return bool(item[1].get("error")), item[1].get("wall") or 0


def corpus_rows(results: Results, corpus: str) -> List[List[str]]:
    """One row per tool run on ``corpus``, fastest first; failures say why."""
    info = results["corpora"][corpus]
    entries = results.get("runs", {}).get(corpus, {})
    rows = []
    for tool, entry in sorted(entries.items(), key=_failed_then_fastest):
        label = results.get("labels", {}).get(tool, tool)
        if entry.get("error"):
            rows.append([label, f"failed: {entry['error']}"] + [""] * (len(CORPUS_HEADER) - 2))
            continue
        wall = float(entry["wall"])
        rows.append([
            label, _fmt(wall), _fmt(entry["cpu"]), _fmt(entry["max_rss_mb"]),
            _fmt(info["files"] / wall if wall else None),
            _fmt(info["bytes"] / 1e6 / wall if wall else None),
            _fmt(ratio(results, (corpus, tool), (corpus, "check"))),
            _fmt(ratio(results, (corpus, tool), (corpus, "floor-read"))),
            _fmt(ratio(results, (corpus, tool), (corpus, "floor-parse"))),
            str(entry["runs"]),
            ",".join(str(code) for code in entry.get("returncodes", [])),
        ])
    return rows


def scaling_rows(results: Results) -> List[List[str]]:
    """Wall, per-MB cost and peak RSS of ``check`` at each multiple of site."""
    rows = []
    for row in results.get("scaling", []):
        if row.get("error"):
            rows.append([f"{row['copies']}x", f"failed: {row['error']}", *[""] * 7])
            continue
        mb = row["bytes"] / 1e6
        rows.append([f"{row['copies']}x", f"{row['files']:,}", f"{mb:,.0f}", _fmt(row["wall"]),
                     _fmt(row["cpu"]), _fmt(row["wall"] / mb * 1000), _fmt(row["cpu"] / mb * 1000),
                     _fmt(row.get("parent_rss_mb")), _fmt(row["max_rss_mb"])])
    return rows


def profile_section(profile: Optional[Dict[str, Any]]) -> str:
    """Where the time of one ``check`` run goes, by phase and by function."""
    if not profile:
        return "_No profile in this run._"
    if profile.get("error"):
        return f"_Profile failed: {profile['error']}_"
    total = float(profile["total"]) or 1.0
    phases = markdown_table(("phase", "seconds", "share"), [
        (name, f"{sec:.3f}", f"{sec / total:.0%}") for name, sec in profile["phases"]])
    top = markdown_table(("function (exclusive time)", "seconds", "calls"), [
        (f"`{name}`", f"{sec:.3f}", f"{calls:,}") for name, sec, calls in profile["top"]])
    return "\n\n".join([
        direct_section(profile.get("direct")),
        f"cProfile of `{profile['command']}` on **{profile['corpus']}** "
        f"({profile['total']:.2f} s under the profiler; start-up measured separately: "
        f"`check` on an empty directory takes {_fmt(profile.get('startup_wall'))} s wall, "
        f"`python -c pass` {_fmt(profile.get('python_wall'))} s).",
        phases, "Top functions:", top])


DIRECT_PHASES = ("discovery", "reading", "prefilter", "decoding", "parse", "analysis")


def direct_section(direct: Optional[Dict[str, Any]]) -> str:
    """CPU seconds per phase measured without a profiler (bench/phases.py)."""
    if not direct:
        return "_No uninstrumented phase timing in this run._"
    if direct.get("error"):
        return f"_Phase timing failed: {direct['error']}_"
    total = sum(float(direct.get(name, 0.0)) for name in DIRECT_PHASES) or 1.0
    table = markdown_table(("phase", "CPU s", "share"), [
        (name, f"{float(direct.get(name, 0.0)):.3f}", f"{float(direct.get(name, 0.0)) / total:.0%}")
        for name in DIRECT_PHASES])
    crashes = (f" **{direct['crashes']} file(s) crashed lint-creds code**, first: "
               f"`{direct.get('first crash', '')}`." if direct.get("crashes") else "")
    return (f"Uninstrumented, one process (`bench/phases.py`, CPU seconds): "
            f"{direct.get('files', 0):,} files discovered and read, "
            f"{direct.get('passed prefilter', 0):,} passed the prefilter and were parsed and "
            f"analysed.{crashes}\n\n{table}")


CORPUS_ORDER = ("one", "precommit", "small", "site", "aws", "dense")


def _ordered(names: Dict[str, Any]) -> List[str]:
    """Corpus names smallest first, unknown ones last."""
    return sorted(names, key=lambda n: (CORPUS_ORDER.index(n) if n in CORPUS_ORDER else 99, n))


def _nested(name: str) -> str:
    """An importtime name with its nesting shown by non-breaking spaces outside the code span."""
    depth = (len(name) - len(name.lstrip(" "))) // 2
    return "\u00a0\u00a0" * depth + f"`{name.strip()}`"


def corpus_line(name: str, info: Dict[str, Any]) -> str:
    """``**site**: 10,000 files, 150.0 MB`` and how the corpus was made."""
    size = (f"{info['bytes'] / 1e6:,.1f} MB" if info["bytes"] >= 1e5
            else f"{info['bytes'] / 1e3:,.1f} kB")
    return f"- **{name}**: {info['files']:,} file(s), {size} — {info.get('what', '')}"


def render(results: Results, command: str, chart: Optional[str], scaling_chart: Optional[str],
           notes: Sequence[str] = ()) -> str:
    """The whole benchmarks page."""
    meta = results.get("meta", {})
    context = floor_lines(results)
    parts = [
        "# Benchmarks",
        "",
        "Regenerate this page (corpora, venvs, all timings, chart, profile) with one command "
        "from a clone:",
        "",
        "```sh\n" + command + "\n```",
        "",
        "It builds four venvs under `bench/.cache/` from the pinned files in `bench/` (site "
        "packages, peer tools, flake8 with and without lint-creds; about 5 minutes the first "
        "time), the corpora (a minute), then times everything, runs the 1x-8x scaling and the "
        "profile, and rewrites this page and its charts. Expect half an hour to an hour on a "
        "2-core machine, most of it the slow peers on site (detect-secrets takes 7 to 20 "
        "minutes, bandit 5 to 7, the two flake8 runs 4 to 8 each, semgrep 2, so they run once "
        "there: `--peer-repeats`); `--no-scaling` saves a few minutes. Other helpers' "
        "processes on the same machine inflate wall times: look at the CPU column too.",
        "",
        "- `python3 bench/run.py --quick`: smoke run on the one/small corpora (a few minutes);",
        "- `--corpora site,dense --only check,ruff,floor-parse`: any subset (`--help` lists "
        "the tool names); a partial run writes `bench/out/` only, unless `--write-docs`;",
        "- `--report-only`: re-render this page and the charts from `bench/out/results.json`, "
        "or from [`benchmarks.json`](benchmarks.json), the results this page was made from "
        "(`--merge` lays a partial run over the same file).",
        "",
        "The harness is standard-library Python (`bench/`; no hyperfine): each command runs as a "
        "child process timed with `time.perf_counter`, and `os.wait4` gives its CPU time (user + "
        "sys, worker processes included) and peak RSS (largest single process). Commands "
        "alternate within each round (the start rotates), and the tables show medians. "
        "A run that ends in a Python traceback counts as a failure, whatever its exit code.",
        "",
        f"Last run: {meta.get('date', '?')}, {meta.get('machine', '?')}, Python "
        f"{meta.get('python', '?')}; timed runs per command: "
        + ("see each table's runs column" if meta.get("mode") != "full" else
           str(meta.get("repeats", "?")))
        + f" (mode: {meta.get('mode', '?')}).",
        "",
        "## Corpora",
        "",
        *[corpus_line(name, results["corpora"][name])
          for name in _ordered(results.get("corpora", {}))],
        "",
        "## Targets (issues 6 and 18)",
        "",
        *([] if meta.get("mode") == "full" else [
            f"_This page was made by a run other than the full one (mode: "
            f"{meta.get('mode', 'partial')}): rows marked 'not measured' need "
            "`python3 bench/run.py`._", ""]),
        markdown_table(("measure", "target", "measured", "verdict"), target_rows(results)),
        "",
        *(["Context:", "", *context, ""] if context else []),
    ]
    if chart:
        parts += [f"![median wall time per tool and corpus]({chart})", ""]
    for corpus in _ordered(results.get("runs", {})):
        table = markdown_table(CORPUS_HEADER, corpus_rows(results, corpus))
        parts += [f"## {corpus}", "", table, ""]
    parts += ["## Scaling: `check` on 1x, 2x, 4x, 8x site", ""]
    if results.get("scaling"):
        parts += [markdown_table(("size", "files", "MB", "wall s", "CPU s", "wall ms per MB",
                                  "CPU ms per MB", "parent peak RSS MB", "largest process MB"),
                                 scaling_rows(results)), ""]
        if scaling_chart:
            parts += [f"![check wall time and peak RSS against corpus size]({scaling_chart})", ""]
    else:
        parts += ["_Not run in this run._", ""]
    parts += ["## Where the time goes", "", profile_section(results.get("profile")), ""]
    imports = results.get("structural", {}).get("imports")
    if imports:
        parts += ["Start-up: the costliest imports of `lint-creds check one.py` "
                  "(`python -X importtime`; indentation shows nesting):", "",
                  markdown_table(("module", "self ms", "cumulative ms"), [
                      (_nested(name), f"{own:.1f}", f"{cum:.1f}") for name, own, cum in imports]),
                  ""]
    if results.get("versions"):
        parts += ["## Versions", "", markdown_table(("tool", "version"), sorted(
            results["versions"].items())), ""]
    if notes:
        parts += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(parts)
