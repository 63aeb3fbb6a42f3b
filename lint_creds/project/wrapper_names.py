"""The names under which the project's wrappers are called, for the screen's second look.

A file that calls a wrapper of the project (``make_client(os.environ["KEY"], ...)``) can
hold a finding with no anchor of its own, so a file the byte screen rejects is analysed all
the same when it *calls* one of these names (the name as a word, then ``(``) with arguments
that could carry a credential: enough positional arguments to reach a parameter that hands
one to the SDK, a keyword argument of such a parameter's name, or ``*``/``**`` (the
wrapper's signature, :func:`signature_of`; ``session.create_client("s3", region_name=r)``
passes none to botocore's ``create_client``). Finding the names means screening every file
of the project and summarising those that pass, so the answer is kept per file (size and
modification time) in the index cache: a warm run only stats the files, and an edit
re-reads only what changed.

Left out, because no call of them can be resolved to a project wrapper: dunder methods
(``__init__`` is called through its class's name, which is kept) and modules of the
packages the engine treats as libraries (``boto3.session.Session`` is the SDK, a sink of
its own, not the project's wrapper).
"""
from __future__ import annotations

import os
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, Optional, Set, Tuple

from ..engine.exports import FUNCTION, ModuleSummary
from ..engine.origins import LIBRARY_ROOTS
from .cache import SummaryCache, WrapperEntry

#: ``summary(path)`` of the index: the module's summary, None when it cannot be read.
Summarize = Callable[[str], Optional[ModuleSummary]]
#: ``may_wrap(path)`` of the index: does the byte screen pass the file?
Screen = Callable[[str], bool]


#: How calls of a wrapper can pass it a credential: the lowest position of a parameter that
#: reaches the SDK (None: keyword-only ones), and the names of those parameters.
Signature = Tuple[Optional[int], FrozenSet[str]]
#: A call's arguments are looked for this far after its ``(``.
_LONGEST_CALL = 65536


def project_wrapper_names(files: Iterable[str], may_wrap: Screen, summarize: Summarize,
                          cache: Optional[SummaryCache]) -> "frozenset[bytes]":
    """Every wrapper name defined in ``files`` (see the module docstring)."""
    return names_of(project_wrapper_table(files, may_wrap, summarize, cache))


def names_of(table: Dict[str, WrapperEntry]) -> "frozenset[bytes]":
    """The wrapper names of a table of :func:`project_wrapper_table`."""
    return frozenset(name.encode("utf-8") for entry in table.values() for name in entry[2])


def project_wrapper_table(files: Iterable[str], may_wrap: Screen, summarize: Summarize,
                          cache: Optional[SummaryCache],
                          known: Optional[Dict[str, WrapperEntry]] = None,
                          ) -> Dict[str, WrapperEntry]:
    """Each of ``files`` with its size, modification time and wrapper names (``known``:
    the cached table, when the caller has read it already)."""
    if known is None:
        known = cache.load_wrappers() if cache is not None else {}
    table: Dict[str, WrapperEntry] = {}
    top_packages: Dict[str, str] = {}
    for path in files:
        if os.path.basename(path) == "__init__.py" or (
                _top_package(os.path.dirname(path), top_packages) in LIBRARY_ROOTS):
            continue
        try:
            info = os.stat(path)
        except OSError:
            continue
        entry = known.get(path)
        if entry is None or entry[:2] != (info.st_size, info.st_mtime_ns):
            names = wrappers_of(summarize(path)) if may_wrap(path) else ()
            entry = (info.st_size, info.st_mtime_ns, tuple(sorted(names)))
        table[path] = entry
    if cache is not None and table != known:
        cache.store_wrappers(table)
    return table


def wrappers_of(summary: Optional[ModuleSummary]) -> Set[str]:
    """The call names of a module's wrappers: functions, classes (their constructor) and
    methods (their last name part) that hand a parameter to the SDK."""
    names = set()
    for name, export in (summary.names.items() if summary is not None else ()):
        called = name.rsplit(".", 1)[-1]
        if export.kind == FUNCTION and export.sink_params and not (
                called.startswith("__") and called.endswith("__")):
            names.add(called)
    return names


def signature_of(summary: Optional[ModuleSummary], called: str) -> Optional[Signature]:
    """How calls named ``called`` can pass a credential to the module's wrappers of that
    name (several: the loosest), None when the summary says nothing of them. A method's
    positions are those of a call on an instance: called on the class, its arguments move
    one place on, which only makes a call safe later."""
    lowest: Optional[int] = None
    names: Set[str] = set()
    found = False
    for name, export in (summary.names.items() if summary is not None else ()):
        if name.rsplit(".", 1)[-1] != called or export.kind != FUNCTION:
            continue
        for parameter in export.sink_params:
            found = True
            names.add(str(parameter[0]))
            index = parameter[1]
            if isinstance(index, int) and (lowest is None or index < lowest):
                lowest = index
    return (lowest, frozenset(names)) if found else None


