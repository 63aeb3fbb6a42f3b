"""The vocabulary of value resolution: origin kinds, records and the tables of known
environment readers, configuration sources, STS calls and session factories."""
from __future__ import annotations

import ast
from enum import Enum
from typing import TYPE_CHECKING, FrozenSet, Iterable, NamedTuple, Optional, Tuple

from ..patterns import (
    SETTINGS_NAMES, credential_role_of_name, is_placeholder, looks_like_credential, looks_real,
    mask,
)
from .scopes import Scope

if TYPE_CHECKING:  # pragma: no cover
    from .exports import Export

#: How many names/attributes the resolver follows before giving up.
MAX_DEPTH = 12


class Kind(str, Enum):
    LITERAL = "literal"
    NONE = "none"
    ENV = "env"
    SETTINGS = "settings"
    FROZEN = "frozen"
    # Not credentials themselves, but what credentials are read out of:
    PARAM = "param"  # a function parameter: plumbing, not reported by default
    STS = "sts"  # an STS response: legitimate role assumption
    CREDS_OBJECT = "creds-object"  # session.get_credentials()
    SESSION = "session"  # boto3.Session(), botocore.session.get_session()
    DICT = "dict"  # a dict literal / dict(...) call
    CONFIG = "config"  # a settings/config container (django settings, app.config, json.load)
    ENV_READER = "env-reader"  # environ.Env(), environs.Env()
    CLASS = "class"  # an in-file class
    INSTANCE = "instance"  # an instance of an in-file class
    TUPLE = "tuple"  # a tuple/list whose element origins are known (``Value.elements``)


class DictEntry(NamedTuple):
    """One constant-keyed entry of a dict the resolver followed."""

    key: str
    value: ast.AST
    scope: Scope
    first: ast.AST  # where the entry starts (key, keyword, or item-assignment statement)
    last: ast.AST  # where it ends
    container: Optional[ast.AST]  # the dict literal / dict() call; None for item assignments


class Value(NamedTuple):
    """The classified origin of an expression."""

    kind: Kind
    node: ast.AST  # the expression where the origin was recognised
    scope: Scope
    env_name: Optional[str] = None
    literal: Optional[str] = None
    #: the default of ``os.environ.get(NAME, default)`` is not None (not a pure env read)
    has_default: bool = False
    #: ``ENV`` read through ``os`` itself (not a helper that also reads ``.env`` files)
    direct_env: bool = False
    via: Tuple[str, ...] = ()
    #: For ``Kind.TUPLE``: the origin of each element, in order (None where unknown).
    elements: Tuple[Optional["Value"], ...] = ()
    #: The origin as the project index recorded it, for a value defined in another module
    #: (a literal's text is then known only when it cannot be key material).
    external: Optional["Export"] = None
    #: ``os.getenv(name)`` where ``name`` is this parameter of the enclosing function: a
    #: helper whose callers name the variable (``_get_env("AWS_ACCESS_KEY_ID")``).
    env_param: Optional[str] = None
    #: INSTANCE made by a constructor call (``node``): the scope that call runs in, where
    #: the arguments the instance stores are resolved.
    made_in: Optional[Scope] = None


ENV_MAPPINGS: FrozenSet[str] = frozenset({"os.environ"})
ENV_FUNCTIONS: FrozenSet[str] = frozenset({"os.getenv", "os.environ.get", "os.environ.pop"})
#: Calls that write variables into the environment (CRD302, and what the fixer removes).
ENV_WRITERS: FrozenSet[str] = frozenset(
    {"os.putenv", "os.environ.update", "os.environ.setdefault", "os.environ.__setitem__"})
#: Module-level helpers that read one variable (``decouple.config("NAME")``); the
#: reader objects of django-environ and environs are ENV_READER_FACTORIES instead.
ENV_HELPERS: FrozenSet[str] = frozenset({"decouple.config"})
ENV_READER_FACTORIES: FrozenSet[str] = frozenset(
    {"environ.Env", "environs.Env", "decouple.AutoConfig", "decouple.Config"})
CONFIG_OBJECTS: FrozenSet[str] = frozenset(
    {"django.conf.settings", "flask.current_app", "streamlit.secrets", "dynaconf.settings"})
CONFIG_FACTORIES: FrozenSet[str] = frozenset(
    {
        "json.load", "json.loads", "yaml.safe_load", "yaml.load", "yaml.full_load",
        "toml.load", "toml.loads", "tomllib.load", "tomllib.loads", "tomli.load", "tomli.loads",
        "configparser.ConfigParser", "configparser.RawConfigParser",
        "configparser.SafeConfigParser", "dotenv.dotenv_values", "dynaconf.Dynaconf",
        "omegaconf.OmegaConf.load", "hydra.compose",
        # Airflow connections: conn.login / conn.password / conn.extra_dejson[...]
        "airflow.hooks.base.BaseHook.get_connection",
        "airflow.hooks.base_hook.BaseHook.get_connection", "airflow.models.Connection",
    }
)
STS_METHODS: FrozenSet[str] = frozenset(
    {
        "assume_role", "assume_role_with_web_identity", "assume_role_with_saml",
        "get_session_token", "get_federation_token", "get_credentials_for_identity",
        "get_role_credentials",
    }
)
STS_KEYS: FrozenSet[str] = frozenset(
    {"Credentials", "AccessKeyId", "SecretAccessKey", "SecretKey", "SessionToken",
     "roleCredentials", "accessKeyId", "secretAccessKey", "sessionToken"})
