"""Sink calls: which calls receive AWS credentials, and what each credential argument is."""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from ..findings import (
    Applicability, ArgKind, CredentialArg, Finding, Origin, OriginKind, SinkCall, Span,
)
from ..options import Options
from ..patterns import STANDARD_ENV_NAMES, Role, credential_role_of_name
from ..rules import RULES_BY_CODE
from ..sinks import (
    BOTO_KEYWORDS, GENERIC, S3FS_KEYWORDS, SESSION_METHOD_SINKS, SPLAT_KEYS, STORAGE_OPTION_KEYS,
    SinkSpec, spec_for_qualname,
)
from .endpoints import EndpointFinder
from .origins import is_placeholder_literal, literal_shape
from .scopes import DICT_MUTATORS, Scope
from .values import Kind, Value, ValueResolver
from .wrappers import WRAPPER_FIX, WrapperFinder

SpanOf = Callable[[ast.AST, Optional[ast.AST]], Span]

_CODE_OF_KIND = {Kind.ENV: "CRD201", Kind.SETTINGS: "CRD202", Kind.FROZEN: "CRD301"}
_ORIGIN_OF_KIND = {
    Kind.LITERAL: OriginKind.LITERAL, Kind.ENV: OriginKind.ENV,
    Kind.SETTINGS: OriginKind.SETTINGS, Kind.FROZEN: OriginKind.FROZEN,
}
_NOT_TRACEABLE = {
    Kind.PARAM: "comes from a function parameter",
    Kind.STS: "comes from an STS response",
    None: "could not be traced",
}


class _Candidate(NamedTuple):
    role: Role
    kind: ArgKind
    key: str
    value: ast.AST
    scope: Scope
    first: ast.AST  # span start of the argument
    last: ast.AST  # span end
    anchor: ast.AST  # where the finding is reported
    container: Optional[ast.AST]


