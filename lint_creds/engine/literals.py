"""CRD102: hard-coded key material, bound to a credential name or shaped like a key id."""
from __future__ import annotations

import ast
from typing import Callable, Iterable, Set

from ..options import Options
from ..patterns import (
    CREDENTIAL_ENV_NAMES, KEY_ID_LENGTH, SETTINGS_NAMES, credential_role_of_name, find_key_ids,
    is_aws_credential_name, is_placeholder, looks_real, mask,
)
from ..rules import RULES_BY_CODE
from .values import constant_string

#: ``report(code, node, message)`` of the module checker.
Report = Callable[[str, ast.AST, str], None]


class LiteralChecker:
    """Reports each literal once: the sink analysis claims inline literals (CRD101) in
    ``claimed``; bound literals are remembered so the key-id sweep skips them."""

    def __init__(self, options: Options, report: Report, claimed: Set[int]) -> None:
        self.options = options
        self.report = report
        self.claimed = claimed
        self.bound: Set[int] = set()

    def defaults(self, args: ast.arguments) -> None:
        """``def connect(aws_secret_access_key="..."):`` binds the default to the name."""
        positional = [*getattr(args, "posonlyargs", []), *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            self.bound_literal(arg.arg, default)

    def bound_literal(self, name: str, value: ast.AST) -> None:
        """CRD102 for a key, secret or token shaped literal bound to an AWS credential name."""
        literal = constant_string(value)
        if literal is None or id(value) in self.bound or id(value) in self.claimed:
            return
        role = CREDENTIAL_ENV_NAMES.get(name) or SETTINGS_NAMES.get(name.upper())
        if role is None and is_aws_credential_name(name):
            role = credential_role_of_name(name)
        if role is None:
            return
        if is_placeholder(literal, self.options.allow_values) or not looks_real(literal, None):
            return
        self.bound.add(id(value))
        shown_role = role.value if looks_real(literal, role) else "credential"
        self.report("CRD102", value, RULES_BY_CODE["CRD102"].message.format(
            role=shown_role, value=f"'{mask(literal)}'", context=f" bound to {name}"))

    def key_ids(self, constants: Iterable[ast.Constant]) -> None:
        """CRD102 for access-key-id-shaped text in any other string or bytes literal."""
        for node in constants:
            if id(node) in self.bound or id(node) in self.claimed:
                continue
            value = node.value
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if not isinstance(value, str) or len(value) < KEY_ID_LENGTH:
                continue
            for key_id in find_key_ids(value):
                if not is_placeholder(key_id, self.options.allow_values):
                    self.report("CRD102", node, RULES_BY_CODE["CRD102"].message.format(
                        role="access key id", value=f"'{mask(key_id)}'",
                        context=" in a string literal"))
                    break
