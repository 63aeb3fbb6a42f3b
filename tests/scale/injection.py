"""Credential patterns injected into real files, in each file's own style, as data.

Every rule, every sink family of :mod:`lint_creds.sinks` and every indirection the engine
follows appears in :data:`TEMPLATES`; each template states the codes the engine must report
for it. :func:`inject_tree` puts one template into each file of a seeded sample of a corpus
copy, either as a module-level block at the end of the file or as the first statements of
an existing function, indented with the file's own unit (tabs or N spaces), quoted with its
dominant quote character and ended with its newline style. It returns an
:class:`Injection` per file: where the block landed, the codes expected there, and the
synthetic key material (so the secrets tests can look for it).

Names the blocks bind start with ``_crd_``/``_Crd``/``_CRD_`` so they shadow nothing of the
host file. Key material is drawn from a seeded generator (``bench.inject.synthetic_key``):
nothing key-shaped is written in this repository.
"""
from __future__ import annotations

import ast
import io
import os
import random
import re
import string
import sys
import tokenize
from collections import Counter
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:  # the benchmark's generator of synthetic keys is the one source
    sys.path.insert(0, REPO)
from bench.inject import synthetic_key  # noqa: E402


class Template(NamedTuple):
    """One injected pattern: source with ``$key_id``/``$secret``, the codes it must produce."""

    name: str
    #: The sink family (a row of ``lint_creds.sinks``) or statement kind it exercises.
    family: str
    #: How the credential reaches the sink.
    indirection: str
    #: Written with 4-space indentation and double quotes; restyled per file.
    source: str
    codes: Tuple[str, ...]
    #: May the block go inside an existing function body (no class/def of its own)?
    in_function: bool = True
    #: Does ``fix --unsafe-fixes`` remove every finding of the block?  (False: it reports
    #: them as not fixed, with the reason.)
    fixable: bool = True