class SinkCallAnalyzer:
    """Turns one ``ast.Call`` into a :class:`SinkCall` and its findings."""

    def __init__(self, resolver: ValueResolver, options: Options, span_of: SpanOf) -> None:
        self.resolver = resolver
        self.options = options
        self.span_of = span_of
        self.endpoints = EndpointFinder(resolver)
        self.wrappers = WrapperFinder(self)
        self.reported_literals: "set[int]" = set()

    # -- which calls are sinks ----------------------------------------------------------
    def sink_of(self, call: ast.Call, scope: Scope,
                depth: int = 0) -> Optional[Tuple[str, SinkSpec]]:
        func = call.func
        qualname = self.resolver.qualname(func, scope)
        if qualname:
            spec = spec_for_qualname(qualname)
            if spec is not None and _protocol_matches(spec, call):
                return qualname, spec
            if qualname in self.options.extra_sinks:
                keywords = {k.arg: role for k in call.keywords if k.arg
                            for role in [credential_role_of_name(k.arg)] if role is not None}
                return qualname, SinkSpec({**S3FS_KEYWORDS, **BOTO_KEYWORDS, **keywords})
        if isinstance(func, ast.Attribute) and func.attr in SESSION_METHOD_SINKS:
            receiver = self.resolver.classify(func.value, scope)
            by_name = (func.attr == "set_credentials"
                       and "session" in self.resolver.describe(func.value).lower())
            if (receiver is not None and receiver.kind is Kind.SESSION) or by_name:
                return self.resolver.describe(func), SESSION_METHOD_SINKS[func.attr]
        if _builds_a_dict(func):  # dict(aws_access_key_id=...) is the kwargs, not the sink
            return None
        wrapper = self.wrappers.spec_for(call, scope, depth)
        if wrapper is not None:
            return wrapper
        if any(k.arg in BOTO_KEYWORDS for k in call.keywords) or any(
                k.arg is None for k in call.keywords):
            return self.resolver.describe(func), GENERIC
        return None

    # -- the analysis -------------------------------------------------------------------
    def analyze(self, call: ast.Call, scope: Scope,
                guard: Optional[ast.AST]) -> Tuple[Optional[SinkCall], List[Finding]]:
        sink = self.sink_of(call, scope)
        candidates: List[_Candidate] = []
        spec: Optional[SinkSpec] = None
        display = ""
        if sink is not None:
            display, spec = sink
            candidates += self._arguments(call, scope, spec)
        options_entries = self._storage_options(call, scope)
        if options_entries:
            display = display or self.resolver.describe(call.func)
            candidates += options_entries
        if not candidates:
            return None, []
        custom = self.endpoints.call_is_custom(call, scope, spec)
        classified = [(c, self.resolver.classify(c.value, c.scope)) for c in candidates]
        args: List[CredentialArg] = []
        coded: List[Tuple[_Candidate, Value, str]] = []
        for candidate, value in classified:
            code = self._code_for(value, custom)
            origin = self._origin(value) if value is not None else None
            args.append(CredentialArg(
                candidate.role, candidate.kind, candidate.key,
                self.span_of(candidate.first, candidate.last),
                self.span_of(candidate.container, None) if candidate.container else None,
                origin, code))
            if code is not None and value is not None:
                coded.append((candidate, value, code))
        if not coded:
            return None, []
        blocked = self._blocked(call, spec, custom, classified, coded, guard)
        applicability = self._applicability(coded) if blocked is None else Applicability.NONE
        findings = [
            Finding(code, self.span_of(candidate.anchor, None),
                    self._message(code, candidate, value, display),
                    applicability, blocked)
            for candidate, value, code in coded
            if code in self.options.select
        ]
        for candidate, value, code in coded:
            if code == "CRD101":  # an inline literal is reported once, as CRD101
                self.reported_literals.update(
                    id(n) for n in ast.walk(candidate.value) if isinstance(n, ast.Constant))
        guard_line = getattr(guard, "lineno", None) if blocked == _guard_reason(guard) else None
        sink_call = SinkCall(self.span_of(call, None), display, tuple(args), blocked,
                             applicability, frozenset(code for _, _, code in coded),
                             spec.params if spec else (), spec.fix if spec else "arguments",
                             guard_line)
        return sink_call, findings

    def candidates(self, call: ast.Call, scope: Scope, spec: SinkSpec) -> List[_Candidate]:
        """The arguments of a sink call that carry credentials, storage options included."""
        return self._arguments(call, scope, spec) + self._storage_options(call, scope)

    def _arguments(self, call: ast.Call, scope: Scope, spec: SinkSpec) -> List[_Candidate]:
        found: List[_Candidate] = []
        for keyword in call.keywords:
            if keyword.arg is not None and keyword.arg in spec.keywords:
                found.append(_Candidate(spec.keywords[keyword.arg], ArgKind.KEYWORD, keyword.arg,
                                        keyword.value, scope, keyword, keyword, keyword, None))
            elif keyword.arg is None:
                found += self._splat(keyword, scope, {**SPLAT_KEYS, **spec.keywords},
                                     ArgKind.SPLAT_ENTRY)
        for index, role in spec.positional.items():
            if index < len(call.args) and not any(
                    isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                argument = call.args[index]
                found.append(_Candidate(role, ArgKind.POSITIONAL, str(index), argument, scope,
                                        argument, argument, argument, None))
        return found

    def _splat(self, keyword: ast.keyword, scope: Scope, keys: Dict[str, Role],
               kind: ArgKind) -> List[_Candidate]:
        resolved = self.resolver.resolve_dict(keyword.value, scope)
        if resolved is None:
            return []
        inline = resolved.node is keyword.value
        found = []
        for key, entries in self.resolver.dict_entries(resolved).items():
            if key not in keys:
                continue
            for entry in entries:
                anchor = entry.first if inline else keyword
                found.append(_Candidate(keys[key], kind, key, entry.value, entry.scope,
                                        entry.first, entry.last, anchor, entry.container))
        return found

    def _storage_options(self, call: ast.Call, scope: Scope) -> List[_Candidate]:
        for keyword in call.keywords:
            if keyword.arg == "storage_options":
                return self._splat(keyword, scope, dict(STORAGE_OPTION_KEYS), ArgKind.OPTION_ENTRY)
        return []

    # -- decisions ----------------------------------------------------------------------
    def _code_for(self, value: Optional[Value], custom_endpoint: bool) -> Optional[str]:
        if value is None:
            return None
        if value.kind is Kind.LITERAL:
            if is_placeholder_literal(value, self.options.allow_values):
                return None
            # A non-AWS endpoint takes any key, so only AWS-shaped literals count there.
            looks_like_key, aws_shaped, _ = literal_shape(value)
            return "CRD101" if (aws_shaped if custom_endpoint else looks_like_key) else None
        code = _CODE_OF_KIND.get(value.kind)
        if code is None or (custom_endpoint and not self.options.check_custom_endpoints):
            return None
        return code

    def _blocked(self, call: ast.Call, spec: Optional[SinkSpec], custom: bool,
                 classified: List[Tuple[_Candidate, Optional[Value]]],
                 coded: List[Tuple[_Candidate, Value, str]],
                 guard: Optional[ast.AST]) -> Optional[str]:
        if custom:
            return "the call has an endpoint_url that is not provably AWS"
        if spec is not None and spec.fix == "none":
            return "the call builds a credentials object; rewrite it by hand"
        if spec is not None and spec.fix == WRAPPER_FIX:
            return ("the credentials reach the SDK inside the called function (a wrapper); "
                    "remove them from it and from this call by hand")
        coded_ids = {id(c) for c, _, _ in coded}
        for candidate, value in classified:
            if id(candidate) in coded_ids:
                continue
            if value is not None and value.kind is Kind.NONE:
                continue
            reason = _NOT_TRACEABLE.get(value.kind if value is not None else None,
                                        "is not a credential lint-creds can remove")
            return (f"the {candidate.role.value} ({candidate.key}) {reason}; removing only part "
                    "of the credentials raises PartialCredentialsError")
        if any(isinstance(a, ast.Starred) for a in call.args):
            return "the call passes *args; positions cannot be rewritten safely"
        if guard is not None and _guard_mentions(guard, [(c, v) for c, v, _ in coded]):
            return _guard_reason(guard)
        return None

    @staticmethod
    def _applicability(coded: List[Tuple[_Candidate, Value, str]]) -> Applicability:
        """Safe only when every credential is a plain read of its standard variable."""
        for candidate, value, code in coded:
            standard = STANDARD_ENV_NAMES.get(value.env_name or "")
            if not (code == "CRD201" and value.direct_env and standard is candidate.role
                    and not value.has_default):
                return Applicability.UNSAFE
        return Applicability.SAFE

    # -- presentation -------------------------------------------------------------------
    def _origin(self, value: Value) -> Optional[Origin]:
        kind = _ORIGIN_OF_KIND.get(value.kind)
        if kind is None:
            return None
        return Origin(kind, self.resolver.describe(value.node), getattr(value.node, "lineno", 0),
                      value.env_name, value.literal, value.via,
                      value.external.where if value.external is not None else "")

    def _message(self, code: str, candidate: _Candidate, value: Value, sink: str) -> str:
        origin_line = getattr(value.node, "lineno", 0)
        indirect = value.node is not candidate.value
        where = value.external.where if value.external is not None else ""
        if code == "CRD101":
            path = " -> ".join(value.via) or self.resolver.describe(candidate.value)
            origin = f" (through {path}, line {origin_line})" if indirect else ""
            if where:
                origin = f" (through {path}, defined at {where})"
        elif where:
            origin = f" (from {self.resolver.describe(value.node)}, defined at {where})"
        else:
            origin = f" (from {self.resolver.describe(value.node)}, line {origin_line})"
        return RULES_BY_CODE[code].message.format(
            role=candidate.role.value,
            value=f"'{literal_shape(value)[2]}'" if code == "CRD101" else "",
            sink=sink, origin=origin,
            origin_short="get_credentials()" if code == "CRD301" else "",
        ).replace("  ", " ")


def _protocol_matches(spec: SinkSpec, call: ast.Call) -> bool:
    """``fsspec.filesystem("s3", ...)`` is a sink, ``fsspec.filesystem("gcs", ...)`` not."""
    if not spec.protocols:
        return True
    protocol = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == "protocol"), None)
    return isinstance(protocol, ast.Constant) and protocol.value in spec.protocols


