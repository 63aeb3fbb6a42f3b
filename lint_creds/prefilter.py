"""A byte-level screen: can this file hold a finding at all?  Most files cannot, and skipping
their parse is what makes ``lint-creds check`` fast enough for every commit.

The screen must never drop a true finding, so it looks for *anchors*: text that every finding
needs somewhere in the module.  Each anchor below is required by a test case in which it is
the only one (tests/test_prefilter.py); the scale tests compare findings with and without the
screen over whole corpora.

- **Sinks** whose credential parameters are not credential names (below) are spelled in the
  module: ``boto`` (positional arguments of boto3, botocore, aioboto3, aiobotocore and legacy
  boto; only with a call that could pass them, see :mod:`lint_creds.boto_screen`),
  ``S3FileSystem`` (s3fs's ``key=``/``secret=``), ``fsspec``, ``storage_options=``,
  ``set_credentials``, and the last dotted part of each configured ``extra-sinks`` entry.
  Every other sink (the generic ``aws_access_key_id=`` call or splatted dict, pyarrow's
  ``access_key=``, django-storages' options) takes parameters with credential names.
- **Credential names** (CRD102 bindings, CRD203 settings, CRD302 environment writes, the
  keyword names of every sink): each spells ``access_key``, ``secret_key`` /
  ``secret_access_key``, ``key_id``, ``session_token``, ``security_token``, ``sts_token`` or
  ``aws_secret`` / ``aws_key`` / ``aws_id`` (case-insensitive, ``[_-]`` optional), the
  shapes :func:`lint_creds.patterns.credential_role_of_name` accepts; ``key_id``,
  ``aws_key`` and ``aws_id`` only where a name can end (``subject_key_identifier`` is no
  credential name, nor a finding).
- **Key ids** in any string (CRD102): the full upper-case access key id shape.

Anchors can hide from a byte search in three ways, each handled behind a cheap test that
decides whether the slow path is needed at all:

- identifiers are NFKC-normalised by Python (``ｂｏｔｏ３`` is ``boto3``): a file with a coding
  cookie, or with non-ASCII text that NFKC would change, is also searched decoded and
  normalised;
- escapes (``"\\x41KIA"``) and backslash-continued strings: the lines holding an escape that
  can spell an anchor character are decoded (a superset of the string values) and searched
  again, and the join search below runs on the file with those lines decoded;
- implicit concatenation (``"AK" "IA..."``, also across comment lines): an anchor split
  between two string parts has an anchor character on each side of the join; such joins are
  deleted and the text around them searched again (only there can a new anchor be).
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

from .options import Options
from .patterns import KEY_ID_FULL_RE

#: Sink names, searched in lower-case bytes with ``in`` (memchr speed).
_SINK_WORDS = ("s3filesystem", "fsspec", "storage_options", "set_credentials")
#: The boto family's sink word: not an anchor by itself (see :mod:`lint_creds.boto_screen`).
_BOTO = b"boto"
#: Credential-name shapes, each under a word it contains that is rarer than ``key``, so a
#: shape's regex runs only on the files holding its word (an ``in`` scan runs at memchr
#: speed; a regex scan is many times slower).
_NAME_SHAPES = (
    (b"access", (r"access[_\-]?key",)),
    (b"secret", (r"secret[_\-]?(?:access[_\-]?)?key",)),
    (b"aws", (r"aws[_\-]?(?:secret|(?:key|id)(?![a-z0-9_]))",)),
    (b"token", (r"(?:session|security|sts)[_\-]?token",)),
    (b"key", (r"key[_\-]?id(?![a-z0-9_])",)),
)
#: Longer than any anchor a name shape or key id matches (the longest, ``AKIA`` + 16, is 20).
_LONGEST_FIXED_ANCHOR = 32
#: A key id is matched case-sensitively: ``Malaysia`` must not pass for ``ASIA``.
_KEY_ID = re.compile(KEY_ID_FULL_RE.pattern.encode())
#: Escapes that can spell an anchor character (``\n`` or ``\\`` cannot).
_ESCAPE_HINT = re.compile(rb"\\[xuUN0-7\r\n]")
#: One escape sequence of a (non-raw) string literal, decoded by :func:`_unescape`.
_ESCAPE = re.compile(rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|"
                     rb"[0-7]{1,3}|\r?\n|\r|.)", re.DOTALL)
#: A join between two string parts with an anchor character on each side (only such a join
#: can create an anchor): quotes, whitespace, string prefixes and comment lines.  Deleting
#: every join makes each concatenated value contiguous (and more text besides: a superset
#: is fine).  A join starts at a closing quote, so a ``#`` inside a string is never taken
#: for a comment; the lookbehind comes after the quote so ``re`` scans for quotes.
_JOIN = re.compile(rb"[\"'](?<=[\w\-][\"'])"
                   rb"(?:[\s\\\"']|(?<=[\"'\s])[rbufRBUF]{1,2}(?=[\"'])|#[^\n]*\n)*"
                   rb"[\"'](?=[\w\-])")
#: Bytes mapped to their class for :data:`_JOIN_GATE`: ``w`` anchor character, ``q`` quote,
#: ``s`` blank or backslash, ``n`` line break, ``#``; anything else ``.``.
_CLASSES = bytes(
    ord("w") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_-") else
    ord("q") if chr(c) in "\"'" else ord("s") if chr(c) in " \t\f\r\v\\" else
    ord("n") if c == 10 else ord("#") if chr(c) == "#" else ord(".") for c in range(256))
#: :data:`_JOIN` over the classes (prefix letters are ``w``), matched from the closing quote.
#: It starts with one literal byte, which ``re`` skips to at memchr speed (a two-byte
#: prefix such as ``wq`` is scanned byte by byte: twice as slow); the look-behind then
#: checks the anchor character.  ``_JOIN`` runs only near the few candidates it finds.
_JOIN_GATE = re.compile(rb"q(?<=wq)(?:[sqn]|#[^n]*n|w{1,2}(?=q))*qw")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


class Anchors:
    """The anchors for one set of options."""

    def __init__(self, options: Options) -> None:
        extra = (name.rsplit(".", 1)[-1].lower() for name in options.extra_sinks)
        self.words = tuple(w.encode() for w in {*_SINK_WORDS, *extra} if w)
        self.shapes = tuple((word, tuple(re.compile(p.encode()) for p in patterns))
                            for word, patterns in _NAME_SHAPES)
        #: No anchor is longer: a join can only create one within this many bytes of it.
        self.reach = max([_LONGEST_FIXED_ANCHOR, *map(len, self.words)])

    def found(self, text: bytes, lowered: Optional[bytes] = None) -> bool:
        """Does ``text`` (source bytes, any case; ``lowered`` if the caller has it) contain an
        anchor (``boto`` aside)?"""
        if _KEY_ID.search(text):
            return True
        if lowered is None:
            lowered = text.lower()
        return any(word in lowered for word in self.words) or any(
            word in lowered and any(shape.search(lowered) for shape in shapes)
            for word, shapes in self.shapes)


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
    return _screen(data, options, None)


def could_hold_finding_in_text(text: str, options: Options) -> bool:
    """:func:`could_hold_finding` for source already decoded (flake8 hands over lines)."""
    return _screen(text.encode("utf-8", "surrogatepass"), options, text)


def _screen(data: bytes, options: Options, text: Optional[str]) -> bool:
    anchor = anchors(options)
    lowered = data.lower()
    if anchor.found(data, lowered):
        return True
    source = data  # the text Python reads identifiers from, in UTF-8
    if text is None and _may_normalize(data):
        text = _decoded(data)
        if text is None:
            return True  # undecodable: the engine says why
        source = text.encode("utf-8", "replace")
        if anchor.found(source):
            return True  # a codec spelled an anchor
    if text is not None and not text.isascii():
        import unicodedata

        if not unicodedata.is_normalized("NFKC", text):
            source = unicodedata.normalize("NFKC", text).encode("utf-8", "replace")
            if anchor.found(source):
                return True
    unescaped = data
    if b"\\" in data and _ESCAPE_HINT.search(data):
        lines = _escaped_lines(data)
        if anchor.found(b"\n".join(decoded for _, _, decoded in lines)):
            return True
        unescaped = _spliced(data, lines)
    candidates = _JOIN_GATE.finditer(unescaped.translate(_CLASSES))
    joined = _joined_near(unescaped, candidates, anchor.reach)
    if joined is not None and anchor.found(joined):
        return True
    if source is not data:  # boto sinks are identifiers: escapes and joins cannot spell them
        lowered = source.lower()
    if _BOTO not in lowered:
        return False
    from .boto_screen import could_pass_credentials  # its patterns cost a run without boto

    return could_pass_credentials(lowered)


def _joined_near(data: bytes, candidates: Iterable["re.Match[bytes]"],
                 reach: int) -> Optional[bytes]:
    """The text around the joins of ``data``, with the joins deleted; None if it has none.

    Only an anchor that runs across a join can be new after deleting joins, and such an
    anchor lies within ``reach`` bytes of its join, so only those regions are joined and
    searched, not the whole file.  Every join lies inside a :data:`_JOIN_GATE` candidate, and
    no join straddles a region's edge (regions are merged when they touch), so deleting joins
    region by region deletes exactly what deleting them over the whole file does there.
    Regions are separated by a line break, which no anchor spans.
    """
    regions: List[List[int]] = []
    for candidate in candidates:
        start, end = max(0, candidate.start() - 1 - reach), candidate.end() + reach
        if regions and start <= regions[-1][1]:
            regions[-1][1] = end
        else:
            regions.append([start, end])
    parts, joins = [], 0
    for start, end in regions:
        part, count = _JOIN.subn(b"", data[start:end])
        parts.append(part)
        joins += count
    return b"\n".join(parts) if joins else None


def _may_normalize(data: bytes) -> bool:
    """Could decoding (a coding cookie) or NFKC normalisation change the text's anchors?"""
    if data.isascii():
        return _COOKIE.search(data[:1024]) is not None
    if _COOKIE.search(data[:1024]):
        return True
    import unicodedata

    try:
        return not unicodedata.is_normalized("NFKC", data.decode("utf-8"))
    except UnicodeDecodeError:
        return True  # the engine reports it, or a cookie-less legacy encoding decodes it


