"""The fix across modules: after ``fix --unsafe-fixes`` on a project, a definition that no
code reads any more is gone with its imports, one still read stays with the reader named,
and every module still compiles and imports what exists.

Each row is a small project (``{path: source}`` under a ``pyproject.toml``), fixed by the
real CLI in a subprocess; the expected files after the fix (``None``: unchanged) and the
exact "not fixed" lines of the summary.
"""
from __future__ import annotations

import pathlib
import py_compile
import subprocess
import sys
import textwrap
from typing import Dict, List, Optional

import pytest
from scale.ast_oracle import dangling_references, violations

SCRIPT = pathlib.Path(sys.executable).with_name("lint-creds")
KEY_ID = "AKIAZ7Q3X5Y2W4V6U8T1"  # made up
SECRET = "kF9/aZ3+bQ7xLm2PqR8sT4uV6wY1zC5dE0gH3jN7"  # made up


def files(**sources: str) -> Dict[str, str]:
    """``app__jobs`` is ``app/jobs.py``, ``app____init__`` is ``app/__init__.py``."""
    def path(name: str) -> str:
        return name.replace("____init__", "/\0").replace("__", "/").replace(
            "\0", "__init__") + ".py"

    return {path(name): textwrap.dedent(source).format(KEY_ID=KEY_ID, SECRET=SECRET)
            for name, source in sources.items()}


#: A django-storages class with keys of its own.
PRIVATE_STORAGE = '''\
    from storages.backends.s3 import S3Storage

    class PrivateStorage(S3Storage):
        bucket_name = "private"
        access_key = "AKIAQ7VQ3KXW5R2MW5FH"
        secret_key = "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"
    '''

