"""The records the engine produces (findings, and the sink calls a fixer edits), and a
finding placed in its file (what every report format takes)."""
from __future__ import annotations

from enum import Enum
from typing import FrozenSet, NamedTuple, Optional, Tuple

from .patterns import Role


class Applicability(str, Enum):
    """Whether a finding's fix may be applied (ruff's applicability)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"  # reported, never fixed automatically


class Span(NamedTuple):
    """A source range: 1-based lines, 0-based character columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int


class Finding(NamedTuple):
    """One reported problem. ``message`` never contains unmasked key material."""

    code: str
    span: Span
    message: str
    applicability: Applicability = Applicability.NONE
    #: Why the fixer will not touch this finding, when it will not.
    not_fixable_reason: Optional[str] = None

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col

    def render(self) -> str:
        """``line:col: CODE message`` with the engine's 0-based column (tests, debugging)."""
        return f"{self.span.line}:{self.span.col}: {self.code} {self.message}"


class ArgKind(str, Enum):
    """Where a credential sits in a sink call."""

    KEYWORD = "keyword"  # aws_access_key_id=...
    POSITIONAL = "positional"  # boto3.Session(key, secret)
    SPLAT_ENTRY = "splat-entry"  # **{"aws_access_key_id": ...} or **creds (a dict literal)
    OPTION_ENTRY = "option-entry"  # storage_options={"key": ...}


class OriginKind(str, Enum):
    """Where a credential value comes from."""

    LITERAL = "literal"
    ENV = "env"
    SETTINGS = "settings"
    FROZEN = "frozen"


class Origin(NamedTuple):
    """The classified source of a credential value."""

    kind: OriginKind
    #: Masked source text, e.g. ``os.environ["AWS_ACCESS_KEY_ID"]``.
    text: str
    line: int
    #: The environment variable read, when known (``ENV`` only).
    env_name: Optional[str] = None
    #: The literal value (``LITERAL`` only); never shown, only masked.
    literal: Optional[str] = None
    #: Names (``NAME`` bindings) the value flowed through, innermost last.
    via_names: Tuple[str, ...] = ()
    #: ``path:line`` of the definition, for a value another module defines.
    defined_at: str = ""


class CredentialArg(NamedTuple):
    """One credential argument of a sink call."""

    role: Role
    kind: ArgKind
    #: keyword / dict key, or the positional index as a string.
    key: str
    #: Span of the argument (keyword + value, positional value, or dict entry).
    span: Span
    #: Span of the dict literal holding a splat/option entry (None for direct args).
    container: Optional[Span]
    origin: Optional[Origin]
    #: The finding code reported for it, or None (placeholder, parameter, unknown ...).
    code: Optional[str]


class SinkCall(NamedTuple):
    """A call that receives AWS credentials; the unit the fixer edits."""

    span: Span
    sink: str
    args: Tuple[CredentialArg, ...]
    #: Why the credential group must be left alone, when it must.
    blocked: Optional[str]
    applicability: Applicability
    codes: FrozenSet[str]
    #: The callee's parameter names in positional order (``SinkSpec.params``), so a fixer
    #: can name the positionals that follow removed credentials.
    params: Tuple[str, ...] = ()
    #: What a fix does (``SinkSpec.fix``): "arguments", "statement" or "none".
    fix: str = "arguments"
    #: Line of the ``if`` that tests the credentials, when that test is the only reason the
    #: call is blocked (a fixer may still collapse the whole branch).
    guard_line: Optional[int] = None


class Analysis(NamedTuple):
    """Everything the engine learned about one module."""

    findings: Tuple[Finding, ...]
    sink_calls: Tuple[SinkCall, ...]


class Reported(NamedTuple):
    """A finding placed in its file: what every report format needs."""

    code: str
    message: str
    #: ``safe`` / ``unsafe`` / ``none`` (the finding's fix applicability).
    fix: str
    path: str
    #: 1-based notebook cell number; ``None`` for ``.py`` files.
    cell: Optional[int]
    #: 1-based line (within the cell for notebooks), 0-based character column (engine's).
    line: int
    col: int
    end_line: int
    end_col: int
    #: The text of the reported line (used for excerpts and baseline fingerprints; it may
    #: hold a secret, so reports never print it except as a terminal excerpt, masked).
    source_line: str
    #: Identity for baselines and SARIF (see :mod:`lint_creds.cli.baseline`); set by ``check``.
    fingerprint: str = ""
