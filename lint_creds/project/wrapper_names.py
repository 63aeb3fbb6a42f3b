"""The names under which the project's wrappers are called, for the screen's second look.

A file that calls a wrapper of the project (``make_client(os.environ["KEY"], ...)``) can
hold a finding with no anchor of its own, so a file the byte screen rejects is analysed all
the same when it *calls* one of these names (the name as a word, then ``(``). Finding them
means screening every file of the project and summarising those that pass, so the answer
is kept per file (size and modification time) in the index cache: a warm run only stats
the files, and an edit re-reads only what changed.

Left out, because no call of them can be resolved to a project wrapper: dunder methods
(``__init__`` is called through its class's name, which is kept) and modules of the
packages the engine treats as libraries (``boto3.session.Session`` is the SDK, a sink of
its own, not the project's wrapper).
"""
from __future__ import annotations

import os
from typing import Callable, Dict, Iterable, Optional, Set

from ..engine.exports import FUNCTION, ModuleSummary
from ..engine.origins import LIBRARY_ROOTS
from .cache import SummaryCache, WrapperEntry

#: ``summary(path)`` of the index: the module's summary, None when it cannot be read.
Summarize = Callable[[str], Optional[ModuleSummary]]
#: ``may_wrap(path)`` of the index: does the byte screen pass the file?
Screen = Callable[[str], bool]


def project_wrapper_names(files: Iterable[str], may_wrap: Screen, summarize: Summarize,
                          cache: Optional[SummaryCache]) -> "frozenset[bytes]":
    """Every wrapper name defined in ``files`` (see the module docstring)."""
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
    return frozenset(name.encode("utf-8") for entry in table.values() for name in entry[2])


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


def calls_any(data: bytes, names: "frozenset[bytes]") -> bool:
    """Does ``data`` spell a call of one of ``names``: the name as a whole word, then
    ``(`` (after blanks, line breaks or backslash-newlines)?"""
    for name in names:
        start = data.find(name)
        while start != -1:
            end = start + len(name)
            if (start == 0 or not _is_word_byte(data[start - 1])) and _opens_call(data, end):
                return True
            start = data.find(name, end)
    return False


def _opens_call(data: bytes, position: int) -> bool:
    length = len(data)
    while position < length and data[position] in b" \t\f\r\n\\":
        position += 1
    return position < length and data[position] == 0x28  # "("


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