CASES = [
    pytest.param(files(
        app__credentials='''\
            # --- AWS ---
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            AWS_SECRET_ACCESS_KEY = "{SECRET}"
            REGION = "eu-west-1"
            ''',
        app__jobs='''\
            import boto3
            from app.credentials import AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, REGION

            s3 = boto3.client("s3", aws_access_key_id=AWS_ACCESS_KEY_ID,
                              aws_secret_access_key=AWS_SECRET_ACCESS_KEY, region_name=REGION)
            ''',
        app____init__=""), files(
        app__credentials='''\
            # --- AWS ---
            REGION = "eu-west-1"
            ''',
        app__jobs='''\
            import boto3
            from app.credentials import REGION

            s3 = boto3.client("s3", region_name=REGION)
            '''), [], id="keys-in-a-credentials-module-go-with-their-imports"),
    pytest.param(files(
        app__credentials='''\
            KEY_ID = "{KEY_ID}"
            SECRET = "{SECRET}"
            ''',
        app__jobs='''\
            import boto3
            from .credentials import KEY_ID, SECRET

            s3 = boto3.client("s3", aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
            ''',
        app__audit='''\
            from app import credentials

            def log():
                print(credentials.KEY_ID[:4])
            ''',
        app____init__=""), files(
        app__credentials='''\
            KEY_ID = "{KEY_ID}"
            ''',
        app__jobs='''\
            import boto3

            s3 = boto3.client("s3")
            '''), ["app/credentials.py:1:10: CRD102 KEY_ID is still read at app/audit.py:4"],
        id="a-key-still-read-elsewhere-stays-with-its-reader-named"),
    pytest.param(files(
        svc__config='''\
            import os

            KEY = os.environ["AWS_ACCESS_KEY_ID"]
            SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
            BUCKET = os.environ.get("BUCKET", "b")
            ''',
        svc__jobs='''\
            import boto3
            from svc import config

            def s3():
                return boto3.client("s3", aws_access_key_id=config.KEY,
                                    aws_secret_access_key=config.SECRET)
            ''',
        svc____init__=""), files(
        svc__config='''\
            import os

            BUCKET = os.environ.get("BUCKET", "b")
            ''',
        svc__jobs='''\
            import boto3

            def s3():
                return boto3.client("s3")
            '''), [], id="env-reads-that-would-crash-on-ecs-go-once-unread"),
    pytest.param(files(
        site__settings__base='''\
            INSTALLED_APPS = ["storages"]
            # --- storage ---
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            AWS_SECRET_ACCESS_KEY = "{SECRET}"
            AWS_STORAGE_BUCKET_NAME = "media"
            ''',
        site__settings__prod='''\
            from .base import *  # noqa

            AWS_S3_ACCESS_KEY_ID = AWS_ACCESS_KEY_ID
            ''',
        site__settings____init__="", site____init__=""), files(
        site__settings__base='''\
            INSTALLED_APPS = ["storages"]
            # --- storage ---
            AWS_STORAGE_BUCKET_NAME = "media"
            ''',
        site__settings__prod='''\
            from .base import *  # noqa
            '''), [], id="settings-read-through-a-star-import-go-after-their-reader"),
    pytest.param(files(
        site__settings='''\
            INSTALLED_APPS = ["storages"]
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            AWS_SECRET_ACCESS_KEY = "{SECRET}"
            ''',
        site__views='''\
            from django.conf import settings

            def key_prefix():
                return getattr(settings, "AWS_ACCESS_KEY_ID")[:4]
            ''',
        site____init__=""), files(
        site__settings='''\
            INSTALLED_APPS = ["storages"]
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            '''), [
            "site/settings.py:2:1: CRD203 AWS_ACCESS_KEY_ID is still read at site/views.py:4",
            "site/settings.py:2:21: CRD102 AWS_ACCESS_KEY_ID is still read at site/views.py:4"],
        id="a-django-setting-read-by-name-stays"),
    pytest.param(files(
        config__base='''\
            INSTALLED_APPS = ["storages"]
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            ''',
        shop__views='''\
            from django.conf import settings

            def key_prefix():
                return settings.AWS_ACCESS_KEY_ID[:4]
            ''',
        config____init__="", shop____init__=""), None, [
            "config/base.py:2:1: CRD203 AWS_ACCESS_KEY_ID is still read at shop/views.py:4",
            "config/base.py:2:21: CRD102 AWS_ACCESS_KEY_ID is still read at shop/views.py:4"],
        id="a-django-settings-module-by-its-markers-is-read-through-django-conf"),
    pytest.param(files(
        app__keys='''\
            KEY_ID = "{KEY_ID}"
            ''',
        app__cli='''\
            from app.keys import *

            print(KEY_ID)
            ''',
        app____init__=""), None, [
            "app/keys.py:1:10: CRD102 KEY_ID is still read at app/cli.py:3"],
        id="a-star-import-that-reads-the-name-keeps-it"),
    pytest.param(files(
        app__storage='''\
            class Archive:
                access_key = "{KEY_ID}"
                secret_key = "{SECRET}"
            ''',
        app__report='''\
            from app.storage import Archive

            print(Archive.access_key[:4])
            ''',
        app____init__=""), files(
        app__storage='''\
            class Archive:
                access_key = "{KEY_ID}"
            '''), ["app/storage.py:2:18: CRD102 access_key is still read at app/report.py:3"],
        id="a-class-attribute-read-through-its-class-stays"),
    pytest.param(files(
        site__settings='''\
            INSTALLED_APPS = ["storages"]
            AWS_ACCESS_KEY_ID = "{KEY_ID}"  # noqa: CRD102, CRD203 (the public bucket's key)
            AWS_SECRET_ACCESS_KEY = "{SECRET}"  # noqa: CRD102, CRD203
            ''',
        site__storage=PRIVATE_STORAGE,
        site____init__=""), None, [
            f"site/storage.py:{where} without {name} the storage falls back to the global "
            "key setting at site/settings.py:2, another static key; remove that setting too"
            for where, name in (("5:5: CRD203", "access_key"), ("5:18: CRD102", "access_key"),
                                ("6:5: CRD203", "secret_key"), ("6:18: CRD102", "secret_key"))],
        id="storage-keys-stay-while-the-global-keys-they-fall-back-to-stay"),
    pytest.param(files(
        site__settings='''\
            INSTALLED_APPS = ["storages"]
            AWS_ACCESS_KEY_ID = "{KEY_ID}"
            AWS_SECRET_ACCESS_KEY = "{SECRET}"
            ''',
        site__storage=PRIVATE_STORAGE,
        site____init__=""), files(
        site__settings='''\
            INSTALLED_APPS = ["storages"]
            ''',
        site__storage='''\
            from storages.backends.s3 import S3Storage

            class PrivateStorage(S3Storage):
                bucket_name = "private"
            '''), [], id="storage-keys-go-with-the-global-keys"),
    pytest.param(files(
        warehouse__config='''\
            SAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
            GIT_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
            ''',
        warehouse__load='''\
            from warehouse.config import SAMPLE_KEY_ID

            print(SAMPLE_KEY_ID)
            '''), None, [], id="a-look-alike-only-project-is-untouched"),
]


