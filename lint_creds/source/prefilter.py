"""A byte-level screen: can this file hold a finding at all?  Most files cannot, and skipping
their parse is what makes ``lint-creds check`` fast enough for every commit.

The screen must never drop a true finding, so it looks for *anchors*: text that every finding
needs somewhere in the module.  Each anchor below is required by a test case in which it is
the only one (tests/test_prefilter.py); the scale tests compare findings with and without the
screen over whole corpora.

- **Sinks** whose credential parameters are not credential names (below) are spelled in the
  module: ``boto`` (positional arguments of boto3, botocore, aioboto3, aiobotocore and legacy
  boto; only with a call that could pass them, see :mod:`lint_creds.source.boto_screen`),
  ``S3FileSystem`` (s3fs's ``key=``/``secret=``), ``set_credentials``, the last dotted part of
  each configured ``extra-sinks`` entry, and, with an argument named like s3fs's (below),
  ``storage_options`` and ``fsspec`` (the latter only with ``s3``: its sink is
  ``fsspec.filesystem("s3", ...)``).  Every other sink (the generic ``aws_access_key_id=``
  call or splatted dict, pyarrow's ``access_key=``, django-storages' options) takes
  parameters with credential names.
- **Credential names** (CRD102 bindings, CRD203 settings, CRD302 environment writes, the
  keyword names of every sink): each spells ``access_key``, ``secret_key`` /
  ``secret_access_key``, ``session_token``, ``security_token``, ``sts_token``, or ``key_id``
  / ``aws_secret`` / ``aws_key`` / ``aws_id`` (case-insensitive, ``[_-]`` optional), the
  shapes :func:`lint_creds.patterns.credential_role_of_name` accepts; ``key_id``,
  ``aws_key`` and ``aws_id`` only where a name can end (``subject_key_identifier`` is no
  credential name, nor a finding).  The names the engine matches exactly (settings,
  environment variables, boto3's keywords) all start ``AWS_``, which is an anchor by itself;
  other names are read only by django-storages (its backends and their class attributes,
  named ``storage``), in the dicts of a settings module (known by its path or its
  ``INSTALLED_APPS``-style names) and by sinks with anchors of their own, or bound to a
  literal.  A literal is a finding only if shaped like a key id (an anchor of its own), a
  secret (40 characters of base64, one of them a digit, ``/`` or ``+``) or a token (100 or
  more), so a name counts in a file with a storage backend, a settings module or such a
  string; the last four only with such a string.
- **Hadoop's S3 properties** (``fs.s3a.secret.key``, CRD102 for the value set): ``s3a`` or
  ``s3n`` as a word (dots split no join), with such a string; the older ``fs.s3.aws...Key``
  names hold an ``AWS_`` shape.
- **Key ids** in any string (CRD102): the full upper-case access key id shape.

s3fs's arguments are ``key``, ``secret`` and ``token``: a keyword (``key=``) or a dict key
(``"key"``, also through ``d.setdefault("key", ...)``).

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

An anchor that needs more (a string that could be a secret, an argument, ``s3``) counts
when each thing it needs is in one of these texts: each is a superset of part of what Python
reads.  A secret split by implicit concatenation may be longer than the text kept around a
join, so it is also looked for in the whole file with every join between base64 characters
deleted.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from ..options import Options
from ..patterns import KEY_ID_FULL_RE, SETTINGS_MARKERS, is_settings_path
from .files import declaration_lines
from .multi_scan import LazyScanner, Pattern

#: Sink names, searched in lower-case bytes with ``in`` (memchr speed).
_SINK_WORDS = ("s3filesystem", "set_credentials")
#: The credential names the engine matches exactly (settings, environment variables and
#: boto3's keywords are all ``AWS_...``), under the word they hold: anchors by themselves (an
#: ``in`` scan runs at memchr speed, a regex many times slower).
_AWS_NAME_SHAPES = (
    ((b"aws",), r"aws[_\-]?(?:s3[_\-]?)?(?:access[_\-]?key|secret[_\-]?(?:access[_\-]?)?key|"
                r"(?:session|security)[_\-]?token)"),
)
#: Other credential-name shapes, each under the words it contains (``key`` first: the
#: commonest, so most files stop at it): anchors with a django-storages backend, a settings
#: module or a string that could be a secret (:data:`_GENERIC_NAME`).
_NAME_SHAPES = (
    ((b"key", b"access"), r"access[_\-]?key"),
    ((b"key", b"secret"), r"secret[_\-]?(?:access[_\-]?)?key"),
    ((b"token",), r"(?:session|security|sts)[_\-]?token"),
)
#: Names that only a literal bound to them can make a finding of: anchors with a string
#: that could be a secret or token (:data:`_SECRET_STRING`).
_LITERAL_NAME_SHAPES = (
    ((b"aws",), r"aws[_\-]?(?:secret|(?:key|id)(?![a-z0-9_]))"),
    ((b"key",), r"key[_\-]?id(?![a-z0-9_])"),
    ((b"s3",), r"s3[an](?![a-z0-9_])"),  # Hadoop's fs.s3a.secret.key (a dot splits no join)
)
#: Sinks that take s3fs's arguments: anchors with such an argument (:data:`_S3FS_ARGUMENTS`),
#: and the words each also needs.
_S3FS_ARGUMENT_SINKS = ((b"storage_options", ()), (b"fsspec", (b"s3",)))
#: s3fs's ``key``/``secret``/``token`` as a dict key or a keyword argument (lower case, the
#: ``=`` perhaps after a backslash-newline): one regex per word, which ``re`` skips to as a literal prefix (a look-behind or alternation
#: first would make it try every position).
_S3FS_ARGUMENTS = tuple(
    re.compile(rb"%s(?:(?<=[\"']%s)[\"']|(?<![\w.]%s)[\s\\]*=(?!=))" % (word, word, word))
    for word in (b"key", b"secret", b"token"))
#: A whole string that could be a secret (40 base64 characters, one a digit, ``/`` or ``+``)
#: or a token (100 or more), between its quotes (lower case).
_SECRET_STRING = re.compile(
    rb"[\"'](?=[a-z0-9/+]{40}[\"'])[a-z]{0,39}[0-9/+]|[\"'][a-z0-9/+=]{100,}[\"']")
#: Longer than any anchor a name shape or key id matches (the longest, ``AKIA`` + 16, is 20).
_LONGEST_FIXED_ANCHOR = 32
#: The boto family's sink word: not an anchor by itself (see :mod:`lint_creds.source.boto_screen`).
_BOTO = b"boto"
#: A key id is matched case-sensitively: ``Malaysia`` must not pass for ``ASIA``.
_KEY_ID = re.compile(KEY_ID_FULL_RE.pattern.encode())
#: The hex digits of the characters an anchor can hold (``[A-Za-z0-9_\-/+=]``).
_ANCHOR_HEX = rb"(?:2[bBdDfF]|3[0-9dD]|4[1-9a-fA-F]|5[0-9aAfF]|6[1-9a-fA-F]|7[0-9aA])"
#: Escapes that can spell an anchor character (``\n``, ``\\`` or ``\x1b`` cannot): hex and
#: Unicode escapes of those characters, any named one, octal escapes from 050 to 177, and a
#: backslash-newline that joins an anchor character or a quote to another (or to the next
#: backslash-newline, in a chain of them).  Elsewhere removing a backslash-newline joins
#: nothing a search below could need (s3fs's ``key \<newline>= x`` is matched as it is).
_ESCAPE_HINT_PATTERN = (
    rb"\\(?:x%s|u00%s|U000000%s|N\{|0?[5-7][0-7]|1[0-7][0-7]|"
    rb"(?<=[\w\-/+=\"'\r\n]\\)(?P<newline>\r\n?|\n)(?=[\w\-/+=\"'\\]))"
    % ((_ANCHOR_HEX,) * 3))
_ESCAPE_HINT = re.compile(_ESCAPE_HINT_PATTERN)
#: One escape sequence of a (non-raw) string literal, decoded by :func:`_unescape`.
_ESCAPE = re.compile(rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|"
                     rb"[0-7]{1,3}|\r?\n|\r|.)", re.DOTALL)
#: A join between two string parts with an anchor character on each side (only such a join
#: can create an anchor): quotes, whitespace, string prefixes and comment lines.  Deleting
#: every join makes each concatenated value contiguous (and more text besides: a superset
#: is fine).  A join starts at a closing quote, so a ``#`` inside a string is never taken
#: for a comment; the lookbehind comes after the quote so ``re`` scans for quotes.
_JOIN_BETWEEN = (rb"[\"'](?<=%s[\"'])"
                 rb"(?:[\s\\\"']|(?<=[\"'\s])[rbufRBUF]{1,2}(?=[\"'])|#[^\n]*\n)*"
                 rb"[\"'](?=%s)")
_JOIN = re.compile(_JOIN_BETWEEN % (rb"[\w\-]", rb"[\w\-]"))
#: A join that can split a secret or token: base64 characters on each side.
_SECRET_JOIN = re.compile(_JOIN_BETWEEN % (rb"[\w\-/+=]", rb"[\w\-/+=]"))
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

#: What the first stage (:mod:`lint_creds.source.multi_scan`) looks for, one bit each: an
#: anchor of :meth:`Anchors.scan` in the file as it is; an escape :data:`_ESCAPE_HINT` finds;
#: a join :data:`_JOIN` finds.  A file with none of them holds no finding (unless decoding or
#: NFKC normalisation could change it, which the first stage leaves to the full screen), and
#: each later step of :func:`_screen` runs only when its bit is set.
_AS_IS, _ESCAPED, _JOINED = 1, 2, 4
_EVERY_STAGE = _AS_IS | _ESCAPED | _JOINED
#: :data:`_ESCAPE_HINT` and :data:`_JOIN` without look-arounds, which Hyperscan lacks: each
#: matches wherever the original does (a superset is all the first stage needs).
_FIRST_STAGE_ESCAPE = (rb"\\(?:x%s|u00%s|U000000%s|N\{|0?[5-7][0-7]|1[0-7][0-7])|"
                       rb"[\w\-/+=\"'\r\n]\\(?:\r\n?|\n)" % ((_ANCHOR_HEX,) * 3))
_FIRST_STAGE_JOIN = rb"[\w\-][\"'](?:[\s\\\"'rbufRBUF]|#[^\n]*\n)*[\"'][\w\-]"
_LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")


#: The flags :meth:`Anchors.scan` sets for a name of :data:`_LITERAL_NAME_SHAPES` and
#: :data:`_NAME_SHAPES`.
_LITERAL_NAME = b"literal name"
_GENERIC_NAME = b"generic name"
#: Where a name of :data:`_NAME_SHAPES` is read without ``AWS_`` (besides the sinks that have
#: anchors of their own): django-storages backends (``S3Storage``, ``storages.``), their
#: class attributes, and the dicts of a settings module, known by its path or these names.
_STORAGE = b"storage"
_SETTINGS_MARKERS = tuple(marker.lower().encode() for marker in SETTINGS_MARKERS)


class Anchors:
    """The anchors for one set of options."""

    def __init__(self, options: Options) -> None:
        extra = (name.rsplit(".", 1)[-1].lower() for name in options.extra_sinks)
        self.words = tuple(w.encode() for w in {*_SINK_WORDS, *extra} if w)
        self.aws_shapes = _compiled(_AWS_NAME_SHAPES)
        self.shapes = _compiled(_NAME_SHAPES)
        self.literal_shapes = _compiled(_LITERAL_NAME_SHAPES)
        #: No anchor is longer: a join can only create one within this many bytes of it.
        self.reach = max([_LONGEST_FIXED_ANCHOR, *map(len, self.words)])
        self.first_stage = LazyScanner(self._first_stage_patterns())

    def _first_stage_patterns(self) -> List[Pattern]:
        """The patterns of the first stage: every anchor of :meth:`scan` (its shapes without
        look-arounds), with the bit it sets; ``boto`` and the s3fs sinks count as anchors."""
        caseless = [re.escape(word.decode()) for word in (
            *self.words, _BOTO, *(word for word, _ in _S3FS_ARGUMENT_SINKS))]
        caseless += [_LOOKAROUND.sub("", shape) for _, shape in
                     _AWS_NAME_SHAPES + _NAME_SHAPES + _LITERAL_NAME_SHAPES]
        return [(_KEY_ID.pattern, False, _AS_IS), (_FIRST_STAGE_ESCAPE, False, _ESCAPED),
                (_FIRST_STAGE_JOIN, False, _JOINED),
                *((pattern.encode(), True, _AS_IS) for pattern in caseless)]

    def scan(self, text: bytes, lowered: bytes) -> Optional[Set[bytes]]:
        """``None`` if ``text`` (source bytes, any case; ``lowered`` is it in lower case)
        holds an anchor that needs nothing more (``boto`` aside); else the anchors it holds
        that need more: a word of :data:`_S3FS_ARGUMENT_SINKS`, :data:`_GENERIC_NAME` or
        :data:`_LITERAL_NAME`."""
        if _KEY_ID.search(text) or any(word in lowered for word in self.words):
            return None
        seen: "dict[bytes, bool]" = {}
        if _holds_shape(lowered, self.aws_shapes, seen):
            return None
        flags = {word for word, _ in _S3FS_ARGUMENT_SINKS if word in lowered}
        if _holds_shape(lowered, self.shapes, seen):
            flags.add(_GENERIC_NAME)
        if _holds_shape(lowered, self.literal_shapes, seen):
            flags.add(_LITERAL_NAME)
        return flags

    @staticmethod
    def needs_met(flags: Set[bytes], texts: Sequence[bytes], unescaped: bytes,
                  path: str) -> bool:
        """Is what one of the ``flags`` anchors needs in the lower-cased ``texts``, the
        texts searched for them (``unescaped`` is the file with its escapes decoded), or in
        the file's ``path``?"""
        def somewhere(*tests: "re.Pattern[bytes]") -> bool:
            return any(test.search(text) for test in tests for text in texts)

        def holds(*words: bytes) -> bool:
            return any(word in text for word in words for text in texts)

        for word, also in _S3FS_ARGUMENT_SINKS:
            if word in flags and somewhere(*_S3FS_ARGUMENTS) and all(map(holds, also)):
                return True
        if _GENERIC_NAME in flags and (
                is_settings_path(path) or holds(_STORAGE, *_SETTINGS_MARKERS)):
            return True
        # A secret split by implicit concatenation has base64 characters at its joins,
        # which deleted leave it whole between its first and last quote.
        return bool(flags & {_LITERAL_NAME, _GENERIC_NAME}) and (
            somewhere(_SECRET_STRING) or _SECRET_STRING.search(
                _SECRET_JOIN.sub(b"", unescaped).lower()) is not None)


