"""``[tool.lint-creds]`` in ``pyproject.toml``: found by walking up, validated, merged with flags.

One entry point for every front end that reads files (``check`` and ``fix``)::

    settings = load_settings(paths, {"select": ["CRD1"]})
    settings.options   # engine Options
    settings.excludes  # globs for files.discover

``tomllib`` (``tomli`` before 3.11) is imported only when a ``pyproject.toml`` that can hold
``[tool.lint-creds]`` is found (a search of its bytes first), so runs without configuration
pay nothing for it.
"""
from __future__ import annotations

import os
import re
import sys
from typing import (
    Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple,
)

from ..options import Options
from ..patterns import lazy_compile
from ..project.root import ProjectSpec, find_project_root
from ..rules import DEFAULT_SELECT, RULES_BY_CODE
from ..source.files import DEFAULT_EXCLUDES

SECTION = "lint-creds"


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key. Exit code 2."""


class Settings(NamedTuple):
    """Everything a run needs from configuration and flags."""

    options: Options
    #: Globs of paths to skip (``exclude`` replaces the defaults, ``extend-exclude`` adds).
    excludes: Tuple[str, ...]
    #: Directory the configuration was found in (globs and ``baseline`` are relative to it);
    #: the current directory when there is no configuration.
    root: str
    #: The ``pyproject.toml`` that was read, if any.
    config_path: Optional[str]
    #: Baseline file (absolute), from ``baseline`` or ``--baseline``.
    baseline: Optional[str]
    #: The project whose other modules the engine may read (None: each file alone).
    project: Optional[ProjectSpec] = None


def _string_list(key: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):  # flags arrive comma separated
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def _selectors(key: str, value: Any) -> Tuple[str, ...]:
    """Rule codes or code prefixes (``CRD1``, ``CRD``, ``ALL``); unknown ones are errors."""
    selectors = tuple(s.strip().upper() for s in _string_list(key, value))
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in RULES_BY_CODE):
            raise ConfigError(f"`{key}` has unknown rule code or prefix {selector!r}; "
                              f"known codes: {', '.join(RULES_BY_CODE)}")
    return selectors


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false, got {value!r}")
    return value


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"`{key}` must be a non-empty string, got {value!r}")
    return value


#: Every key of ``[tool.lint-creds]`` and its validator: the table *is* the schema.
KEYS: Dict[str, Callable[[str, Any], Any]] = {
    "select": _selectors,
    "ignore": _selectors,
    "extend-select": _selectors,
    "exclude": _string_list,
    "extend-exclude": _string_list,
    "allow-values": _string_list,
    "settings-objects": _string_list,
    "extra-sinks": _string_list,
    "baseline": _string,
    "check-custom-endpoints": _boolean,
    "cache-dir": _string,
}


def find_config(paths: Sequence[str]) -> Optional[str]:
    """The nearest ``pyproject.toml`` with a ``[tool.lint-creds]`` table, walking up from the
    first path (or the current directory)."""
    found = _nearest_config(paths)
    return found[0] if found else None


def _nearest_config(paths: Sequence[str]) -> Optional[Tuple[str, Mapping[str, Any]]]:
    """:func:`find_config` and the file's parsed ``[tool]`` table (parsed once)."""
    start = os.path.abspath(next((p for p in paths if p != "-"), "."))
    directory = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and _mentions_section(candidate):
            tool = _tool_table(candidate)
            if SECTION in tool:
                return candidate, tool
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


#: Where a ``pyproject.toml`` can define ``[tool.lint-creds]``, as bytes: a table header
#: (``[tool.lint-creds]``, ``[tool."lint-creds".x]``; also a broken one, which then gets the
#: parser's error), a dotted key at a line's start (under
#: ``[tool]``, or ``tool.lint-creds.select = ...``) or a key of an inline table
#: (``tool = {lint-creds = {...}}``); the key bare or quoted, blanks allowed between the
#: parts. A dependency on lint-creds (``"lint-creds>=0.1"``) is none of these.
_NAME = rb"""(?:lint-creds|"lint-creds"|'lint-creds')"""
_SECTION_KEY = lazy_compile(  # a BOM, which TOML refuses, still gets the parser's error
    rb"^(?:\xef\xbb\xbf)?[ \t]*\[+[ \t]*tool[ \t]*\.[ \t]*%s(?![\w-])|"
    rb"^(?:\xef\xbb\xbf)?[ \t]*(?:tool[ \t]*\.[ \t]*)?%s[ \t]*[.=]|[{,][ \t]*%s[ \t]*[.=]"
    % (_NAME, _NAME, _NAME), re.MULTILINE)


def _mentions_section(path: str) -> bool:
    """Cheap check before parsing TOML (and importing a TOML parser at all): can the file
    define the table (:data:`_SECTION_KEY`)?"""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    return SECTION.encode() in data and _SECTION_KEY.search(data) is not None


