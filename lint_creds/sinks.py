"""The AWS SDK credential sinks, as data: adding a sink never adds a branch."""
from __future__ import annotations

from typing import Dict, FrozenSet, Mapping, NamedTuple, Optional, Tuple

from .patterns import Role

A, S, T = Role.ACCESS_KEY, Role.SECRET_KEY, Role.TOKEN

#: The keywords every boto-family API takes; any call passing one of them is a sink.
BOTO_KEYWORDS: Mapping[str, Role] = {
    "aws_access_key_id": A,
    "aws_secret_access_key": S,
    "aws_session_token": T,
}
S3FS_KEYWORDS: Mapping[str, Role] = {"key": A, "secret": S, "token": T}
CREDENTIALS_KEYWORDS: Mapping[str, Role] = {"access_key": A, "secret_key": S, "token": T}
STORAGES_KEYWORDS: Mapping[str, Role] = {
    "access_key": A, "secret_key": S, "security_token": T, "session_token": T,
}
LEGACY_BOTO_KEYWORDS: Mapping[str, Role] = {**BOTO_KEYWORDS, "security_token": T}
#: Keys of a ``storage_options`` dict (fsspec/s3fs, and the upper-case object-store keys
#: that polars and deltalake take).
STORAGE_OPTION_KEYS: Mapping[str, Role] = {
    **S3FS_KEYWORDS, **BOTO_KEYWORDS,
    "AWS_ACCESS_KEY_ID": A, "AWS_SECRET_ACCESS_KEY": S, "AWS_SESSION_TOKEN": T,
}


class SinkSpec(NamedTuple):
    """How one SDK entry point takes credentials."""

    keywords: Mapping[str, Role]
    #: positional index -> role, for APIs that take credentials positionally.
    positional: Mapping[int, Role] = {}
    #: positional index of ``endpoint_url``, when the API takes it positionally.
    endpoint_index: Optional[int] = None
    #: Parameter names in positional order, so a fixer can turn later positionals into
    #: keywords once the credentials before them are removed.
    params: Tuple[str, ...] = ()
    #: What a fix does: drop the credential "arguments", drop the whole "statement"
    #: (``session.set_credentials(...)``), or "none" (the call builds credentials itself).
    fix: str = "arguments"
    #: For generic filesystem factories: the first argument (the protocol) must be one of
    #: these for the call to be an AWS sink; empty means any call is.
    protocols: FrozenSet[str] = frozenset()


