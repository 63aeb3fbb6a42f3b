"""Bar chart of median wall time per tool and corpus, and the scaling plot (matplotlib).

    tools-venv/bin/python bench/chart.py results.json bars.png scaling.png

Runs in the bench's tools venv: matplotlib is not a dependency of lint-creds.
"""
from __future__ import annotations

import json
import sys
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")  # no display here
import matplotlib.pyplot as plt  # noqa: E402

HIGHLIGHT = {"check": "#d62728", "fix-diff": "#ff7f0e", "flake8-crd": "#e377c2"}
FLOOR = "#7f7f7f"


def bars(results: Dict[str, Any], path: str) -> None:
    """One horizontal panel per corpus, log-scaled seconds, lint-creds in red."""
    order = ("one", "precommit", "small", "site", "aws", "dense")
    corpora = sorted((c for c, runs in results["runs"].items() if runs),
                     key=lambda c: order.index(c) if c in order else 99)
    fig, axes = plt.subplots(len(corpora), 1, figsize=(9, 2.2 + 0.42 * sum(
        len(results["runs"][c]) for c in corpora)), squeeze=False)
    labels = results.get("labels", {})
    for ax, corpus in zip(axes[:, 0], corpora):
        entries = [(t, e) for t, e in results["runs"][corpus].items() if not e.get("error")]
        entries.sort(key=lambda te: te[1]["wall"], reverse=True)
        names = [labels.get(t, t) for t, _ in entries]
        walls = [e["wall"] for _, e in entries]
        colors = [HIGHLIGHT.get(t, FLOOR if t.startswith(("floor", "python")) else "#1f77b4")
                  for t, _ in entries]
        ax.barh(names, walls, color=colors)
        ax.set_xscale("log")
        info = results["corpora"][corpus]
        size = (f"{info['bytes'] / 1e6:,.1f} MB" if info["bytes"] >= 1e5
                else f"{info['bytes'] / 1e3:,.1f} kB")
        ax.set_title(f"{corpus}: {info['files']:,} file(s), {size} "
                     f"(median wall seconds, log scale)", fontsize=10)
        for y, wall in enumerate(walls):
            ax.text(wall, y, f" {wall:.3g}s", va="center", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def scaling(results: Dict[str, Any], path: str) -> None:
    """Wall time (left axis) and peak RSS (right axis) of check against corpus MB."""
    rows: List[Dict[str, Any]] = [r for r in results.get("scaling", []) if not r.get("error")]
    if not rows:
        return
    mb = [r["bytes"] / 1e6 for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(mb, [r["wall"] for r in rows], "o-", color="#d62728", label="wall s")
    ax.plot([0, mb[-1]], [0, rows[0]["wall"] / mb[0] * mb[-1]], ":", color="#d62728",
            label="wall, linear from 1x")
    ax.plot(mb, [r["cpu"] for r in rows], "o-", color="#ff7f0e", label="CPU s (all processes)")
    ax.set_xlabel("corpus MB (1x, 2x, 4x, 8x site)")
    ax.set_ylabel("median seconds")
    right = ax.twinx()
    right.plot(mb, [r.get("parent_rss_mb") or r["max_rss_mb"] for r in rows], "s--",
               color="#1f77b4", label="parent peak RSS MB")
    right.plot(mb, [r["max_rss_mb"] for r in rows], "^:", color="#17becf",
               label="largest process MB")
    right.set_ylabel("peak RSS MB")
    right.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    ax.set_title("lint-creds check: scaling with corpus size", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    """Read the results and write both charts."""
    with open(sys.argv[1], encoding="utf-8") as handle:
        results = json.load(handle)
    bars(results, sys.argv[2])
    scaling(results, sys.argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
