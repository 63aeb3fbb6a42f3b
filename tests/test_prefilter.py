"""The byte-level prefilter never drops a true finding, and actually skips most files.

Proof by comparison: for every fixture, every rule example and many generated variants that
hide anchors (escapes, implicit concatenation, NFKC identifiers, encodings), a file the
prefilter rejects must have no findings when the engine runs on it anyway.
"""
from __future__ import annotations

import io
import re
import pathlib
import sys
import sysconfig
import tokenize
from typing import Iterator, List, Tuple

import pytest

from lint_creds.source import hidden_text, multi_scan, prefilter

from lint_creds.engine import check_source
from lint_creds.options import Options
from lint_creds.source.files import FileProblem
from lint_creds.source.prefilter import could_hold_finding, could_hold_finding_in_text
from lint_creds.rules import RULES, RULES_BY_CODE
from lint_creds.cli.runner import check_paths, decode_source
from lint_creds.source.pool import MIN_FILES_FOR_POOL

REPO = pathlib.Path(__file__).resolve().parent.parent
ALL = Options(select=frozenset(RULES_BY_CODE))
CONFIGURED = ALL._replace(extra_sinks=("myapp.clients.make_client",),
                          settings_objects=("cfg",), check_custom_endpoints=True)
KEY_ID = "AKIAZ7VQ3KXW5R2MW5FG"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzRealKey90"

