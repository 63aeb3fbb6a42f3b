"""The index's on-disk cache: one JSON file per module summary.

A cache directory can be committed or planted in a repository whose pull requests the gate
checks, so it is plain data (JSON, never pickle or marshal), every entry is validated field
by field on load, and an entry that does not match the file it describes (path, size,
modification time, the tool's version and the options that shape a summary) is ignored.
A corrupt or unwritable cache costs a warning and a re-parse, never a wrong answer.
Summaries hold no key material (see :mod:`lint_creds.engine.exports`).
"""
from __future__ import annotations

import json
import os
import sys
import zlib
from typing import Any, Dict, List, Optional, Set, Tuple

from ..engine.exports import Export, ModuleSummary
from ..options import Options

#: Bump when the summary's shape or meaning changes.
FORMAT = 3
_MAX_NESTING = 8
#: Export fields in order, with the JSON types each may hold.
_EXPORT_TYPES: Tuple[Tuple[str, Tuple[type, ...]], ...] = (
    ("kind", (str,)), ("line", (int,)), ("env_name", (str, type(None))),
    ("has_default", (bool,)), ("direct_env", (bool,)), ("literal", (str, type(None))),
    ("masked", (str,)), ("placeholder", (bool,)), ("plausible", (bool,)), ("real", (bool,)),
    ("target", (str, type(None))), ("elements", (list,)), ("env_param", (int, type(None))),
    ("env_param_name", (str, type(None))), ("where", (str,)), ("sink_params", (list,)),
)
#: A wrapper parameter: (name, position, role, sdk call, line).
_SINK_PARAM_TYPES: Tuple[Tuple[type, ...], ...] = (
    (str,), (int, type(None)), (str,), (str,), (int,))
assert tuple(name for name, _ in _EXPORT_TYPES) == Export._fields
#: One file's row of the wrapper table: (size, modification time in ns, wrapper names).
WrapperEntry = Tuple[int, int, Tuple[str, ...]]
_WRAPPER_TABLE = "wrappers.json"
#: A module summary is small; a larger entry is not one this code wrote.
_MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: The wrapper table holds a short row per file of the project: this is ample.
_MAX_TABLE_BYTES = 64 * 1024 * 1024


class SummaryCache:
    """Per-file summaries under ``directory``, keyed by what makes them valid."""

    def __init__(self, directory: str, options: Options) -> None:
        self.directory = directory
        self._options_key = [sorted(options.allow_values), sorted(options.settings_objects)]
        self._version: Optional[str] = None
        self._warned: Set[str] = set()
        self._writable = True

    def load(self, path: str, stat: os.stat_result) -> Optional[ModuleSummary]:
        """The cached summary of ``path`` if one is there and valid for the file as it is."""
        name = self._entry_path(path)
        document = self._read(name, _MAX_ENTRY_BYTES)
        if not isinstance(document, dict) or document.get("key") != self._key(path, stat):
            return None
        summary = _summary_from_json(document.get("summary"))
        if summary is None:
            self._warn("invalid", f"ignoring invalid cache entry "
                                  f"{os.path.join(self.directory, name)}")
        return summary

    def store(self, path: str, stat: os.stat_result, summary: ModuleSummary) -> None:
        """Write the entry atomically; a cache that cannot be written is left alone."""
        document = {"key": self._key(path, stat), "summary": _summary_to_json(summary)}
        self._write(self._entry_path(path), document)

    def _write(self, name: str, document: Dict[str, Any]) -> None:
        if not self._writable:
            return
        entry = os.path.join(self.directory, name)
        temporary = f"{entry}.{os.getpid()}.tmp"  # one writer per process: no clash
        try:
            self._ensure_directory()
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(handle, "w", encoding="utf-8") as output:
                json.dump(document, output, separators=(",", ":"))
            os.replace(temporary, entry)
        except OSError as error:
            self._writable = False
            self._warn("write", f"cache directory {self.directory} is not writable "
                                f"({error.strerror or error}); continuing without it")

    def load_wrappers(self) -> Dict[str, WrapperEntry]:
        """The wrapper table (:mod:`lint_creds.project.wrapper_names`), {} when there is
        none or it is not valid for this version and these options."""
        document = self._read(_WRAPPER_TABLE, _MAX_TABLE_BYTES)
        if not isinstance(document, dict) or document.get("key") != self._table_key():
            return {}
        table = _wrapper_table_from_json(document.get("files"))
        if table is None:
            self._warn("invalid", f"ignoring invalid cache entry "
                                  f"{os.path.join(self.directory, _WRAPPER_TABLE)}")
            return {}
        return table

    def _read(self, name: str, limit: int) -> Any:
        """The JSON document of entry ``name``; None when there is none or (with a
        warning) when it cannot be read."""
        entry = os.path.join(self.directory, name)
        try:
            with open(entry, "rb") as handle:
                return json.loads(handle.read(limit))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError, RecursionError) as error:
            self._warn("read", f"ignoring unreadable cache entry {entry}: {error}")
            return None

    def store_wrappers(self, table: Dict[str, WrapperEntry]) -> None:
        """Write the wrapper table atomically (see :meth:`store`)."""
        self._write(_WRAPPER_TABLE, {"key": self._table_key(),
                                     "files": {p: list(e[:2]) + [list(e[2])]
                                               for p, e in table.items()}})

    def _table_key(self) -> List[Any]:
        if self._version is None:
            self._version = code_version()
        return [FORMAT, self._version, self._options_key]

    def _key(self, path: str, stat: os.stat_result) -> List[Any]:
        if self._version is None:
            self._version = code_version()
        return [FORMAT, self._version, os.path.abspath(path), stat.st_size, stat.st_mtime_ns,
                self._options_key]

    def _entry_path(self, path: str) -> str:
        """A short file name for the entry; the key inside says which file it is for, so a
        clash of names is a cache miss, never a wrong answer."""
        name = os.path.abspath(path).encode("utf-8", "surrogatepass")
        return f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.json"

    def _ensure_directory(self) -> None:
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, exist_ok=True)
            with open(os.path.join(self.directory, ".gitignore"), "w", encoding="utf-8") as out:
                out.write("# Created by lint-creds: the index cache, never to be committed.\n*\n")

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            sys.stderr.write(f"lint-creds: warning: {message}\n")


