"""The screen's second look: which names count as calls of the project's wrappers, and the
per-file table the index cache keeps of them (real files, the real index and cache)."""
from __future__ import annotations

import json
import os
import pathlib
from typing import Dict

import pytest

from lint_creds.options import DEFAULT_OPTIONS
from lint_creds.project.index import ProjectIndex
from lint_creds.project.root import ProjectSpec
from lint_creds.project.wrapper_names import calls_any

WRAPPERS = {
    "lib/__init__.py": "",
    "lib/clients.py": (
        "import boto3\n\n\n"
        "def make_client(key, secret):\n"
        "    return boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=secret)\n\n\n"
        "class Store:\n"
        "    def __init__(self, key, secret):\n"
        "        self.s3 = boto3.client('s3', aws_access_key_id=key,\n"
        "                               aws_secret_access_key=secret)\n\n"
        "    def connect(self, key, secret):\n"
        "        return boto3.client('s3', aws_access_key_id=key,\n"
        "                            aws_secret_access_key=secret)\n"),
    # A package the engine treats as a library: its wrappers are never the project's.
    "moto/__init__.py": "",
    "moto/core.py": (
        "import boto3\n\n\n"
        "def mock_client(key, secret):\n"
        "    return boto3.client('s3', aws_access_key_id=key, aws_secret_access_key=secret)\n"),
}


def write(root: pathlib.Path, files: Dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")


def index(root: pathlib.Path, cache: bool = True) -> ProjectIndex:
    return ProjectIndex(ProjectSpec.default(str(root), use_cache=cache), DEFAULT_OPTIONS)


def test_functions_classes_and_methods_not_dunders_nor_library_packages(
        tmp_path: pathlib.Path) -> None:
    write(tmp_path, WRAPPERS)
    assert index(tmp_path, cache=False).wrapper_names() == {
        b"make_client", b"Store", b"connect"}


NAMES = frozenset({b"make_client", b"connect"})


@pytest.mark.parametrize("source, calls", [
    (b"c = make_client(k, s)\n", True),
    (b"c = lib.make_client (k, s)\n", True),
    (b"c = make_client(\n    k, s)\n", True),
    (b"c = make_client \\\n    (k, s)\n", True),
    (b"store.connect(k, s)", True),
    (b"factory = make_client\n", False),  # named, not called
    (b"c = remake_client(k, s)\n", False),  # another word
    (b"c = make_clients(k, s)\n", False),
    (b"# see make_client\n", False),
    (b"make_client", False),
    (b"", False),
])
def test_a_call_is_the_name_as_a_word_then_a_parenthesis(source: bytes, calls: bool) -> None:
    assert calls_any(source, NAMES) is calls


def test_the_table_is_cached_per_file_and_follows_edits(tmp_path: pathlib.Path) -> None:
    write(tmp_path, WRAPPERS)
    assert index(tmp_path).wrapper_names() == {b"make_client", b"Store", b"connect"}
    table = tmp_path / ".lint-creds-cache" / "wrappers.json"
    rows = json.loads(table.read_text(encoding="utf-8"))["files"]
    assert rows[str(tmp_path / "lib" / "clients.py")][2] == ["Store", "connect", "make_client"]
    assert str(tmp_path / "moto" / "core.py") not in rows  # never read

    clients = tmp_path / "lib" / "clients.py"
    clients.write_text(WRAPPERS["lib/clients.py"].replace("make_client", "new_client"),
                       encoding="utf-8")
    os.utime(clients, ns=(1, 1))  # a different modification time, whatever the clock
    assert index(tmp_path).wrapper_names() == {b"new_client", b"Store", b"connect"}


@pytest.mark.parametrize("planted", [
    '{"key": 1, "files": {}}',
    "not json",
    '{"files": {"x.py": [1, 2, ["evil"]]}}',
])
def test_a_planted_or_corrupt_table_never_changes_the_answer(
        tmp_path: pathlib.Path, planted: str, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, WRAPPERS)
    cache = tmp_path / ".lint-creds-cache"
    cache.mkdir()
    (cache / "wrappers.json").write_text(planted, encoding="utf-8")
    assert index(tmp_path).wrapper_names() == {b"make_client", b"Store", b"connect"}


def test_a_table_row_of_the_wrong_shape_is_ignored_with_a_warning(
        tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, WRAPPERS)
    first = index(tmp_path)
    first.wrapper_names()
    table = tmp_path / ".lint-creds-cache" / "wrappers.json"
    document = json.loads(table.read_text(encoding="utf-8"))
    clients = str(tmp_path / "lib" / "clients.py")
    document["files"][clients] = [document["files"][clients][0], True, ["planted"]]
    table.write_text(json.dumps(document), encoding="utf-8")
    assert index(tmp_path).wrapper_names() == {b"make_client", b"Store", b"connect"}
    assert "ignoring invalid cache entry" in capsys.readouterr().err
