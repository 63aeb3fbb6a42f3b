"""The analysis engine: Python source in, findings out.

Standard library only (no flake8, no libcst, no file or output handling), so every front
end can call it and ``lint-creds check`` starts fast.
"""
from __future__ import annotations

import ast
import sys
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence, Set, Union

from ..findings import Analysis, Applicability, Finding, SinkCall, Span
from ..options import DEFAULT_OPTIONS, Options
from ..patterns import (
    CREDENTIAL_ENV_NAMES, KEY_ID_LENGTH, SETTINGS_MARKERS, SETTINGS_NAMES, Role, is_placeholder,
    is_settings_path, looks_like_credential,
)
from ..rules import RULES_BY_CODE
from .exports import ALIAS, Export, ModuleSummary, ProjectView, summarize_module
from .gc_pause import collector_paused
from .literal_places import HADOOP_PROPERTY
from .literals import LiteralChecker
from .origins import ENV_WRITERS
from .scopes import ModuleScopes, Scope
from .sink_calls import SinkCallAnalyzer
from .values import Kind, ValueResolver, constant_string
from .visitor import FastVisitor

#: Class attributes of django-storages backends that carry credentials.
_STORAGE_ATTRIBUTES = {"access_key": Role.ACCESS_KEY, "secret_key": Role.SECRET_KEY,
                       "security_token": Role.TOKEN, "session_token": Role.TOKEN}
#: Origins that are not credentials a setting can carry (plumbing, role assumption, None).
_NOT_SETTINGS_CREDENTIALS = frozenset({Kind.NONE, Kind.PARAM, Kind.STS})
_CONFIG_WRITE_METHODS = frozenset({"update", "from_mapping"})


def analyze_source(source: Union[str, bytes], filename: str = "<stdin>",
                   options: Options = DEFAULT_OPTIONS,
                   project: Optional[ProjectView] = None) -> Analysis:
    """Parse and analyse one module. Raises ``SyntaxError``/``ValueError``/``RecursionError``
    for input Python cannot parse; front ends report those. ``project`` resolves names
    imported from the rest of the project; without it the module is analysed alone."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    with collector_paused():
        # The tree is an argument, not a local: it is freed before the collector resumes,
        # which would otherwise walk every node of it once.
        return analyze_tree(ast.parse(source, filename), text.splitlines(), filename, options,
                            project)


def check_source(source: Union[str, bytes], filename: str = "<stdin>",
                 options: Options = DEFAULT_OPTIONS,
                 project: Optional[ProjectView] = None) -> List[Finding]:
    """The findings of one module, in source order."""
    return list(analyze_source(source, filename, options, project).findings)


def analyze_tree(tree: ast.Module, lines: Sequence[str], filename: str = "<stdin>",
                 options: Options = DEFAULT_OPTIONS,
                 project: Optional[ProjectView] = None) -> Analysis:
    """Analyse an already parsed module (flake8 hands us its tree)."""
    with _recursion_headroom(), collector_paused():
        return _analysis(_ModuleChecker(tree, lines, filename, options, project))


def summarize_tree(tree: ast.Module, lines: Sequence[str],
                   options: Options = DEFAULT_OPTIONS) -> ModuleSummary:
    """What the module offers importers (see :mod:`.exports`); names it imports itself
    are recorded as aliases for the project index to follow."""
    with _recursion_headroom(), collector_paused():
        scopes = ModuleScopes(tree)
        resolver = ValueResolver(scopes, options.settings_objects, lines, _DEFERRED)
        sinks = SinkCallAnalyzer(resolver, options, _no_span)
        try:
            return summarize_module(scopes, resolver, options,
                                    sinks.wrappers.params_reaching_sinks,
                                    sinks.wrappers.constructor_params,
                                    sinks.wrappers.bound_params)
        finally:
            scopes.release()
            sinks.__dict__.clear()  # it and its wrapper finder hold each other


def _no_span(first: ast.AST, last: Optional[ast.AST]) -> Span:
    return Span(0, 0, 0, 0)  # summaries record lines, not spans


class _DeferredView(ProjectView):
    """While a module is summarised, another module's name stays an alias to follow."""

    def lookup(self, target: str) -> Optional[Export]:
        return Export(ALIAS, 0, target=target)


