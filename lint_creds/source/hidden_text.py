"""The texts an anchor can hide in, for the byte screen (:mod:`.prefilter`): string escapes,
implicit concatenation of string parts, another source encoding, and NFKC-normalised
identifiers. Each helper gives a superset of what Python reads there, or says that none is
needed; the screen searches those texts for its anchors too.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

from ..patterns import lazy_compile
from .files import declaration_lines

#: The hex digits of the characters an anchor can hold (``[A-Za-z0-9_\-/+=]``).
ANCHOR_HEX = rb"(?:2[bBdDfF]|3[0-9dD]|4[1-9a-fA-F]|5[0-9aAfF]|6[1-9a-fA-F]|7[0-9aA])"
#: Escapes that can spell an anchor character (``\n``, ``\\`` or ``\x1b`` cannot): hex and
#: Unicode escapes of those characters, any named one, octal escapes from 050 to 177, and a
#: backslash-newline that joins an anchor character or a quote to another (or to the next
#: backslash-newline, in a chain of them).  Elsewhere removing a backslash-newline joins
#: nothing a search below could need (s3fs's ``key \<newline>= x`` is matched as it is).
_ESCAPE_HINT_PATTERN = (
    rb"\\(?:x%s|u00%s|U000000%s|N\{|0?[5-7][0-7]|1[0-7][0-7]|"
    rb"(?<=[\w\-/+=\"'\r\n]\\)(?P<newline>\r\n?|\n)(?=[\w\-/+=\"'\\]))"
    % ((ANCHOR_HEX,) * 3))
ESCAPE_HINT = lazy_compile(_ESCAPE_HINT_PATTERN)
#: One escape sequence of a (non-raw) string literal, decoded by :func:`unescape`.
_ESCAPE = lazy_compile(rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|"
                       rb"[0-7]{1,3}|\r?\n|\r|.)", re.DOTALL)
#: A join between two string parts with an anchor character on each side (only such a join
#: can create an anchor): quotes, whitespace, string prefixes and comment lines.  Deleting
#: every join makes each concatenated value contiguous (and more text besides: a superset
#: is fine).  A join starts at a closing quote, so a ``#`` inside a string is never taken
#: for a comment; the lookbehind comes after the quote so ``re`` scans for quotes.
JOIN_BETWEEN = (rb"[\"'](?<=%s[\"'])"
                rb"(?:[\s\\\"']|(?<=[\"'\s])[rbufRBUF]{1,2}(?=[\"'])|#[^\n]*\n)*"
                rb"[\"'](?=%s)")
JOIN = lazy_compile(JOIN_BETWEEN % (rb"[\w\-]", rb"[\w\-]"))
#: A join that can split a secret or token: base64 characters on each side.
SECRET_JOIN = lazy_compile(JOIN_BETWEEN % (rb"[\w\-/+=]", rb"[\w\-/+=]"))
#: Bytes mapped to their class for :data:`JOIN_GATE`: ``w`` anchor character, ``q`` quote,
#: ``s`` blank or backslash, ``n`` line break, ``#``; anything else ``.``.
CLASSES = bytes(
    ord("w") if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_-") else
    ord("q") if chr(c) in "\"'" else ord("s") if chr(c) in " \t\f\r\v\\" else
    ord("n") if c == 10 else ord("#") if chr(c) == "#" else ord(".") for c in range(256))
#: :data:`JOIN` over the classes (prefix letters are ``w``), matched from the closing quote.
#: It starts with one literal byte, which ``re`` skips to at memchr speed (a two-byte
#: prefix such as ``wq`` is scanned byte by byte: twice as slow); the look-behind then
#: checks the anchor character.  ``JOIN`` runs only near the few candidates it finds.
JOIN_GATE = lazy_compile(rb"q(?<=wq)(?:[sqn]|#[^n]*n|w{1,2}(?=q))*qw")
_COOKIE = lazy_compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def joined_near(data: bytes, candidates: Iterable["re.Match[bytes]"],
                reach: int) -> Optional[bytes]:
    """The text around the joins of ``data``, with the joins deleted; None if it has none.

    Only an anchor that runs across a join can be new after deleting joins, and such an
    anchor lies within ``reach`` bytes of its join, so only those regions are joined and
    searched, not the whole file.  Every join lies inside a :data:`JOIN_GATE` candidate, and
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
        part, count = JOIN.subn(b"", data[start:end])
        parts.append(part)
        joins += count
    return b"\n".join(parts) if joins else None


def joined_with_edits(data: bytes) -> Tuple[bytes, List[int]]:
    """``data`` with every :data:`JOIN` deleted, and where each deletion is in the result."""
    parts: List[bytes] = []
    edits: List[int] = []
    done = length = 0
    for join in JOIN.finditer(data):
        parts.append(data[done:join.start()])
        length += join.start() - done
        edits.append(length)
        done = join.end()
    parts.append(data[done:])
    return b"".join(parts), edits


def may_normalize(data: bytes) -> bool:
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


def escaped_lines(data: bytes) -> List[Tuple[int, int, bytes]]:
    """``(start, end, decoded)`` for each run of lines holding an escape that
    :data:`ESCAPE_HINT` finds (one that can spell an anchor character, or a
    backslash-newline), decoded by :func:`unescape`.

    A new anchor holds a character such an escape spells, and anchors hold no line break, so
    it lies on the escape's line, or on the next one when a backslash-newline joins them
    (runs that touch are merged).  Decoding from a line start is decoding in step with the
    whole file: no escape spans a line break except backslash-newline, which ends its line.
    """
    lines: List[Tuple[int, int]] = []
    hint = ESCAPE_HINT.search(data)
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
        hint = ESCAPE_HINT.search(data, line_end)
    return [(start, end, unescape(data[start:end])) for start, end in lines]


def spliced(data: bytes, lines: List[Tuple[int, int, bytes]]) -> bytes:
    """``data`` with ``lines`` (from :func:`escaped_lines`) replaced by their decoding."""
    parts, done = [], 0
    for start, end, text in lines:
        parts += (data[done:start], text)
        done = end
    parts.append(data[done:])
    return b"".join(parts)


def unescape(data: bytes) -> bytes:
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


def decoded(data: bytes) -> Optional[str]:
    """``data`` decoded as Python would (its coding cookie); None when it cannot be."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError, ValueError):
        return None


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, normalising only the lines that are not
    ASCII. The same text: a line break never takes part in a decomposition or composition,
    so NFKC works line by line, and ASCII lines are already normal. Most modules that need
    it have a few such lines (a name, a symbol in a docstring), so this costs a fraction."""
    import unicodedata

    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.isascii():
            lines[index] = unicodedata.normalize("NFKC", line)
    return "\n".join(lines)