#: Cases written for the prefilter: every way a finding can arise, including ways that hide
#: the anchor text from a naive byte search.
HIDDEN = {
    "escaped-key-id": 'x = "\\x41KIAZ7VQ3KXW5R2MW5FG"\n',
    "unicode-escaped-key-id": 'x = "\\u0041KIAZ7VQ3KXW5R2MW5FG"\n',
    "named-escape": 'x = "\\N{LATIN CAPITAL LETTER A}KIAZ7VQ3KXW5R2MW5FG"\n',
    "octal-escape": 'x = "\\101KIAZ7VQ3KXW5R2MW5FG"\n',
    "implicit-concat": 'x = ("AK" "IAZ7VQ3KXW5R2MW5FG")\n',
    "concat-three-parts": 'x = ("A" "K" "IAZ7VQ3KXW5R2MW5FG")\n',
    "concat-with-prefix": 'x = ("AK" r"IAZ7VQ3KXW5R2MW5FG")\n',
    "concat-across-comment": 'x = ("#AK"  # it\'s split\n     "IAZ7VQ3KXW5R2MW5FG")\n',
    "backslash-newline-in-string": 'x = "AK\\\nIAZ7VQ3KXW5R2MW5FG"\n',
    "bytes-key-id": 'x = b"\\x41KIAZ7VQ3KXW5R2MW5FG"\n',
    "backslash-newline-chain": 'x = "A\\\nK\\\nIAZ7VQ3KXW5R2MW5FG"\n',
    "string-continued-then-joined": 'x = ("AK\\\n" "IAZ7VQ3KXW5R2MW5FG")\n',
    "backslash-newline-chain-with-empty-line": 'x = "AK\\\n\\\nIAZ7VQ3KXW5R2MW5FG"\n',
    "s3fs-keyword-after-continuation": ('import os\nimport pandas as pd\n'
                                        'pd.read_csv("s3://b/k", storage_options=dict(key \\\n'
                                        '    = os.environ["K"]))\n'),
    "backslash-crlf-in-string": 'x = 1\r\ny = "AK\\\r\nIAZ7VQ3KXW5R2MW5FG"\r\n',
    "escape-then-concat-next-line": 'x = ("A\\x4b"\n     "IAZ7VQ3KXW5R2MW5FG")\n',
    "escape-after-escaped-backslash": 'x = "\\\\\\x41KIAZ7VQ3KXW5R2MW5FG"\n',
    "fullwidth-import": ("import ｂｏｔｏ３\nimport os\n"
                         "c = ｂｏｔｏ３.Session(os.environ['K'], os.environ['S'])\n"),
    "unicode-escape-cookie": ("# coding: unicode_escape\n"
                              'x = "\\x41KIAZ7VQ3KXW5R2MW5FG"\n'),
    "latin1-cookie-nfkc-identifier": f"# coding: latin-1\n\xaaws_secret = '{SECRET}'\n",
    "splat-escaped-keys": ('def f(**kw): pass\n'
                           f'f(**{{"\\x61ws_access_key_id": "{KEY_ID}"}})\n'),
    "concat-dict-key": f'import os\nos.environ["AWS_" "ACCESS_KEY_ID"] = "{KEY_ID}"\n',
    "escaped-env-write": ('import os\ncfg = object()\n'
                          'os.environ["\\x41WS_ACCESS_KEY_ID"] = cfg.key\n'),
    "bound-secret-escaped-name": f'd = {{"\\x61ccess_key": "{SECRET}"}}\n',
    "extra-sink": ("from myapp.clients import make_client\nimport os\n"
                   "c = make_client(key_id=os.environ['K'], secret_key=os.environ['S'])\n"),
    "settings-object": ("from myapp.clients import make_client\n"
                        "c = make_client(aws_access_key_id=cfg.k, aws_secret_access_key=cfg.s)\n"),
    "set-credentials": ("import os\n\ndef f(session):\n"
                        "    session.set_credentials(os.environ['K'], os.environ['S'])\n"),
    "storage-options": ('import pandas as pd\nimport os\n'
                        'pd.read_csv("data.csv", storage_options={"key": os.environ["K"], '
                        '"secret": os.environ["S"]})\n'),
    "aws-only-name": f'aws_secret = "{SECRET}"\n',
    "hadoop-secret-property": f'conf.set("fs.s3a.secret.key", "{SECRET}")\n',
    "legacy-env-write": 'import os\nos.environ["AWS_SECRET_KEY"] = cfg.secret\n',
    "security-token-name": f'sec = {{"security_token": "{SECRET * 3}"}}\n',
    "access-context-secret": f'access_secret_key = "{SECRET}"\n',
    "access-context-key-id": f'access_token_key_id = "{SECRET}"\n',
    "sts-token-name": f'amazon_sts_token = "{SECRET * 3}"\n',
    "aws-key-name": f'aws_key = "{SECRET}"\n',
    "key-id-name": f's3_key_id = "{SECRET}"\n',
    "aws-id-name": f'config = {{"aws_id": "{SECRET}"}}\n',
    "concat-across-comment-line": 'x = ("AK"\n     # split\n     "IAZ7VQ3KXW5R2MW5FG")\n',
    "concat-empty-and-comment": 'x = ("AK" ""  # split\n     "IAZ7VQ3KXW5R2MW5FG")\n',
    # Names without AWS_: read by django-storages backends and settings modules.
    "storage-class-attributes": ('import os\nfrom storages.backends.s3 import S3Storage\n\n'
                                 'class Media(S3Storage):\n    access_key = os.environ["K"]\n'
                                 '    secret_key = os.environ["S"]\n'),
    "storage-class-by-its-name": ('import os\nfrom myapp.base import S3MediaStorage\n\n'
                                  'class Media(S3MediaStorage):\n    access_key = os.environ["K"]\n'
                                  '    secret_key = os.environ["S"]\n'),
    "storage-backend-call": ('import os\nfrom storages.backends.s3boto3 import S3Boto3Storage\n'
                             's = S3Boto3Storage(access_key=os.environ["K"],'
                             ' secret_key=os.environ["S"])\n'),
    "prod_settings": ('import os\nBACKUP = {"access_key": os.environ["K"],'
                      ' "secret_key": os.environ["S"]}\n'),
    "known-by-its-markers": ('import os\nROOT_URLCONF = "app.urls"\n'
                             'BACKUP = {"access_key": os.environ["K"],'
                             ' "secret_key": os.environ["S"]}\n'),
    # Names only a literal makes a finding of, with the literal hidden from a plain search.
    "key-id-name-split-secret": ('s3_key_id = ("wJalrXUtnFEMI/"\n'
                                 '             "K7MDENG/bPxRfiCYzRealKey90")\n'),
    "aws-id-name-token": 'aws_id = "' + "QwErTyUiOpAsDfGhJkLzXcVbNm" * 4 + '"\n',
    "aws-key-escaped-secret": 'aws_key = "\\x77JalrXUtnFEMI/K7MDENG/bPxRfiCYzRealKey90"\n',
    # s3fs's arguments for storage_options and fsspec, however the dict is built.
    "storage-options-built-up": ('import os\nimport pandas as pd\nopts = {}\n'
                                 'opts["key"] = os.environ["K"]\nopts["secret"] = os.environ["S"]\n'
                                 'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-dict-call": ('import os\nimport pandas as pd\n'
                                  'pd.read_csv("s3://b/k.csv", storage_options=dict('
                                  'key=os.environ["K"], secret=os.environ["S"]))\n'),
    "storage-options-escaped-key": ('import os\nimport pandas as pd\n'
                                    'pd.read_csv("s3://b/k.csv", storage_options={'
                                    '"\\x6bey": os.environ["K"]})\n'),
    "storage-options-update-keyword": ('import os\nimport pandas as pd\nopts = {}\n'
                                       'opts.update(key=os.environ["K"])\n'
                                       'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-update-dict": ('import os\nimport pandas as pd\nopts = {}\n'
                                    'opts.update({\n    "secret"  # the vault\'s\n'
                                    '    : os.environ["S"]})\n'
                                    'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-setdefault": ('import os\nimport pandas as pd\nopts = {}\n'
                                   'opts.setdefault(\n    "token", os.environ["T"])\n'
                                   'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-dict-call-nested": ('import os\nimport pandas as pd\n'
                                         'opts = dict(  # see f(\n    anon=False,\n'
                                         '    client_kwargs=dict(region_name=g(1)),\n'
                                         '    key=os.environ["K"])\n'
                                         'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-dict-call-comment-paren": (
        'import os\nimport pandas as pd\nopts = dict(anon=False,  # (public?\n'
        '            secret=os.environ["S"])\n'
        'pd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "storage-options-dict-call-commented-line": (
        'import os\nimport pandas as pd\nopts = dict(  # f(\n    anon=False,\n'
        '    token=os.environ["T"])\npd.read_csv("s3://b/k.csv", storage_options=opts)\n'),
    "fsspec-splat": ('import os\nimport fsspec\nfs = fsspec.filesystem("s3", **{'
                     '"key": os.environ["K"], "secret": os.environ["S"]})\n'),
    "fsspec-escaped-protocol": ('import os\nfrom fsspec import filesystem\n'
                                'fs = filesystem("\\x733", key=os.environ["K"],'
                                ' secret=os.environ["S"])\n'),
    "pyarrow-fs": ('import os\nfrom pyarrow import fs\n'
                   'f = fs.S3FileSystem(access_key=os.environ["K"], secret_key=os.environ["S"])\n'),
    "fsspec": ('import os\nfrom fsspec import filesystem\n'
               'f = filesystem("s3", key=os.environ["K"], secret=os.environ["S"])\n'),
    "fsspec-protocol-keyword": ('import os\nimport fsspec\nfs = fsspec.filesystem('
                                'protocol="s3a", key=os.environ["K"])\n'),
    "fsspec-joined-protocol": ('import os\nfrom fsspec import filesystem\n'
                               'fs = filesystem("s" "3", token=os.environ["T"])\n'),
    "s3fs": ('import os\nimport s3fs\n'
             'fs = s3fs.S3FileSystem(key=os.environ["K"], secret=os.environ["S"])\n'),
    # boto is an anchor only with a call that can pass credentials without naming them.
    "boto-session-positional": ('import os\nimport boto3\n'
                                's = boto3.Session(os.environ["K"], os.environ["S"])\n'),
    "boto-session-after-comment": ('import os\nimport boto3\n'
                                   's = boto3.Session(  # from the vault\n'
                                   '    os.environ["K"], os.environ["S"])\n'),
    "boto-default-session": ('import os\nimport boto3\n'
                             'boto3.setup_default_session(os.environ["K"], os.environ["S"])\n'),
    "fullwidth-session": ("import ｂｏｔｏ３\nimport os\n"
                          "c = ｂｏｔｏ３.Ｓｅｓｓｉｏｎ(os.environ['K'], os.environ['S'])\n"),
    "boto-client-positional": ('import os\nimport boto3\n'
                               'c = boto3.client("s3", None, None, True, True, None, '
                               'os.environ["K"], os.environ["S"])\n'),
    "boto-session-method-positional": ('import os\nimport boto3\ns = boto3.Session()\n'
                                       'c = s.client("s3", None, None, True, True, None,\n'
                                       '             os.environ["K"], os.environ["S"])\n'),
    "boto-alias": ('import os\nfrom boto3 import Session as S\n'
                   's = S(os.environ["K"], os.environ["S"])\n'),
    "boto-client-alias": ('import os\nfrom boto3 import client as make_client\n'
                          'c = make_client("s3", None, None, True, True, None,'
                          ' os.environ["K"], os.environ["S"])\n'),
    "boto-credentials-alias": ('import os\nfrom botocore.credentials import Credentials as C\n'
                               'c = C(os.environ["K"], os.environ["S"])\n'),
    "boto-alias-in-parentheses": ('import os\nfrom boto3 import (  # see (the docs)\n'
                                  '    client,\n    Session as S,\n)\n'
                                  's = S(os.environ["K"], os.environ["S"])\n'),
    "boto-alias-continued": ('import os\nfrom boto3 import client, \\\n    Session as S\n'
                             's = S(os.environ["K"], os.environ["S"])\n'),
    "boto-credentials-token": ('import os\nfrom botocore.credentials import Credentials\n'
                               'c = Credentials(None, None, token=os.environ["T"])\n'),
    "boto-legacy-connection": ('import os\nfrom boto.s3.connection import S3Connection\n'
                               'c = S3Connection(os.environ["K"], os.environ["S"])\n'),
    "boto-legacy-connect": ('import os\nimport boto\n'
                            'c = boto.connect_s3(os.environ["K"], os.environ["S"])\n'),
    "boto-create-client-positional": ('import os\nimport botocore.session\n'
                                      's = botocore.session.get_session()\n'
                                      'KEY = os.environ["K"]\n'
                                      'c = s.create_client("s3", "eu-west-1", None, True, True,'
                                      ' None, KEY)\n'),
    "boto-readonly-credentials": ('import os\nimport botocore.credentials as bc\n'
                                  'c = bc.ReadOnlyCredentials(os.environ["K"], os.environ["S"],'
                                  ' None)\n'),
}


