"""The project-wide view: names imported from the project's other modules get the category
of where they truly come from, through real files on disk and the real index.

Each row is a small project (``{path: source}``, written under a ``pyproject.toml``), the
file checked, and its exact findings as ``line:col: CODE message`` (0-based columns).
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap
from typing import Dict, List

import pytest

from lint_creds.engine import check_source
from lint_creds.options import DEFAULT_OPTIONS
from lint_creds.project.index import ProjectIndex
from lint_creds.project.root import ProjectSpec, find_project_root

SCRIPT = pathlib.Path(sys.executable).with_name("lint-creds")
KEY_ID = "AKIAZ7Q3X5Y2W4V6U8T1"  # made up
SECRET = "kF9/aZ3+bQ7xLm2PqR8sT4uV6wY1zC5dE0gH3jN7"  # made up

CLIENT = '''\
import boto3
{imports}
s3 = boto3.client("s3", aws_access_key_id={key}, aws_secret_access_key={secret})
'''


def write(root: pathlib.Path, files: Dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def findings(root: pathlib.Path, target: str, cache: bool = False) -> List[str]:
    path = root / target
    spec = ProjectSpec.default(str(root), use_cache=cache)
    view = ProjectIndex(spec, DEFAULT_OPTIONS).view_for(str(path))
    return [f"{f.line}:{f.col}: {f.code} {f.message}"
            for f in check_source(path.read_text(encoding="utf-8"), str(path), DEFAULT_OPTIONS,
                                  view)]


def client(imports: str, key: str = "KEY", secret: str = "SECRET") -> str:
    return CLIENT.format(imports=imports, key=key, secret=secret)


MUST_NOT_FIRE = [
    pytest.param({"dummies.py": 'KEY = "test"\nSECRET = "test"\n',
                  "job.py": client("from dummies import KEY, SECRET")},
                 id="imported-test-dummies"),
    pytest.param({"creds.py": '''\
                  import boto3
                  def role_keys():
                      creds = boto3.client("sts").assume_role(RoleArn="r", RoleSessionName="s")
                      return creds["Credentials"]["AccessKeyId"]
                  KEY = role_keys()
                  SECRET = None
                  ''',
                  "job.py": client("from creds import KEY, SECRET")},
                 id="assumed-role-keys-from-another-module"),
    pytest.param({"conf.py": "PRIMARY = compute()\nBACKUP = compute()\n",
                  "job.py": client("from conf import PRIMARY, BACKUP", "PRIMARY", "BACKUP")},
                 id="names-bound-to-something-else"),
    pytest.param({"conf.py": 'MINIO = "http://minio:9000"\nKEY = __import__("os").environ["K"]\n',
                  "job.py": 'import boto3, os\nfrom conf import MINIO\n'
                            's3 = boto3.client("s3", endpoint_url=MINIO, '
                            'aws_access_key_id=os.environ["K"], '
                            'aws_secret_access_key=os.environ["S"])\n'},
                 id="custom-endpoint-defined-in-another-module"),
]

FINDINGS = [
    pytest.param(
        {"defaults.py": f'import os\n__all__ = ["KEY"]\nKEY = os.environ["DEFAULT_KEY"]\n'
                        f'SECRET = "{SECRET}"\n',
         "overrides.py": 'import os\nSECRET = os.environ["OVERRIDE_SECRET"]\n',
         "conf.py": "from overrides import *\nfrom defaults import *\n",
         "job.py": client("from conf import KEY, SECRET")},
        "job.py",
        ["3:24: CRD201 AWS access key id read from the environment is passed to boto3.client "
         "(from KEY, defined at defaults.py:3); boto3 reads the environment itself, remove it",
         "3:47: CRD201 AWS secret access key read from the environment is passed to "
         "boto3.client (from SECRET, defined at overrides.py:2); boto3 reads the environment "
         "itself, remove it"],
        id="a-star-import-binds-only-the-names-of-all"),
    pytest.param(
        {"conf.py": 'ENDPOINT = "https://s3.eu-west-1.amazonaws.com"\n',
         "job.py": 'import boto3, os\nfrom conf import ENDPOINT\n'
                   's3 = boto3.client("s3", endpoint_url=ENDPOINT, '
                   'aws_access_key_id=os.environ["K"])\n'},
        "job.py",
        ['3:47: CRD201 AWS access key id read from the environment is passed to boto3.client '
         '(from os.environ["K"], line 3); boto3 reads the environment itself, remove it'],
        id="an-aws-endpoint-defined-in-another-module-is-aws"),
    pytest.param(
        {"credentials.py": f'KEY = "{KEY_ID}"\nSECRET = "{SECRET}"\n',
         "job.py": client("from credentials import KEY, SECRET")},
        "job.py",
        ["3:24: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to boto3.client "
         "(through KEY, defined at credentials.py:1); remove it and use the default credential "
         "chain",
         "3:47: CRD101 hard-coded AWS secret access key 'kF9/…3jN7' passed to boto3.client "
         "(through SECRET, defined at credentials.py:2); remove it and use the default "
         "credential chain"],
        id="literal-keys-in-another-module"),
    pytest.param(
        {"app/__init__.py": "", "app/settings/__init__.py": "from .base import *\n",
         "app/settings/base.py": 'import os\nKEY = os.environ["APP_KEY"]\n'
                                 'SECRET = os.getenv("APP_SECRET")\n',
         "jobs/run.py": client("from app.settings import KEY, SECRET")},
        "jobs/run.py",
        ["3:24: CRD201 AWS access key id read from the environment is passed to boto3.client "
         "(from KEY, defined at app/settings/base.py:2); boto3 reads the environment itself, "
         "remove it",
         "3:47: CRD201 AWS secret access key read from the environment is passed to "
         "boto3.client (from SECRET, defined at app/settings/base.py:3); boto3 reads the "
         "environment itself, remove it"],
        id="env-reads-through-a-star-import-in-a-package"),
    pytest.param(
        {"config.py": 'import os\nKEY = os.getenv("APP_KEY")\nSECRET = os.getenv("APP_SECRET")\n',
         "job.py": client("from config import *")},
        "job.py",
        ["3:24: CRD201 AWS access key id read from the environment is passed to boto3.client "
         "(from KEY, defined at config.py:2); boto3 reads the environment itself, remove it",
         "3:47: CRD201 AWS secret access key read from the environment is passed to "
         "boto3.client (from SECRET, defined at config.py:3); boto3 reads the environment "
         "itself, remove it"],
        id="a-star-import-in-the-checked-file"),
    pytest.param(
        {"pkg/__init__.py": "", "pkg/conf.py": f'KEY = "{KEY_ID}"\nSECRET = "{SECRET}"\n',
         "pkg/job.py": client("from . import conf", "conf.KEY", "conf.SECRET")},
        "pkg/job.py",
        ["3:24: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to boto3.client "
         "(through conf.KEY, defined at pkg/conf.py:1); remove it and use the default "
         "credential chain",
         "3:52: CRD101 hard-coded AWS secret access key 'kF9/…3jN7' passed to boto3.client "
         "(through conf.SECRET, defined at pkg/conf.py:2); remove it and use the default "
         "credential chain"],
        id="relative-import-of-a-module-then-attributes"),
    pytest.param(
        {"pkg/__init__.py": "from .settings import Settings\n",
         "pkg/settings.py": 'import os\nclass Settings:\n    KEY = os.environ["K"]\n'
                            '    SECRET = os.environ["S"]\n',
         "job.py": client("import pkg.settings as m", "m.Settings.KEY", "m.Settings.SECRET")},
        "job.py",
        ["3:24: CRD201 AWS access key id read from the environment is passed to boto3.client "
         "(from m.Settings.KEY, defined at pkg/settings.py:3); boto3 reads the environment "
         "itself, remove it",
         "3:58: CRD201 AWS secret access key read from the environment is passed to "
         "boto3.client (from m.Settings.SECRET, defined at pkg/settings.py:4); boto3 reads the "
         "environment itself, remove it"],
        id="class-attributes-through-import-as"),
    pytest.param(
        {"pkg/__init__.py": "from .settings import Settings\n",
         "pkg/settings.py": 'import os\nclass Settings:\n    KEY = os.environ["K"]\n'
                            '    SECRET = os.environ["S"]\n',
         "job.py": client("from pkg import Settings", "Settings.KEY", "Settings.SECRET")},
        "job.py",
        ["3:24: CRD201 AWS access key id read from the environment is passed to boto3.client "
         "(from Settings.KEY, defined at pkg/settings.py:3); boto3 reads the environment "
         "itself, remove it",
         "3:56: CRD201 AWS secret access key read from the environment is passed to "
         "boto3.client (from Settings.SECRET, defined at pkg/settings.py:4); boto3 reads the "
         "environment itself, remove it"],
        id="class-re-exported-by-a-package-init"),
    pytest.param(
        {"util/__init__.py": "", "util/env.py": "import os\n\ndef _get_env(name):\n"
                                                "    value = os.getenv(name)\n    return value\n",
         "job.py": client("from util.env import _get_env", '_get_env("AWS_ACCESS_KEY_ID")',
                          '_get_env("AWS_SECRET_ACCESS_KEY")')},
        "job.py",
        ['3:24: CRD201 AWS access key id read from the environment is passed to boto3.client '
         '(from _get_env("AWS_ACCESS_KEY_ID"), defined at util/env.py:3); boto3 reads the '
         'environment itself, remove it',
         '3:73: CRD201 AWS secret access key read from the environment is passed to '
         'boto3.client (from _get_env("AWS_SECRET_ACCESS_KEY"), defined at util/env.py:3); '
         'boto3 reads the environment itself, remove it'],
        id="env-helper-in-another-module"),
    pytest.param(
        {"lib/__init__.py": "", "lib/clients.py": (
            "import boto3\n\n\ndef make_client(service, key_id, secret):\n"
            "    return boto3.client(service, aws_access_key_id=key_id,\n"
            "                        aws_secret_access_key=secret)\n"),
         "job.py": "import os\nfrom lib.clients import make_client\n"
                   's3 = make_client("s3", os.environ["JOB_KEY"], os.environ["JOB_SECRET"])\n'},
        "job.py",
        ['3:23: CRD201 AWS access key id read from the environment is passed to boto3.client '
         'via make_client() at lib/clients.py:5 (from os.environ["JOB_KEY"], line 3); boto3 '
         'reads the environment itself, remove it',
         '3:46: CRD201 AWS secret access key read from the environment is passed to '
         'boto3.client via make_client() at lib/clients.py:5 (from os.environ["JOB_SECRET"], '
         'line 3); boto3 reads the environment itself, remove it'],
        id="a-wrapper-in-another-module"),
    pytest.param(
        {"lib/__init__.py": "from .store import S3Store\n", "lib/store.py": (
            "import boto3\n\n\nclass S3Store:\n    def __init__(self, key, secret):\n"
            "        self.client = boto3.client(\"s3\", aws_access_key_id=key,\n"
            "                                   aws_secret_access_key=secret)\n"),
         "job.py": "import os\nfrom lib import S3Store\n"
                   'store = S3Store(os.environ["JOB_KEY"], os.environ["JOB_SECRET"])\n'},
        "job.py",
        ['3:16: CRD201 AWS access key id read from the environment is passed to boto3.client '
         'via S3Store() at lib/store.py:6 (from os.environ["JOB_KEY"], line 3); boto3 reads '
         'the environment itself, remove it',
         '3:39: CRD201 AWS secret access key read from the environment is passed to '
         'boto3.client via S3Store() at lib/store.py:6 (from os.environ["JOB_SECRET"], '
         'line 3); boto3 reads the environment itself, remove it'],
        id="a-class-in-another-module-whose-constructor-builds-the-client"),
    pytest.param(
        {"lib/__init__.py": "from .store import Store\n", "lib/store.py": (
            "import boto3\n\n\nclass Store:\n    def connect(self, key, secret):\n"
            "        return boto3.client(\"s3\", aws_access_key_id=key,\n"
            "                            aws_secret_access_key=secret)\n"),
         "job.py": "import os\nfrom lib import Store\n"
                   'def run(store: Store):\n'
                   '    return store.connect(os.environ["JOB_KEY"], os.environ["JOB_SECRET"])\n'},
        "job.py",
        ['4:25: CRD201 AWS access key id read from the environment is passed to boto3.client '
         'via store.connect() at lib/store.py:6 (from os.environ["JOB_KEY"], line 4); boto3 '
         'reads the environment itself, remove it',
         '4:48: CRD201 AWS secret access key read from the environment is passed to '
         'boto3.client via store.connect() at lib/store.py:6 (from os.environ["JOB_SECRET"], '
         'line 4); boto3 reads the environment itself, remove it'],
        id="a-method-of-a-class-in-another-module-builds-the-client"),
    pytest.param(
        {"a.py": "from b import KEY, SECRET\n", "b.py": "from a import KEY, SECRET\n",
         "job.py": client("from a import KEY, SECRET")},
        "job.py",
        ["3:24: CRD202 AWS access key id from application configuration is passed to "
         "boto3.client (from KEY, line 3); let the default credential chain find it",
         "3:47: CRD202 AWS secret access key from application configuration is passed to "
         "boto3.client (from SECRET, line 3); let the default credential chain find it"],
        id="an-import-cycle-is-configuration-the-index-cannot-see"),
    pytest.param(
        {"scripts/settings.py": f'KEY = "{KEY_ID}"\nSECRET = "{SECRET}"\n',
         "settings.py": 'KEY = "test"\nSECRET = "test"\n',
         "scripts/job.py": client("from settings import KEY, SECRET")},
        "scripts/job.py",
        ["3:24: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to boto3.client "
         "(through KEY, defined at scripts/settings.py:1); remove it and use the default "
         "credential chain",
         "3:47: CRD101 hard-coded AWS secret access key 'kF9/…3jN7' passed to boto3.client "
         "(through SECRET, defined at scripts/settings.py:2); remove it and use the default "
         "credential chain"],
        id="a-scripts-own-directory-shadows-the-project-root"),
]


def test_a_secret_under_any_name_is_reported_where_it_is_defined(
        tmp_path: pathlib.Path) -> None:
    """CRD102 at the definition when another module passes the name to the SDK, so the
    definition is reported even when only its own file is checked (pre-commit)."""
    write(tmp_path, {"billing.py": f'PRIMARY = "{SECRET}"\nUNUSED = "{SECRET[::-1]}"\n',
                     "job.py": 'import os\nimport boto3\nfrom billing import PRIMARY\n'
                               's3 = boto3.client("s3", aws_access_key_id=os.environ["K"],\n'
                               '                  aws_secret_access_key=PRIMARY)\n'})
    assert findings(tmp_path, "billing.py") == [
        "1:10: CRD102 hard-coded AWS secret access key 'kF9/…3jN7' bound to PRIMARY, passed "
        "to the SDK at job.py:4"]
    assert [f.split(" ")[1] for f in findings(tmp_path, "job.py")] == ["CRD201", "CRD101"]


@pytest.mark.parametrize("files", MUST_NOT_FIRE)
def test_look_alikes_across_modules_stay_silent(tmp_path: pathlib.Path,
                                                files: Dict[str, str]) -> None:
    write(tmp_path, files)
    assert findings(tmp_path, "job.py") == []


@pytest.mark.parametrize("files, target, expected", FINDINGS)
def test_imported_names_take_the_category_of_their_definition(
        tmp_path: pathlib.Path, files: Dict[str, str], target: str, expected: List[str]) -> None:
    write(tmp_path, files)
    assert findings(tmp_path, target) == expected


def test_without_the_view_an_imported_name_is_configuration(tmp_path: pathlib.Path) -> None:
    """The single-file view (flake8 outside a project, ``--no-project``) is unchanged."""
    write(tmp_path, {"dummies.py": 'KEY = "test"\n',
                     "job.py": client("from dummies import KEY, SECRET")})
    source = (tmp_path / "job.py").read_text(encoding="utf-8")
    assert [f.code for f in check_source(source, "job.py")] == ["CRD202", "CRD202"]


def test_a_module_that_does_not_parse_is_left_to_the_fallback(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"conf.py": "KEY = (\n", "job.py": client("from conf import KEY, SECRET")})
    assert [line.split(" ")[1] for line in findings(tmp_path, "job.py")] == ["CRD202", "CRD202"]


@pytest.mark.parametrize("layout, start, root", [
    pytest.param({"pyproject.toml": "", "src/pkg/mod.py": ""}, "src/pkg/mod.py", ".",
                 id="pyproject"),
    pytest.param({"setup.cfg": "", "a/b.py": ""}, "a", ".", id="setup-cfg-from-a-directory"),
    pytest.param({"setup.py": "", "inner/setup.cfg": "", "inner/x.py": ""}, "inner/x.py",
                 "inner", id="nearest-wins"),
    pytest.param({".git/HEAD": "", "x.py": ""}, "x.py", ".", id="git"),
])
def test_project_root_is_the_nearest_marked_directory(
        tmp_path: pathlib.Path, layout: Dict[str, str], start: str, root: str) -> None:
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert find_project_root([str(tmp_path / start)]) == str((tmp_path / root).resolve())


def test_no_root_outside_any_project(tmp_path: pathlib.Path) -> None:
    """A directory without a marker is never taken for the root (above the temporary
    directory there is normally none at all, and then there is no project)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.py").write_text("", encoding="utf-8")
    found = find_project_root([str(tmp_path / "sub" / "x.py")])
    assert found is None or not found.startswith(str(tmp_path))


