"""The benchmark harness (bench/) on tiny corpora: floors, timing, injection, corpora, report.

These test the measuring instrument, not lint-creds' speed; they run in well under a second
or two and need none of the bench's venvs or peer tools.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import corpora, floors, inject, measure, profile_check, report  # noqa: E402
from lint_creds.engine import check_source  # noqa: E402
from lint_creds.patterns import KEY_ID_FULL_RE, SECRET_RE, is_placeholder  # noqa: E402


def _tree(root: Path, files: Dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


TINY = {
    "pkg/__init__.py": b"",
    "pkg/mod.py": b"x = 1\n",
    "pkg/sub/deep.py": b"def f():\n    return 2\n",
    "pkg/broken.py": b"def (:\n",
    "pkg/data.txt": b"not python",
}


def test_floors_count_every_py_file_and_parse_failures(tmp_path: Path) -> None:
    _tree(tmp_path, TINY)
    py_bytes = sum(len(v) for k, v in TINY.items() if k.endswith(".py"))
    assert floors.read_floor([str(tmp_path)]) == (4, py_bytes)
    assert floors.parse_floor([str(tmp_path)]) == (4, py_bytes, 3, 1)
    # An explicit file is taken whatever its name, as a linter given a path would.
    assert floors.read_floor([str(tmp_path / "pkg" / "data.txt")]) == (1, 10)


def test_floors_script_prints_counts(tmp_path: Path) -> None:
    _tree(tmp_path, TINY)
    out = subprocess.run([sys.executable, str(REPO / "bench" / "floors.py"), "parse",
                          str(tmp_path)], capture_output=True, text=True, check=True)
    py_bytes = sum(len(v) for k, v in TINY.items() if k.endswith(".py"))
    assert out.stdout.split() == ["4", str(py_bytes), "3", "1"]
    cli = subprocess.run([sys.executable, str(REPO / "bench" / "floors.py"), "cli-parse",
                          str(tmp_path)], capture_output=True, text=True, check=True)
    assert cli.stdout.split() == out.stdout.split()  # the same work, after the CLI's imports
    bad = subprocess.run([sys.executable, str(REPO / "bench" / "floors.py"), "walk"],
                         capture_output=True, text=True)
    assert bad.returncode == 2


def test_run_once_measures_cpu_memory_and_exit_code() -> None:
    burn = ("import time\nb = bytearray(80 * 1024 * 1024)\nt = time.process_time()\n"
            "while time.process_time() - t < 0.15: pass\nraise SystemExit(3)\n")
    sample = measure.run_once([sys.executable, "-c", burn])
    assert sample.returncode == 3
    assert sample.cpu >= 0.12
    assert sample.wall >= sample.cpu * 0.5
    assert sample.max_rss_mb >= 80
    assert sample.parent_rss_mb >= 80  # polled while it burned CPU


def test_parent_rss_excludes_a_bigger_child() -> None:
    child = ("import time\nb = bytearray(160 * 1024 * 1024)\nt = time.process_time()\n"
             "while time.process_time() - t < 0.1: pass\n")
    parent = ("import subprocess, sys, time\nt = time.process_time()\n"
              "while time.process_time() - t < 0.1: pass\n"
              f"subprocess.run([sys.executable, '-c', {child!r}])\n")
    sample = measure.run_once([sys.executable, "-c", parent])
    assert sample.max_rss_mb >= 160
    assert 0 < sample.parent_rss_mb < 100


def test_run_once_counts_grandchildren_cpu() -> None:
    """wait4 includes descendants the child waited for: worker pools are not free."""
    child = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.15: pass\n"
    parent = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child!r}])\n"
    assert measure.run_once([sys.executable, "-c", parent]).cpu >= 0.12


def test_run_once_kills_a_command_past_its_deadline() -> None:
    sample = measure.run_once([sys.executable, "-c", "import time; time.sleep(30)"],
                              timeout=0.5)
    assert sample.wall < 10
    assert sample.returncode != 0


def test_summarize_takes_medians_and_spread() -> None:
    samples = [measure.Sample(w, w / 2, rss, 0) for w, rss in ((3.0, 10), (1.0, 30), (2.0, 20))]
    summary = measure.summarize(samples)
    assert (summary.runs, summary.wall, summary.cpu, summary.max_rss_mb) == (3, 2.0, 1.0, 20)
    assert (summary.wall_min, summary.wall_max) == (1.0, 3.0)


def test_rotations_alternate_and_rotate_the_start() -> None:
    assert measure.rotations(["a", "b", "c"], 4) == [
        ["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]
    assert measure.rotations([], 3) == []


HOSTS = {
    "plain": b"import os\n\nX = 1\n",
    "no final newline": b"def f():\n    return 1",
    "ends indented": b"class C:\n    def m(self):\n        if True:\n            pass\n",
    "crlf": b"import sys\r\nY = 2\r\n",
    "latin-1 cookie": b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n",
}


@pytest.mark.parametrize("code", sorted(inject.SNIPPETS))
@pytest.mark.parametrize("host", sorted(HOSTS))
def test_injected_files_still_parse(code: str, host: str) -> None:
    import random

    result = inject.inject(HOSTS[host], code, random.Random(1))
    assert result is not None and result.startswith(HOSTS[host])
    assert inject.parses(result)


@pytest.mark.parametrize("code", sorted(inject.SNIPPETS))
def test_each_snippet_is_found_by_the_engine(code: str) -> None:
    """The dense corpus measures matching files only if its snippets really match."""
    import random

    source = inject.inject(b"import json\n", code, random.Random(7))
    assert source is not None
    codes = {finding.code for finding in check_source(source.decode(), "settings.py")}
    assert code in codes


def test_synthetic_keys_have_real_shapes_and_are_not_placeholders() -> None:
    import random

    rng = random.Random(0)
    for _ in range(50):
        key_id, secret = inject.synthetic_key(rng)
        assert KEY_ID_FULL_RE.fullmatch(key_id) and SECRET_RE.fullmatch(secret)
        assert not is_placeholder(key_id) and not is_placeholder(secret)


def _fake_site(root: Path, count: int) -> Path:
    site = root / "site-packages"
    files = {f"pkg{i % 3}/m{i:03d}.py": f"VALUE_{i} = {i}\n".encode() for i in range(count)}
    files.update({
        "pip/__init__.py": b"", "setuptools/x.py": b"", "_distutils_hack/__init__.py": b"",
        "pkg0/build/gen.py": b"", "pkg1/tests/test_a.py": b"A = 1\n",
        "pkg2-1.0.dist-info/x.py": b"", "top.py": b"T = 1\n", "pkg0/notes.txt": b"",
    })
    _tree(site, files)
    return site


def test_site_sources_skip_bootstrap_metadata_and_excluded_dirs(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, 6)
    found = list(corpora.site_sources(str(site)))
    assert found == sorted(found)
    assert "pkg1/tests/test_a.py" in found and "top.py" in found
    assert not [p for p in found if p.startswith(("pip", "setuptools", "_distutils", "pkg2-"))]
    assert "pkg0/build/gen.py" not in found
    assert len(found) == 6 + 2


def _snapshot(root: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def test_corpora_are_deterministic_and_dense_leaves_site_untouched(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpora, "SMALL_FILES", 10)
    site_pkgs = _fake_site(tmp_path, 60)
    builds: List[Dict[str, Dict[str, bytes]]] = []
    for attempt in ("a", "b"):
        root = tmp_path / attempt
        site = corpora.build_site(str(site_pkgs), str(root), "stamp")
        before = _snapshot(root / "site")
        small = corpora.build_small(site, str(root))
        dense = corpora.build_dense(site, str(root))
        assert _snapshot(root / "site") == before
        assert (site.files, small.files, dense.files) == (62, 10, 62)
        builds.append({name: _snapshot(root / name) for name in ("site", "small", "dense")})
    assert builds[0] == builds[1]
    injected = [rel for rel, data in builds[0]["dense"].items() if data != builds[0]["site"][rel]]
    assert len(injected) == round(62 * corpora.DENSE_FRACTION)
    assert all(inject.parses(builds[0]["dense"][rel]) for rel in injected)


def test_scale_copies_multiply_the_site(tmp_path: Path) -> None:
    site = corpora.build_site(str(_fake_site(tmp_path, 5)), str(tmp_path / "c"), "s")
    sizes = corpora.build_scale(site, str(tmp_path / "c"))
    assert [(len(c.paths), c.files, c.bytes) for c in sizes] == [
        (k, site.files * k, site.bytes * k) for k in (1, 2, 4, 8)]
    assert floors.read_floor(sizes[-1].paths) == (site.files * 8, site.bytes * 8)


def _results(**walls: float) -> report.Results:
    runs: Dict[str, Dict[str, Dict[str, float]]] = {}
    for key, wall in walls.items():
        corpus, tool = key.split("__")
        runs.setdefault(corpus, {})[tool.replace("_", "-")] = {
            "wall": wall, "cpu": wall, "max_rss_mb": 30.0, "runs": 3}
    return {"runs": runs, "corpora": {c: {"files": 100, "bytes": 2_000_000} for c in runs}}


def test_targets_pass_fail_and_not_measured() -> None:
    results = _results(site__check=1.0, site__ruff=2.0, site__bandit=5.0,
                       dense__check=1.0, dense__floor_parse=4.0)
    results["scaling"] = [{"copies": 1, "max_rss_mb": 100.0}, {"copies": 8, "max_rss_mb": 130.0}]
    rows = {label: (measured, verdict) for label, _, measured, verdict in report.target_rows(results)}
    assert rows["`check` on site ÷ ruff `--no-cache` S105-S107"] == ("0.5x", "PASS")
    assert rows["`check` on site ÷ bandit"] == ("0.2x", "FAIL")
    assert rows["`check` on site ÷ semgrep"] == ("not measured", "—")
    assert rows["`check` on dense ÷ `ast.parse` floor on dense"] == ("0.25x", "PASS")
    assert rows["peak RSS of the `check` parent on 8x site"] == ("130 MB", "PASS")
    assert rows["its growth from 1x to 8x site"] == ("0.3 (fraction)", "FAIL")


def test_the_floors_that_put_targets_in_context() -> None:
    assert report.floor_lines(_results(site__check=1.0)) == []
    lines = report.floor_lines(_results(one__floor_parse=0.06, one__python=0.02,
                                        site__check=3.0, site__ruff=2.0))
    assert lines == ["- `ast.parse` floor on one.py ÷ `python -c pass` (a script that only "
                     "reads and parses the file): 3x, against the ≤ 3.5x target for "
                     "`check one.py`."]
    with_cli = report.floor_lines(_results(one__floor_parse=0.06, one__floor_cli=0.07,
                                           one__python=0.02))
    assert len(with_cli) == 2 and "3.5x" in with_cli[1]


def test_failed_tools_are_reported_not_ratioed() -> None:
    results = _results(site__check=1.0, site__ruff=2.0)
    results["runs"]["site"]["ruff"] = {"error": "exit 2: boom", "runs": 0}
    assert report.ratio(results, ("site", "check"), ("site", "ruff")) is None
    rows = report.corpus_rows(results, "site")
    assert rows[0][0] == "check" and rows[-1][1] == "failed: exit 2: boom"
    assert rows[0][5] == "2" and rows[0][4] == "100"  # MB/s and files/s at 1 s


def test_render_names_the_command_and_every_section() -> None:
    results = _results(one__check=0.1, one__python=0.05)
    page = report.render(results, "python3 bench/run.py", "benchmarks.png", None, ["a note"])
    assert "```sh\npython3 bench/run.py\n```" in page
    for heading in ("## Targets (issues 6 and 18)", "## one", "## Scaling",
                    "## Where the time goes", "## Notes"):
        assert heading in page
    assert "| `check one.py` ÷ `python -c pass` | ≤ 3.5x | 2x | PASS |" in page


@pytest.mark.parametrize("location, phase", [
    ("<frozen importlib._bootstrap>:_find_and_load", "start-up (imports)"),
    ("/x/lint_creds/source/files.py:_walk", "discovery"),
    ("/x/lint_creds/source/files.py:read_bytes", "reading"),
    ("/x/lint_creds/source/prefilter.py:could_hold_finding", "prefilter"),
    ("<built-in method builtins.compile>", "parse"),
    ("/x/lint_creds/engine/scopes.py:visit_Name", "analysis"),
    ("/x/lint_creds/report/text.py:render", "reporting"),
    ("/x/concurrent/futures/process.py:result", "workers (waiting on a pool)"),
    ("<built-in method time.sleep>", "other"),
])
def test_profile_phases(location: str, phase: str) -> None:
    assert profile_check.phase_of(location) == phase


def test_profile_summary_adds_up(tmp_path: Path) -> None:
    script = tmp_path / "work.py"
    script.write_text(textwrap.dedent("""
        import ast
        for _ in range(200):
            ast.parse("x = [i for i in range(10)]\\n" * 20)
    """))
    out = tmp_path / "p.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(script)], check=True)
    summary = profile_check.summarize(str(out), top=5)
    assert abs(sum(sec for _, sec in summary["phases"]) - summary["total"]) < 1e-9
    assert dict(summary["phases"])["parse"] > 0
    assert len(summary["top"]) == 5
    assert os.path.exists(out)


def test_a_traceback_is_a_crash_even_with_exit_1(tmp_path: Path) -> None:
    err = tmp_path / "err"
    sample = measure.run_once([sys.executable, "-c", "raise ValueError('boom')"],
                              stderr_path=str(err))
    assert sample.returncode == 1
    assert measure.crashed(str(err)) == "ValueError: boom"
    measure.run_once([sys.executable, "-c", "import sys; sys.exit(1)"], stderr_path=str(err))
    assert measure.crashed(str(err)) is None


def test_merge_keeps_what_a_partial_run_did_not_repeat(tmp_path: Path) -> None:
    import json

    from bench import run

    old = _results(site__check=2.0, site__bandit=40.0)
    old.update(meta={"mode": "partial"}, versions={"bandit": "1"}, labels={}, scaling=[{"copies": 1}])
    (tmp_path / "results.json").write_text(json.dumps(old))
    new = _results(site__check=1.0, one__check=0.1)
    new.update(meta={"mode": "partial", "date": "today"}, versions={"lint-creds": "0.1"}, labels={})
    result = run.merged(str(tmp_path / "results.json"), new)
    assert report.median_of(result, "site", "check") == 1.0
    assert report.median_of(result, "site", "bandit") == 40.0
    assert report.median_of(result, "one", "check") == 0.1
    assert result["versions"] == {"bandit": "1", "lint-creds": "0.1"}
    assert result["scaling"] == [{"copies": 1}] and result["meta"]["date"] == "today"
    assert run.merged(str(tmp_path / "missing.json"), new) is new


def test_a_fresh_clone_merges_over_the_committed_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import run

    monkeypatch.setattr(run, "OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setattr(run, "DOCS_DIR", str(tmp_path / "docs"))
    assert run.last_results_path() == str(tmp_path / "docs" / "benchmarks.json")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text("{}")
    assert run.last_results_path() == str(tmp_path / "out" / "results.json")


@pytest.mark.parametrize("flag", ["--peer-repeats", "--scale-repeats"])
def test_a_run_count_below_one_is_refused(flag: str) -> None:
    from bench import run

    with pytest.raises(SystemExit):
        run.parse_args([flag, "0"])


def test_the_aws_corpus_is_site_plus_the_aws_packages_it_lacks(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    site = corpora.build_site(str(_fake_site(tmp_path, 6)), str(root), "stamp")
    aws_packages = tmp_path / "aws-src"
    _tree(aws_packages, {"pkg0/m000.py": b"DIFFERENT = 1\n",  # site's file wins
                         "aiobotocore/session.py": b"import botocore\n",
                         "storages/backends/s3.py": b"X = 1\n",
                         "aiobotocore-2.0.dist-info/x.py": b"", "bin/aws": b"#!sh\n"})
    aws = corpora.build_aws(site, str(aws_packages), str(root), "aws-stamp")
    assert (aws.files, aws.bytes) == (site.files + 2, site.bytes + len(b"import botocore\nX = 1\n"))
    built = _snapshot(root / "aws")
    assert built == {**_snapshot(root / "site"), "aiobotocore/session.py": b"import botocore\n",
                     "storages/backends/s3.py": b"X = 1\n"}
    site_file, aws_file = root / "site" / "pkg0" / "m000.py", root / "aws" / "pkg0" / "m000.py"
    assert os.path.samefile(site_file, aws_file)  # a hard link: no copy of site's bytes
    assert corpora.build_aws(site, str(aws_packages), str(root), "aws-stamp") == aws


def test_each_corpus_is_a_project_of_its_own_with_its_cache_outside(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    site = corpora.build_site(str(_fake_site(tmp_path, 4)), str(root), "stamp")
    sizes = corpora.build_scale(site, str(root), (1, 2))
    for directory, name in ((root / "site", "site"), (root / "scale" / "x2", "scale-x2")):
        config = (directory / "pyproject.toml").read_text()
        cache = config.split('cache-dir = "')[1].split('"')[0]
        assert config.startswith("[tool.lint-creds]\n")
        assert (directory / cache).resolve() == (root / ".lint-creds-cache" / name).resolve()
    assert [len(c.paths) for c in sizes] == [1, 2]
    assert all(p.startswith(str(root / "scale" / f"x{len(c.paths)}")) for c in sizes
               for p in c.paths)  # each size is one project: its index sees only its copies


def test_the_precommit_corpus_is_one_staged_file_of_site(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    site = corpora.build_site(str(_fake_site(tmp_path, 4)), str(tmp_path / "c"), "stamp")
    monkeypatch.setattr(corpora, "STAGED_FILE", os.path.join("pkg1", "m001.py"))
    staged = corpora.precommit_corpus(site)
    assert staged.paths == [os.path.join(site.paths[0], "pkg1", "m001.py")]
    assert (staged.files, staged.bytes) == (1, len(b"VALUE_1 = 1\n"))


def test_the_cold_precommit_run_reads_a_cache_of_its_own(tmp_path: Path) -> None:
    from bench import tools

    corpora.write_isolation_files(str(tmp_path))
    config = (tmp_path / os.path.basename(corpora.COLD_CONFIG)).read_text()
    assert config == ('[tool.lint-creds]\ncache-dir = ".lint-creds-cache/'
                      f'{os.path.basename(corpora.COLD_CACHE)}"\n')
    cold = tools.TOOLS["check-cold"]
    assert cold.cold == corpora.COLD_CACHE and cold.argv(["f.py"])[-3:] == [
        "--config", corpora.COLD_CONFIG, "f.py"]
    assert "check-cold" in tools.PLAN["precommit"] and "python" in tools.PLAN["precommit"]


def _pins(name: str) -> Dict[str, str]:
    lines = (REPO / "bench" / name).read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_the_aws_pins_agree_with_site_where_they_overlap() -> None:
    """The aws corpus holds site's copy of a package both pin: the pins must be one."""
    site, aws = _pins("requirements-site.txt"), _pins("requirements-aws.txt")
    shared = set(site) & set(aws)
    assert shared == {"boto3", "botocore", "s3transfer", "moto"}
    assert {name: aws[name] for name in shared} == {name: site[name] for name in shared}
    assert {"aiobotocore", "aioboto3", "awscli", "s3fs", "django-storages",
            "aws-xray-sdk"} <= set(aws)