_DEFERRED = _DeferredView()


def _analysis(checker: "_ModuleChecker") -> Analysis:
    """Run ``checker``; it is garbage when this returns (the result is plain data)."""
    checker.run()
    findings = sorted(set(checker.findings), key=lambda f: (f.span, f.code, f.message))
    analysis = Analysis(tuple(findings), tuple(checker.sink_calls))
    checker.scopes.release()
    checker.sinks.__dict__.clear()  # it and its wrapper finder hold each other
    checker.__dict__.clear()  # its helpers hold bound methods of it: a cycle
    return analysis


#: Frames the recursive visitors may use: one or two a level of nesting, so real generated
#: tables (sympy's resolvent_lookup.py is 568 levels deep) pass, while 3.9/3.10, whose
#: Python frames still use the C stack, stay far from its end.
RECURSION_LIMIT = 4000


@contextmanager
def _recursion_headroom() -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


class _ModuleChecker(FastVisitor):
    def __init__(self, tree: ast.Module, lines: Sequence[str], filename: str,
                 options: Options, project: Optional[ProjectView] = None) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename
        self.options = options
        self.scopes = ModuleScopes(tree)
        self.resolver = ValueResolver(self.scopes, options.settings_objects, lines, project)
        self.project = project
        self.sinks = SinkCallAnalyzer(self.resolver, options, self.span)
        self.literals = LiteralChecker(options, self.report, self.sinks.reported_literals, tree)
        self.findings: List[Finding] = []
        self.sink_calls: List[SinkCall] = []
        self.scope_stack: List[Scope] = [self.scopes.module]
        self.guards: List[ast.AST] = []
        self.storage_classes: Set[int] = set()
        #: String/bytes constants long enough to hold a key id, for the final sweep.
        self.long_constants: List[ast.Constant] = []
        #: A Hadoop S3 credential property is named in the module (``fs.s3a.secret.key``).
        self.names_hadoop_property = False

    # -- plumbing -------------------------------------------------------------------
    def run(self) -> None:
        self.settings_module = self._is_settings_module()
        self.visit(self.tree)
        if self.long_constants and self.names_hadoop_property:
            self.literals.hadoop_properties()
        self.literals.secret_pairs(self.tree, self.long_constants)
        if self.project is not None:
            self.literals.used_elsewhere(self.tree, self.project)
        self.literals.key_ids(self.long_constants)

    def span(self, first: ast.AST, last: Optional[ast.AST]) -> Span:
        last = last or first
        line = first.lineno  # type: ignore[attr-defined]
        col = self._column(line, first.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(last, "end_lineno", None) or line
        end_col = getattr(last, "end_col_offset", None)
        end_col = self._column(end_line, end_col) if end_col is not None else col
        return Span(line, col, end_line, end_col)

    def _column(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; users and editors count characters."""
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))
        return byte_offset

    def report(self, code: str, node: ast.AST, message: str,
               applicability: Applicability = Applicability.NONE,
               reason: Optional[str] = None) -> None:
        """Record a finding (``reason``: why the fixer will not touch it)."""
        if code in self.options.select:
            self.findings.append(Finding(code, self.span(node, None), message, applicability,
                                         reason))

    @property
    def scope(self) -> Scope:
        return self.scope_stack[-1]

    def _enter(self, node: ast.AST) -> None:
        scope = self.scopes.scope_of.get(id(node))
        if scope is None:
            self.generic_visit(node)
            return
        self.scope_stack.append(scope)
        self.generic_visit(node)
        self.scope_stack.pop()

    def visit_FunctionDef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        self.literals.defaults(node.args)
        self._enter(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.literals.defaults(node.args)
        self._enter(node)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _enter

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self._is_storage_class(node):
            self.storage_classes.add(id(node))
        self._enter(node)

    def visit_If(self, node: Union[ast.If, ast.IfExp]) -> None:
        self.visit(node.test)
        self.guards.append(node.test)
        for child in (node.body if isinstance(node.body, list) else [node.body]):
            self.visit(child)
        for child in (node.orelse if isinstance(node.orelse, list) else [node.orelse]):
            self.visit(child)
        self.guards.pop()

    visit_IfExp = visit_If

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, (str, bytes)) and len(value) >= KEY_ID_LENGTH:
            self.long_constants.append(node)
        if isinstance(value, str) and ("s3" in value or "S3" in value) and (
                HADOOP_PROPERTY.fullmatch(value)):
            self.names_hadoop_property = True

    # -- sinks ----------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        guard = self.guards[-1] if self.guards else None
        sink_call, findings = self.sinks.analyze(node, self.scope, guard)
        if sink_call is not None:
            self.sink_calls.append(sink_call)
            self.findings += findings
        self._check_env_write_call(node)
        self._check_config_write_call(node)
        for keyword in node.keywords:
            if keyword.arg is not None:
                self.literals.bound_literal(keyword.arg, keyword.value)
        self.generic_visit(node)

    # -- statements: CRD102 (bound literals), CRD203, CRD302 ----------------------------
    def visit_Assign(self, node: Union[ast.Assign, ast.AnnAssign]) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None:
            for target in targets:
                self._check_assignment(node, target, node.value)
        self.generic_visit(node)

    visit_AnnAssign = visit_Assign

    def visit_Dict(self, node: ast.Dict) -> None:
        entries = [(constant_string(k), k, v) for k, v in zip(node.keys, node.values)
                   if k is not None]
        # STORAGES = {"default": {"BACKEND": ..., "OPTIONS": {"access_key": ...}}}
        custom = not self.options.check_custom_endpoints and any(
            name == "endpoint_url" and self.sinks.endpoints.is_custom(value, self.scope)
            for name, _, value in entries)
        storage_options = self.settings_module and not custom
        for name, key, value in entries:
            if name is None:
                continue
            if storage_options and name in _STORAGE_ATTRIBUTES:
                self._check_settings_value(key, name, value)
            self.literals.bound_literal(name, value)
        self.generic_visit(node)

    def _check_assignment(self, statement: ast.stmt, target: ast.AST, value: ast.AST) -> None:
        name = _target_name(target)
        if name is None:
            return
        env_name = self._env_subscript(target)
        if env_name is not None:
            if env_name in CREDENTIAL_ENV_NAMES:  # AWS_REGION and friends are fine
                self._check_env_write(statement, env_name, value)
            return
        if self._is_config_subscript(target) and name in SETTINGS_NAMES:
            self._check_settings_value(statement, name, value)
        elif (isinstance(target, ast.Name) and self.settings_module
              and self.scope.kind == "module" and name in SETTINGS_NAMES):
            self._check_settings_value(statement, name, value)
        elif name in _STORAGE_ATTRIBUTES and self._in_storage_class(target):
            self._check_settings_value(statement, name, value)
        self.literals.bound_literal(name, value)

    def _check_settings_value(self, statement: ast.AST, name: str, value: ast.AST) -> None:
        classified = self.resolver.classify(value, self.scope)
        if classified is not None and classified.kind in _NOT_SETTINGS_CREDENTIALS:
            return
        literal = classified.literal if classified is not None else None
        if literal is not None and (is_placeholder(literal, self.options.allow_values)
                                    or not looks_like_credential(literal)):
            return
        if literal is None and self._custom_endpoint_configured():
            return  # MinIO/localstack settings need explicit keys (check_custom_endpoints)
        literal = constant_string(value)
        origin = "" if literal is not None else f" (from {self.resolver.describe(value)})"
        self.report("CRD203", statement,
                    RULES_BY_CODE["CRD203"].message.format(target=name, origin=origin),
                    Applicability.UNSAFE)

    def _check_env_write(self, anchor: ast.AST, env_name: str, value: ast.AST) -> None:
        literal = constant_string(value)
        if literal is not None:
            self.literals.bound_literal(env_name, value)
            return
        classified = self.resolver.classify(value, self.scope)
        if classified is not None and classified.kind in (Kind.NONE, Kind.LITERAL, Kind.STS):
            if classified.kind is Kind.LITERAL:  # KEY = "..."; os.environ[...] = KEY
                self.literals.bound_literal(env_name, classified.node)
            return  # STS: exporting assumed-role credentials is legitimate role use
        message = RULES_BY_CODE["CRD302"].message.format(
            target=env_name, origin=f" (from {self.resolver.describe(value)})")
        self.report("CRD302", anchor, message, Applicability.UNSAFE)

    def _check_env_write_call(self, call: ast.Call) -> None:
        func = call.func
        if self.resolver.qualname(func, self.scope) in ENV_WRITERS:
            for name, value, anchor in _written_pairs(call):
                if name in CREDENTIAL_ENV_NAMES:
                    self._check_env_write(anchor, name, value)

    def _check_config_write_call(self, call: ast.Call) -> None:
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr in _CONFIG_WRITE_METHODS
                and isinstance(func.value, ast.Attribute) and func.value.attr == "config"):
            for name, value, anchor in _written_pairs(call):
                if name in SETTINGS_NAMES:
                    self._check_settings_value(anchor, name, value)

    # -- predicates -----------------------------------------------------------------
    def _custom_endpoint_configured(self) -> bool:
        """Does this settings module / storage class point the SDK at a non-AWS endpoint?"""
        if self.options.check_custom_endpoints:
            return False
        owner = self.scope.enclosing_class()
        scopes = [owner] if owner is not None else []
        return self.sinks.endpoints.settings_are_custom([*scopes, self.scope, self.scopes.module])

    def _is_settings_module(self) -> bool:
        if is_settings_path(self.filename):
            return True
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in SETTINGS_MARKERS
                    for t in statement.targets):
                return True
        return False

    def _env_subscript(self, target: ast.AST) -> Optional[str]:
        if isinstance(target, ast.Subscript):
            if self.resolver.qualname(target.value, self.scope) == "os.environ":
                return constant_string(target.slice)
        return None

    @staticmethod
    def _is_config_subscript(target: ast.AST) -> bool:
        return (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                and target.value.attr == "config")

    def _is_storage_class(self, node: ast.ClassDef) -> bool:
        for base in node.bases:
            qualname = self.resolver.qualname(base, self.scope) or ""
            name = qualname or self.resolver.describe(base)
            if qualname.startswith("storages.") or (
                    name.rsplit(".", 1)[-1].startswith("S3") and name.endswith("Storage")):
                return True
        return False

    def _in_storage_class(self, target: ast.AST) -> bool:
        scope = self.scope
        if isinstance(target, ast.Name) and scope.kind == "class":
            return id(scope.node) in self.storage_classes
        owner = scope.enclosing_class()
        return (isinstance(target, ast.Attribute) and owner is not None
                and isinstance(target.value, ast.Name) and target.value.id == scope.self_name
                and id(owner.node) in self.storage_classes)


def _target_name(target: ast.AST) -> Optional[str]:
    """The credential-relevant name of an assignment target."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return constant_string(target.slice)
    return None


def _written_pairs(call: ast.Call) -> List[tuple]:
    """(name, value, anchor) for ``update({...})``, ``update(K=v)``, ``setdefault(K, v)``,
    ``putenv(K, v)``."""
    pairs = []
    if len(call.args) >= 2:
        name = constant_string(call.args[0])
        if name is not None:
            pairs.append((name, call.args[1], call))
    elif len(call.args) == 1 and isinstance(call.args[0], ast.Dict):
        for key, value in zip(call.args[0].keys, call.args[0].values):
            name = constant_string(key) if key is not None else None
            if name is not None and key is not None:
                pairs.append((name, value, key))
    for keyword in call.keywords:
        if keyword.arg is not None:
            pairs.append((keyword.arg, keyword.value, keyword))
    return pairs