def write(root: pathlib.Path, sources: Dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name, source in sources.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def fix(root: pathlib.Path, *paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), "fix", "--unsafe-fixes", "--no-cache", *(paths or ".")],
                          cwd=root, capture_output=True, text=True, timeout=120)


def not_fixed(summary: str) -> List[str]:
    lines = summary.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("not fixed")), None)
    if start is None:
        return []
    left = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        left.append(line.strip().lstrip("./"))
    return left


@pytest.mark.parametrize("before, after, left", CASES)
def test_fix_across_modules(tmp_path: pathlib.Path, before: Dict[str, str],
                            after: Optional[Dict[str, str]], left: List[str]) -> None:
    write(tmp_path, before)
    done = fix(tmp_path)
    assert done.returncode == 0, done.stderr
    expected = {**before, **(after or {})}
    assert {name: (tmp_path / name).read_text(encoding="utf-8") for name in before} == expected
    assert not_fixed(done.stderr) == left
    fixed = {name: (tmp_path / name).read_text(encoding="utf-8") for name in before}
    for name in before:  # every module still compiles, changed only by allowed removals ...
        py_compile.compile(str(tmp_path / name), doraise=True)
        assert violations(before[name], fixed[name]) == [], name
    assert dangling_references(before, fixed) == []  # ... and reads nothing removed
    again = fix(tmp_path)  # ... and a second run changes nothing
    assert "0 changed" in again.stderr
    assert {name: (tmp_path / name).read_text(encoding="utf-8") for name in before} == expected


def test_the_reference_check_can_fail() -> None:
    before = CASES[0].values[0]
    broken = {**before, "app/credentials.py": "REGION = 'eu-west-1'\n"}
    assert dangling_references(before, broken) == [
        "app/jobs.py:2: imports AWS_ACCESS_KEY_ID, removed from app.credentials",
        "app/jobs.py:2: imports AWS_SECRET_ACCESS_KEY, removed from app.credentials"]


def test_the_fixed_project_imports_what_exists(tmp_path: pathlib.Path) -> None:
    """Python itself agrees: every module of the fixed project imports."""
    before = CASES[1].values[0]
    write(tmp_path, before)
    assert fix(tmp_path).returncode == 0
    code = "import app.jobs, app.audit, app.credentials"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": str(tmp_path),
                                                      "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 or "No module named 'boto3'" in done.stderr, done.stderr


def test_definitions_outside_the_paths_given_are_not_rewritten(tmp_path: pathlib.Path) -> None:
    before = CASES[0].values[0]
    write(tmp_path, before)
    done = fix(tmp_path, "app/jobs.py")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "app/credentials.py").read_text(encoding="utf-8") == before[
        "app/credentials.py"]
    assert "aws_access_key_id" not in (tmp_path / "app/jobs.py").read_text(encoding="utf-8")


