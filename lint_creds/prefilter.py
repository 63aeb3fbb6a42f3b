"""A byte-level screen: can this file hold a finding at all?  Most files cannot, and skipping
their parse is what makes ``lint-creds check`` fast enough for every commit.

The screen must never drop a true finding, so it looks for *anchors*: text that every finding
needs somewhere in the module (case-insensitively, a superset of what the engine matches).

- SDK sinks are reached through imports of ``boto3``/``botocore``/``aioboto3``/``boto``
  (``boto``), ``s3fs`` (``s3``), ``storages`` and ``storage_options=`` (``storage``); the
  generic sink is any call with ``aws_access_key_id=`` & co. or a splatted dict with those
  keys (``aws``); ``set_credentials``/``get_credentials`` (``credentials``); the user's
  ``extra-sinks`` (their last dotted part, which any call to them must spell).
- CRD102 on a name needs a credential-shaped name (patterns.credential_role_of_name) with an
  AWS context: every such name spells ``aws`` (``aws_secret``, ``aws_key``), ``access_key``,
  ``secret_key``/``secret_access_key``, ``key_id`` or ``session_token``/``security_token``
  (``[_-]`` optional), so the context words (``amazon``, ``access`` ...) need no anchor;
  CRD102 on a bare literal needs an access key id prefix (``AKIA``, ``ASIA`` ...).
- CRD203 and CRD302 need an ``AWS_*`` name or a django-storages class (``storage``/``s3``).

Anchors can hide from a byte search in three ways, each handled:

- identifiers are NFKC-normalised by Python (``ｂｏｔｏ３`` is ``boto3``): a file with
  non-ASCII bytes or a coding cookie is also searched decoded and normalised;
- escapes (``"\\x41KIA"``) and backslash-continued strings: escapes are decoded over the whole
  file (a superset of the string values) before searching again;
- implicit concatenation (``"AK" "IA..."``): quotes, whitespace and string prefixes between
  two quotes are deleted before searching again; when a comment sits between two string
  parts, the file is parsed and its string constants searched.

Every anchor is required by a test case where it is the only one (tests/test_prefilter.py).
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from .options import Options
from .patterns import KEY_ID_PREFIXES

_ANCHOR_WORDS = ("boto", "s3", "storage", "aws", "set_credentials")
#: Credential-shaped names; each pattern starts with a literal so ``re`` scans at memchr speed.
_ANCHOR_PATTERNS = (
    r"session[_\-]?token", r"security[_\-]?token", r"access[_\-]?key",
    r"secret[_\-]?(?:access[_\-]?)?key", r"key[_\-]?id",
    # access key id prefixes (AKIA, ASIA ...) in one pattern: one scan instead of twelve
    "a(?:" + "|".join(prefix[1:].lower() for prefix in KEY_ID_PREFIXES) + ")",
)
#: One escape sequence of a (non-raw) string literal, decoded by :func:`_unescape`.
_ESCAPE = re.compile(rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|"
                     rb"[0-7]{1,3}|\r?\n|\r|.)", re.DOTALL)
#: Implicit concatenation: quotes, whitespace and string prefixes between two quotes.
_JOIN = re.compile(rb"[\"'](?:[\s\\\"']|(?<=[\"'\s])[rbuf]{1,2}(?=[\"']))*[\"']")
#: Implicit concatenation across a comment: a quote, then a comment, then a quote.
_COMMENTED_JOIN = re.compile(rb"[\"'][ \t\f\\]*#[^\n]*\n(?:[ \t\f]*(?:#[^\n]*)?\n)*[ \t\f]*"
                             rb"[rbuf]{0,2}[\"']")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


class Anchors:
    """The anchors for one set of options, searched in lower-case bytes."""

    def __init__(self, options: Options) -> None:
        extra = (name.rsplit(".", 1)[-1].lower() for name in options.extra_sinks)
        self.words = tuple(w.encode() for w in {*_ANCHOR_WORDS, *extra} if w)
        self.patterns = tuple(re.compile(p.encode()) for p in _ANCHOR_PATTERNS)

    def found(self, text: bytes) -> bool:
        """Does lower-case ``text`` contain an anchor?  (``in`` and literal-led regexes are
        far faster than one big alternation.)"""
        return any(word in text for word in self.words) or any(
            pattern.search(text) for pattern in self.patterns)


_cache: "dict[tuple, Anchors]" = {}


def anchors(options: Options) -> Anchors:
    """The (cached) :class:`Anchors` of ``options``."""
    key = tuple(options.extra_sinks)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = Anchors(options)
    return found


def could_hold_finding(data: bytes, options: Options) -> bool:
    """False only when no finding is possible in ``data`` (Python source bytes).

    Cheap for the common case (a few substring searches); files that could hide an anchor are
    decoded or parsed, and anything that fails to decode or parse is passed through so the
    engine can report the problem itself.
    """
    anchor = anchors(options)
    lowered = data.lower()
    if anchor.found(lowered):
        return True
    if not data.isascii() or _COOKIE.search(data[:1024]):
        text = _decoded(data)
        if text is None or anchor.found(_normalized(text).lower().encode("utf-8", "replace")):
            return True
    unescaped = _unescape(data).lower() if b"\\" in data else lowered
    if anchor.found(_JOIN.sub(b"", unescaped)):
        return True
    if _COMMENTED_JOIN.search(lowered):  # rare: let the parser join the parts
        return _constants_match(data, anchor)
    return False


def _unescape(data: bytes) -> bytes:
    """``data`` with every string escape decoded and backslash-newlines removed, applied to
    the whole file: a superset of the string values that escapes hide."""
    def decode(match: "re.Match[bytes]") -> bytes:
        escape = match.group(0)
        kind, body = escape[1:2], escape[2:]
        if kind in (b"\n", b"\r"):
            return b""
        if kind in (b"x", b"u", b"U") and body and int(body, 16) < 0x110000:
            return chr(int(body, 16)).encode("utf-8", "surrogatepass")
        if kind == b"N" and body:
            import unicodedata

            try:
                return unicodedata.lookup(body[1:-1].decode("ascii", "replace")).encode("utf-8")
            except KeyError:
                return escape
        if kind and kind in b"01234567":
            return chr(int(escape[1:], 8)).encode("utf-8")
        return escape[1:]  # \\ -> \, \' -> ', \q -> q (a superset is fine)

    return _ESCAPE.sub(decode, data)


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


def _constants_match(data: bytes, anchor: Anchors) -> bool:
    """Do the values of the module's string constants contain an anchor?"""
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # let the engine report it
    return any(anchor.found(value.lower()) for value in _constant_values(ast.walk(tree)))


def _constant_values(nodes: Iterable[object]) -> Iterator[bytes]:
    import ast

    for node in nodes:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                yield node.value.encode("utf-8", "surrogatepass")
            elif isinstance(node.value, bytes):
                yield node.value