def code_version() -> str:
    """What identifies the code that writes summaries: the size and modification time of
    every module of the engine and the index. An upgrade, or an edit in a development
    checkout, changes it; reading the installed version's metadata would cost more than a
    warm run of the whole hook."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamps = []
    for part in ("engine", "project"):
        directory = os.path.join(package, part)
        for name in sorted(os.listdir(directory)):
            if name.endswith(".py"):
                info = os.stat(os.path.join(directory, name))
                stamps.append(f"{part}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return f"{zlib.crc32(chr(10).join(stamps).encode()):08x}"


def _summary_to_json(summary: ModuleSummary) -> Dict[str, Any]:
    return {"names": {name: _export_to_json(export) for name, export in summary.names.items()},
            "star_imports": list(summary.star_imports),
            "all_names": list(summary.all_names) if summary.all_names is not None else None}


def _export_to_json(export: Export) -> List[Any]:
    return [[_export_to_json(e) for e in value] if name == "elements" else
            [list(p) for p in value] if name == "sink_params" else value
            for name, value in zip(Export._fields, export)]


def _summary_from_json(data: Any) -> Optional[ModuleSummary]:
    if not isinstance(data, dict) or not isinstance(data.get("names"), dict):
        return None
    stars, all_names = data.get("star_imports"), data.get("all_names")
    if not _strings(stars) or not (all_names is None or _strings(all_names)):
        return None
    names: Dict[str, Export] = {}
    for name, raw in data["names"].items():
        export = _export_from_json(raw, 0)
        if export is None:
            return None
        names[name] = export
    return ModuleSummary(names, tuple(stars), tuple(all_names) if all_names is not None else None)


def _export_from_json(raw: Any, depth: int) -> Optional[Export]:
    if depth > _MAX_NESTING or not isinstance(raw, list) or len(raw) != len(_EXPORT_TYPES):
        return None
    values: List[Any] = []
    for (name, types), value in zip(_EXPORT_TYPES, raw):
        # bool is an int in Python: a line or index must not be one.
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            return None
        if name == "elements":
            elements = [_export_from_json(e, depth + 1) for e in value]
            if any(e is None for e in elements):
                return None
            value = tuple(elements)
        elif name == "sink_params":
            if not all(_sink_param_ok(p) for p in value):
                return None
            value = tuple(tuple(p) for p in value)
        values.append(value)
    return Export(*values)


def _sink_param_ok(raw: Any) -> bool:
    return isinstance(raw, list) and len(raw) == len(_SINK_PARAM_TYPES) and all(
        isinstance(v, t) and not (bool not in t and isinstance(v, bool))
        for v, t in zip(raw, _SINK_PARAM_TYPES))


def _wrapper_table_from_json(raw: Any) -> Optional[Dict[str, WrapperEntry]]:
    if not isinstance(raw, dict):
        return None
    table: Dict[str, WrapperEntry] = {}
    for path, row in raw.items():
        if not (isinstance(row, list) and len(row) == 3 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in row[:2])
                and _strings(row[2])):
            return None
        table[path] = (row[0], row[1], tuple(row[2]))
    return table


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