TEMPLATES: Tuple[Template, ...] = (
    Template("client-literal", "boto3.client", "literal", '''
import boto3 as _crd_boto3
_crd_s3 = _crd_boto3.client(
    "s3",
    aws_access_key_id="$key_id",
    aws_secret_access_key="$secret",
)
''', ("CRD101", "CRD101")),
    Template("resource-env-direct", "boto3.resource", "direct env read", '''
import os as _crd_os
import boto3 as _crd_boto3
_crd_bucket = _crd_boto3.resource("s3", aws_access_key_id=_crd_os.environ["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=_crd_os.environ["AWS_SECRET_ACCESS_KEY"]).Bucket("b")
''', ("CRD201", "CRD201")),
    Template("session-getenv-positional", "boto3.Session", "os.getenv / os.environ.get, from-import",
             '''
import os as _crd_os
from os import getenv as _crd_getenv
from boto3 import Session as _CrdSession
_crd_session = _CrdSession(_crd_getenv("AWS_ACCESS_KEY_ID"),
                           _crd_os.environ.get("AWS_SECRET_ACCESS_KEY"), None, "eu-west-1")
''', ("CRD201", "CRD201")),
    Template("default-session-variables", "boto3.setup_default_session",
             "variable assigned then passed", '''
import os as _crd_os
import boto3 as _crd_boto3
_crd_key = _crd_os.environ["AWS_ACCESS_KEY_ID"]
_crd_secret = _crd_os.environ["AWS_SECRET_ACCESS_KEY"]
_crd_boto3.setup_default_session(aws_access_key_id=_crd_key, aws_secret_access_key=_crd_secret,
                                 region_name="us-east-1")
''', ("CRD201", "CRD201")),
    Template("session-client-splat", "session.client", "dict-held (**splat)", '''
import os as _crd_os
import boto3.session as _crd_bsession
_crd_kwargs = {"aws_access_key_id": _crd_os.getenv("AWS_ACCESS_KEY_ID"),
               "aws_secret_access_key": _crd_os.getenv("AWS_SECRET_ACCESS_KEY"),
               "region_name": "us-west-2"}
_crd_sqs = _crd_bsession.Session().client("sqs", **_crd_kwargs)
''', ("CRD201", "CRD201")),
    Template("botocore-set-credentials", "botocore set_credentials", "settings object", '''
import botocore.session as _crd_botocore_session
from django.conf import settings as _crd_settings
_crd_core = _crd_botocore_session.get_session()
_crd_core.set_credentials(_crd_settings.AWS_ACCESS_KEY_ID, _crd_settings.AWS_SECRET_ACCESS_KEY)
''', ("CRD202", "CRD202")),
    Template("botocore-credentials-literal", "botocore.credentials.Credentials", "literal", '''
from botocore.credentials import Credentials as _CrdCredentials
_crd_frozen_pair = _CrdCredentials("$key_id", "$secret")
''', ("CRD101", "CRD101"), fixable=False),
    Template("aioboto3-env", "aioboto3.Session", "direct env read", '''
import os as _crd_os
import aioboto3 as _crd_aioboto3
_crd_aio = _crd_aioboto3.Session(aws_access_key_id=_crd_os.environ["AWS_ACCESS_KEY_ID"],
                                 aws_secret_access_key=_crd_os.environ["AWS_SECRET_ACCESS_KEY"])
''', ("CRD201", "CRD201")),
    Template("legacy-boto-literal", "boto.connect_*", "literal", '''
import boto as _crd_boto
_crd_conn = _crd_boto.connect_s3("$key_id", "$secret")
''', ("CRD101", "CRD101")),
    Template("legacy-boto-region-env", "boto.*.connect_to_region", "os.environ.get", '''
import os as _crd_os
import boto.ec2 as _crd_ec2
_crd_ec2_conn = _crd_ec2.connect_to_region(
    "us-east-1", aws_access_key_id=_crd_os.environ.get("AWS_ACCESS_KEY_ID"),
    aws_secret_access_key=_crd_os.environ.get("AWS_SECRET_ACCESS_KEY"))
''', ("CRD201", "CRD201")),
    Template("s3fs-env", "s3fs.S3FileSystem", "direct env read", '''
import os as _crd_os
import s3fs as _crd_s3fs
_crd_fs = _crd_s3fs.S3FileSystem(key=_crd_os.environ["AWS_ACCESS_KEY_ID"],
                                 secret=_crd_os.environ["AWS_SECRET_ACCESS_KEY"], anon=False)
''', ("CRD201", "CRD201")),
    Template("fsspec-literal", "fsspec.filesystem(\"s3\")", "literal", '''
import fsspec as _crd_fsspec
_crd_fs3 = _crd_fsspec.filesystem("s3", key="$key_id", secret="$secret")
''', ("CRD101", "CRD101")),
    Template("pyarrow-settings", "pyarrow.fs.S3FileSystem", "settings object (flask config)", '''
from flask import current_app as _crd_app
from pyarrow import fs as _crd_pafs
_crd_arrow = _crd_pafs.S3FileSystem(access_key=_crd_app.config["AWS_ACCESS_KEY_ID"],
                                    secret_key=_crd_app.config["AWS_SECRET_ACCESS_KEY"],
                                    region="us-east-1")
''', ("CRD202", "CRD202")),
    Template("django-storages-env", "django-storages backend", "os.getenv", '''
import os as _crd_os
from storages.backends.s3boto3 import S3Boto3Storage as _CrdStorage
_crd_media = _CrdStorage(access_key=_crd_os.getenv("AWS_ACCESS_KEY_ID"),
                         secret_key=_crd_os.getenv("AWS_SECRET_ACCESS_KEY"), location="media")
''', ("CRD201", "CRD201")),
    Template("django-storages-class", "django-storages backend", "class attributes (CRD203)", '''
import os as _crd_os
from storages.backends.s3 import S3Storage as _CrdS3Storage


class _CrdMediaStorage(_CrdS3Storage):
    location = "media"
    access_key = _crd_os.environ["AWS_ACCESS_KEY_ID"]
    secret_key = _crd_os.environ["AWS_SECRET_ACCESS_KEY"]
''', ("CRD203", "CRD203"), in_function=False),
    Template("storage-options", "storage_options dict", "dict-held, os.environ.get", '''
import os as _crd_os
import pandas as _crd_pd
_crd_frame = _crd_pd.read_csv("s3://bucket/data.csv", storage_options={
    "key": _crd_os.environ.get("AWS_ACCESS_KEY_ID"),
    "secret": _crd_os.environ.get("AWS_SECRET_ACCESS_KEY"),
    "anon": False,
})
''', ("CRD201", "CRD201")),
    Template("self-attribute", "boto3.client", "self.attribute", '''
import os as _crd_os
import boto3 as _crd_boto3


class _CrdUploader:
    def __init__(self):
        self._crd_key = _crd_os.environ["AWS_ACCESS_KEY_ID"]
        self._crd_secret = _crd_os.environ["AWS_SECRET_ACCESS_KEY"]

    def client(self):
        return _crd_boto3.client("s3", aws_access_key_id=self._crd_key,
                                 aws_secret_access_key=self._crd_secret)
''', ("CRD201", "CRD201"), in_function=False),
    Template("config-settings-assignment", "app.config settings", "direct env read (CRD203)", '''
import os as _crd_os
from flask import Flask as _CrdFlask
_crd_flask_app = _CrdFlask("crd")
_crd_flask_app.config["AWS_ACCESS_KEY_ID"] = _crd_os.environ["AWS_ACCESS_KEY_ID"]
_crd_flask_app.config["AWS_SECRET_ACCESS_KEY"] = _crd_os.environ["AWS_SECRET_ACCESS_KEY"]
''', ("CRD203", "CRD203")),
    Template("frozen-credentials", "boto3.client", "frozen session credentials (CRD301)", '''
import boto3 as _crd_boto3
_crd_frozen = _crd_boto3.Session().get_credentials().get_frozen_credentials()
_crd_lambda = _crd_boto3.client("lambda", aws_access_key_id=_crd_frozen.access_key,
                                aws_secret_access_key=_crd_frozen.secret_key,
                                aws_session_token=_crd_frozen.token)
''', ("CRD301", "CRD301", "CRD301")),
    Template("env-mutation", "os.environ writes", "settings object (CRD302)", '''
import os as _crd_os
from django.conf import settings as _crd_settings
_crd_os.environ["AWS_ACCESS_KEY_ID"] = _crd_settings.AWS_ACCESS_KEY_ID
_crd_os.environ.update({"AWS_SECRET_ACCESS_KEY": _crd_settings.AWS_SECRET_ACCESS_KEY})
''', ("CRD302", "CRD302")),
    Template("bound-literals", "literal bound to a credential name", "literal (CRD102)", '''
_CRD_AWS_SECRET = "$secret"
''', ("CRD102",)),
    Template("dict-literals", "literal in a dict entry", "literal (CRD102)", '''
_crd_deploy = {"aws_access_key_id": "$key_id", "region": "eu-west-1"}
''', ("CRD102",), fixable=False),
    Template("literal-env-write", "os.environ writes", "literal (CRD102)", '''
import os as _crd_os
_crd_os.environ["AWS_ACCESS_KEY_ID"] = "$key_id"
_crd_os.environ["AWS_SECRET_ACCESS_KEY"] = "$secret"
''', ("CRD102", "CRD102")),
)
TEMPLATES_BY_NAME: Dict[str, Template] = {t.name: t for t in TEMPLATES}