def fixture_sources() -> Iterator[Tuple[str, bytes]]:
    for path in sorted(REPO.glob("fixtures/**/*.py")):
        yield str(path.relative_to(REPO)), path.read_bytes()
    for rule in RULES:
        for kind, source in (("example", rule.example), ("use-instead", rule.use_instead)):
            name = "settings.py" if rule.code == "CRD203" else f"{rule.code}-{kind}.py"
            yield name, source.encode()
    for name, source in HIDDEN.items():
        yield f"{name}.py", source.encode("latin-1" if "latin-1" in source else "utf-8")


def findings(name: str, data: bytes, options: Options) -> List[str]:
    try:
        return [f"{f.line}:{f.col}: {f.code}" for f in check_source(data, name, options)]
    except (SyntaxError, ValueError):
        return []


def hiding_variants(source: str) -> Iterator[str]:
    """The module with one string literal rewritten so its text is no longer contiguous:
    split in two at every position, or fully \\x-escaped."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for token in tokens:
        text = token.string
        if token.type != tokenize.STRING or text[:1] not in "'\"" or text[:3] in ('"""', "'''"):
            continue
        start = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        quote, body = text[0], text[1:-1]
        if "\\" in body:
            continue
        pieces = [f"({quote}{body[:k]}{quote} {quote}{body[k:]}{quote})"
                  for k in range(1, len(body))]
        escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 128 else c for c in body)
        pieces.append(quote + escaped + quote)
        for piece in pieces:
            yield source[:start] + piece + source[end:]


