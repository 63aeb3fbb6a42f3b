"""Deterministic corpora for the benchmark, built once into ``bench/.cache/corpus/``.

* **site**  every ``*.py`` of the site venv's site-packages (pinned in
  ``bench/requirements-site.txt``), copied to a stable directory;
* **small** a seeded 300-file sample of site (a pre-commit batch);
* **one**   ``bench/corpus/one.py``, a checked-in 300-line module with findings;
* **dense** site with a credential snippet appended to 5% of its files (seeded);
* **aws**   site plus the sources of the AWS packages pinned in ``bench/requirements-aws.txt``
  (those site lacks: aiobotocore, aioboto3, awscli, s3fs, django-storages, aws-xray-sdk);
* **precommit** one file of site (:data:`STAGED_FILE`), checked as a pre-commit hook does;
* **scale** hard-linked copies of site, for the 1x/2x/4x/8x run.

Each corpus directory is a project of its own (a ``pyproject.toml`` with ``[tool.lint-creds]``
marks it, :func:`mark_project`), so ``check`` builds the project index over that corpus
alone, and keeps the index cache outside it, where no other tool reads it.

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
#: Where the corpora are built (each in a directory of its own).
CORPUS_ROOT = os.path.join(BENCH_DIR, ".cache", "corpus")
#: The index caches, one directory per corpus, beside the corpora (not inside them).
CACHE_ROOT = ".lint-creds-cache"
#: The configuration the cold pre-commit run reads: site's, with a cache of its own, which
#: the bench empties before each of those runs (:data:`COLD_CACHE`).
COLD_CONFIG = os.path.join(CORPUS_ROOT, "precommit-cold.toml")
COLD_CACHE = os.path.join(CORPUS_ROOT, CACHE_ROOT, "precommit-cold")
#: The file a pre-commit run checks: AWS code of site that the byte screen turns away, so
#: the screen's second look (calls of the project's wrappers) reads the project index.
STAGED_FILE = os.path.join("s3transfer", "manager.py")
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


def _write_manifest(dest: str, relpaths: Sequence[str], total: int,
                    extra: Dict[str, object]) -> None:
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


def _corpus(name: str, dest: str, manifest: Dict[str, object]) -> Corpus:
    """The corpus built at ``dest``, sized by its manifest."""
    files, size = manifest["files"], manifest["bytes"]
    return Corpus(name, [dest], int(files), int(size))  # type: ignore[call-overload]


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
    mark_project(dest, root, "site")
    return _corpus("site", dest, known)


def build_small(site: Corpus, root: str) -> Corpus:
    """A seeded sample of :data:`SMALL_FILES` files of site, hard-linked, sorted."""
    small = _derived(site, root, "small", lambda rels: sorted(
        random.Random(SEED).sample(rels, min(SMALL_FILES, len(rels)))))
    mark_project(small.paths[0], root, "small")
    return small


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
    return _corpus(name, dest, known)


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
    mark_project(dest, root, "dense")
    return _corpus("dense", dest, known)


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


def build_aws(site: Corpus, aws_packages: str, root: str, stamp: str) -> Corpus:
    """Site plus the ``*.py`` of ``aws_packages`` (the pinned AWS packages' directory,
    ``stamp`` the hash of their pins) that site does not already hold: site's files are
    hard links, the others copies."""
    dest = os.path.join(root, "aws")
    site_stamp = _manifest(site.paths[0])
    known = _manifest(dest)
    if known is None or known.get("site") != site_stamp or known.get("stamp") != stamp:
        _fresh(dest)
        site_rels = _relpaths(site.paths[0])
        have = set(site_rels)
        extra = [rel for rel in site_sources(aws_packages) if rel not in have]
        total = _copy_tree(site.paths[0], site_rels, dest, link=True)
        total += _copy_tree(aws_packages, extra, dest, link=False)
        _write_manifest(dest, sorted(site_rels + extra), total,
                        {"site": site_stamp, "stamp": stamp, "added": len(extra)})
        known = _manifest(dest)
    assert known is not None
    mark_project(dest, root, "aws")
    return _corpus("aws", dest, known)


def precommit_corpus(site: Corpus) -> Corpus:
    """:data:`STAGED_FILE` of site: the file a pre-commit hook hands over, in site's project."""
    path = os.path.join(site.paths[0], STAGED_FILE)
    return Corpus("precommit", [path], 1, os.path.getsize(path))


def build_scale(site: Corpus, root: str, sizes: Sequence[int] = (1, 2, 4, 8)) -> List[Corpus]:
    """k times site for each k of ``sizes`` (at most :data:`SCALE_COPIES`): a project of k
    hard-linked copies (distinct paths, shared bytes), so the project index grows with it."""
    built = []
    for k in sorted(k for k in set(sizes) if k <= SCALE_COPIES):
        project = os.path.join(root, "scale", f"x{k}")
        copies = [_derived(site, project, f"c{index}", lambda rels: rels).paths[0]
                  for index in range(k)]
        mark_project(project, root, f"scale-x{k}")
        built.append(Corpus(f"site x{k}", copies, site.files * k, site.bytes * k))
    return built


def one_corpus() -> Corpus:
    """The single checked-in module."""
    return Corpus("one", [ONE_PY], 1, os.path.getsize(ONE_PY))


def write_isolation_files(root: str) -> None:
    """Config files at the corpus root that stop upward config searches at the corpus.

    lint-creds and ruff look for a ``pyproject.toml`` upward from the files; without these
    they would find the repository's own, whose ``[tool.lint-creds]`` excludes ``tests``.
    An empty ``.semgrepignore`` replaces semgrep's default one, which skips ``tests/``.
    Also the cold pre-commit run's configuration (:data:`COLD_CONFIG`).
    """
    os.makedirs(root, exist_ok=True)
    cold = os.path.join(CACHE_ROOT, os.path.basename(COLD_CACHE))
    for name, text in (("pyproject.toml", "[tool.lint-creds]\n"), (".semgrepignore", ""),
                       (os.path.basename(COLD_CONFIG),
                        f'[tool.lint-creds]\ncache-dir = "{cold}"\n')):
        _write_text(os.path.join(root, name), text)


def mark_project(directory: str, root: str, name: str) -> None:
    """Make ``directory`` a project of its own for lint-creds: its ``pyproject.toml`` is a
    root marker and holds the configuration, whose index cache is ``root``'s
    ``.lint-creds-cache/<name>``, outside every corpus."""
    cache = os.path.relpath(os.path.join(root, CACHE_ROOT, name), directory)
    _write_text(os.path.join(directory, "pyproject.toml"),
                f'[tool.lint-creds]\ncache-dir = "{cache}"\n')


def _write_text(path: str, text: str) -> None:
    """Write ``text`` unless the file already holds it (keeps mtimes of unchanged files)."""
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