def _compiled(shapes: Iterable[Tuple[Tuple[bytes, ...], str]]
              ) -> Tuple[Tuple[Tuple[bytes, ...], "re.Pattern[bytes]"], ...]:
    return tuple((words, re.compile(pattern.encode())) for words, pattern in shapes)


def _holds_shape(lowered: bytes, shapes: Iterable[Tuple[Tuple[bytes, ...], "re.Pattern[bytes]"]],
                 seen: "dict[bytes, bool]") -> bool:
    """Does ``lowered`` match one of ``shapes``?  A shape's regex runs only if the words it
    holds are in the text (``seen`` remembers which are, across calls for one text)."""
    for words, shape in shapes:
        for word in words:
            if word not in seen:
                seen[word] = word in lowered
            if not seen[word]:
                break
        else:
            if shape.search(lowered):
                return True
    return False


_cache: "dict[tuple, Anchors]" = {}


def anchors(options: Options) -> Anchors:
    """The (cached) :class:`Anchors` of ``options``."""
    key = tuple(options.extra_sinks)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = Anchors(options)
    return found


def could_hold_finding(data: bytes, options: Options, path: str) -> bool:
    """False only when no finding is possible in ``data`` (Python source bytes; ``path`` is
    the name the engine is given for it: a settings module is known by it).

    Cheap for the common case (a few substring searches); files that could hide an anchor are
    decoded or parsed, and anything that fails to decode or parse is passed through so the
    engine can report the problem itself.
    """
    return _screen(data, options, path, None)