@pytest.mark.parametrize("options", [ALL, CONFIGURED], ids=["all-rules", "configured"])
def test_prefilter_never_drops_a_finding(options: Options) -> None:
    checked = hidden = 0
    for name, data in fixture_sources():
        expected = findings(name, data, options)
        if not could_hold_finding(data, options, name):
            assert expected == [], f"prefilter dropped {name}: {expected}"
        checked += 1
        hidden += not data.isascii() or b"\\" in data
    assert checked > len(HIDDEN) + 2 * len(RULES)


def test_the_flake8_plugins_text_screen_never_drops_a_finding() -> None:
    """flake8 hands the plugin decoded lines; the same proof over the decoded text."""
    screened = 0
    for name, data in fixture_sources():
        try:
            text = decode_source(data, name)
        except FileProblem:
            continue
        if not could_hold_finding_in_text(text, CONFIGURED, name):
            assert findings(name, data, CONFIGURED) == [], f"text screen dropped {name}"
            screened += 1
    assert screened > 5


def test_every_hidden_case_really_has_a_finding() -> None:
    """Guards the test above: each hand-written case must be a true positive."""
    for name, source in HIDDEN.items():
        data = source.encode("latin-1" if "latin-1" in source else "utf-8")
        assert findings(f"{name}.py", data, CONFIGURED), name
        assert could_hold_finding(data, CONFIGURED, f"{name}.py"), name


