"""The flake8 front end, exercised through real flake8 in subprocesses."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
from typing import Dict, List

import pytest

from lint_creds import __version__
from lint_creds.engine import analyze_tree
from lint_creds.flake8_plugin import Plugin

KEY = "AKIA7KLFYYLBEG3RHDSV"
ENV_CLIENT = (
    "import os\nimport boto3\n"
    's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])\n'
)


def flake8(cwd: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def crd_rows(cwd: pathlib.Path, *args: str) -> List[str]:
    """``path:row:col: CODE`` for every CRD finding flake8 prints."""
    result = flake8(cwd, "--select", "CRD", "--format=%(path)s:%(row)d:%(col)d: %(code)s", *args)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def write(directory: pathlib.Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).write_bytes(text.encode("utf-8"))


def test_version_lists_the_plugin(tmp_path: pathlib.Path) -> None:
    result = flake8(tmp_path, "--version")
    assert f"lint-creds: {__version__}" in result.stdout


def test_reports_codes_lines_and_one_based_columns(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"app.py": ENV_CLIENT})
    result = flake8(tmp_path, "--select", "CRD", "app.py")
    assert result.stdout.splitlines() == [
        "app.py:3:25: CRD201 AWS access key id read from the environment is passed to "
        'boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 3); boto3 reads the '
        "environment itself, remove it"
    ]
    assert result.returncode == 1


NOQA = {
    "bare.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa\n',
    "exact.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa: CRD101\n',
    "prefix.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa: CRD1\n',
    "family.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa:CRD\n',
    "other.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa: E501\n',
    "wrong.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")  # noqa: CRD102\n',
    "mixed.py": f'import boto3\nK = "{KEY}"  # noqa: CRD102\nboto3.client("s3", aws_access_key_id=K)\n',
    "file.py": f'# flake8: noqa\nimport boto3\nboto3.client("s3", aws_access_key_id="{KEY}")\n',
}


def test_noqa_behaves_as_in_flake8(tmp_path: pathlib.Path) -> None:
    write(tmp_path, NOQA)
    assert sorted(crd_rows(tmp_path, ".")) == [
        "./mixed.py:3:20: CRD101",
        "./other.py:2:20: CRD101",
        "./wrong.py:2:20: CRD101",
    ]


def test_disable_noqa_reports_everything(tmp_path: pathlib.Path) -> None:
    write(tmp_path, {"exact.py": NOQA["exact.py"]})
    assert crd_rows(tmp_path, "--disable-noqa", "exact.py") == ["exact.py:2:20: CRD101"]


ODD_INPUTS = {
    "empty.py": "",
    "blank.py": "\n\n   \n",
    "comments.py": "# just a comment\n# another\n",
    "bom_crlf.py": "\ufeffimport os, boto3\r\nc = boto3.client('s3', aws_access_key_id=os.environ['K'])\r\n",
    "unicode.py": (
        "import os, boto3\n"
        "café = 'naïve'; c = boto3.client('s3', aws_access_key_id=os.getenv('AWS_ACCESS_KEY_ID'))\n"
    ),
    "tabs.py": "import os, boto3\nif True:\n\tc = boto3.client('s3', aws_access_key_id=os.environ['K'])\n",
    "continuation.py": (
        "import os, boto3\nc = boto3.client('s3', \\\n    aws_access_key_id=os.environ['K'])\n"
    ),
    "weird_calls.py": (
        "import os, boto3\n"
        "args, kw = [], {}\n"
        "boto3.client(*args, **kw)\n"
        "boto3.client(**{})\n"
        "boto3.Session(*args)\n"
        "boto3.client('s3', **{**kw, 'region_name': 'x'})\n"
        "os.environ[0] = 1\n"
        "os.environ.update()\n"
        "os.putenv()\n"
        "boto3.client('s3', aws_access_key_id=b'AKIA7KLFYYLBEG3RHDSV')\n"
        "boto3.client('s3', aws_access_key_id=f'{os.environ}')\n"
        "(lambda: (yield))\n"
        "del os.environ['AWS_ACCESS_KEY_ID']\n"
    ),
    "scoping.py": (
        "import os, boto3\n"
        "global_key = os.environ['K']\n"
        "def f():\n"
        "    global global_key\n"
        "    nonlocal_free = [global_key := x for x in range(3)]\n"
        "    return boto3.client('s3', aws_access_key_id=global_key)\n"
        "class C:\n"
        "    key = key\n"
        "    def m(self=None, /, *a, k=os.environ.get('K'), **kw):\n"
        "        return boto3.client('s3', aws_access_key_id=k)\n"
        "async def g():\n"
        "    return [boto3.client('s3', aws_access_key_id=os.environ['K']) async for _ in aiter()]\n"
    ),
    "recursive.py": "a = b\nb = a\nimport boto3\nboto3.client('s3', aws_access_key_id=a)\n",
    "deep.py": "import boto3\nx = " + "(" * 50 + "1" + ")" * 50 + "\nboto3.client('s3', aws_access_key_id=x)\n",
    "long_chain.py": "".join(f"v{i} = v{i - 1}\n" for i in range(1, 200)) + (
        "import os, boto3\nv0 = os.environ['K']\nboto3.client('s3', aws_access_key_id=v199)\n"),
    "syntax_error.py": "def broken(:\n    pass\n",
    "match.py": (
        "import os, boto3\n"
        "match os.environ:\n"
        "    case {'AWS_ACCESS_KEY_ID': key, **rest}:\n"
        "        boto3.client('s3', aws_access_key_id=key)\n"
        "    case [*items] if items:\n"
        "        pass\n"
    ),
}


def test_never_crashes_on_odd_input(tmp_path: pathlib.Path) -> None:
    """Odd but valid input is analysed (a syntax error is flake8's E999, not ours); the
    200-name chain is beyond the resolver's depth bound and stays silent."""
    write(tmp_path, ODD_INPUTS)
    result = flake8(tmp_path, "--select", "CRD", "--format=%(path)s:%(row)d:%(col)d: %(code)s", ".")
    assert result.stderr == ""
    assert sorted(result.stdout.splitlines()) == [
        "./bom_crlf.py:2:24: CRD201",
        "./continuation.py:3:5: CRD201",
        "./scoping.py:10:35: CRD201",
        "./scoping.py:12:32: CRD201",
        "./scoping.py:6:31: CRD201",
        "./tabs.py:3:25: CRD201",
        "./unicode.py:2:40: CRD201",  # characters, not UTF-8 bytes
        "./weird_calls.py:10:38: CRD102",
    ]


def test_plugin_survives_nesting_deeper_than_the_engine_reaches() -> None:
    """flake8 hands over any tree ``ast.parse`` built; the plugin must not raise."""
    shallow = "import os, boto3\nboto3.client('s3', aws_access_key_id=os.environ['K'] + x)\n"
    deep = "x = a" + "()" * 2500 + "\n" + shallow  # 2,500 calls, each called by the next
    with pytest.raises(RecursionError):  # the precondition: too deep for the engine
        analyze_tree(ast.parse(deep), deep.splitlines())
    assert list(Plugin(ast.parse(deep), deep.splitlines(True)).run()) == []
    rows = list(Plugin(ast.parse(shallow), shallow.splitlines(True)).run())
    assert [(line, col, message[:6]) for line, col, message, _ in rows] == [(2, 19, "CRD201")]


OPTION_SOURCES = {
    "allow.py": f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}")\n',
    "settings_obj.py": "import boto3\nboto3.client('s3', aws_access_key_id=conf.S3_ID)\n",
    "extra_sink.py": "import os\nfrom myco.aws import make_client\nmake_client(key=os.environ['K'])\n",
    "minio.py": (
        "import os, boto3\n"
        "boto3.client('s3', endpoint_url='http://minio:9000', aws_access_key_id=os.environ['K'])\n"
    ),
}


