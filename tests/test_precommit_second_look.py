"""The pre-commit path of the screen's second look: a few files the byte screen rejects are
answered by the engine itself (their imports resolved through the index) instead of the
project-wide table of wrapper names, which reads every file of the project. Both must give
the same results; the real console script checks a real project on disk.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Dict, List

import pytest

from lint_creds.cli.runner import check_paths
from lint_creds.options import DEFAULT_OPTIONS
from lint_creds import project as project_package
from lint_creds.project.index import DIRECT_LOOKS, ProjectIndex
from lint_creds.project.root import ProjectSpec
from lint_creds.source.prefilter import could_hold_finding

SCRIPT = os.path.join(os.path.dirname(sys.executable), "lint-creds")

PROJECT = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "lib/__init__.py": "",
    "lib/clients.py": (
        "import boto3\n\n\n"
        "def make_client(key, secret):\n"
        "    return boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=secret)\n"),
    # No anchor of its own: only the wrapper call makes it a finding.
    "app/jobs.py": (
        "import os\n\nfrom lib.clients import make_client\n\n"
        "s3 = make_client(os.environ['UPLOAD_KEY'], os.environ['UPLOAD_SECRET'])\n"),
    "app/report.py": "from lib.clients import make_client\n\ns3 = make_client(None, None)\n",
    "app/plain.py": "def total(xs):\n    return sum(xs)\n",
    "app/broken.py": "def total(xs:\n    return sum(xs)\n",
}


def write(root: pathlib.Path, files: Dict[str, str]) -> None:
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")


def fresh_index(root: pathlib.Path) -> ProjectIndex:
    return ProjectIndex(ProjectSpec.default(str(root), use_cache=False), DEFAULT_OPTIONS)


def test_the_screen_rejects_every_file_the_second_look_answers(tmp_path: pathlib.Path) -> None:
    """Guards the tests below: none of these files has an anchor of its own."""
    write(tmp_path, PROJECT)
    for name in ("app/jobs.py", "app/report.py", "app/plain.py", "app/broken.py"):
        data = (tmp_path / name).read_bytes()
        assert not could_hold_finding(data, DEFAULT_OPTIONS, str(tmp_path / name)), name


def test_the_first_files_are_answered_without_the_table(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    project = fresh_index(tmp_path)
    answers = [project.may_call_a_wrapper((tmp_path / name).read_bytes(), str(tmp_path / name))
               for name in ("app/jobs.py", "app/report.py", "app/plain.py")]
    assert answers == [True, False, False]  # a finding, a wrapper called with none, no call
    assert project._wrapper_names is None  # the table was never built


def test_a_file_the_engine_cannot_read_is_answered_by_the_table(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    project = fresh_index(tmp_path)
    broken = tmp_path / "app" / "broken.py"
    assert project.may_call_a_wrapper(broken.read_bytes(), str(broken)) is False
    assert project._wrapper_names == {b"make_client"}


def test_after_a_few_files_the_table_answers(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    project = fresh_index(tmp_path)
    plain = tmp_path / "app" / "plain.py"
    for _ in range(DIRECT_LOOKS):
        assert project.may_call_a_wrapper(plain.read_bytes(), str(plain)) is False
    assert project._wrapper_names is None
    report = tmp_path / "app" / "report.py"
    # The table only knows that a wrapper is called: the file goes on to the engine.
    assert project.may_call_a_wrapper(report.read_bytes(), str(report)) is True
    assert project._wrapper_names == {b"make_client"}


def rendered(results: List) -> List[str]:  # type: ignore[type-arg]
    return [f"{os.path.basename(r.path)}:{f.line}:{f.col}: {f.code}"
            for r in results for f in r.findings] + [
        f"{os.path.basename(r.path)}: {r.problem}" for r in results if r.problem]


def test_both_ways_give_the_same_results(tmp_path: pathlib.Path) -> None:
    """One file at a time (the engine answers) and all at once after the budget is spent
    (the table answers) report exactly the same."""
    files = {**PROJECT, **{f"app/more{i}.py": "x = 1\n" for i in range(DIRECT_LOOKS + 2)}}
    write(tmp_path, files)
    paths = sorted(str(tmp_path / n) for n in files if n.startswith("app/"))
    spec = ProjectSpec.default(str(tmp_path), use_cache=False)
    one_by_one = []
    for path in paths:
        project_package._INDEXES.clear()
        one_by_one += check_paths([path], DEFAULT_OPTIONS, jobs=1, project=spec)
    project_package._INDEXES.clear()
    together = check_paths(paths, DEFAULT_OPTIONS, jobs=1, project=spec)
    assert rendered(one_by_one) == rendered(together) == [
        "jobs.py:5:17: CRD201", "jobs.py:5:43: CRD201"]


def test_a_precommit_run_reports_the_wrapper_call_and_reads_no_other_file(
        tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    for i in range(30):  # the rest of the project, which the table would read
        write(tmp_path, {f"pkg{i}/mod.py": "VALUE = 1\n"})
    proc = subprocess.run([SCRIPT, "check", "app/jobs.py", "app/plain.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert [line.split(" CRD201 ")[0] for line in proc.stdout.splitlines()[:2]] == [
        "app/jobs.py:5:18:", "app/jobs.py:5:44:"]
    cache = tmp_path / ".lint-creds-cache"
    assert not (cache / "wrappers.json").exists()  # no table of the whole project


def test_a_pooled_run_finds_wrapper_calls_through_the_first_stage(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run big enough for workers builds the table first and compiles the wrapper names
    into the screen's first stage (Hyperscan), which the workers inherit: ``called()``
    then runs only on files the first stage saw a name in, and the findings are those of
    one process without any of it."""
    from lint_creds.source import pool
    from lint_creds.project import could_hold_finding as screened, index as index_module
    from lint_creds.source import multi_scan, prefilter

    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(prefilter, "_cache", {})
    filler = {f"app/plain{i}.py": f"def f{i}(xs):\n    return sum(xs)\n"
              for i in range(pool.MIN_FILES_FOR_POOL)}
    write(tmp_path, {**PROJECT, **filler})
    (tmp_path / "app/broken.py").unlink()
    paths = sorted(str(p) for p in (tmp_path / "app").glob("*.py"))
    spec = ProjectSpec.default(str(tmp_path))
    project_package._INDEXES.clear()
    pooled = check_paths(paths, DEFAULT_OPTIONS, jobs=2, project=spec)
    project_package._INDEXES.clear()
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, "python")
    monkeypatch.setattr(prefilter, "_cache", {})
    alone = check_paths(paths, DEFAULT_OPTIONS, jobs=1, project=spec)
    assert rendered(pooled) == rendered(alone) == [
        "jobs.py:5:17: CRD201", "jobs.py:5:43: CRD201"]
    # What the parent prepares for the workers, in this process: called() only where
    # the first stage saw a wrapper's name.
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE)
    monkeypatch.setattr(prefilter, "_cache", {})
    project_package._INDEXES.clear()
    prefilter.prepare_for_many_files(DEFAULT_OPTIONS, project_package.index_for(
        spec, DEFAULT_OPTIONS).wrapper_names())
    looked: List[str] = []
    called = index_module.called
    monkeypatch.setattr(index_module, "called", lambda data, names: looked.append(
        data.decode()) or called(data, names))
    kept = [os.path.basename(p) for p in paths
            if screened(pathlib.Path(p).read_bytes(), DEFAULT_OPTIONS, p, spec)]
    assert kept == ["jobs.py", "report.py"] and len(looked) == 2  # the two that call it