def test_generated_variants_of_every_positive_case() -> None:
    variants = 0
    for name, data in fixture_sources():
        source = data.decode("utf-8", "replace")
        if not findings(name, data, ALL) or len(source) > 4000:
            continue
        for variant in hiding_variants(source):
            encoded = variant.encode("utf-8")
            if not could_hold_finding(encoded, CONFIGURED, name) or not could_hold_finding_in_text(
                    variant, CONFIGURED, name):
                assert findings(name, encoded, CONFIGURED) == [], (name, variant)
            variants += 1
    assert variants > 500


@pytest.mark.parametrize("removed", [
    *prefilter._SINK_WORDS, "boto", "key-id",
    *(shape for _, shape in prefilter._AWS_NAME_SHAPES + prefilter._NAME_SHAPES
      + prefilter._LITERAL_NAME_SHAPES),
    *(word.decode() for word in prefilter._S3FS_ARGUMENT_SINKS)])
def test_every_anchor_is_needed(monkeypatch: pytest.MonkeyPatch, removed: str) -> None:
    """Without any one anchor, some true finding is dropped: the list holds nothing spare."""
    monkeypatch.setattr(prefilter, "_cache", {})
    monkeypatch.setattr(prefilter, "_SINK_WORDS", tuple(
        w for w in prefilter._SINK_WORDS if w != removed))
    for table in ("_AWS_NAME_SHAPES", "_NAME_SHAPES", "_LITERAL_NAME_SHAPES"):
        monkeypatch.setattr(prefilter, table, tuple(
            (words, shape) for words, shape in getattr(prefilter, table) if shape != removed))
    monkeypatch.setattr(prefilter, "_S3FS_ARGUMENT_SINKS", tuple(
        word for word in prefilter._S3FS_ARGUMENT_SINKS if word != removed.encode()))
    if removed == "boto":
        monkeypatch.setattr(prefilter, "_BOTO", b"\0")
    if removed == "key-id":
        monkeypatch.setattr(prefilter, "_KEY_ID", re.compile(b"(?!)"))
    dropped = [name for name, data in fixture_sources()
               if findings(name, data, ALL) and not could_hold_finding(data, ALL, name)]
    assert dropped, f"no case needs {removed!r}"


def join_sources() -> List[bytes]:
    """Fixtures, their split variants, a large file with joins far apart, and stdlib code."""
    stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
    far_apart = ('x = "a" "b"\n' + "y = 1\n" * 3000 + 'k = ("AK" "IA" r"Z7VQ3KXW5R2MW5FG")\n'
                 + "z = 2\n" * 3000 + 'w = ("AWS_SECRET" "_ACCESS_KEY")\n').encode()
    return [far_apart] + [data for _, data in fixture_sources()] + [
        variant.encode() for _, data in fixture_sources() if len(data) < 2000
        for variant in hiding_variants(data.decode("utf-8", "replace"))] + [
        path.read_bytes() for path in sorted(stdlib.glob("*.py"))[:150]]


def anchored(text: bytes) -> bool:
    """Does ``text`` hold an anchor that needs nothing more?"""
    return prefilter.anchors(ALL).scan(text, text.lower()) is None


def test_the_join_gate_passes_every_file_with_a_join() -> None:
    """``JOIN_GATE`` over byte classes must be a superset of ``JOIN``."""
    joined = 0
    for data in join_sources():
        if hidden_text.JOIN.search(data):
            joined += 1
            assert hidden_text.JOIN_GATE.search(data.translate(hidden_text.CLASSES)), data[:200]
    assert joined > 100