# -- the command line, the cache and flake8 on a real project --------------------------
PROJECT = {
    "credentials.py": f'AWS_ACCESS_KEY_ID = "{KEY_ID}"\nAWS_SECRET_ACCESS_KEY = "{SECRET}"\n',
    "jobs/__init__.py": "",
    "jobs/export.py": client("from credentials import AWS_ACCESS_KEY_ID as KEY, "
                             "AWS_SECRET_ACCESS_KEY as SECRET"),
}
EXPORT_FINDINGS = [
    "jobs/export.py:3:25: CRD101 hard-coded AWS access key id 'AKIA…U8T1' passed to "
    "boto3.client (through KEY, defined at credentials.py:1); remove it and use the default "
    "credential chain",
    "jobs/export.py:3:48: CRD101 hard-coded AWS secret access key 'kF9/…3jN7' passed to "
    "boto3.client (through SECRET, defined at credentials.py:2); remove it and use the "
    "default credential chain",
]
CACHE = ".lint-creds-cache"


def cli(root: pathlib.Path, *args: str) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([str(SCRIPT), *args], cwd=root, capture_output=True, text=True,
                          env=env, timeout=120)


def finding_lines(output: str) -> List[str]:
    return [line for line in output.splitlines() if ": CRD" in line]


def test_files_outside_the_paths_are_read_for_the_index_not_reported(
        tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    result = cli(tmp_path, "check", "jobs/export.py")
    assert (result.returncode, finding_lines(result.stdout)) == (1, EXPORT_FINDINGS)


def test_a_files_findings_do_not_depend_on_what_else_is_checked(tmp_path: pathlib.Path) -> None:
    """pre-commit passes only the staged files: the answer for one must be the same."""
    write(tmp_path, PROJECT)
    whole = [line for line in finding_lines(cli(tmp_path, "check", ".").stdout)
             if line.startswith("jobs/")]
    assert whole == EXPORT_FINDINGS


def test_no_project_analyses_each_file_alone(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    codes = [line.split(" ")[1] for line in finding_lines(
        cli(tmp_path, "check", "--no-project", "jobs/export.py").stdout)]
    assert codes == ["CRD202", "CRD202"]
    assert not (tmp_path / CACHE).exists()


def test_project_root_flag(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "repo", PROJECT)
    (tmp_path / "repo" / "pyproject.toml").unlink()
    (tmp_path / "repo" / "jobs" / "pyproject.toml").write_text("", encoding="utf-8")
    inner = cli(tmp_path / "repo", "check", "jobs/export.py")  # root: jobs/, no credentials
    assert [line.split(" ")[1] for line in finding_lines(inner.stdout)] == ["CRD202"] * 2
    outer = cli(tmp_path / "repo", "check", "--project-root", ".", "jobs/export.py")
    assert finding_lines(outer.stdout) == EXPORT_FINDINGS
    missing = cli(tmp_path / "repo", "check", "--project-root", "nowhere", "jobs/export.py")
    assert (missing.returncode, missing.stderr) == (
        2, "lint-creds: error: --project-root nowhere: not a directory\n")


def test_the_cache_is_ignored_by_git_holds_no_key_and_answers_the_same(
        tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    cold = cli(tmp_path, "check", "jobs/export.py")
    cache = tmp_path / CACHE
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 1  # only credentials.py was summarised
    text = entries[0].read_text(encoding="utf-8")
    assert KEY_ID not in text and SECRET not in text
    names = json.loads(text)["summary"]["names"]
    assert names["AWS_ACCESS_KEY_ID"][6] == "AKIA…U8T1"  # masked, for messages
    warm = cli(tmp_path, "check", "jobs/export.py")
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)


@pytest.mark.parametrize("entry", [
    pytest.param("{not json", id="not-json"),
    pytest.param('{"key": 1, "summary": []}', id="wrong-key"),
    pytest.param(None, id="planted-with-the-right-key-but-a-lie-inside"),
    pytest.param(None, id="planted-with-a-wrong-type"),
])
def test_a_corrupt_or_planted_cache_entry_never_changes_the_answer(
        tmp_path: pathlib.Path, entry: "str | None", request: pytest.FixtureRequest) -> None:
    write(tmp_path, PROJECT)
    cli(tmp_path, "check", "jobs/export.py")
    (path,) = (tmp_path / CACHE).glob("*.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    if request.node.callspec.id == "planted-with-the-right-key-but-a-lie-inside":
        # A stale or forged entry for another file content: the key no longer matches.
        document["key"][3] += 1
        document["summary"]["names"]["AWS_ACCESS_KEY_ID"][0] = "none"
        entry = json.dumps(document)
    elif request.node.callspec.id == "planted-with-a-wrong-type":
        document["summary"]["names"]["AWS_ACCESS_KEY_ID"][1] = "one"
        entry = json.dumps(document)
    path.write_text(str(entry), encoding="utf-8")
    result = cli(tmp_path, "check", "jobs/export.py")
    assert finding_lines(result.stdout) == EXPORT_FINDINGS
    if request.node.callspec.id in ("not-json", "planted-with-a-wrong-type"):
        assert result.stderr.startswith("lint-creds: warning: ignoring ")


def test_an_unwritable_cache_is_a_warning(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {**PROJECT, "pyproject.toml": ""})
    (tmp_path / "pyproject.toml").write_text('[tool.lint-creds]\ncache-dir = "blocked/cache"\n',
                                             encoding="utf-8")
    (tmp_path / "blocked").write_text("a file where the directory should be", encoding="utf-8")
    result = cli(tmp_path, "check", "jobs/export.py")
    assert finding_lines(result.stdout) == EXPORT_FINDINGS
    assert result.stderr.startswith(f"lint-creds: warning: cache directory "
                                    f"{tmp_path / 'blocked' / 'cache'} is not writable")


def test_no_cache_and_cache_dir(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    assert finding_lines(cli(tmp_path, "check", "--no-cache", "jobs").stdout) == EXPORT_FINDINGS
    assert not (tmp_path / CACHE).exists()
    (tmp_path / "pyproject.toml").write_text('[tool.lint-creds]\ncache-dir = "build/lc"\n',
                                             encoding="utf-8")
    assert finding_lines(cli(tmp_path, "check", "jobs").stdout) == EXPORT_FINDINGS
    assert list((tmp_path / "build" / "lc").glob("*.json"))  # the index's entries, there
    assert not (tmp_path / CACHE).exists()


def test_flake8_sees_the_same_project(tmp_path: pathlib.Path) -> None:
    write(tmp_path, PROJECT)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "CRD", "jobs/export.py"], cwd=tmp_path,
        capture_output=True, text=True, timeout=120)
    # flake8 columns are 1-based like ours; its paths are as given.
    assert result.stdout.splitlines() == [f"./{line}" if not line.startswith("jobs") else line
                                          for line in EXPORT_FINDINGS]


WRAPPED = {
    "lib/__init__.py": "",
    "lib/clients.py": ("import boto3\n\n\ndef make_client(key, secret):\n"
                       '    return boto3.client("s3", aws_access_key_id=key, '
                       "aws_secret_access_key=secret)\n"),
    "job.py": ('import os\nfrom lib.clients import make_client\n\n'
               'c = make_client(os.environ["JOB_KEY"], os.environ["JOB_SECRET"])\n'),
    "unrelated.py": 'import os\n\nprint(os.environ["HOME"])\n',
}
WRAPPED_FINDINGS = [
    f'job.py:4:{col}: CRD201 AWS {role} read from the environment is passed to boto3.client '
    f'via make_client() at lib/clients.py:5 (from os.environ["{name}"], line 4); boto3 reads '
    'the environment itself, remove it'
    for col, role, name in ((17, "access key id", "JOB_KEY"),
                            (40, "secret access key", "JOB_SECRET"))]


def test_a_wrapper_call_with_no_anchor_of_its_own_is_checked_by_every_front_end(
        tmp_path: pathlib.Path) -> None:
    """The byte screen sees no AWS anchor in job.py; the project's wrapper names do (and
    pre-commit passes job.py alone)."""
    write(tmp_path, WRAPPED)
    check = subprocess.run([str(SCRIPT), "check", "--no-cache", "job.py", "unrelated.py"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert check.stdout.splitlines()[:-2] == WRAPPED_FINDINGS  # then counts by rule, summary
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "CRD", "job.py",
                             "unrelated.py"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert flake8.stdout.splitlines() == WRAPPED_FINDINGS
    index = ProjectIndex(ProjectSpec.default(str(tmp_path), use_cache=False), DEFAULT_OPTIONS)
    assert index.wrapper_names() == {b"make_client"}
    assert not index.may_call_a_wrapper((tmp_path / "unrelated.py").read_bytes())


def test_a_module_level_blob_is_kept_as_verdicts_only(tmp_path: pathlib.Path) -> None:
    """A 1 MB string table (moto's managed policies) must not make a 1 MB cache entry, nor
    one too large to read back (which would re-parse the module on every run)."""
    blob = '{"Statement": [' + ", ".join(['{"Effect": "Allow"}'] * 50_000) + "]}"
    write(tmp_path, {"tables.py": f"POLICIES = {blob!r}\nREGION = 'eu-west-1'\n"})
    index = ProjectIndex(ProjectSpec.default(str(tmp_path)), DEFAULT_OPTIONS)
    summary = index.summary(str(tmp_path / "tables.py"))
    assert summary is not None
    assert (summary.names["POLICIES"].literal, summary.names["REGION"].literal) == (
        None, "eu-west-1")
    (entry,) = (tmp_path / CACHE).glob("*.json")
    assert entry.stat().st_size < 2_000