class Style(NamedTuple):
    """How a file writes code: its indentation unit, quote character and newline."""

    indent: str = "    "
    quote: str = '"'
    newline: str = "\n"


class Injection(NamedTuple):
    """One injected block: the file, where it sits (1-based, inclusive) and what it holds."""

    relpath: str
    template: str
    #: ``module`` (appended at the end) or ``function`` (first statements of a function).
    placement: str
    first_line: int
    last_line: int
    codes: Tuple[str, ...]
    key_id: str
    secret: str
    style: Style

    def holds(self, line: int) -> bool:
        """Is ``line`` (of the injected file) inside the block?"""
        return self.first_line <= line <= self.last_line


_QUOTE = re.compile(r"^[A-Za-z]*('|\")")


def detect_style(source: bytes) -> Style:
    """The file's dominant indentation unit (by INDENT steps), quote (by single-line
    string literals) and newline; PEP 8 defaults where the file does not say."""
    newline = "\r\n" if b"\r\n" in source else "\n"
    steps: Counter = Counter()
    quotes: Counter = Counter()
    stack = [""]
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type == tokenize.INDENT:
                previous = stack[-1]
                if token.string.startswith(previous) and len(token.string) > len(previous):
                    steps[token.string[len(previous):]] += 1
                stack.append(token.string)
            elif token.type == tokenize.DEDENT:
                stack.pop()
            elif token.type == tokenize.STRING:
                match = _QUOTE.match(token.string)
                body = token.string[match.end(1) - 1:] if match else ""
                if match and not body.startswith(match.group(1) * 3):
                    quotes[match.group(1)] += 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    indent = max(steps, key=lambda unit: (steps[unit], unit == "    ")) if steps else "    "
    if indent.strip(" \t") or ("\t" in indent and " " in indent):
        indent = "    "  # a mixed step is no unit to copy
    quote = "'" if quotes["'"] > quotes['"'] else '"'
    return Style(indent, quote, newline)