def loosest(signatures: Iterable[Optional[Signature]]) -> Optional[Signature]:
    """One signature that passes every call any of ``signatures`` would (None if unknown)."""
    lowest: Optional[int] = None
    names: Set[str] = set()
    for signature in signatures:
        if signature is None:
            return None
        index, parameter_names = signature
        names |= parameter_names
        if index is not None and (lowest is None or index < lowest):
            lowest = index
    return lowest, frozenset(names)


def calls_any(data: bytes, names: "frozenset[bytes]") -> bool:
    """Does ``data`` spell a call of one of ``names``: the name as a whole word, then
    ``(`` (after blanks, line breaks or backslash-newlines)?"""
    return any(next(_calls(data, name), None) is not None for name in names)


def called(data: bytes, names: "frozenset[bytes]") -> Set[bytes]:
    """The ``names`` that ``data`` calls (see :func:`calls_any`)."""
    return {name for name in names if next(_calls(data, name), None) is not None}


def may_pass_credentials(data: bytes, signatures: Dict[bytes, Optional[Signature]]) -> bool:
    """Could a call in ``data`` of one of the names pass a credential, each name's wrappers
    taking them as its signature says (None: unknown, any call could)?"""
    for name, signature in signatures.items():
        for opening in _calls(data, name):
            if signature is None:
                return True
            arguments = _arguments(data, opening)
            if arguments is None:
                return True  # not read to its end: it could
            positional, keywords, starred = arguments
            lowest, parameter_names = signature
            if starred or keywords & parameter_names or (
                    lowest is not None and positional > lowest):
                return True
    return False


def _calls(data: bytes, name: bytes) -> Iterator[int]:
    """The position of the ``(`` of each call of ``name`` in ``data`` (``def name(`` and
    ``class name(`` define it: no call)."""
    start = data.find(name)
    while start != -1:
        end = start + len(name)
        if (start == 0 or not _is_word_byte(data[start - 1])) and not _defines(data, start):
            opening = _opening(data, end)
            if opening is not None:
                yield opening
        start = data.find(name, end)


def _defines(data: bytes, start: int) -> bool:
    """Is the name at ``start`` the one a ``def`` or ``class`` statement defines?"""
    position = start
    while position > 0 and data[position - 1] in b" \t":
        position -= 1
    if position == start:
        return False
    for keyword in (b"def", b"class"):
        begin = position - len(keyword)
        if begin >= 0 and data[begin:position] == keyword and (
                begin == 0 or not _is_word_byte(data[begin - 1])):
            return True
    return False


def _opening(data: bytes, position: int) -> Optional[int]:
    length = len(data)
    while position < length and data[position] in b" \t\f\r\n\\":
        position += 1
    return position if position < length and data[position] == 0x28 else None  # "("


def _arguments(data: bytes, opening: int) -> Optional[Tuple[int, Set[str], bool]]:
    """``(positional arguments, keyword names, any * or **)`` of the call whose ``(`` is
    at ``opening``, read with Python's own tokenizer (strings, f-strings, comments and
    brackets as Python reads them); None when it cannot be read to its ``)``."""
    import io
    import tokenize
    import unicodedata

    try:
        text = data[opening:opening + _LONGEST_CALL].decode("utf-8")
    except UnicodeDecodeError:
        return None
    depth, positional, keywords, starred = 0, 0, set(), False
    starting = False  # the next significant token starts an argument
    pending: Optional[str] = None  # an argument's first token, a name: a keyword if "=" follows
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if pending is not None:
                if token.string == "=":
                    keywords.add(pending if pending.isascii() else
                                 unicodedata.normalize("NFKC", pending))
                else:
                    positional += 1
                pending = None
            elif starting and depth == 1 and token.string != ")":
                if token.string in ("*", "**"):
                    starred = True
                elif token.type == tokenize.NAME:
                    pending = token.string
                    starting = False
                    continue
                else:
                    positional += 1
            starting = False
            if token.string in ("(", "[", "{"):
                depth += 1
                starting = depth == 1
            elif token.string in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return positional, keywords, starred
            elif token.string == "," and depth == 1:
                starting = True
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _is_word_byte(byte: int) -> bool:
    return byte == 0x5F or 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A or (
        0x61 <= byte <= 0x7A) or byte >= 0x80


def _top_package(directory: str, memo: Dict[str, str]) -> str:
    """The name of the outermost regular package holding ``directory`` ('' for none)."""
    if directory not in memo:
        parent = os.path.dirname(directory)
        if parent != directory and os.path.isfile(os.path.join(directory, "__init__.py")):
            memo[directory] = _top_package(parent, memo) or os.path.basename(directory)
        else:
            memo[directory] = ""
    return memo[directory]
