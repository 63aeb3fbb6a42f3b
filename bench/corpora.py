"""Deterministic corpora for the benchmark, built once into ``bench/.cache/corpus/``.

* **site**  every ``*.py`` of the site venv's site-packages (pinned in
  ``bench/requirements-site.txt``), copied to a stable directory;
* **small** a seeded 300-file sample of site (a pre-commit batch);
* **one**   ``bench/corpus/one.py``, a checked-in 300-line module with findings;
* **dense** site with a credential snippet appended to 5% of its files (seeded);
* **scale** eight hard-linked copies of site, for the 1x/2x/4x/8x run.

Every tool must see the same files, so paths that any of them skips by default (ruff's,
flake8's, semgrep's and lint-creds' default excludes) are left out of the corpus, and so are
the venv's bootstrap packages (pip, setuptools), whose bytes depend on the Python build.
"""
from __future__ import annotations

import json
import os
import random
import shutil
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from . import inject

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ONE_PY = os.path.join(BENCH_DIR, "corpus", "one.py")
SEED = 20261123
SMALL_FILES = 300
DENSE_FRACTION = 0.05
SCALE_COPIES = 8

#: Directory names some tool skips by default (union of ruff, flake8, semgrep, lint-creds).
SKIPPED_DIRS = frozenset({
    ".bzr", ".direnv", ".eggs", ".env", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache",
    ".ruff_cache", ".svn", ".tox", ".venv", "CVS", "__pycache__", "__pypackages__", "_build",
    "buck-out", "build", "dist", "env", "node_modules", "site-packages", "venv", "vendor",
    ".ipynb_checkpoints", ".pyenv", ".pytype", ".pants.d", ".vscode",
})
#: Top-level packages the venv bootstraps itself; their version follows the interpreter.
BOOTSTRAP = frozenset({"pip", "setuptools", "pkg_resources", "_distutils_hack"})


class Corpus(NamedTuple):
    """A built corpus: the paths to hand a tool, and its size."""

    name: str
    paths: List[str]
    files: int
    bytes: int


def site_sources(site_packages: str) -> Iterator[str]:
    """Relative paths of the ``*.py`` files the site corpus takes, sorted."""
    found: List[str] = []
    for root, dirs, files in os.walk(site_packages):
        rel_root = os.path.relpath(root, site_packages)
        top = rel_root.split(os.sep)[0]
        if top in BOOTSTRAP or top.endswith((".dist-info", ".egg-info")):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            if name.endswith(".py") and (rel_root != "." or name[:-3] not in BOOTSTRAP):
                found.append(os.path.normpath(os.path.join(rel_root, name)))
    return iter(sorted(found))


def _copy_tree(source_root: str, relpaths: Sequence[str], dest: str, link: bool) -> int:
    """Copy (or hard-link) ``relpaths`` under ``dest``; returns the total bytes."""
    total = 0
    for rel in relpaths:
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        source = os.path.join(source_root, rel)
        if link:
            os.link(source, target)
        else:
            shutil.copyfile(source, target)
        total += os.path.getsize(target)
    return total


