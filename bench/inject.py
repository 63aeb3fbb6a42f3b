"""Credential patterns injected into the **dense** corpus: one snippet per rule, as data.

Each snippet is a self-contained module-level block (its own imports, names prefixed
``_crd_`` so it shadows nothing the host file defines) appended to the end of a file that
parses, so the file still parses: the dense corpus measures the cost of files that *do*
match, and the check run there must find something in every injected file.

Key material is synthetic, drawn from a seeded generator at build time; nothing key-shaped
is written in this file.
"""
from __future__ import annotations

import ast
import random
import string
from typing import Dict, List, Optional, Sequence, Tuple

#: rule code -> snippet template ({key_id} and {secret} are synthetic values).
SNIPPETS: Dict[str, str] = {
    "CRD101": '''
import boto3 as _crd_boto3


def _crd_literal_client():
    return _crd_boto3.client(
        "s3",
        aws_access_key_id="{key_id}",
        aws_secret_access_key="{secret}",
    )
''',
    "CRD102": '''
_CRD_DEPLOY = {{"aws_access_key_id": "{key_id}", "aws_secret_access_key": "{secret}"}}
''',
    "CRD201": '''
import os as _crd_os
import boto3 as _crd_boto3


def _crd_env_session():
    return _crd_boto3.Session(
        aws_access_key_id=_crd_os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=_crd_os.getenv("AWS_SECRET_ACCESS_KEY"),
    )
''',
    "CRD202": '''
import boto3 as _crd_boto3
from django.conf import settings as _crd_settings


def _crd_settings_resource():
    return _crd_boto3.resource(
        "s3",
        aws_access_key_id=_crd_settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=_crd_settings.AWS_SECRET_ACCESS_KEY,
    )
''',
    "CRD203": '''
import os as _crd_os


def _crd_configure(app):
    app.config["AWS_ACCESS_KEY_ID"] = _crd_os.environ["AWS_ACCESS_KEY_ID"]
    app.config["AWS_SECRET_ACCESS_KEY"] = _crd_os.environ["AWS_SECRET_ACCESS_KEY"]
''',
    "CRD301": '''
import boto3 as _crd_boto3


def _crd_frozen_client(session):
    creds = session.get_credentials().get_frozen_credentials()
    return _crd_boto3.client(
        "sqs",
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
    )
''',
    "CRD302": '''
import os as _crd_os


def _crd_export_keys(key_id, secret):
    _crd_os.environ["AWS_ACCESS_KEY_ID"] = key_id
    _crd_os.environ["AWS_SECRET_ACCESS_KEY"] = secret
''',
}

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def synthetic_key(rng: random.Random) -> Tuple[str, str]:
    """A key id and secret with the shapes of real ones (not valid, not AWS's example)."""
    key_id = "AKIA" + "".join(rng.choice(_KEY_ALPHABET) for _ in range(16))
    secret = "".join(rng.choice(_SECRET_ALPHABET) for _ in range(40))
    return key_id, secret


def snippet_for(code: str, rng: random.Random) -> bytes:
    """The snippet of ``code`` filled with fresh synthetic key material, as bytes."""
    key_id, secret = synthetic_key(rng)
    block = "\n\n# injected by bench (dense corpus)" + SNIPPETS[code].format(
        key_id=key_id, secret=secret)
    return block.encode("ascii")


def parses(source: bytes) -> bool:
    """Does ``source`` parse as Python on this interpreter?"""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def inject(source: bytes, code: str, rng: random.Random) -> Optional[bytes]:
    """``source`` with the snippet for ``code`` appended, or None when it would not parse.

    Appending at the end keeps the block at module level whatever the file holds; a file
    without a final newline gets one first.
    """
    if not source.endswith(b"\n"):
        source += b"\n"
    result = source + snippet_for(code, rng)
    return result if parses(result) else None


def injection_order(paths: Sequence[str], seed: int) -> List[str]:
    """A seeded draw order over ``paths`` that does not depend on the order given."""
    ordered = sorted(paths)
    random.Random(seed).shuffle(ordered)
    return ordered
