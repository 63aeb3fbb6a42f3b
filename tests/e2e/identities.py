"""The AWS identities the end-to-end tests hand out, and how to tell them apart on the wire.

Every identity is generated per test session (random, so no key is ever committed) and has a
distinct access key id: the S3 server's request log then says exactly which one signed a request.
"""
from __future__ import annotations

import re
import secrets
import string
from typing import NamedTuple, Optional

from lint_creds.patterns import mask

_KEY_ID_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "/+"
#: ``Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/s3/aws4_request, ...``
_CREDENTIAL_RE = re.compile(r"Credential=([A-Z0-9]+)/")


class Identity(NamedTuple):
    """One set of AWS credentials and where the tests hand it out."""

    name: str
    access_key_id: str
    secret_access_key: str
    #: A session token for temporary (role) credentials; None for a long-term user key.
    token: Optional[str]

    def __repr__(self) -> str:
        # pytest prints fixtures of failing tests: never show key material
        return f"Identity({self.name!r}, {mask(self.access_key_id)})"


def new_identity(name: str, temporary: bool) -> Identity:
    """A random identity: ``ASIA…`` with a token when ``temporary`` (a role), else ``AKIA…``."""
    prefix = "ASIA" if temporary else "AKIA"
    key_id = prefix + "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(16))
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    token = secrets.token_urlsafe(240) if temporary else None
    return Identity(name, key_id, secret, token)


def signing_key_id(authorization: Optional[str]) -> Optional[str]:
    """The access key id that signed a request, from its SigV4 ``Authorization`` header."""
    if not authorization:
        return None
    match = _CREDENTIAL_RE.search(authorization)
    return match.group(1) if match else None