def test_the_first_stage_says_which_files_may_name_a_watched_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lint_creds.source import multi_scan, prefilter

    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(prefilter, "_cache", {})
    watched = frozenset({b"make_client"})
    assert prefilter.screen(b"x = 1\n", DEFAULT_OPTIONS, "a.py", watched) == (False, True)
    prefilter.prepare_for_many_files(DEFAULT_OPTIONS, watched)  # compiled from now on
    assert prefilter.screen(b"x = 1\n", DEFAULT_OPTIONS, "a.py", watched) == (False, False)
    assert prefilter.screen(b"s3 = make_client(a, b)\n", DEFAULT_OPTIONS, "a.py",
                            watched) == (False, True)
    assert prefilter.screen(b"import os\nos.environ['AWS_SECRET_ACCESS_KEY'] = s\n",
                            DEFAULT_OPTIONS, "a.py", watched)[0]


def test_the_screen_is_compiled_for_the_cached_names_while_the_table_is_checked(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pooled run compiles the first stage in a thread for the names the cache holds
    while it checks the table against the files; the guess is right when nothing changed,
    and a wrong guess only costs a second compile."""
    from lint_creds.source import multi_scan, prefilter

    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    write(tmp_path, PROJECT)
    spec = ProjectSpec.default(str(tmp_path))
    project_package._INDEXES.clear()
    assert project_package.index_for(spec, DEFAULT_OPTIONS).cached_wrapper_names() == frozenset()
    built = project_package.index_for(spec, DEFAULT_OPTIONS).wrapper_names()  # and cached
    assert built == {b"make_client"}
    project_package._INDEXES.clear()
    index = project_package.index_for(spec, DEFAULT_OPTIONS)
    assert index.cached_wrapper_names() == built and index.known_wrapper_names() is None
    monkeypatch.setattr(prefilter, "_cache", {})
    prefilter.start_preparing(DEFAULT_OPTIONS, index.cached_wrapper_names())()
    assert prefilter.anchors(DEFAULT_OPTIONS, built).first_stage.get(1) is not None
    assert index.wrapper_names() == built


def test_a_whole_project_check_compiles_the_screen_while_it_walks(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check .`` of a project whose cached table lists enough files for a pool starts
    compiling the first stage before the walk (for the cached names); a project not known
    to be that big, or a run without workers, does not; the pooled run finds what a serial
    one finds."""
    from lint_creds.cli import runner
    from lint_creds.source import multi_scan, prefilter
    from lint_creds.source.pool import MIN_FILES_FOR_POOL

    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    write(tmp_path, PROJECT)
    write(tmp_path, {f"app/step{i:03d}.py": f"STEP = {i}\n" for i in range(MIN_FILES_FOR_POOL)})
    spec = ProjectSpec.default(str(tmp_path))
    project_package._INDEXES.clear()
    assert runner._compile_while_walking(DEFAULT_OPTIONS, 2, spec) is None  # nothing cached
    project_package.index_for(spec, DEFAULT_OPTIONS).wrapper_names()  # the table, cached
    project_package._INDEXES.clear()
    assert runner._compile_while_walking(DEFAULT_OPTIONS, 1, spec) is None
    monkeypatch.setattr(prefilter, "_cache", {})
    waiting = runner._compile_while_walking(DEFAULT_OPTIONS, 2, spec)
    assert waiting is not None
    waiting()
    assert prefilter.anchors(DEFAULT_OPTIONS, frozenset({b"make_client"})).first_stage.ready()
    index = project_package.index_for(spec, DEFAULT_OPTIONS)
    pooled = list(runner.check_targets(iter(index.walk()), DEFAULT_OPTIONS, jobs=2,
                                       project=spec, whole_project=True))
    serial = list(runner.check_targets(iter(index.walk()), DEFAULT_OPTIONS, jobs=1, project=spec))
    assert pooled == serial and len(pooled) == len(PROJECT) - 1 + MIN_FILES_FOR_POOL
    found = {os.path.relpath(r.path, tmp_path) for r in pooled if r.findings}
    assert found == {os.path.join("app", "jobs.py")}
