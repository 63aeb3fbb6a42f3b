"""The byte screen on AWS-heavy code: what it skips there (the SDK's own modules name
credentials in signatures, docstrings and error messages, and pass none to a sink), and
the findings it must still let through, each on the narrower rule that could drop it.

Every case runs through the engine too, so a "must pass" case is a real finding and a
"skipped" one holds none; both screen paths (pure Python, and Hyperscan's first stage
where it is installed) must agree on every case.
"""
from __future__ import annotations

import os
from typing import Iterator, List

import pytest

from lint_creds.engine import check_source
from lint_creds.options import Options
from lint_creds.rules import RULES_BY_CODE
from lint_creds.source import multi_scan, prefilter
from lint_creds.source.prefilter import could_hold_finding

ALL = Options(select=frozenset(RULES_BY_CODE))
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzRealKey90"

#: Findings on the edge of each narrowed rule: the screen must let every one through.
MUST_PASS = {
    # s3fs's arguments as keyword arguments: after "(" or ",", across comments and lines.
    "options-update-keyword": ('import os\nimport pandas as pd\nopts = {}\n'
                               'opts.update(region="eu-west-1", key=os.environ["K"],\n'
                               '            secret=os.environ["S"])\n'
                               'pd.read_csv("s3://b/k", storage_options=opts)\n'),
    "options-keyword-after-comment": ('import os\nimport pandas as pd\n'
                                      'pd.read_csv("s3://b/k", storage_options=dict(\n'
                                      '    # from the vault (see the docs)\n'
                                      '    key=os.environ["K"], secret=os.environ["S"]))\n'),
    "options-item-assignment": ('import os\nimport pandas as pd\nopts = {}\n'
                                'opts["key"] = os.environ["K"]\nkey = "unused"\n'
                                'pd.read_csv("s3://b/k", storage_options=opts)\n'),
    # Names without AWS_ read as settings: a marker assigned, however it is written.
    "marker-chained-assignment": ('import os\nURLS = ROOT_URLCONF = "app.urls"\n'
                                  'BACKUP = {"access_key": os.environ["K"],'
                                  ' "secret_key": os.environ["S"]}\n'),
    "marker-continued-assignment": ('import os\nINSTALLED_APPS \\\n    = ["storages"]\n'
                                    'BACKUP = {"access_key": os.environ["K"],'
                                    ' "secret_key": os.environ["S"]}\n'),
    "marker-fullwidth-identifier": ('import os\nＲＯＯＴ_ＵＲＬＣＯＮＦ = "app.urls"\n'
                                    'BACKUP = {"access_key": os.environ["K"],'
                                    ' "secret_key": os.environ["S"]}\n'),
    # A storage class, by the package or by its S3...Storage name.
    "storage-class-via-package": ('import os\nimport storages.backends.s3 as backends\n\n'
                                  'class Media(backends.S3Storage):\n'
                                  '    access_key = os.environ["K"]\n'
                                  '    secret_key = os.environ["S"]\n'),
    "storage-class-static-name": ('import os\nfrom app.base import S3StaticStorage as Base\n\n'
                                  'class Media(Base):\n    access_key = os.environ["K"]\n'
                                  '    secret_key = os.environ["S"]\n'),
    # AWS names that are not boto3's, the environment's or the settings': with a literal.
    "camel-case-aws-name": f'AWSSecretKey = "{SECRET}"\n',
    "hyphenated-aws-name": f'creds = {{"aws-secret-key": "{SECRET}"}}\n',
    "query-parameter-name": f'params = {{"AWSAccessKeyId": "{SECRET}"}}\n',
    # An exact name as a splatted dict's key.
    "exact-name-splat-key": ('import boto3\nimport os\n'
                             'c = boto3.client("s3", **{"aws_access_key_id": os.environ["K"],'
                             ' "aws_secret_access_key": os.environ["S"]})\n'),
    # A definition of a sink-like name, then a real call of one.
    "legacy-connect-after-definition": ('import os\nimport boto\n\n'
                                        'def connect_s3(name):\n    return name\n\n'
                                        'c = boto.connect_s3(os.environ["K"], os.environ["S"])\n'),
}

#: What the SDK's own modules look like: the screen must skip each (and the engine find
#: nothing in it).
SKIPPED = {
    # pandas passes storage_options on and names a variable "key".
    "options-passed-on-key-variable": ('import pandas as pd\n\n'
                                       'def read(path, storage_options=None):\n'
                                       '    key = path.rsplit("/", 1)[-1]\n'
                                       '    token = key.upper()\n'
                                       '    return pd.read_csv(path, storage_options='
                                       'storage_options), token\n'),
    # botocore's query signing: AWSAccessKeyId is a query parameter, no credential name.
    "query-signing": ('def add_auth(params, credentials):\n'
                      '    params["AWSAccessKeyId"] = credentials.access_key\n'
                      '    params["SecurityToken"] = credentials.token\n'),
    # "storage" as a word of prose, "middleware" as a word of prose or a setting read.
    "storage-in-prose": ('"""Amazon S3 storage classes and their access keys."""\n'
                         'def sign(request, credentials):\n'
                         '    access_key = credentials.access_key\n'
                         '    return request, access_key\n'),
    "middleware-read": ('from django.conf import settings\n\n'
                        '# wraps the WSGI middleware\n'
                        'def hook(app):\n    secret_key = app.secret_key\n'
                        '    return settings.MIDDLEWARE, secret_key\n'),
    # moto's models define connect_* methods and never call a sink positionally.
    "connect-method-definitions": ('import boto3\n\n'
                                   'class DirectoryBackend:\n'
                                   '    def connect_directory(self, name, password, size):\n'
                                   '        return name\n\n'
                                   '    def describe(self):\n'
                                   '        return boto3.client("ds", region_name="eu-west-1")\n'),
}


def findings(name: str, source: str) -> List[str]:
    return [f"{f.line}:{f.col}: {f.code}" for f in check_source(source, name, ALL)]


@pytest.fixture(params=["python", "hyperscan"])
def screen_engine(request: pytest.FixtureRequest,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each screen path, from the first byte (fresh anchors)."""
    if request.param == "hyperscan":
        pytest.importorskip("hyperscan")
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, request.param)
    monkeypatch.setattr(prefilter, "_cache", {})
    yield request.param
    monkeypatch.setattr(prefilter, "_cache", {})


@pytest.mark.parametrize("name", sorted(MUST_PASS))
def test_findings_on_the_edge_of_each_narrowed_rule_pass(name: str, screen_engine: str) -> None:
    source = MUST_PASS[name]
    path = f"{name}.py"
    assert findings(path, source), f"{name} is not a finding: the case proves nothing"
    assert could_hold_finding(source.encode("utf-8"), ALL, path)


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_the_sdks_own_shapes_are_skipped(name: str, screen_engine: str) -> None:
    source = SKIPPED[name]
    assert findings(f"{name}.py", source) == []
    assert not could_hold_finding(source.encode("utf-8"), ALL, f"{name}.py")


def test_a_settings_module_by_its_path_still_counts(screen_engine: str) -> None:
    source = 'import os\nBACKUP = {"access_key": os.environ["K"]}\n'
    path = os.path.join("config", "settings", "base.py")
    assert findings(path, source)
    assert could_hold_finding(source.encode(), ALL, path)
    assert not could_hold_finding(source.encode(), ALL, os.path.join("config", "base.py"))