def could_hold_finding_in_text(text: str, options: Options, path: str) -> bool:
    """:func:`could_hold_finding` for source already decoded (flake8 hands over lines)."""
    return _screen(text.encode("utf-8", "surrogatepass"), options, path, text)


def _screen(data: bytes, options: Options, path: str, text: Optional[str]) -> bool:
    anchor = anchors(options)
    searched: List[bytes] = []  # the lower-cased texts, for the anchors that need more
    flags: Set[bytes] = set()

    def holds_anchor(variant: bytes, lowered: Optional[bytes] = None) -> bool:
        lowered = variant.lower() if lowered is None else lowered
        found = anchor.scan(variant, lowered)
        if found is None:
            return True
        searched.append(lowered)
        flags.update(found)
        return False

    may_normalize = text is None and _may_normalize(data)
    stages = _EVERY_STAGE
    first_stage = anchor.first_stage.get(len(data))
    if first_stage is not None and not may_normalize and (text is None or text.isascii()):
        stages = first_stage(data)
        if not stages:
            return False
    lowered = data.lower()
    if not stages & _AS_IS:
        searched.append(lowered)  # no anchor, but what an anchor found later needs may be here
    elif holds_anchor(data, lowered):
        return True
    source = data  # the text Python reads identifiers from, in UTF-8
    if may_normalize:
        text = _decoded(data)
        if text is None:
            return True  # undecodable: the engine says why
        source = text.encode("utf-8", "replace")
        if holds_anchor(source):
            return True  # a codec spelled an anchor
    if text is not None and not text.isascii():
        import unicodedata

        if not unicodedata.is_normalized("NFKC", text):
            source = unicodedata.normalize("NFKC", text).encode("utf-8", "replace")
            if holds_anchor(source):
                return True
    unescaped = data
    if stages & _ESCAPED and b"\\" in data and _ESCAPE_HINT.search(data):
        lines = _escaped_lines(data)
        if holds_anchor(b"\n".join(decoded for _, _, decoded in lines)):
            return True
        unescaped = _spliced(data, lines)
    if stages & _JOINED or unescaped is not data:
        candidates = _JOIN_GATE.finditer(unescaped.translate(_CLASSES))
        joined = _joined_near(unescaped, candidates, anchor.reach)
        if joined is not None and holds_anchor(joined):
            return True
    if flags and anchor.needs_met(flags, searched, unescaped, path):
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
    head = declaration_lines(data)
    cookie = b"coding" in head and _COOKIE.search(head) is not None
    if cookie or data.isascii():
        return cookie
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
        if hint.group("newline"):  # a backslash-newline: take the line it joins
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