def test_joins_are_deleted_and_searched_only_near_the_gates_candidates() -> None:
    """Every join lies inside a gate candidate, so the regions around the candidates find
    every anchor that deleting the joins of the whole file creates."""
    anchors = prefilter.anchors(ALL)
    created = 0
    for data in join_sources():
        candidates = list(hidden_text.JOIN_GATE.finditer(data.translate(hidden_text.CLASSES)))
        for join in hidden_text.JOIN.finditer(data):
            assert any(c.start() <= join.start() and join.end() <= c.end() for c in candidates)
        whole, joins = hidden_text.JOIN.subn(b"", data)
        near = hidden_text.joined_near(data, iter(candidates), anchors.reach)
        assert (near is not None) == (joins > 0)
        if joins and anchored(whole) and not anchored(data):
            assert near is not None and anchored(near), data[:200]
            created += 1
    assert created > 20


#: Look-alikes of the anchors, which hold no finding: the screen must skip them.
SKIPPED = {
    # key_id, aws_key and aws_id make a credential name only at its end.
    "key-identifier": "subject_key_identifier = x509.SubjectKeyIdentifier(data)\n",
    "key-ids": "self._mouse_key_ids = []\n",
    "aws-prefixes": "aws_identity = aws_keys = aws_idle = 1\n",
    # Names without AWS_, outside a storage backend or settings module, with no literal.
    "generic-names-elsewhere": ('access_key_id = request.args["access_key_id"]\n'
                                'self.secret_key = load_key()\nsession_token = get_token()\n'
                                'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'),
    # Names only a literal makes a finding of, without a literal that could be a key.
    "key-id-name-without-literal": ('import os\nkms_key_id = os.environ["KMS_KEY_ID"]\n'
                                    's3_key_id = settings.KEY\naws_key = "dev"\n'),
    "key-id-name-with-long-words": ('s3_key_id = "ServerSideEncryptionConfigurationMissing"\n'
                                    'prefix = "exports/daily/2024"\n'
                                    'url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/'
                                    'UserGuide/aws-resource-s3-bucket.html"\n'),
    # storage_options and fsspec without s3fs's arguments, or fsspec without s3.
    "storage-options-passed-on": ('import pandas as pd\n\n'
                                  'def read(path, storage_options=None):\n'
                                  '    return pd.read_csv(path,'
                                  ' storage_options=storage_options)\n'),
    # pandas: storage_options passed on, key= and "key" that build no dict.
    "storage-options-pandas": ('import pandas as pd\n\n'
                               'def load(df, key=None, storage_options=None):\n'
                               '    df = df.sort_values("a", key=key)\n'
                               '    df.to_hdf("x.h5", key="df", mode=("w"))\n'
                               '    sorted(df, key=len)\n'
                               '    return df["key"], df.groupby("secret"),\\\n'
                               '        pd.read_csv("s3://b", storage_options=storage_options)\n'),
    "storage-options-pandas-comments": ('import pandas as pd\n\n'
                                        'def load(labels, storage_options=None):\n'
                                        '    labels = sorted(  # type: ignore[assignment]\n'
                                        '        labels.items(), key=lambda x: x[0])\n'
                                        '    return pd.read_csv("s3://b", '
                                        'storage_options=storage_options)\n'),
    "fsspec-named-in-docs": ('import pandas as pd\n\n'
                             'def load(path, storage_options=None):\n'
                             '    """storage_options go to ``fsspec.open`` (s3://, gcs://)."""\n'
                             '    return sorted(pd.read_csv(path, storage_options=storage_options),'
                             ' key=len)\n'),
    "fsspec-other-protocol": 'import fsspec\nfs = fsspec.filesystem("gcs", token=credentials)\n',
    "fsspec-protocol-from-the-url": ('import fsspec\n\ndef open_any(url, key=None):\n'
                                     '    """Picks s3:// or gcs:// from the url."""\n'
                                     '    return fsspec.filesystem(url.split(":")[0], key=key)\n'),
    # Naming boto is not enough: the module must make a call that could pass a credential.
    "boto-client": 'import boto3\ns3 = boto3.client("s3")\n',
    "boto-keywords": 'import boto3\nc = boto3.resource(service_name="s3", region_name="eu-1")\n',
    "boto-profile": ('import boto3\ns = boto3.Session(profile_name="dev")\n'
                     'c = s.client("s3", config=cfg)\n'),
    "boto-multiline": ('import boto3\nc = boto3.session.Session().client(\n    "s3",\n'
                       '    endpoint_url=url,\n)\n'),
    "boto-starred": 'import boto3\nc = boto3.client(name, *rest)\nd = boto3.Session(**options)\n',
    "boto-imports": 'from botocore.exceptions import ClientError\nfrom boto3 import client\n',
    "boto-module-alias": 'import boto3 as aws\nc = aws.client("s3")\n',
    "boto-few-positionals": ('import boto3\nc = boto3.client("s3", region, None, True, True, url)\n'
                             's = boto3.session.Session()\nr = s.resource("s3", "eu-west-1")\n'),
    "boto-longer-names": ('import boto3\nr = tag_resource(arn, tags)\nc = get_credentials(a)\n'
                          'h = HTTPConnection(host, port)\ns = _create_session(a, b)\n'),
    "boto-other-aliases": ('from botocore.exceptions import ClientError as Error\n'
                           'from botocore.utils import create_nested_client as make\n'
                           'e = Error(response, name)\nc = make(session, "sts", region)\n'),
}


