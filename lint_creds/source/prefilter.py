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
  ``storage_options`` and ``fsspec`` (the latter only with ``filesystem`` and a string
  ``"s3"`` or ``"s3a"``: its sink is ``fsspec.filesystem("s3", ...)``, the protocol a
  literal at the call).  Every other sink (the generic ``aws_access_key_id=``
  call or splatted dict, pyarrow's ``access_key=``, django-storages' options) takes
  parameters with credential names.
- **Credential names** (CRD102 bindings, CRD203 settings, CRD302 environment writes, the
  keyword names of every sink): each spells ``access_key``, ``secret_key`` /
  ``secret_access_key``, ``session_token``, ``security_token``, ``sts_token``, or ``key_id``
  / ``aws_secret`` / ``aws_key`` / ``aws_id`` (case-insensitive, ``[_-]`` optional), the
  shapes :func:`lint_creds.patterns.credential_role_of_name` accepts; ``key_id``,
  ``aws_key`` and ``aws_id`` only where a name can end (``subject_key_identifier`` is no
  credential name, nor a finding).  The names the engine matches exactly (settings,
  environment variables, boto3's keywords) are all ``aws_`` + words joined by ``_``
  (``AWS_SECRET_ACCESS_KEY``, ``aws_s3_access_key_id``), which is an anchor by itself;
  other names (``AWSAccessKeyId``, ``aws-secret-key``, ``access_key``) are read only by
  django-storages (its backends and their class attributes: ``storages`` or an
  ``S3...Storage`` class names them), in the dicts of a settings module (known by its path,
  or by a module-level assignment to one of its ``INSTALLED_APPS``-style names), by sinks
  with anchors of their own, or bound to a literal.  A literal is a finding only if shaped
  like a key id (an anchor of its own), a secret (40 characters of base64, one of them a
  digit, ``/`` or ``+``) or a token (100 or more), so a name counts in a file with a storage
  backend, a settings module or such a string; the last four only with such a string.
- **Hadoop's S3 properties** (``fs.s3a.secret.key``, CRD102 for the value set): ``s3a`` or
  ``s3n`` as a word (dots split no join), with such a string; the older ``fs.s3.aws...Key``
  names hold an ``AWS_`` shape.
- **Key ids** in any string (CRD102): the full upper-case access key id shape.

s3fs's arguments are ``key``, ``secret`` and ``token``: a keyword argument (``key=`` after
``(`` or ``,``: the assignment ``key = ...`` binds a variable, no argument) or a dict key
(``"key"``, also through ``d["key"] = ...`` and ``d.setdefault("key", ...)``). With
``storage_options`` they count only where they build a dict (:mod:`.storage_options`):
pandas says ``storage_options`` and ``key=`` everywhere, and never passes a credential.

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
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..options import Options
from ..patterns import KEY_ID_FULL_RE, SETTINGS_MARKERS, is_settings_path, lazy_compile
from .hidden_text import (
    ANCHOR_HEX, CLASSES, ESCAPE_HINT, JOIN_GATE, SECRET_JOIN, decoded, escaped_lines,
    joined_near, joined_with_edits, may_normalize, nfkc, spliced,
)
from .multi_scan import LazyScanner, Pattern
from .storage_options import Searched, may_write_an_entry

#: Sink names, searched in lower-case bytes with ``in`` (memchr speed).
_SINK_WORDS = ("s3filesystem", "set_credentials")
#: The credential names the engine matches exactly (settings, environment variables and
#: boto3's keywords are all ``AWS_...``), under the word they hold: anchors by themselves (an
#: ``in`` scan runs at memchr speed, a regex many times slower).
_AWS_NAME_SHAPES = (
    ((b"aws_",), r"aws_(?:s3_)?(?:access_key|secret_(?:access_)?key|(?:session|security)_token)"),
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
#: Sinks that take s3fs's arguments: anchors with such an argument (:data:`_S3FS_ARGUMENTS`):
#: ``storage_options`` with one that builds a dict (:mod:`.storage_options`); ``fsspec``
#: with any, where ``filesystem`` is spelled too and ``"s3"`` or ``"s3a"`` is a string (its
#: sink is ``fsspec.filesystem("s3", ...)`` with the protocol a literal at the call; pandas
#: names ``fsspec.open`` and ``s3://`` URLs in its docstrings).
_STORAGE_OPTIONS, _FSSPEC = b"storage_options", b"fsspec"
_S3FS_ARGUMENT_SINKS = (_STORAGE_OPTIONS, _FSSPEC)
_FILESYSTEM = b"filesystem"
#: ``"s3"``/``"s3a"`` between quotes (lower case), from its literal prefix.
_S3_PROTOCOL = lazy_compile(rb"s3(?<=[\"']s3)a?[\"']")
#: s3fs's ``key``/``secret``/``token`` as a dict key or a keyword argument (lower case, the
#: ``=`` perhaps after a backslash-newline): one regex per word, which ``re`` skips to as a
#: literal prefix (a look-behind or alternation first would make it try every position).
_S3FS_ARGUMENTS = tuple(
    lazy_compile(rb"%s(?:(?<=[\"']%s)[\"']|(?<![\w.]%s)[\s\\]*=(?!=))" % (word, word, word))
    for word in (b"key", b"secret", b"token"))
#: The same, where the ``=`` is a keyword argument's: ``(`` or ``,`` before the word, across
#: blanks, comments and backslash-newlines (``key = ...`` alone is an assignment). Run only
#: where :data:`_S3FS_ARGUMENTS` matched: it starts with a character class, so ``re`` tries
#: it at every ``(`` and ``,``.
_S3FS_KEYWORDS = tuple(
    lazy_compile(rb"[(,](?:[\s\\]|#[^\n]*)*%s[\s\\]*=(?!=)" % word)
    for word in (b"key", b"secret", b"token"))
_S3FS_KEYS = tuple(lazy_compile(rb"[\"']%s[\"']" % word) for word in (b"key", b"secret", b"token"))
#: A whole string that could be a secret (40 base64 characters, one a digit, ``/`` or ``+``)
#: or a token (100 or more), between its quotes (lower case).
_SECRET_STRING = lazy_compile(
    rb"[\"'](?=[a-z0-9/+]{40}[\"'])[a-z]{0,39}[0-9/+]|[\"'][a-z0-9/+=]{100,}[\"']")
#: Longer than any anchor a name shape or key id matches (the longest, ``AKIA`` + 16, is 20).
_LONGEST_FIXED_ANCHOR = 32
#: The boto family's sink word: not an anchor by itself (see :mod:`lint_creds.source.boto_screen`).
_BOTO = b"boto"
#: A key id is matched case-sensitively: ``Malaysia`` must not pass for ``ASIA``.
_KEY_ID = lazy_compile(KEY_ID_FULL_RE.pattern.encode())
#: What the first stage (:mod:`lint_creds.source.multi_scan`) looks for in the file as it
#: is, one bit each: an anchor that needs nothing more (:data:`_SURE`: a key id, a sink word,
#: an exact AWS name); each anchor that needs more, and each thing one of them needs; and
#: where the file hides text: an escape :data:`ESCAPE_HINT` finds, a join :data:`JOIN` finds.
#: The patterns drop the look-arounds Hyperscan lacks, so each matches wherever the screen's
#: own test would (a superset). A file with no bit holds no finding; with no hiding bit and
#: no anchor whose needs may all be there, neither (:func:`_decided`); else each later step of
#: :func:`_screen` runs only when its bit is set. Decoding and NFKC normalisation, which
#: could change any of this, are left to the full screen.
_SURE, _ESCAPED, _JOINED = 1, 2, 4
_BOTO_WORD, _BOTO_CALL, _S3FS_SINK, _S3FS_ARGUMENT = 8, 16, 32, 64
_GENERIC, _LITERAL = 128, 256
#: A word the caller watches for (:func:`screen`).
_WATCHED = 512
#: The bits whose flags (:meth:`Anchors.flags_of`) are read in the file in lower case.
_NEEDS_THE_FILE_LOWERED = _S3FS_SINK | _GENERIC | _LITERAL
_EVERY_STAGE = (1 << 10) - 1
_FIRST_STAGE_ESCAPE = (rb"\\(?:x%s|u00%s|U000000%s|N\{|0?[5-7][0-7]|1[0-7][0-7])|"
                       rb"[\w\-/+=\"'\r\n]\\(?:\r\n?|\n)" % ((ANCHOR_HEX,) * 3))
_JOIN_PARTS = rb"[\"'](?:[\s\\\"'rbufRBUF]|#[^\n]*\n)*[\"']"
_FIRST_STAGE_JOIN = rb"[\w\-]%s[\w\-]" % _JOIN_PARTS
#: What the anchors that need more need, where a pattern is cheap: a boto call that might
#: pass credentials (the calls and aliases :mod:`.boto_screen` looks for), s3fs's arguments.
#: Not a string that could be a secret: Hyperscan's time doubles with a pattern for one (40
#: characters of a class between quotes), so the later steps look at the few files holding
#: a credential name.
_BOTO_SINK_NAMES = rb"(?:credentials|connection|connect_\w*|session|client|resource)"
_FIRST_STAGE_NEEDS = (
    (_BOTO_SINK_NAMES + rb"\s*\(", True, _BOTO_CALL),
    (_BOTO_SINK_NAMES + rb"\s+as", True, _BOTO_CALL),
    (rb"[\"'](?:key|secret|token)[\"']|(?:key|secret|token)[\s\\]*=", True, _S3FS_ARGUMENT),
)
_LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")


#: The flags :meth:`Anchors.scan` sets for a name of :data:`_LITERAL_NAME_SHAPES` and
#: :data:`_NAME_SHAPES`.
_LITERAL_NAME = b"literal name"
_GENERIC_NAME = b"generic name"
#: Where a name of :data:`_NAME_SHAPES` is read without ``AWS_`` (besides the sinks that have
#: anchors of their own): django-storages backends and their class attributes (the engine
#: knows them by a qualified name under ``storages.`` or a class named ``S3...Storage``),
#: and the dicts of a settings module, known by its path or a module-level assignment to
#: one of these names (case as written: identifiers are case-sensitive).
_STORAGES = b"storages"
_S3_STORAGE_CLASS = lazy_compile(rb"s3[\w\x80-\xff]*storage")
_SETTINGS_MARKER_WORDS = tuple(sorted(marker.encode() for marker in SETTINGS_MARKERS))
_SETTINGS_MARKER_ASSIGNMENT = lazy_compile(
    rb"(?<![\w.])(?:%s)[ \t\f\r\n\\]*=(?!=)" % b"|".join(_SETTINGS_MARKER_WORDS))


def _assigns_a_settings_marker(text: bytes) -> bool:
    """:data:`_SETTINGS_MARKER_ASSIGNMENT` in ``text``, asked only of a text that spells a
    marker (a substring search each, at memchr speed: the pattern, a look-behind and an
    alternation first, is tried at every position)."""
    return any(word in text for word in _SETTINGS_MARKER_WORDS) and (
        _SETTINGS_MARKER_ASSIGNMENT.search(text) is not None)


class Anchors:
    """The anchors for one set of options."""

    def __init__(self, options: Options, watched: "frozenset[bytes]" = frozenset()) -> None:
        #: Words the first stage also looks for, as written (:data:`_WATCHED`).
        self.watched = watched
        extra = (name.rsplit(".", 1)[-1].lower() for name in options.extra_sinks)
        self.words = tuple(w.encode() for w in {*_SINK_WORDS, *extra} if w)
        self.aws_shapes = _compiled(_AWS_NAME_SHAPES)
        self.shapes = _compiled(_NAME_SHAPES)
        self.literal_shapes = _compiled(_LITERAL_NAME_SHAPES)
        #: No anchor is longer: a join can only create one within this many bytes of it.
        self.reach = max([_LONGEST_FIXED_ANCHOR, *map(len, self.words)])
        self.first_stage = LazyScanner(self._first_stage_patterns)

    def _first_stage_patterns(self) -> List[Pattern]:
        """The patterns of the first stage and the bit each sets (see :data:`_SURE`)."""
        def shapes(table: Iterable[Tuple[Tuple[bytes, ...], str]], bit: int) -> List[Pattern]:
            return [(_LOOKAROUND.sub("", shape).encode(), True, bit) for _, shape in table]

        return [(_KEY_ID.pattern, False, _SURE),
                *((re.escape(word), True, _SURE) for word in self.words),
                *shapes(_AWS_NAME_SHAPES, _SURE), *shapes(_NAME_SHAPES, _GENERIC),
                *shapes(_LITERAL_NAME_SHAPES, _LITERAL),
                (re.escape(_BOTO), True, _BOTO_WORD),
                *((re.escape(word), True, _S3FS_SINK) for word in _S3FS_ARGUMENT_SINKS),
                (_FIRST_STAGE_ESCAPE, False, _ESCAPED), (_FIRST_STAGE_JOIN, False, _JOINED),
                *_FIRST_STAGE_NEEDS,
                *((re.escape(word), False, _WATCHED) for word in sorted(self.watched))]

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
        flags = {word for word in _S3FS_ARGUMENT_SINKS if word in lowered}
        if _holds_shape(lowered, self.shapes, seen):
            flags.add(_GENERIC_NAME)
        if _holds_shape(lowered, self.literal_shapes, seen):
            flags.add(_LITERAL_NAME)
        return flags

    def anchors_in(self, text: bytes, lowered: bytes) -> Optional[Set[bytes]]:
        """:meth:`scan`, in the first stage's one pass once it is compiled: the same answer
        (its anchors that need nothing more are exact, and :meth:`flags_of` matches the
        literal names' shapes again), for the texts a file hides (decoded, normalised,
        unescaped, joined), which the Python loops over words and shapes cost most on."""
        first_stage = self.first_stage.ready()
        if first_stage is None:
            return self.scan(text, lowered)
        bits = first_stage(text)
        return None if bits & _SURE else self.flags_of(bits, lowered)

    def flags_of(self, bits: int, lowered: bytes) -> Set[bytes]:
        """What :meth:`scan` returns for a text the first stage found ``bits`` in, without
        an anchor that needs nothing more (``lowered``: the text in lower case). Only the
        literal names' shapes look ahead, which the first stage cannot: they are matched
        again."""
        flags = {word for word in _S3FS_ARGUMENT_SINKS if word in lowered} if (
            bits & _S3FS_SINK) else set()
        if bits & _GENERIC:
            flags.add(_GENERIC_NAME)
        if bits & _LITERAL and _holds_shape(lowered, self.literal_shapes, {}):
            flags.add(_LITERAL_NAME)
        return flags

    @staticmethod
    def needs_met(flags: Set[bytes], texts: Sequence[bytes], unescaped: bytes,
                  path: str, identifiers: Sequence[bytes]) -> bool:
        """Is what one of the ``flags`` anchors needs in the lower-cased ``texts``, the
        texts searched for them (``unescaped`` is the file with its escapes decoded), in the
        texts Python reads identifiers from, as written (``identifiers``: the file, and its
        decoded and normalised text when that differs), or in the file's ``path``?"""
        def somewhere(*tests: "re.Pattern[bytes]") -> bool:
            return any(test.search(text) for test in tests for text in texts)

        def holds(*words: bytes) -> bool:
            return any(word in text for word in words for text in texts)

        if _STORAGE_OPTIONS in flags and somewhere(*_S3FS_ARGUMENTS) and may_write_an_entry(
                _whole_texts(unescaped, identifiers)):
            return True
        if _FSSPEC in flags and holds(_FILESYSTEM) and somewhere(_S3_PROTOCOL) and somewhere(
                *_S3FS_ARGUMENTS) and somewhere(*_S3FS_KEYS, *_S3FS_KEYWORDS):
            return True
        if _GENERIC_NAME in flags and (
                is_settings_path(path) or holds(_STORAGES) or somewhere(_S3_STORAGE_CLASS)
                or any(map(_assigns_a_settings_marker, identifiers))):
            return True
        # A secret split by implicit concatenation has base64 characters at its joins,
        # which deleted leave it whole between its first and last quote.
        return bool(flags & {_LITERAL_NAME, _GENERIC_NAME}) and (
            somewhere(_SECRET_STRING) or _SECRET_STRING.search(
                SECRET_JOIN.sub(b"", unescaped).lower()) is not None)


def _whole_texts(unescaped: bytes, identifiers: Sequence[bytes]) -> Iterator[Searched]:
    """The whole file in lower case as written, as its identifiers read, and with its
    escapes decoded and joins deleted: the texts a dict entry, which needs what comes
    around its key, is looked for in (the other texts hold only parts of the file), with
    where each was edited (:data:`.storage_options.Searched`)."""
    for text in identifiers:
        yield text.lower(), ()
    joined, joins = joined_with_edits(unescaped)
    if joins or unescaped is not identifiers[0]:
        yield joined.lower(), joins if unescaped is identifiers[0] else None


def _compiled(shapes: Iterable[Tuple[Tuple[bytes, ...], str]]
              ) -> Tuple[Tuple[Tuple[bytes, ...], "re.Pattern[bytes]"], ...]:
    return tuple((words, lazy_compile(pattern.encode())) for words, pattern in shapes)


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


def anchors(options: Options, watched: "frozenset[bytes]" = frozenset()) -> Anchors:
    """The (cached) :class:`Anchors` of ``options``, watching for ``watched``."""
    key = (tuple(options.extra_sinks), watched)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = Anchors(options, watched)
    return found


def prepare_for_many_files(options: Options,
                           watched: "frozenset[bytes]" = frozenset()) -> None:
    """Compile the first stage now, not after the first megabytes: the caller is about to
    screen a big tree, perhaps in forked workers, which then inherit it compiled instead
    of each compiling it (and screening their first files the slow way) themselves."""
    anchors(options, watched).first_stage.compile_now()


def start_preparing(options: Options, watched: "frozenset[bytes]") -> Callable[[], None]:
    """:func:`prepare_for_many_files` in a thread, while the caller goes on (Hyperscan
    compiles without holding the GIL); returns what waits for it."""
    import threading

    thread = threading.Thread(target=prepare_for_many_files, args=(options, watched),
                              name="lint-creds-screen", daemon=True)
    thread.start()
    return thread.join


def could_hold_finding(data: bytes, options: Options, path: str) -> bool:
    """False only when no finding is possible in ``data`` (Python source bytes; ``path`` is
    the name the engine is given for it: a settings module is known by it).

    Cheap for the common case (a few substring searches); files that could hide an anchor are
    decoded or parsed, and anything that fails to decode or parse is passed through so the
    engine can report the problem itself.
    """
    return _screen(data, options, path, None)[0]


def could_hold_finding_in_text(text: str, options: Options, path: str) -> bool:
    """:func:`could_hold_finding` for source already decoded (flake8 hands over lines)."""
    return _screen(text.encode("utf-8", "surrogatepass"), options, path, text)[0]


def screen(data: bytes, options: Options, path: str,
           watched: "frozenset[bytes]") -> Tuple[bool, bool]:
    """:func:`could_hold_finding`, and whether ``data`` may spell one of the ``watched``
    words (the project's wrapper names, which the second look searches rejected files for):
    False only when the first stage, which looks for them too, found none."""
    verdict, bits = _screen(data, options, path, None, watched)
    return verdict, bits is None or bool(bits & _WATCHED)


def _screen(data: bytes, options: Options, path: str, text: Optional[str],
            watched: "frozenset[bytes]" = frozenset()) -> Tuple[bool, Optional[int]]:
    """The verdict, and the first stage's bits (None when it did not run)."""
    anchor = anchors(options, watched)
    normalize = text is None and may_normalize(data)
    bits = None
    first_stage = anchor.first_stage.get(len(data))
    if first_stage is not None and not normalize and (text is None or text.isascii()):
        bits = first_stage(data)
    verdict = _decided(bits) if bits is not None else None
    if verdict is None:
        verdict = _later_steps(anchor, data, path, text, normalize, bits)
    return verdict, bits


def _later_steps(anchor: Anchors, data: bytes, path: str, text: Optional[str],
                 normalize: bool, bits: Optional[int]) -> bool:
    """What the first stage's ``bits`` (None: it did not run) leave open."""
    searched: List[bytes] = []  # the lower-cased texts, for the anchors that need more
    flags: Set[bytes] = set()

    def holds_anchor(variant: bytes, lowered: Optional[bytes] = None) -> bool:
        lowered = variant.lower() if lowered is None else lowered
        found = anchor.anchors_in(variant, lowered)
        if found is None:
            return True
        searched.append(lowered)
        flags.update(found)
        return False

    stages = _EVERY_STAGE if bits is None else bits
    # The file in lower case (most of what passes the first stage only hides text: joins
    # or escapes, whose own texts are searched; it is lowered once something needs it).
    lowered: Optional[bytes] = None
    if bits is None:
        lowered = data.lower()
        if holds_anchor(data, lowered):
            return True
    elif bits & _NEEDS_THE_FILE_LOWERED:  # its bits say what the text holds
        lowered = data.lower()
        searched.append(lowered)
        flags.update(anchor.flags_of(bits, lowered))
    source = data  # the text Python reads identifiers from, in UTF-8
    if normalize:
        text = decoded(data)
        if text is None:
            return True  # undecodable: the engine says why
        source = text.encode("utf-8", "replace")
        if holds_anchor(source):
            return True  # a codec spelled an anchor
    if text is not None and not text.isascii():
        import unicodedata

        if not unicodedata.is_normalized("NFKC", text):
            source = nfkc(text).encode("utf-8", "replace")
            if holds_anchor(source):
                return True
    unescaped = data
    if stages & _ESCAPED and b"\\" in data and ESCAPE_HINT.search(data):
        lines = escaped_lines(data)
        if holds_anchor(b"\n".join(line for _, _, line in lines)):
            return True
        unescaped = spliced(data, lines)
    if stages & _JOINED or unescaped is not data:
        candidates = JOIN_GATE.finditer(unescaped.translate(CLASSES))
        joined = joined_near(unescaped, candidates, anchor.reach)
        if joined is not None and holds_anchor(joined):
            return True
    if flags:  # what the anchors need may be anywhere in the file
        if lowered is None:
            lowered = data.lower()
            searched.append(lowered)
        if anchor.needs_met(flags, searched, unescaped, path,
                            (data,) if source is data else (data, source)):
            return True
    if source is not data:  # boto sinks are identifiers: escapes and joins cannot spell them
        lowered = source.lower()
    elif not stages & _BOTO_WORD:
        return False
    elif lowered is None:
        lowered = data.lower()
    if _BOTO not in lowered:
        return False
    from .boto_screen import could_pass_credentials  # its patterns cost a run without boto

    return could_pass_credentials(lowered)


def _decided(bits: int) -> Optional[bool]:
    """The screen's answer from the first stage's ``bits`` alone (see :data:`_SURE`), or
    None when the later steps must look: the file hides text, or an anchor in it may have
    all it needs (the later steps then decide exactly)."""
    if bits & _SURE:
        return True
    if bits & (_ESCAPED | _JOINED):
        return None
    boto = bits & _BOTO_WORD and bits & _BOTO_CALL
    s3fs = bits & _S3FS_SINK and bits & _S3FS_ARGUMENT
    named = bits & (_GENERIC | _LITERAL)  # a string that could be a secret is not a bit
    return None if boto or s3fs or named else False