FROZEN_ATTRIBUTES: FrozenSet[str] = frozenset({"access_key", "secret_key", "token"})
CREDS_METHODS: FrozenSet[str] = frozenset({"get_credentials", "get_frozen_credentials"})
#: Calls that pass a credential through unchanged: ``str(key)``, ``key.strip()``.
TRANSPARENT_FUNCTIONS: FrozenSet[str] = frozenset({"str", "dict"})  # dict(os.environ)
TRANSPARENT_METHODS: FrozenSet[str] = frozenset(
    {"strip", "rstrip", "lstrip", "decode", "encode", "format", "copy"})
#: ``x.get(key)``-style config lookups.
LOOKUP_METHODS: FrozenSet[str] = frozenset({"get", "getstr", "get_value", "str", "__getitem__"})
#: Lookups that only configuration readers have (``cfg.getstr("aws", "key")``).
CONFIG_LOOKUP_METHODS: FrozenSet[str] = frozenset({"getstr", "get_value"})
#: ``os.environ["CREDS"].split(":")``: every piece keeps the origin of the whole.
SPLIT_METHODS: FrozenSet[str] = frozenset({"split", "rsplit", "splitlines"})
#: Parameter annotations that hold credentials, not configuration: botocore
#: ``Credentials``/``ReadOnlyCredentials``, mypy-boto3-sts ``CredentialsTypeDef``.
CREDENTIALS_TYPE_SUFFIXES: Tuple[str, ...] = (
    "Credentials", "CredentialsTypeDef", "ResponseTypeDef")
#: Annotation names that say nothing about what a parameter holds.
VAGUE_TYPES: FrozenSet[str] = frozenset({"Any", "object", "Optional", "Union", "None"})


def constant_string(node: ast.AST) -> Optional[str]:
    """The value of a string constant, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


#: Origins that are (or hold) credential values.
CREDENTIAL_KINDS = frozenset({Kind.LITERAL, Kind.ENV, Kind.SETTINGS, Kind.FROZEN, Kind.DICT})
#: Import roots that are libraries, not the application's own configuration.
LIBRARY_ROOTS = frozenset(
    {"os", "sys", "boto3", "botocore", "aioboto3", "aiobotocore", "boto", "s3fs", "typing",
     "json", "yaml", "configparser", "decouple", "environ", "environs", "dotenv", "pathlib",
     "logging", "collections", "functools", "dataclasses", "enum", "abc", "pytest", "moto",
     "unittest", "django", "flask", "storages", "pandas", "datetime", "time", "re"})


def is_credential_key(name: str) -> bool:
    """Is a key/attribute/variable name credential-like (``aws_secret_key``, ``S3_KEY_ID``)?"""
    return name.upper() in SETTINGS_NAMES or credential_role_of_name(name) is not None


def is_credential(value: Optional[Value]) -> bool:
    """A credential origin, not a placeholder literal, ``None`` or plumbing."""
    return value is not None and value.kind in CREDENTIAL_KINDS and not (
        value.kind is Kind.LITERAL and is_placeholder_literal(value))


def is_empty(value: Optional[Value]) -> bool:
    """``None`` or a placeholder literal such as ``""``."""
    return value is not None and (value.kind is Kind.NONE or (
        value.kind is Kind.LITERAL and is_placeholder_literal(value)))


def is_placeholder_literal(value: Value, allow_values: Iterable[str] = ()) -> bool:
    """Is a LITERAL value a placeholder?  For a literal from another module the index
    decided it where the text was known."""
    if value.literal is None and value.external is not None:
        return value.external.placeholder
    return is_placeholder(value.literal or "", tuple(allow_values))


def literal_shape(value: Value) -> Tuple[bool, bool, str]:
    """``(looks like a credential, AWS-shaped even at a custom endpoint, masked text)`` of a
    LITERAL value, local or from the index."""
    if value.literal is None and value.external is not None:
        external = value.external
        return external.plausible, external.real, external.masked
    text = value.literal or ""
    return looks_like_credential(text), looks_real(text, None), mask(text)


def strongest(values: Iterable[Optional[Value]]) -> Optional[Value]:
    """The origin that matters among alternatives (``a or b``, several bindings): a
    credential origin beats a placeholder literal, a parameter or ``None``."""
    fallback: Optional[Value] = None
    for value in values:
        if value is None:
            continue
        if is_credential(value):
            return value
        if fallback is None or (fallback.kind is Kind.NONE and value.kind is not Kind.NONE):
            fallback = value
    return fallback
