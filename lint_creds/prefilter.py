"""A byte-level screen: can this file hold a finding at all?  Most files cannot, and skipping
their parse is what makes ``lint-creds check`` fast enough for every commit.

The screen must never drop a true finding, so it looks for *anchors*: text that every finding
needs somewhere in the module (case-insensitively, a superset of what the engine matches).

- SDK sinks are reached through imports of ``boto3``/``botocore``/``aioboto3``/``boto``
  (``boto``), ``s3fs`` (``s3``), ``storages`` and ``storage_options=`` (``storage``); the
  generic sink is any call with ``aws_access_key_id=`` & co. or a splatted dict with those
  keys (``aws``); ``set_credentials``/``get_credentials`` (``credentials``); the user's
  ``extra-sinks`` (their last dotted part, which any call to them must spell).
- CRD102 on a name needs a credential-shaped name with an AWS context: ``aws``, ``s3``,
  ``boto``, ``amazon``, ``access`` or ``session``/``security`` + ``token``; CRD102 on a bare
  literal needs an access key id prefix (``AKIA``, ``ASIA`` ...).
- CRD203 and CRD302 need an ``AWS_*`` name or a django-storages class (``storage``/``s3``).

Anchors can hide from a byte search in three ways, each handled:

- identifiers are NFKC-normalised by Python (``ｂｏｔｏ３`` is ``boto3``): a file with
  non-ASCII bytes or a coding cookie is also searched decoded and normalised;
- escapes (``"\\x41KIA"``), backslash-continued strings and implicit concatenation
  (``"AK" "IA..."``, possibly with comments between the parts) build string values that do
  not appear in the bytes: when a file has any of these, the string constants of its parsed
  tree are searched as well.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional, Pattern

from .options import Options
from .patterns import KEY_ID_PREFIXES

_ANCHOR_WORDS = (
    "boto", "s3", "storage", "aws", "amazon", "access", "credentials",
    *(prefix.lower() for prefix in KEY_ID_PREFIXES),
)
_ANCHOR_PATTERNS = (r"(?:session|security)[_\-]?token",)
#: Escapes that can produce letters or digits, and backslash-newline inside a string.
_ESCAPE = re.compile(rb"\\(?:[xuUN0-7]|\r?\n|\r)")
#: Implicit concatenation: quotes, whitespace and string prefixes between two quotes.
_JOIN = re.compile(rb"[\"'](?:[\s\\\"']|(?<=[\"'\s])[rbuf]{1,2}(?=[\"']))*[\"']")
#: Implicit concatenation across a comment: a quote, then a comment, then a quote.
_COMMENTED_JOIN = re.compile(rb"[\"'][ \t\f\\]*#[^\n]*\n(?:[ \t\f]*(?:#[^\n]*)?\n)*[ \t\f]*"
                             rb"[rbuf]{0,2}[\"']")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)

_cache: "dict[tuple, Pattern[bytes]]" = {}


def anchor_pattern(options: Options) -> "Pattern[bytes]":
    """One compiled alternation of every anchor for ``options`` (lower-case bytes)."""
    key = tuple(options.extra_sinks)
    pattern = _cache.get(key)
    if pattern is None:
        extra = [name.rsplit(".", 1)[-1].lower() for name in options.extra_sinks]
        words = sorted({*_ANCHOR_WORDS, *extra}, key=len, reverse=True)
        alternatives = [re.escape(w) for w in words if w] + list(_ANCHOR_PATTERNS)
        pattern = re.compile("|".join(alternatives).encode())
        _cache[key] = pattern
    return pattern


def could_hold_finding(data: bytes, options: Options) -> bool:
    """False only when no finding is possible in ``data`` (Python source bytes).

    Cheap for the common case (one regex search); files that could hide an anchor are
    decoded or parsed, and anything that fails to decode or parse is passed through so the
    engine can report the problem itself.
    """
    pattern = anchor_pattern(options)
    lowered = data.lower()
    if pattern.search(lowered):
        return True
    if not data.isascii() or _COOKIE.search(data[:1024]):
        text = _decoded(data)
        if text is None or pattern.search(_normalized(text).lower().encode("utf-8", "replace")):
            return True
    if pattern.search(_JOIN.sub(b"", lowered)):
        return _constants_match(data, pattern)
    if _ESCAPE.search(data) or _COMMENTED_JOIN.search(lowered):
        return _constants_match(data, pattern)
    return False


def _decoded(data: bytes) -> Optional[str]:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError, ValueError):
        return None


def _normalized(text: str) -> str:
    import unicodedata

    return text + "\n" + unicodedata.normalize("NFKC", text)


def _constants_match(data: bytes, pattern: "Pattern[bytes]") -> bool:
    """Do the values of the module's string constants contain an anchor?"""
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # let the engine report it
    return any(pattern.search(value.lower()) for value in _constant_values(ast.walk(tree)))


def _constant_values(nodes: Iterable[object]) -> Iterator[bytes]:
    import ast

    for node in nodes:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                yield node.value.encode("utf-8", "surrogatepass")
            elif isinstance(node.value, bytes):
                yield node.value