def _builds_a_dict(func: ast.AST) -> bool:
    """``dict(...)``, ``kwargs.update(...)``, ``kwargs.setdefault(...)``: containers that a
    later ``**`` splat hands to the real sink (resolved there, reported once)."""
    if isinstance(func, ast.Name):
        return func.id == "dict"
    return isinstance(func, ast.Attribute) and func.attr in DICT_MUTATORS


def _guard_reason(guard: Optional[ast.AST]) -> str:
    line = getattr(guard, "lineno", "?")
    return f"the call is inside a branch that tests the credentials (line {line})"


def _guard_mentions(guard: ast.AST, coded: Iterable[Tuple[_Candidate, Value]]) -> bool:
    """Does an ``if`` test look at one of the credential values?"""
    mentioned = {ast.dump(n) for n in ast.walk(guard) if isinstance(
        n, (ast.Name, ast.Attribute, ast.Subscript, ast.Call))}
    strings = {n.value for n in ast.walk(guard) if isinstance(n, ast.Constant)}
    for candidate, value in coded:
        if ast.dump(candidate.value) in mentioned or ast.dump(value.node) in mentioned:
            return True
        if any(ast.dump(ast.Name(id=name, ctx=ast.Load())) in mentioned for name in value.via):
            return True
        if value.env_name and value.env_name in strings:
            return True
    return False
