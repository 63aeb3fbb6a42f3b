"""Can a module put s3fs's ``key``, ``secret`` or ``token`` into a ``storage_options`` dict?

pandas, dask and polars take ``storage_options=`` in hundreds of signatures, and the same
modules say ``key=`` (``sort_values(key=...)``, ``to_hdf(path, key="df")``) and ``"key"``
(a column name) everywhere, so "``storage_options`` and ``key`` both appear" lets through
some of the largest modules of a tree for nothing. The engine reads a ``storage_options``
entry only where a dict is built (:mod:`lint_creds.engine.dicts`):

- a key of a dict literal, ``{"key": ...}`` (also inside ``d.update({...})``);
- an item assignment, ``d["key"] = ...``;
- ``d.setdefault("key", ...)``;
- a keyword of ``dict(...)`` or ``d.update(...)``.

So only these count here, as bytes (a superset of what the engine reads): a quoted word
then ``:``, or ``]`` and ``=``, or after ``setdefault(``; a keyword whose call is named
``dict`` or ``update``. The call of a keyword is found by walking back to the unmatched
``(``, stepping over plain strings (one line, no escape or brace) and the comments of
lines with no quote before their ``#``. Wherever a string or comment could hide a bracket
otherwise, or the walk goes far, the keyword counts.

Docstring examples do not count (pandas' ``DataFrame.merge`` shows ``{"key": [...]}``): a
line that starts with the doctest prompt ``>>>`` is never code (``>`` and ``>>`` need an
operand on their left), nor is one that starts with ``...`` and then a string. So an entry
on such a line, with no quote, backslash or ``#`` between the prompt and it, lies in a
string. An f-string could still open a replacement field there, which is code: a dict
literal needs a second ``{`` for its own (``{"key": x}`` alone is a field with a format
spec), and any other entry counts after one ``{``.
"""
from __future__ import annotations

from typing import Iterable, Optional, Sequence, Tuple

from ..patterns import lazy_compile

#: A lower-cased text to search, and the positions in it where bytes were deleted to make
#: it (joins), or None when it was edited anywhere (decoded escapes); ``()`` for the file
#: as written. A doctest line holding an edit is not taken for one.
Searched = Tuple[bytes, Optional[Sequence[int]]]

_WORDS = (b"key", b"secret", b"token")
#: Blanks, backslash-newlines and comments; with parentheses around a key (``("key"):``).
_BLANKS = rb"(?:[\s\\]|#[^\n]*)*"
_OPENING, _CLOSING = rb"(?:[\s\\(]|#[^\n]*)*", rb"(?:[\s\\)]|#[^\n]*)*"
#: ``{"key": ...}``, ``d["key"] = ...``, ``d.setdefault("key", ...)`` (lower-cased text).
#: Each starts with a literal, which ``re`` skips to at memchr speed.
_ENTRY_STRINGS = (
    *(lazy_compile(rb"%s(?<=[\"']%s)[\"']%s(?::|\]%s=(?!=))" % (word, word, _CLOSING, _BLANKS))
      for word in _WORDS),
    lazy_compile(rb"setdefault%s\(%s[\"'](?:key|secret|token)[\"']" % (_BLANKS, _OPENING)))
#: ``key=`` and the like, not ``x.key =``; a keyword argument when ``(`` or ``,`` comes
#: before it (:func:`_before`).
_KEYWORDS = tuple(lazy_compile(rb"%s(?<![\w.]%s)[\s\\]*=(?!=)" % (word, word)) for word in _WORDS)
#: The calls whose keywords are dict entries.
_DICT_CALLS = (b"dict", b"update")
#: How far back the ``(`` of a keyword is looked for before the keyword counts anyway.
_REACH = 4096
#: :func:`_before` could not tell.
_UNKNOWN = -2


def may_write_an_entry(texts: Iterable[Searched]) -> bool:
    """Could one of the ``texts`` put a ``key``/``secret``/``token`` entry in a dict (see
    the module docstring)? ``texts`` is read lazily, up to the first yes."""
    for text, edits in texts:
        for index, entry in enumerate(_ENTRY_STRINGS):
            for match in entry.finditer(text):
                literal = index < len(_WORDS)  # a key in quotes; else setdefault(
                start = match.start() - 1 if literal else match.start()
                braces = 1 if literal and match.group().endswith(b":") else 0
                if not _in_a_doctest(text, start, match.end(), braces, edits):
                    return True
        for keyword in (match for pattern in _KEYWORDS for match in pattern.finditer(text)):
            if _in_a_doctest(text, keyword.start(), keyword.end(), 0, edits):
                continue
            before = _before(text, keyword.start())
            if before == _UNKNOWN or before >= 0 and text[before:before + 1] in b"(," and (
                    _call_may_build_a_dict(text, before)):
                return True
    return False