@pytest.mark.parametrize("source", SKIPPED.values(), ids=SKIPPED)
def test_look_alikes_are_skipped(source: str) -> None:
    assert not findings("x.py", source.encode(), ALL)
    assert not could_hold_finding(source.encode(), ALL, "x.py")


def test_most_ordinary_code_is_skipped() -> None:
    """The screen must pay off: most of the standard library holds no AWS anchor."""
    stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.glob("email/**/*.py")) + sorted(stdlib.glob("json/*.py")) + sorted(
        stdlib.glob("unittest/*.py"))
    skipped = [p for p in files if not could_hold_finding(p.read_bytes(), ALL, str(p))]
    assert len(files) > 30
    assert len(skipped) / len(files) > 0.5, len(skipped) / len(files)


def test_one_and_many_workers_give_identical_results(tmp_path: pathlib.Path) -> None:
    sources = [data for _, data in fixture_sources()]
    paths = []
    for index in range(MIN_FILES_FOR_POOL + 50):
        path = tmp_path / f"m{index:04d}.py"
        path.write_bytes(sources[index % len(sources)])
        paths.append(str(path))
    (tmp_path / "m0003.py").write_bytes(b"import boto3\nboto3.Session(k, s\n")  # a problem too
    paths.append(str(tmp_path / "missing.py"))
    serial = check_paths(paths, ALL, jobs=1)
    parallel = check_paths(paths, ALL, jobs=2)
    assert serial == parallel
    assert sum(len(r.findings) for r in serial) > 50
    assert sum(1 for r in serial if r.problem) >= 2


@pytest.fixture
def first_stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The screen with Hyperscan's first stage from the first byte (fresh anchors)."""
    pytest.importorskip("hyperscan")
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, "hyperscan")
    monkeypatch.setattr(prefilter, "_cache", {})
    yield
    monkeypatch.setattr(prefilter, "_cache", {})


def pure_python_answers(sources: List[Tuple[str, bytes]], options: Options) -> List[bool]:
    import os

    saved, prefilter._cache = prefilter._cache, {}
    os.environ[multi_scan.ENGINE_VARIABLE] = "python"
    try:
        return [could_hold_finding(data, options, name) for name, data in sources]
    finally:
        del os.environ[multi_scan.ENGINE_VARIABLE]
        prefilter._cache = saved


@pytest.mark.parametrize("options", [ALL, CONFIGURED], ids=["all-rules", "configured"])
def test_the_first_stage_changes_no_answer(first_stage: None, options: Options) -> None:
    """Hyperscan's one pass and the pure-Python screen pass exactly the same files: every
    fixture, every generated variant, join sources and standard-library modules."""
    sources = list(fixture_sources()) + [
        (f"variant{i}.py", data) for i, data in enumerate(join_sources())]
    expected = pure_python_answers(sources, options)
    staged = [could_hold_finding(data, options, name) for name, data in sources]
    differ = [name for (name, _), a, b in zip(sources, expected, staged) if a != b]
    assert differ == []
    assert prefilter.anchors(options).first_stage.get(0) is not None  # it really ran
    assert len(sources) > 1000 and 0 < sum(staged) < len(sources)


def test_the_flake8_text_screen_with_the_first_stage(first_stage: None) -> None:
    for name, data in fixture_sources():
        try:
            text = decode_source(data, name)
        except FileProblem:
            continue
        assert could_hold_finding_in_text(text, CONFIGURED, name) == could_hold_finding(
            text.encode("utf-8", "surrogatepass"), CONFIGURED, name) or not text.isascii()