def _escaped_lines(data: bytes) -> List[Tuple[int, int, bytes]]:
    """``(start, end, decoded)`` for each run of lines holding an escape that
    :data:`_ESCAPE_HINT` finds (one that can spell an anchor character, or a
    backslash-newline), decoded by :func:`_unescape`.

    A new anchor holds a character such an escape spells, and anchors hold no line break, so
    it lies on the escape's line, or on the next one when a backslash-newline joins them
    (runs that touch are merged).  Decoding from a line start is decoding in step with the
    whole file: no escape spans a line break except backslash-newline, which ends its line.
    """
    lines: List[Tuple[int, int]] = []
    hint = _ESCAPE_HINT.search(data)
    while hint is not None:
        start = data.rfind(b"\n", 0, hint.start()) + 1
        line_end = data.find(b"\n", hint.start())
        line_end = len(data) if line_end < 0 else line_end + 1
        end = line_end
        if hint.group()[1:] in b"\r\n":  # a backslash-newline: take the line it joins
            end = data.find(b"\n", line_end)
            end = len(data) if end < 0 else end + 1
        if lines and start <= lines[-1][1]:
            lines[-1] = (lines[-1][0], max(end, lines[-1][1]))
        else:
            lines.append((start, end))
        hint = _ESCAPE_HINT.search(data, line_end)
    return [(start, end, _unescape(data[start:end])) for start, end in lines]


def _spliced(data: bytes, lines: List[Tuple[int, int, bytes]]) -> bytes:
    """``data`` with ``lines`` (from :func:`_escaped_lines`) replaced by their decoding."""
    parts, done = [], 0
    for start, end, decoded in lines:
        parts += (data[done:start], decoded)
        done = end
    parts.append(data[done:])
    return b"".join(parts)


def _unescape(data: bytes) -> bytes:
    """``data`` with every string escape decoded and backslash-newlines removed: a superset
    of the string values that escapes hide."""
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