def test_consumers_are_written_before_definitions(tmp_path: pathlib.Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupted run may leave an unused definition, never an import of a name that
    no longer exists."""
    from lint_creds.fix import fixer
    from lint_creds.options import DEFAULT_OPTIONS
    from lint_creds.project.root import ProjectSpec

    write(tmp_path, CASES[0].values[0])
    written: List[str] = []
    monkeypatch.setattr(fixer, "write_atomically",
                        lambda path, data: written.append(pathlib.Path(path).name))
    paths = sorted(str(p) for p in tmp_path.rglob("*.py"))
    settings = fixer.FixSettings(DEFAULT_OPTIONS, unsafe_fixes=True,
                                 project=ProjectSpec(str(tmp_path)))
    fixer.fix_files(paths, settings, jobs=1)
    assert written == ["jobs.py", "credentials.py"]


def test_one_diff_over_all_files_and_the_summary_lists_them(tmp_path: pathlib.Path) -> None:
    write(tmp_path, CASES[0].values[0])
    done = subprocess.run([str(SCRIPT), "fix", "--unsafe-fixes", "--diff", "--no-cache", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert [line for line in done.stdout.splitlines() if line.startswith("+++")] == [
        "+++ b/app/credentials.py", "+++ b/app/jobs.py"]
    assert KEY_ID not in done.stdout and SECRET not in done.stdout
    assert "would change (2):\n  app/credentials.py\n  app/jobs.py\n" in done.stderr


def test_a_safe_fix_removes_module_reads_of_the_chains_own_variables(
        tmp_path: pathlib.Path) -> None:
    """``KEY = os.environ["AWS_ACCESS_KEY_ID"]`` gives boto3 nothing it would not find and
    crashes the import on ECS: once unread anywhere it goes without --unsafe-fixes; a
    custom variable's read changes the identity, so it waits for --unsafe-fixes."""
    before = files(
        svc__config='''\
            import os

            KEY = os.environ["AWS_ACCESS_KEY_ID"]
            SECRET = os.environ.get("AWS_SECRET_ACCESS_KEY")
            EXPORT_KEY = os.environ["EXPORT_AWS_KEY_ID"]
            ''',
        svc__jobs='''\
            import boto3
            from svc.config import KEY, SECRET

            s3 = boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
            ''',
        svc____init__="")
    write(tmp_path, before)
    done = subprocess.run([str(SCRIPT), "fix", "--no-cache", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "svc/config.py").read_text(encoding="utf-8") == textwrap.dedent('''\
        import os

        EXPORT_KEY = os.environ["EXPORT_AWS_KEY_ID"]
        ''')
    assert (tmp_path / "svc/jobs.py").read_text(encoding="utf-8") == (
        'import boto3\n\ns3 = boto3.client("s3")\n')


@pytest.mark.parametrize("unsafe_fixes, redone", [(False, []), (True, ["app/keys.py"])])
def test_the_pass_redoes_only_modules_whose_keys_wait_for_their_readers(
        tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, unsafe_fixes: bool,
        redone: List[str]) -> None:
    """A key held back (CRD102 is an unsafe fix) stays held back whatever the readers do,
    so its module is not fixed again; with --unsafe-fixes it waits for its reader."""
    from lint_creds.fix.fixer import FixSettings, fix_files
    from lint_creds.fix.project_pass import ProjectPass
    from lint_creds.project.root import ProjectSpec

    write(tmp_path, files(
        app__keys='KEY_ID = "{KEY_ID}"\n',
        app__audit='from app.keys import KEY_ID\n\nprint(KEY_ID)\n',
        app____init__=""))
    seen: List[List[str]] = []
    run = ProjectPass.run

    def recorded(self: ProjectPass, first_texts: object, definitions: object,
                 still_read: List[str]) -> None:
        seen.append(sorted(pathlib.Path(p).relative_to(tmp_path).as_posix()
                           for p in still_read))
        run(self, first_texts, definitions, still_read)  # type: ignore[arg-type]

    monkeypatch.setattr(ProjectPass, "run", recorded)
    paths = sorted(str(p) for p in tmp_path.rglob("*.py"))
    fix_files(paths, FixSettings(unsafe_fixes=unsafe_fixes, write=False,
                                 project=ProjectSpec.default(str(tmp_path), use_cache=False)), 1)
    assert seen == [redone]