def _in_a_doctest(text: bytes, start: int, end: int, braces: int,
                  edits: Optional[Sequence[int]]) -> bool:
    """Is what spans ``start`` to ``end`` on a doctest line that puts it in a string: the
    line starts with ``>>>`` and holds no quote, backslash, ``#`` or more than ``braces``
    ``{`` before ``start``, or with ``...`` and blanks? Not on a line holding an edit."""
    line_start = max(text.rfind(b"\n", 0, start), text.rfind(b"\r", 0, start)) + 1
    if edits is None or any(line_start <= edit <= end for edit in edits):
        return False
    head = text[line_start:start].lstrip(b" \t\f")
    prompt, rest = head[:3], head[3:]
    if prompt == b"...":
        return not rest.strip(b" \t\f")
    return prompt == b">>>" and rest.count(b"{") <= braces and not any(
        mark in rest for mark in (b'"', b"'", b"\\", b"#"))


def _before(text: bytes, start: int) -> int:
    """Where the code before ``start`` ends (blanks, backslash-newlines and the comments of
    earlier lines skipped): -1 at the start of the text, :data:`_UNKNOWN` where a comment
    could be a string's."""
    index = start
    while index > 0:
        index -= 1
        byte = text[index:index + 1]
        if byte == b"\n":
            index = _code_end(text, index)
            if index < 0:
                return _UNKNOWN
        elif byte not in b" \t\f\r\\":
            return index
    return -1


def _call_may_build_a_dict(text: bytes, position: int) -> bool:
    """Is the ``(`` or ``,`` at ``position`` inside a call named ``dict`` or ``update``,
    or can the bytes not tell?"""
    depth = 0
    index = position if text[position:position + 1] == b"," else position + 1
    stop = max(0, position - _REACH)
    while index > stop:
        index -= 1
        byte = text[index:index + 1]
        if byte == b"\n":  # the line above: step over its comment, if any
            index = _code_end(text, index)
            if index < 0:
                return True
        elif byte == b"#":
            return True
        elif byte in b"\"'":
            index = _string_start(text, index)
            if index < 0:
                return True
        elif byte in b")]}":
            depth += 1
        elif byte in b"([{":
            if depth:
                depth -= 1
                continue
            if byte != b"(":
                return True
            line_start = text.rfind(b"\n", 0, index) + 1
            if any(mark in text[line_start:index] for mark in (b'"', b"'", b"#")):
                return True
            callee = _callee(text, index)
            return callee is None or callee in _DICT_CALLS
    return True


def _code_end(text: bytes, newline: int) -> int:
    """Where the code of the line ending at ``newline`` ends: at its ``#`` when it has a
    comment (and no quote before it that could put the ``#`` in a string: then -1)."""
    line_start = text.rfind(b"\n", 0, newline) + 1
    hash_mark = text.find(b"#", line_start, newline)
    if hash_mark < 0:
        return newline
    before = text[line_start:hash_mark]
    return -1 if b'"' in before or b"'" in before else hash_mark


def _string_start(text: bytes, closing: int) -> int:
    """The opening quote of the string whose closing quote is at ``closing``, when it is
    plain (on one line, no escape, no ``{``/``}`` an f-string could nest quotes in, not
    triple-quoted); else -1."""
    quote = text[closing:closing + 1]
    opening = text.rfind(quote, text.rfind(b"\n", 0, closing) + 1, closing)
    if opening < 0 or text[opening - 1:opening] == quote or text[closing + 1:closing + 2] == quote:
        return -1
    body = text[opening + 1:closing]
    return -1 if any(mark in body for mark in (b"\\", b"{", b"}")) else opening


def _callee(text: bytes, opening: int) -> "bytes | None":
    """The name called by the ``(`` at ``opening`` (blanks and backslash-newlines before
    it skipped); None when no name stands there (``f()(...)``, a subscript, a tuple)."""
    end = opening
    while end > 0 and text[end - 1:end] in b" \t\f\r\n\\":
        end -= 1
    start = end
    while start > 0 and (text[start - 1:start].isalnum() or text[start - 1:start] == b"_"
                         or text[start - 1] >= 0x80):
        start -= 1
    return text[start:end] or None