def _tool_table(path: str) -> Mapping[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def read_config(path: str, tool: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The validated ``[tool.lint-creds]`` table of ``path`` (kebab-case keys); ``tool`` is
    its ``[tool]`` table when the caller has parsed it."""
    table = (_tool_table(path) if tool is None else tool).get(SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    try:
        return validate(table)
    except ConfigError as error:
        raise ConfigError(f"{path}: [tool.{SECTION}] {error}") from None


def validate(table: Mapping[str, Any]) -> Dict[str, Any]:
    """Check every key and value; raise :class:`ConfigError` naming the first bad key."""
    validated = {}
    for key, value in table.items():
        checker = KEYS.get(key)
        if checker is None:
            import difflib

            close = difflib.get_close_matches(key.replace("_", "-"), list(KEYS), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"unknown key `{key}`{hint}; known keys: {', '.join(KEYS)}")
        validated[key] = checker(key, value)
    return validated


def select_codes(select: Optional[Iterable[str]], extend: Iterable[str] = (),
                 ignore: Iterable[str] = ()) -> frozenset:
    """The enabled codes: ``select`` (default: rules on by default) plus ``extend-select``,
    minus ``ignore``; every selector may be a prefix, ``ALL`` matches everything."""
    def matches(code: str, selectors: Iterable[str]) -> bool:
        return any(s == "ALL" or code.startswith(s) for s in selectors)

    base = DEFAULT_SELECT if select is None else [c for c in RULES_BY_CODE if matches(c, select)]
    chosen = set(base) | {c for c in RULES_BY_CODE if matches(c, extend)}
    return frozenset(c for c in chosen if not matches(c, ignore))


def load_settings(paths: Sequence[str], overrides: Optional[Mapping[str, Any]] = None,
                  config_path: Optional[str] = None,
                  project_root: Optional[str] = None) -> Settings:
    """Settings for a run over ``paths``: the nearest ``[tool.lint-creds]`` (or
    ``config_path``), then ``overrides`` (kebab-case keys, as in the file; ``None`` values
    are ignored) on top. Raises :class:`ConfigError`."""
    found = (config_path, None) if config_path else _nearest_config(paths)
    path, tool = found if found else (None, None)
    if config_path is not None and not os.path.isfile(config_path):
        raise ConfigError(f"{config_path}: configuration file not found")
    table = read_config(path, tool) if path else {}
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        table.update(validate(given))
    except ConfigError as error:
        raise ConfigError(f"command line: {error}") from None
    root = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
    options = Options(
        select=select_codes(table.get("select"), table.get("extend-select", ()),
                            table.get("ignore", ())),
        allow_values=table.get("allow-values", ()),
        settings_objects=table.get("settings-objects", ()),
        extra_sinks=table.get("extra-sinks", ()),
        check_custom_endpoints=table.get("check-custom-endpoints", False),
    )
    excludes: List[str] = list(table.get("exclude", DEFAULT_EXCLUDES))
    excludes += table.get("extend-exclude", ())
    baseline = table.get("baseline")
    if baseline is not None and "baseline" not in given:
        baseline = os.path.join(root, baseline)  # relative to the config file
    if project_root is not None and not os.path.isdir(project_root):
        raise ConfigError(f"--project-root {project_root}: not a directory")
    project_root = os.path.abspath(project_root) if project_root else find_project_root(paths)
    cache_dir = table.get("cache-dir")
    project = ProjectSpec.default(project_root, cache_dir=os.path.join(root, cache_dir) if
                                  cache_dir else None) if project_root else None
    return Settings(options, tuple(excludes), root, path,
                    os.path.abspath(baseline) if baseline else None, project)


#: ``[tool.lint-creds]`` keys that ``check`` and ``fix`` also take as flags (flags win).
LIST_FLAGS = ("select", "ignore", "extend-select", "exclude", "extend-exclude", "allow-values",
              "settings-objects", "extra-sinks")


def add_config_arguments(parser: Any) -> None:
    """The flags ``check`` and ``fix`` share: the config file, overrides of its keys, the
    name of stdin, and exclusion of named paths."""
    parser.add_argument("--config", metavar="FILE",
                        help="pyproject.toml to read instead of searching upwards")
    for flag in LIST_FLAGS:
        parser.add_argument(f"--{flag}", metavar="LIST", help=f"comma separated; overrides "
                            f"`{flag}` in [tool.{SECTION}]")
    parser.add_argument("--check-custom-endpoints", action="store_true", default=None,
                        help="also report env/settings credentials sent to non-AWS endpoints")
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="name used for source read from stdin (messages, config lookup)")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply exclude patterns to paths named on the command line too "
                        "(pre-commit hooks pass this)")
    parser.add_argument("--project-root", metavar="DIR",
                        help="the project whose modules imports are resolved in (default: the "
                        "nearest directory above the paths with pyproject.toml, setup.cfg, "
                        "setup.py or .git)")
    parser.add_argument("--no-project", action="store_true",
                        help="analyse each file alone, without reading the modules it imports")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write the project index cache")


def settings_from_args(args: Any, paths: Sequence[str], **extra: Any) -> Settings:
    """``[tool.lint-creds]`` found from ``paths`` (stdin by its ``--stdin-filename``), with
    the flags of :func:`add_config_arguments` and ``extra`` keys on top."""
    lookup = [(args.stdin_filename or ".") if path == "-" else path for path in paths]
    overrides: Dict[str, Any] = {flag: getattr(args, flag.replace("-", "_")) for flag in LIST_FLAGS}
    overrides["check-custom-endpoints"] = args.check_custom_endpoints
    overrides.update(extra)
    settings = load_settings(lookup, overrides, args.config, args.project_root)
    if args.no_project or settings.project is None:
        return settings._replace(project=None)
    if args.no_cache:
        return settings._replace(project=settings.project._replace(cache_dir=None))
    return settings