def test_the_issue_18_targets() -> None:
    results = _results(site__check=1.2, site__ruff=2.0, aws__check=2.1, aws__ruff=2.0,
                       one__check=0.068, one__python=0.02, precommit__check=0.07,
                       precommit__python=0.02, precommit__check_cold=1.0)
    results["runs"]["site"]["check"]["cpu"] = 1.0
    rows = {label: (limit, measured, verdict)
            for label, limit, measured, verdict in report.target_rows(results)}
    assert rows["`check` on site ÷ ruff `--no-cache` S105-S107"] == ("≤ 0.6x", "0.6x", "PASS")
    assert rows["`check` on site ÷ ruff, CPU time (user + sys)"] == ("≤ 0.6x", "0.5x", "PASS")
    assert rows["`check` on aws ÷ ruff `--no-cache` S105-S107"] == ("≤ 1x", "1.05x", "FAIL")
    assert rows["`check one.py` ÷ `python -c pass`"] == ("≤ 3.5x", "3.4x", "PASS")
    assert rows["pre-commit: `check` of one file of site, index cache warm ÷ "
                "`python -c pass`"] == ("≤ 4x", "3.5x", "PASS")
    assert rows["pre-commit, index cache cold ÷ `check` on all of site"] == (
        "≤ 1x", "0.833x", "PASS")
    for earlier in ("`check` on site ÷ bandit", "`check` on site ÷ detect-secrets",
                    "`check` on site ÷ semgrep", "`check` on dense ÷ `ast.parse` floor on dense",
                    "flake8 + lint-creds ÷ flake8 without it, site",
                    "`fix --diff` on dense ÷ `check` on dense",
                    "libcst imported by a `check` run (1 = yes)",
                    "peak RSS of the `check` parent on 8x site", "its growth from 1x to 8x site"):
        assert earlier in rows
