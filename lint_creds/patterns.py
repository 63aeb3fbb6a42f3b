"""Small pure predicates: key shapes, credential names, placeholders and masking."""
from __future__ import annotations

import os
import re
from enum import Enum
from typing import Any, AnyStr, FrozenSet, Iterable, Optional, cast


class _LazyPattern:
    """A regular expression compiled the first time it is used (see :func:`lazy_compile`)."""

    def __init__(self, pattern: Any, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self.pattern, self.flags)
        # Bound methods on the instance: later calls never come back here.
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn",
                       "split"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def lazy_compile(pattern: AnyStr, flags: int = 0) -> "re.Pattern[AnyStr]":
    """``re.compile(pattern, flags)`` on first use. Compiling every module-level pattern at
    import costs milliseconds that a pre-commit run on a few files feels, most of them for
    patterns such a run never uses."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, flags))


class Role(str, Enum):
    """Which member of the credential group a value plays."""

    ACCESS_KEY = "access key id"
    SECRET_KEY = "secret access key"
    TOKEN = "session token"


#: Prefixes AWS uses for unique ids; an access key id is one of these + 16 characters.
KEY_ID_PREFIXES = (
    "AKIA", "ASIA", "AROA", "AIDA", "AGPA", "AIPA", "ANPA", "ANVA", "APKA", "ABIA", "ACCA",
    "A3T",
)
_KEY_ID_PREFIX = r"(?:A3T[A-Z0-9]|AKIA|ASIA|AROA|AIDA|AGPA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)"
_KEY_ID = _KEY_ID_PREFIX + r"[A-Z0-9]{16}"
#: Every access key id is this long.
KEY_ID_LENGTH = 20
#: Not inside a longer word; the look-behind comes after the four-letter prefix, so ``re``
#: scans for the prefix's first letter instead of trying every position.
KEY_ID_RE = lazy_compile(_KEY_ID_PREFIX + r"(?<![A-Za-z0-9]....)[A-Z0-9]{16}(?![A-Za-z0-9])")
KEY_ID_FULL_RE = lazy_compile(_KEY_ID)
#: A secret access key: 40 characters of the base64 alphabet.
SECRET_LENGTH = 40
SECRET_RE = lazy_compile(r"[A-Za-z0-9/+]{%d}" % SECRET_LENGTH)
#: Session tokens are long base64 blobs (STS tokens are several hundred characters).
TOKEN_RE = lazy_compile(r"[A-Za-z0-9/+=]{100,}")

#: The environment variables boto3's default chain reads itself.
STANDARD_ENV_NAMES = {
    "AWS_ACCESS_KEY_ID": Role.ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": Role.SECRET_KEY,
    "AWS_SESSION_TOKEN": Role.TOKEN,
}
#: Credential variables a process may write; includes legacy names the chain also reads.
CREDENTIAL_ENV_NAMES = {
    **STANDARD_ENV_NAMES,
    "AWS_SECURITY_TOKEN": Role.TOKEN,
    "AWS_ACCESS_KEY": Role.ACCESS_KEY,
    "AWS_SECRET_KEY": Role.SECRET_KEY,
}
#: Framework settings (django-storages, Flask-S3 ...) that carry keys.
SETTINGS_NAMES = {
    "AWS_ACCESS_KEY_ID": Role.ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": Role.SECRET_KEY,
    "AWS_SESSION_TOKEN": Role.TOKEN,
    "AWS_SECURITY_TOKEN": Role.TOKEN,
    "AWS_S3_ACCESS_KEY_ID": Role.ACCESS_KEY,
    "AWS_S3_SECRET_ACCESS_KEY": Role.SECRET_KEY,
    "AWS_S3_SESSION_TOKEN": Role.TOKEN,
}

#: Module-level names that make a module a Django settings module, whatever its file name.
SETTINGS_MARKERS = frozenset(
    {"INSTALLED_APPS", "DEFAULT_FILE_STORAGE", "STATICFILES_STORAGE", "STORAGES",
     "AWS_STORAGE_BUCKET_NAME", "ROOT_URLCONF", "MIDDLEWARE"})


def is_settings_path(path: str) -> bool:
    """Is ``path`` named like a settings module (``settings.py``, ``prod_settings.py``,
    ``settings/base.py``)?"""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    return "settings" in stem or os.path.basename(os.path.dirname(path)).lower() == "settings"


_PLACEHOLDERS: FrozenSet[str] = frozenset(
    {
        "", "none", "null", "nil", "test", "testing", "tests", "fake", "dummy", "mock", "foo",
        "bar", "baz", "key", "secret", "token", "changeme", "change-me", "change_me", "todo",
        "placeholder", "example", "sample", "xxx", "access_key", "secret_key",
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "access-key",
        "secret-key", "my-key", "my-secret", "mykey", "mysecret", "minioadmin", "minio",
        "minio123", "localstack", "admin", "password", "akid", "anonymous",
        # AWS's documented example key pair.
        "akiaiosfodnn7example", "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey",
    }
)
_PLACEHOLDER_WORDS = lazy_compile(
    r"example|your|dummy|fake|placeholder|changeme|replace|insert|redacted|xxxx|\*\*\*|"
    r"(?:^|[_\-\s])(?:test|testing|mock)(?:$|[_\-\s])",
    re.IGNORECASE,
)
_TEMPLATE = lazy_compile(r"<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|^\$[A-Z_]+$")

_CREDENTIAL_NAME_PATTERNS = (
    (Role.TOKEN, lazy_compile(r"(?:session|security|sts)[_\-]?token", re.IGNORECASE)),
    (
        Role.SECRET_KEY,
        lazy_compile(r"secret[_\-]?(?:access[_\-]?)?key|aws[_\-]?secret|^secret$",
                     re.IGNORECASE),
    ),
    (
        Role.ACCESS_KEY,
        lazy_compile(r"access[_\-]?key(?:[_\-]?id)?|aws[_\-]?(?:key|id)$|key[_\-]?id$|^akid$",
                     re.IGNORECASE),
    ),
)


def is_placeholder(value: str, extra: Iterable[str] = ()) -> bool:
    """Is ``value`` an obvious placeholder rather than a real credential?"""
    folded = value.strip().lower()
    if folded in _PLACEHOLDERS or folded in {e.lower() for e in extra}:
        return True
    if len(set(folded)) <= 2 and len(folded) > 0:  # "XXXXXXXX", "0000", "****"
        return True
    stripped = folded
    for prefix in KEY_ID_PREFIXES:
        if value.startswith(prefix):
            stripped = folded[len(prefix):]
            if len(set(stripped)) <= 2:  # AKIAXXXXXXXXXXXXXXXX
                return True
            break
    if _is_keyboard_run(stripped):  # AKIA1234567890ABCDEF, "abcdefghij..."
        return True
    return bool(_PLACEHOLDER_WORDS.search(value) or _TEMPLATE.search(value))


#: Longer than any key a hand-typed run stands in for (a secret is 40, a token more).
_LONGEST_KEYBOARD_RUN = 256


def _is_keyboard_run(text: str) -> bool:
    """Mostly ascending runs (``1234567890abcdef``): typed by hand, never generated, and
    never longer than a key (a table or a document embedded in a string is no placeholder)."""
    if not 8 <= len(text) <= _LONGEST_KEYBOARD_RUN:
        return False
    steps = sum(ord(b) - ord(a) == 1 for a, b in zip(text, text[1:]))
    return steps >= 0.6 * (len(text) - 1)


def looks_like_key_id(value: str) -> bool:
    """Is the whole string an AWS access key id?"""
    return KEY_ID_FULL_RE.fullmatch(value) is not None


def find_key_ids(value: str) -> "list[str]":
    """Every access-key-id-shaped substring of ``value``."""
    return KEY_ID_RE.findall(value)


def looks_like_secret(value: str) -> bool:
    """40 base64 characters with the mix of cases and digits a generated secret has."""
    if SECRET_RE.fullmatch(value) is None:
        return False
    # Generated secrets mix cases; hex digests (git SHAs) and words do not.
    return any(c.islower() for c in value) and any(c.isupper() for c in value) and any(
        c.isdigit() or c in "/+" for c in value)


def looks_like_token(value: str) -> bool:
    """A long base64 blob, as STS session tokens are."""
    return TOKEN_RE.fullmatch(value) is not None


def looks_real(value: str, role: Optional[Role]) -> bool:
    """Is ``value`` shaped like a real key of ``role`` (any role when ``None``)?"""
    if role is Role.ACCESS_KEY:
        return looks_like_key_id(value)
    if role is Role.SECRET_KEY:
        return looks_like_secret(value)
    if role is Role.TOKEN:
        return looks_like_token(value)
    return looks_like_key_id(value) or looks_like_secret(value) or looks_like_token(value)


def looks_like_credential(value: str) -> bool:
    """Could ``value`` be a working credential of some S3-style service?

    True for AWS-shaped keys, and for other long, space-free strings that mix character
    classes (other providers' keys, truncated pastes); short dummies like ``"ak"``,
    ``"abc123"`` or ``"local"`` are not credentials anyone can leak.
    """
    if looks_real(value, None):
        return True
    if len(value) < 16 or any(c.isspace() for c in value):
        return False
    classes = sum((any(c.isupper() for c in value), any(c.islower() for c in value),
                   any(c.isdigit() for c in value)))
    return classes >= 2


def credential_role_of_name(name: str) -> Optional[Role]:
    """The credential a variable/attribute/key name suggests, e.g. ``aws_secret_key``.

    ``region``, ``bucket``, ``key_name`` and other near-misses return ``None``.
    """
    if name.upper() in SETTINGS_NAMES:
        return SETTINGS_NAMES[name.upper()]
    for role, pattern in _CREDENTIAL_NAME_PATTERNS:
        if pattern.search(name):
            return role
    return None


_AWS_CONTEXT = lazy_compile(
    r"aws|s3|boto|amazon|access|session[_\-]?token|security[_\-]?token", re.IGNORECASE)


def is_aws_credential_name(name: str) -> bool:
    """A credential-named target that is about AWS (``AWS_SECRET``, not Django's
    ``SECRET_KEY`` or an OAuth ``client_secret``)."""
    return credential_role_of_name(name) is not None and _AWS_CONTEXT.search(name) is not None


def mask(value: str) -> str:
    """Mask key material for display: ``AKIA…MNOP``; short values are hidden entirely."""
    if len(value) >= 16:
        return f"{value[:4]}…{value[-4:]}"
    return "…"


def mask_all(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` by its mask."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, mask(secret))
    return text


#: A quoted run of base64 characters: where a pasted key, secret or token sits in source.
_QUOTED_MATERIAL = lazy_compile(r"""(['"])([A-Za-z0-9/+=]{16,})\1""")


def mask_key_material(text: str, known: Iterable[str] = ()) -> str:
    """``text`` (source lines, a diff) with the ``known`` literals and anything shaped like
    a key id, secret or token masked, so no output echoes a key the source holds."""
    found = set(known) | set(KEY_ID_FULL_RE.findall(text)) | {
        match.group(2) for match in _QUOTED_MATERIAL.finditer(text)
        if looks_real(match.group(2), None)}
    return mask_all(text, found)