def render(template: Template, style: Style, base: str, key_id: str, secret: str) -> str:
    """The template's lines in ``style``, every line prefixed with ``base``."""
    text = string.Template(template.source.strip("\n")).substitute(key_id=key_id, secret=secret)
    if style.quote == "'":
        text = text.replace('"', "'")  # template strings hold no quotes of their own
    lines = []
    open_brackets, statement_depth = 0, 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        spaces = len(line) - len(stripped)
        if not stripped:
            lines.append("")
            continue
        if open_brackets:  # a continuation line: the statement's indent, then its spaces
            lead = style.indent * statement_depth + " " * (spaces - 4 * statement_depth)
        else:
            statement_depth = spaces // 4
            lead = style.indent * statement_depth
        lines.append(base + lead + stripped)
        open_brackets += sum(stripped.count(c) for c in "([{") - sum(
            stripped.count(c) for c in ")]}")
    return style.newline.join(lines) + style.newline


def function_sites(tree: ast.AST, lines: Sequence[bytes]) -> List[Tuple[int, str]]:
    """(0-based line, its indentation) before which a block can open a function body:
    the first statement after any docstring, alone at the start of its line."""
    sites = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = list(node.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) and isinstance(
                body[0].value.value, str):  # type: ignore[attr-defined]
            body = body[1:]
        if not body:
            continue
        first = body[0]
        index = first.lineno - 1
        text = lines[index]
        lead = text[:first.col_offset]
        previous = lines[index - 1].rstrip(b"\r\n") if index else b""
        if first.lineno <= node.lineno or lead.strip(b" \t") or previous.endswith(b"\\"):
            continue  # ``def f(): return 1``, or a statement that does not start its line
        try:
            sites.append((index, lead.decode("ascii")))
        except UnicodeDecodeError:
            continue
    return sorted(sites)


def inject_source(source: bytes, template: Template, rng: random.Random,
                  placement: str) -> Optional[Tuple[bytes, int, int, str, str, Style]]:
    """``source`` with ``template`` injected at ``placement`` (``module``/``function``):
    (new bytes, first line, last line, key id, secret, style), or None when the file has no
    such place or the result would not parse."""
    style = detect_style(source)
    key_id, secret = synthetic_key(rng)
    lines = source.splitlines(keepends=True)
    if placement == "function":
        if not template.in_function:
            return None
        try:
            sites = function_sites(ast.parse(source), lines)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        if not sites:
            return None
        index, base = sites[rng.randrange(len(sites))]
        block = render(template, style, base, key_id, secret)
        result = b"".join(lines[:index]) + block.encode("ascii") + b"".join(lines[index:])
        first = index + 1
    else:
        head = source if not source or source.endswith((b"\n", b"\r")) else (
            source + style.newline.encode())
        block = render(template, style, "", key_id, secret)
        result = head + (style.newline * 2 + block).encode("ascii")
        first = len(head.splitlines()) + 3  # after two blank lines
    last = first + block.count(style.newline) - 1
    try:
        ast.parse(result)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return result, first, last, key_id, secret, style


def eligible(relpath: str, source: bytes) -> bool:
    """May this file host an injection?  It must parse, and not be a settings module (where
    module-level names change meaning, so the expected codes would depend on the host)."""
    if "settings" in relpath.lower():
        return False
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def inject_tree(root: str, relpaths: Iterable[str], count: int, seed: int,
                max_host_bytes: Optional[int] = None) -> List[Injection]:
    """Inject one template into each of ``count`` seeded-drawn files under ``root`` (in
    place), cycling through every template and alternating module/function placement;
    ``max_host_bytes`` limits the hosts' size (the fixer's time grows with it)."""
    rng = random.Random(seed)
    order = sorted(relpaths)
    rng.shuffle(order)
    done: List[Injection] = []
    for relpath in order:
        if len(done) == count:
            break
        path = os.path.join(root, relpath)
        if max_host_bytes is not None and os.path.getsize(path) > max_host_bytes:
            continue
        with open(path, "rb") as handle:
            source = handle.read()
        if not eligible(relpath, source):
            continue
        template = TEMPLATES[len(done) % len(TEMPLATES)]
        # Alternate per template and per round, so each template gets both placements.
        wanted = "function" if (len(done) + len(done) // len(TEMPLATES)) % 2 else "module"
        placed = None
        for placement in dict.fromkeys([wanted, "module"]):
            placed = inject_source(source, template, rng, placement)
            if placed is not None:
                break
        if placed is None:
            continue
        data, first, last, key_id, secret, style = placed
        info = os.stat(path)
        with open(path, "wb") as handle:
            handle.write(data)
        os.chmod(path, info.st_mode)
        done.append(Injection(relpath, template.name, placement, first, last, template.codes,
                              key_id, secret, style))
    return done