def _write_manifest(dest: str, relpaths: Sequence[str], total: int, extra: Dict[str, object]) -> None:
    manifest = {"files": len(relpaths), "bytes": total, **extra}
    with open(dest + ".json", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
    with open(dest + ".files", "w", encoding="utf-8") as handle:
        handle.write("\n".join(relpaths) + "\n")


def _manifest(dest: str) -> Optional[Dict[str, object]]:
    try:
        with open(dest + ".json", encoding="utf-8") as handle:
            data: Dict[str, object] = json.load(handle)
            return data
    except (OSError, ValueError):
        return None


def _relpaths(dest: str) -> List[str]:
    with open(dest + ".files", encoding="utf-8") as handle:
        return [line for line in handle.read().splitlines() if line]


def _fresh(dest: str) -> None:
    """Remove a half-built corpus (and its manifest, written last, which marks it done)."""
    for leftover in (dest + ".json", dest + ".files"):
        if os.path.exists(leftover):
            os.remove(leftover)
    if os.path.isdir(dest):
        shutil.rmtree(dest)


def build_site(site_packages: str, root: str, stamp: str) -> Corpus:
    """The site corpus under ``root/site``, rebuilt when ``stamp`` (the pins' hash) changes."""
    dest = os.path.join(root, "site")
    known = _manifest(dest)
    if known is None or known.get("stamp") != stamp:
        _fresh(dest)
        relpaths = list(site_sources(site_packages))
        total = _copy_tree(site_packages, relpaths, dest, link=False)
        _write_manifest(dest, relpaths, total, {"stamp": stamp})
        known = _manifest(dest)
    assert known is not None
    return Corpus("site", [dest], int(known["files"]), int(known["bytes"]))  # type: ignore[call-overload]


def build_small(site: Corpus, root: str) -> Corpus:
    """A seeded sample of :data:`SMALL_FILES` files of site, hard-linked, sorted."""
    return _derived(site, root, "small", lambda rels: sorted(
        random.Random(SEED).sample(rels, min(SMALL_FILES, len(rels)))))


def _derived(site: Corpus, root: str, name: str,
             pick: Callable[[List[str]], List[str]]) -> Corpus:
    """A corpus of site files chosen by ``pick``, hard-linked, rebuilt when site changes."""
    dest = os.path.join(root, name)
    stamp = _manifest(site.paths[0])
    known = _manifest(dest)
    if known is None or known.get("site") != stamp:
        _fresh(dest)
        relpaths = pick(_relpaths(site.paths[0]))
        total = _copy_tree(site.paths[0], relpaths, dest, link=True)
        _write_manifest(dest, relpaths, total, {"site": stamp})
        known = _manifest(dest)
    assert known is not None
    return Corpus(name, [dest], int(known["files"]), int(known["bytes"]))  # type: ignore[call-overload]


def build_dense(site: Corpus, root: str) -> Corpus:
    """Site with one rule's snippet appended to :data:`DENSE_FRACTION` of its files.

    Untouched files are hard links into site; a drawn file that does not parse (or would
    not parse after the append) is skipped and the next one drawn, so every injected file
    is analysed for real.
    """
    dest = os.path.join(root, "dense")
    site_stamp = _manifest(site.paths[0])
    known = _manifest(dest)
    if known is None or known.get("site") != site_stamp:
        _fresh(dest)
        relpaths = _relpaths(site.paths[0])
        total = _copy_tree(site.paths[0], relpaths, dest, link=True)
        injected = _inject_into(dest, relpaths)
        total += sum(grown for _, _, grown in injected)
        _write_manifest(dest, relpaths, total, {
            "site": site_stamp, "injected": [[rel, code] for rel, code, _ in injected]})
        known = _manifest(dest)
    assert known is not None
    return Corpus("dense", [dest], int(known["files"]), int(known["bytes"]))  # type: ignore[call-overload]


def _inject_into(dest: str, relpaths: Sequence[str]) -> List[Tuple[str, str, int]]:
    wanted = max(1, round(len(relpaths) * DENSE_FRACTION))
    codes = sorted(inject.SNIPPETS)
    rng = random.Random(SEED)
    done: List[Tuple[str, str, int]] = []
    for rel in inject.injection_order(relpaths, SEED):
        if len(done) == wanted:
            break
        path = os.path.join(dest, rel)
        with open(path, "rb") as handle:
            source = handle.read()
        if not inject.parses(source):
            continue
        code = codes[len(done) % len(codes)]
        changed = inject.inject(source, code, rng)
        if changed is None:
            continue
        os.remove(path)  # break the hard link: site must stay untouched
        with open(path, "wb") as handle:
            handle.write(changed)
        done.append((rel, code, len(changed) - len(source)))
    return done


def build_scale(site: Corpus, root: str, sizes: Sequence[int] = (1, 2, 4, 8)) -> List[Corpus]:
    """k times site for each k of ``sizes``: the first k of up to :data:`SCALE_COPIES`
    hard-linked copies (distinct paths, shared bytes)."""
    copies = []
    for index in range(min(max(sizes), SCALE_COPIES)):
        copy = _derived(site, os.path.join(root, "scale"), f"c{index}", lambda rels: rels)
        copies.append(copy.paths[0])
    return [Corpus(f"site x{k}", copies[:k], site.files * k, site.bytes * k)
            for k in sizes if k <= len(copies)]


def one_corpus() -> Corpus:
    """The single checked-in module."""
    return Corpus("one", [ONE_PY], 1, os.path.getsize(ONE_PY))


def write_isolation_files(root: str) -> None:
    """Config files at the corpus root that stop upward config searches at the corpus.

    lint-creds and ruff look for a ``pyproject.toml`` upward from the files; without these
    they would find the repository's own, whose ``[tool.lint-creds]`` excludes ``tests``.
    An empty ``.semgrepignore`` replaces semgrep's default one, which skips ``tests/``.
    """
    os.makedirs(root, exist_ok=True)
    for name, text in (("pyproject.toml", "[tool.lint-creds]\n"), (".semgrepignore", "")):
        with open(os.path.join(root, name), "w", encoding="utf-8") as handle:
            handle.write(text)
