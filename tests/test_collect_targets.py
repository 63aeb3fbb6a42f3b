"""``check`` of the whole project takes its files from the project index's walk instead of
walking the tree again: the same targets, in the same order, named as the path given names
them, whatever form that path takes."""
from __future__ import annotations

import argparse
import pathlib
from typing import List

import pytest

from lint_creds import project as project_package
from lint_creds.cli.check import collect_targets
from lint_creds.cli.config import load_settings
from lint_creds.source.files import Target, Visit, iter_collect

TREE = {
    "pyproject.toml": "[project]\nname = 'demo'\n",
    "app/__init__.py": "",
    "app/jobs.py": "x = 1\n",
    "app/types.pyi": "x: int\n",
    "app/sub/deep.py": "y = 2\n",
    "report.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    "build/generated.py": "z = 3\n",
    ".venv/lib/site.py": "w = 4\n",
    "notes.txt": "not source\n",
}


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "proj"
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "app" / "loop").symlink_to(root / "app")  # a link back into the tree
    (root / "app" / "gone.py").symlink_to(root / "missing.py")  # a broken link
    outside = tmp_path / "shared.py"
    outside.write_text("v = 5\n", encoding="utf-8")
    (root / "app" / "shared.py").symlink_to(outside)  # a link that leads outside
    return root


def targets(paths: List[str], force_exclude: bool = False) -> List[Target]:
    project_package._INDEXES.clear()
    settings = load_settings(paths)
    args = argparse.Namespace(force_exclude=force_exclude, stdin_filename=None)
    return list(collect_targets(paths, settings, args))


def walked(path: str) -> List[Target]:
    settings = load_settings([path])
    return list(iter_collect([path], settings.excludes, settings.root, False, Visit.of([path])))


@pytest.mark.parametrize("form", [".", "./", "./.", "{root}", "{root}/", "../proj", "../proj/"])
def test_the_project_walk_gives_the_targets_a_walk_would(
        tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    monkeypatch.chdir(tree)
    path = form.format(root=tree)
    expected = walked(path)
    assert {t.path.rsplit("/", 1)[-1] for t in expected} >= {
        "jobs.py", "types.pyi", "deep.py", "report.ipynb", "gone.py", "shared.py"}
    assert not any("build" in t.path or ".venv" in t.path for t in expected)
    assert targets([path]) == expected
    settings = load_settings([path])
    assert settings.project is not None
    index = project_package.index_for(settings.project, settings.options)
    assert index._walked is not None  # the index's walk served them


def test_other_paths_are_walked_as_before(tree: pathlib.Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    for paths in (["app"], ["app", "report.ipynb"], ["app/jobs.py"]):
        assert targets(paths) == [t for p in paths for t in walked(p)], paths
        assert project_package._INDEXES == {} or all(
            index._walked is None for index in project_package._INDEXES.values())
    (tree / "pyproject.toml").write_text(
        "[tool.lint-creds]\nextend-exclude = ['app/sub']\n", encoding="utf-8")
    assert (tree / "app" / "sub" / "deep.py").is_file()
    assert not any("deep.py" in t.path for t in targets(["."]))
    assert targets(["."], force_exclude=True) == walked(".")