@pytest.mark.parametrize(
    "flags, expected",
    [
        pytest.param([], ["./allow.py:2:20: CRD101"], id="defaults"),
        pytest.param([f"--lint-creds-allow-values={KEY},other"], [], id="allow-values"),
        pytest.param(["--lint-creds-settings-objects=conf"],
                     ["./allow.py:2:20: CRD101", "./settings_obj.py:2:20: CRD202"],
                     id="settings-objects"),
        pytest.param(["--lint-creds-extra-sinks=myco.aws.make_client"],
                     ["./allow.py:2:20: CRD101", "./extra_sink.py:3:13: CRD201"],
                     id="extra-sinks"),
        pytest.param(["--lint-creds-check-custom-endpoints"],
                     ["./allow.py:2:20: CRD101", "./minio.py:2:54: CRD201"],
                     id="check-custom-endpoints"),
    ],
)
def test_command_line_options(tmp_path: pathlib.Path, flags: List[str],
                              expected: List[str]) -> None:
    write(tmp_path, OPTION_SOURCES)
    assert sorted(crd_rows(tmp_path, *flags, ".")) == expected


def test_options_from_the_flake8_config_file(tmp_path: pathlib.Path) -> None:
    write(tmp_path, OPTION_SOURCES)
    (tmp_path / ".flake8").write_text(
        "[flake8]\n"
        f"lint-creds-allow-values = {KEY}\n"
        "lint-creds-settings-objects = conf\n"
        "lint-creds-check-custom-endpoints = true\n",
        encoding="utf-8",
    )
    assert sorted(crd_rows(tmp_path, ".")) == [
        "./minio.py:2:54: CRD201",
        "./settings_obj.py:2:20: CRD202",
    ]