def test_each_first_stage_pattern_matches_where_its_screen_step_would(first_stage: None) -> None:
    """The first stage's patterns drop look-arounds, so they must match wherever the screen's
    own do: an anchor as the file is, an escape hint, a join."""
    anchor = prefilter.anchors(ALL)
    scan = anchor.first_stage.get(0)
    assert scan is not None
    seen = dict.fromkeys(("as is", "escape", "join"), 0)
    for data in join_sources() + [data for _, data in fixture_sources()]:
        bits = scan(data)
        if anchored(data):
            assert bits & prefilter._SURE, data[:200]
            seen["as is"] += 1
        if hidden_text.ESCAPE_HINT.search(data):
            assert bits & prefilter._ESCAPED, data[:200]
            seen["escape"] += 1
        if hidden_text.JOIN.search(data):
            assert bits & prefilter._JOINED, data[:200]
            seen["join"] += 1
    assert min(seen.values()) > 20, seen


@pytest.mark.parametrize("options", [ALL, CONFIGURED], ids=["all-rules", "configured"])
def test_the_hidden_texts_are_scanned_by_the_first_stage_with_the_same_answer(
        first_stage: None, options: Options) -> None:
    """The texts a file hides (joined, unescaped, decoded) go through the compiled first
    stage: the anchors it finds there are the pure-Python scan's, with every flag."""
    anchor = prefilter.anchors(options)
    assert anchor.first_stage.ready() is None  # nothing compiled until the screen asks
    anchor.first_stage.compile_now()
    assert anchor.first_stage.ready() is not None
    texts = [data for _, data in fixture_sources()] + join_sources()
    texts += [hidden_text.unescape(text) for text in texts if b"\\" in text]
    texts += [joined for joined in (hidden_text.JOIN.sub(b"", text) for text in texts)]
    answers = [(anchor.scan(text, text.lower()), anchor.anchors_in(text, text.lower()))
               for text in texts]
    assert [pair for pair in answers if pair[0] != pair[1]] == []
    assert sum(scanned is None for scanned, _ in answers) > 100  # sure anchors
    assert sum(bool(scanned) for scanned, _ in answers) > 20  # anchors that need more


def test_the_first_stage_is_compiled_only_once_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    lazy = multi_scan.LazyScanner([(b"boto", True, 1)], compile_after=1000)
    assert lazy.get(600) is None and lazy.get(300) is None
    scan = lazy.get(200)
    assert scan is not None and scan(b"import BOTO3") == 1 and scan(b"x = 1") == 0
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, "python")
    assert multi_scan.LazyScanner([(b"boto", True, 1)], compile_after=0).get(10**9) is None


def test_a_run_about_to_fork_workers_compiles_the_first_stage_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked after :func:`prefilter.prepare_for_many_files` inherit the compiled
    first stage; ``LINT_CREDS_SCREEN=python`` still keeps it off."""
    pytest.importorskip("hyperscan")
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE, raising=False)
    lazy = multi_scan.LazyScanner([(b"boto", True, 1)], compile_after=10**9)
    assert lazy.get(1) is None
    lazy.compile_now()
    scan = lazy.get(1)
    assert scan is not None and scan(b"import boto3") == 1
    monkeypatch.setenv(multi_scan.ENGINE_VARIABLE, "python")
    kept_off = multi_scan.LazyScanner([(b"boto", True, 1)])
    kept_off.compile_now()
    assert kept_off.get(10**9) is None
    monkeypatch.setattr(prefilter, "_cache", {})
    monkeypatch.delenv(multi_scan.ENGINE_VARIABLE)
    prefilter.prepare_for_many_files(ALL)
    assert prefilter.anchors(ALL).first_stage.get(1) is not None


def test_prefilter_has_no_heavy_imports() -> None:
    import subprocess

    code = ("import sys; from lint_creds.source.prefilter import could_hold_finding; "
            "from lint_creds.options import Options; "
            "could_hold_finding(b'x = 1\\n', Options(), 'x.py'); "
            "print(sorted(m for m in ('ast', 'tokenize', 'unicodedata') if m in sys.modules "
            "and m not in START))")
    out = subprocess.run([sys.executable, "-c", "import sys; START = set(sys.modules); " + code],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
