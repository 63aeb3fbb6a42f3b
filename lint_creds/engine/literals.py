"""CRD102: hard-coded key material, bound to a credential name, shaped like a key id, or
a secret defined beside a key id."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Dict, Iterable, Iterator, Optional, Sequence, Set

from ..options import Options
from ..patterns import (
    CREDENTIAL_ENV_NAMES, KEY_ID_LENGTH, SECRET_LENGTH, SETTINGS_NAMES, Role,
    credential_role_of_name, find_key_ids, is_aws_credential_name, is_placeholder,
    looks_like_key_id, looks_real, mask,
)
from ..rules import RULES_BY_CODE
from .literal_places import fix_reasons, hadoop_property_values
from .values import constant_string

if TYPE_CHECKING:  # pragma: no cover
    from .exports import ProjectView

#: ``report(code, node, message, reason=...)`` of the module checker.
Report = Callable[..., None]


class LiteralChecker:
    """Reports each literal once: the sink analysis claims inline literals (CRD101) in
    ``claimed``; bound literals are remembered so the key-id sweep skips them."""

    def __init__(self, options: Options, report: Report, claimed: Set[int],
                 tree: ast.AST) -> None:
        self.options = options
        self._report = report
        self.claimed = claimed
        self.tree = tree
        self.bound: Set[int] = set()
        self._reasons: Optional[Dict[int, str]] = None

    def report(self, code: str, node: ast.AST, message: str) -> None:
        """Report CRD102, with what to do instead where deleting the literal is no fix."""
        if self._reasons is None:
            self._reasons = fix_reasons(self.tree)  # only once a module has a key literal
        self._report(code, node, message, reason=self._reasons.get(id(node)))

    def hadoop_properties(self) -> None:
        """CRD102 for a key, secret or token set as a Hadoop S3 credential property, whatever
        the names around it (``conf.set("fs.s3a.secret.key", "...")``)."""
        for name, value in hadoop_property_values(self.tree):
            literal = constant_string(value)
            if literal is None or id(value) in self.bound or id(value) in self.claimed or (
                    is_placeholder(literal, self.options.allow_values)) or not looks_real(
                    literal, None):
                continue
            self.bound.add(id(value))
            role = "secret access key" if "secret" in name.lower() else (
                "session token" if "token" in name.lower() else "access key id")
            self.report("CRD102", value, RULES_BY_CODE["CRD102"].message.format(
                role=role, value=f"'{mask(literal)}'", context=f" set as {name}"))

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

    def secret_pairs(self, tree: ast.Module, constants: Sequence[ast.Constant]) -> None:
        """CRD102 for a secret-shaped literal defined beside a key id literal, whatever its
        name: 40 base64 characters alone are too common to report (hashes, payloads), but
        next to a key id they are the other half of the key pair."""
        if not any(self._is_key_id(node) for node in constants):
            return  # most modules hold no key id: no second walk
        for group in _sibling_groups(tree):
            if any(self._is_key_id(node) for node in group):
                for node in group:
                    self._paired_secret(node)

    def used_elsewhere(self, tree: ast.Module, project: "ProjectView") -> None:
        """CRD102 for a secret-shaped literal, whatever its name, bound at the top level to
        a name another module of the project passes to the SDK as a credential."""
        for statement in tree.body:
            value = _assigned_value(statement)
            target = _single_name(statement)
            literal = constant_string(value) if value is not None else None
            if (literal is None or len(literal) != SECRET_LENGTH or target is None
                    or id(value) in self.bound
                    or id(value) in self.claimed or is_placeholder(
                        literal, self.options.allow_values)
                    or not looks_real(literal, Role.SECRET_KEY)):
                continue
            use = project.credential_use(target, statement.lineno)
            if use:
                self.bound.add(id(value))
                self.report("CRD102", value, RULES_BY_CODE["CRD102"].message.format(
                    role=Role.SECRET_KEY.value, value=f"'{mask(literal)}'",
                    context=f" bound to {target}, passed to the SDK at {use}"))

    def _is_key_id(self, node: ast.AST) -> bool:
        """A whole access key id literal that is not a placeholder."""
        literal = constant_string(node)
        return literal is not None and looks_like_key_id(literal) and not is_placeholder(
            literal, self.options.allow_values)

    def _paired_secret(self, node: ast.AST) -> None:
        literal = constant_string(node)
        if literal is None or len(literal) != SECRET_LENGTH or id(node) in self.bound or (
                id(node) in self.claimed):
            return
        if (is_placeholder(literal, self.options.allow_values)
                or not looks_real(literal, Role.SECRET_KEY)):
            return
        self.bound.add(id(node))
        self.report("CRD102", node, RULES_BY_CODE["CRD102"].message.format(
            role=Role.SECRET_KEY.value, value=f"'{mask(literal)}'",
            context=" beside an access key id"))


def _sibling_groups(tree: ast.AST) -> Iterator[Sequence[ast.AST]]:
    """The expressions defined together, where a key pair is written: a class body, a dict
    (keys and values), tuple or list display, a call's arguments, and each two adjacent
    assignments of any other block (the AST holds no blank lines or comments)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield [value for value in map(_assigned_value, node.body) if value is not None]
        elif isinstance(node, ast.Dict):
            yield [*(key for key in node.keys if key is not None), *node.values]
        elif isinstance(node, (ast.Tuple, ast.List)):
            yield node.elts
        elif isinstance(node, ast.Call):
            yield [*node.args, *(keyword.value for keyword in node.keywords)]
        else:
            yield from _adjacent_assignments(node)


def _adjacent_assignments(node: ast.AST) -> Iterator[Sequence[ast.AST]]:
    """The values of each two consecutive assignments in the blocks of ``node``."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            values = [_assigned_value(statement) for statement in block]
            for first, second in zip(values, values[1:]):
                if first is not None and second is not None:
                    yield first, second


def _single_name(statement: ast.AST) -> Optional[str]:
    """``NAME`` of ``NAME = value`` / ``NAME: T = value``."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [
        getattr(statement, "target", None)]
    if len(targets) == 1 and isinstance(targets[0], ast.Name):
        return targets[0].id
    return None


def _assigned_value(statement: ast.AST) -> Optional[ast.expr]:
    """The value of ``NAME = value`` / ``NAME: T = value``, else None."""
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return statement.value
    return None