_CLIENT = SinkSpec(
    BOTO_KEYWORDS, {6: A, 7: S, 8: T}, endpoint_index=5,
    params=("service_name", "region_name", "api_version", "use_ssl", "verify", "endpoint_url",
            "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "config"),
)
_SESSION = SinkSpec(
    BOTO_KEYWORDS, {0: A, 1: S, 2: T},
    params=("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region_name",
            "botocore_session", "profile_name"),
)
_SET_CREDENTIALS = SinkSpec(CREDENTIALS_KEYWORDS, {0: A, 1: S, 2: T}, fix="statement")
_CREDENTIALS_OBJECT = SinkSpec(CREDENTIALS_KEYWORDS, {0: A, 1: S, 2: T}, fix="none")
_LEGACY = SinkSpec(LEGACY_BOTO_KEYWORDS, {0: A, 1: S},
                   params=("aws_access_key_id", "aws_secret_access_key"))
_S3FS = SinkSpec(S3FS_KEYWORDS, {2: A, 3: S, 4: T}, endpoint_index=1,
                 params=("anon", "endpoint_url", "key", "secret", "token"))
#: ``fsspec.filesystem("s3", key=..., secret=...)``: a sink only for the S3 protocols.
_FSSPEC = SinkSpec(S3FS_KEYWORDS, protocols=frozenset({"s3", "s3a"}))
#: ``pyarrow.fs.S3FileSystem(access_key=..., secret_key=..., session_token=...)``.
_ARROW = SinkSpec({"access_key": A, "secret_key": S, "session_token": T})
#: Any other call passing ``aws_access_key_id=`` and friends.
GENERIC = SinkSpec(BOTO_KEYWORDS)
_STORAGES = SinkSpec(STORAGES_KEYWORDS)

#: Fully qualified callables (after import/alias resolution).
QUALIFIED_SINKS: Dict[str, SinkSpec] = {
    "boto3.client": _CLIENT,
    "boto3.resource": _CLIENT,
    "boto3.Session": _SESSION,
    "boto3.session.Session": _SESSION,
    "boto3.setup_default_session": _SESSION,
    "aioboto3.Session": _SESSION,
    "aioboto3.session.Session": _SESSION,
    "botocore.credentials.Credentials": _CREDENTIALS_OBJECT,
    "botocore.credentials.ReadOnlyCredentials": _CREDENTIALS_OBJECT,
    "boto.s3.connection.S3Connection": _LEGACY,
    "boto.connection.AWSAuthConnection": _LEGACY,
    "s3fs.S3FileSystem": _S3FS,
    "s3fs.core.S3FileSystem": _S3FS,
    "fsspec.filesystem": _FSSPEC,
    "pyarrow.fs.S3FileSystem": _ARROW,
    "pyarrow._s3fs.S3FileSystem": _ARROW,
    "storages.backends.s3boto3.S3Boto3Storage": _STORAGES,
    "storages.backends.s3.S3Storage": _STORAGES,
    "storages.backends.s3boto3.S3StaticStorage": _STORAGES,
    "storages.backends.s3.S3StaticStorage": _STORAGES,
}
#: Legacy boto: ``boto.connect_s3(key, secret)``, ``boto.ec2.connect_to_region(...)``.
#: First match wins: ``connect_to_region(region, **kw)`` takes credentials by keyword only.
QUALIFIED_PREFIX_SINKS: Tuple[Tuple[str, str, SinkSpec], ...] = (
    ("boto.", "connect_to_region", SinkSpec(LEGACY_BOTO_KEYWORDS)),
    ("boto.", "connect_", _LEGACY),
)

#: Methods that are sinks when called on an SDK session object.
SESSION_METHOD_SINKS: Dict[str, SinkSpec] = {
    "client": _CLIENT,
    "resource": _CLIENT,
    "create_client": _CLIENT,
    "set_credentials": _SET_CREDENTIALS,
}
#: Calls whose result is an SDK session (receivers of SESSION_METHOD_SINKS).
SESSION_FACTORIES: FrozenSet[str] = frozenset(
    {
        "boto3.Session", "boto3.session.Session", "aioboto3.Session",
        "aioboto3.session.Session", "botocore.session.Session", "botocore.session.get_session",
        "aiobotocore.session.get_session", "aiobotocore.session.AioSession",
        "boto3._get_default_session",
    }
)

#: ``boto3.client(**{...})`` and friends: the entries of a splatted dict that are credentials.
SPLAT_KEYS: Mapping[str, Role] = {**BOTO_KEYWORDS}


def spec_for_qualname(qualname: str) -> Optional[SinkSpec]:
    """The sink spec of a fully qualified callable, if it is a sink."""
    spec = QUALIFIED_SINKS.get(qualname)
    if spec is not None:
        return spec
    for package, function_prefix, prefixed_spec in QUALIFIED_PREFIX_SINKS:
        if qualname.startswith(package) and qualname.rsplit(".", 1)[-1].startswith(function_prefix):
            return prefixed_spec
    return None


#: Keywords that point a client at an endpoint (boto3/s3fs, pyarrow).
ENDPOINT_KEYWORDS: FrozenSet[str] = frozenset({"endpoint_url", "endpoint_override"})


#: Host suffixes of AWS endpoints: commercial, China, and the dual-stack ``api.aws`` domain.
AWS_HOST_SUFFIXES: Tuple[str, ...] = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
#: A URL built at run time: its constant text, ``None`` for each part known only then.
UrlSkeleton = Tuple[Optional[str], ...]
_UNKNOWN = "\x00"  # stands for an unknown part while the host is cut out


def is_aws_endpoint(url: str) -> bool:
    """Is a literal ``endpoint_url`` provably an AWS endpoint?"""
    return is_aws_skeleton((url,))


def is_aws_skeleton(parts: UrlSkeleton) -> bool:
    """Is the host of a URL built from ``parts`` AWS whatever the unknown parts hold?

    The text after the last unknown part of the host must end it with an AWS suffix, so
    ``s3.{region}.amazonaws.com`` is AWS and ``s3.amazonaws.com{suffix}`` is not (the suffix
    may be ``.evil.com``). Unknown parts are taken to hold no URL delimiter (they are a
    region, a bucket, a port): without that, no built URL could be proven AWS at all.
    """
    if any(part is not None and _UNKNOWN in part for part in parts):
        return False
    host = _url_host("".join(_UNKNOWN if part is None else part for part in parts))
    return host.rsplit(_UNKNOWN, 1)[-1].endswith(AWS_HOST_SUFFIXES) or host == "amazonaws.com"


def _url_host(url: str) -> str:
    """The lower-cased host as ``urlsplit`` cuts it: after a constant ``scheme://`` (else
    from the start), before ``/ ? #``, after ``user@``, before ``:port``."""
    scheme, separator, rest = url.partition("://")
    if not (separator and scheme[:1].isalpha()
            and all(char.isalnum() or char in "+.-" for char in scheme)):
        rest = url
    for delimiter in "/?#":
        rest = rest.split(delimiter, 1)[0]
    return rest.rsplit("@", 1)[-1].split(":", 1)[0].lower()
