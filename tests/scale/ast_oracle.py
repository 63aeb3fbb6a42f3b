"""The fixer's oracle: does a rewritten module differ from the original only by removals the
fixer is allowed to make?

Allowed differences (issue 7):
- credential keywords / positional credentials removed from a call (later positionals may
  come back as keywords with the same value);
- credential entries removed from a dict literal (splatted kwargs, ``storage_options``);
- statements removed that only fed credentials: assignments whose target is unused after
  the fix or is a credential setting / env write, ``set_credentials(...)`` and credential
  ``os.environ`` writes;
- imports removed that the rewritten module no longer uses;
- an ``if`` that tests the credentials and returns early, before the same code;
- a ``try`` whose handlers repeat its body once the credentials are gone, replaced by it;
- a block emptied by those removals holding a lone ``pass``.

Across modules, :func:`dangling_references` finds reads of a name the fix removed from
another module (an import, a module attribute, a star import).

Everything else (a changed value, a reordered argument, a removed call) is a violation.
The checker compares ``ast`` trees, so formatting and comments are out of its scope; the
byte-level checks of the scale tests cover those.
"""
from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Sequence, Set

from lint_creds.patterns import CREDENTIAL_ENV_NAMES, SETTINGS_NAMES, credential_role_of_name
from lint_creds.sinks import (
    BOTO_KEYWORDS, CREDENTIALS_KEYWORDS, LEGACY_BOTO_KEYWORDS, S3FS_KEYWORDS, STORAGE_OPTION_KEYS,
    STORAGES_KEYWORDS,
)

CREDENTIAL_KEYWORDS: Set[str] = {
    *BOTO_KEYWORDS, *S3FS_KEYWORDS, *CREDENTIALS_KEYWORDS, *LEGACY_BOTO_KEYWORDS,
    *STORAGES_KEYWORDS,
}
CREDENTIAL_DICT_KEYS: Set[str] = {*STORAGE_OPTION_KEYS, *BOTO_KEYWORDS}
_WRITE_METHODS = {"set_credentials", "update", "setdefault", "putenv", "__setitem__"}


def violations(original: str, rewritten: str) -> List[str]:
    """Every difference between the two modules that the fixer may not make."""
    before, after = ast.parse(original), ast.parse(rewritten)
    checker = _Diff(_loaded_names(after))
    checker.compare(before, after, "module")
    return checker.problems


def _loaded_names(tree: ast.AST) -> Set[str]:
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            root = node
            while isinstance(root, ast.Attribute):
                root = root.value  # type: ignore[assignment]
            if isinstance(root, ast.Name):
                names.add(root.id)
    return names


class _Diff:
    def __init__(self, used_after: Set[str]) -> None:
        self.used_after = used_after
        self.problems: List[str] = []

    # -- generic comparison -----------------------------------------------------------
    def compare(self, a: ast.AST, b: ast.AST, where: str) -> bool:
        """Compare two nodes; records a problem and returns False on a disallowed change."""
        if type(a) is not type(b):
            return self._fail(where, f"{type(a).__name__} became {type(b).__name__}", a)
        if isinstance(a, ast.Call):
            return self._compare_call(a, b, where)  # type: ignore[arg-type]
        if isinstance(a, ast.Dict):
            return self._compare_dict(a, b, where)  # type: ignore[arg-type]
        if isinstance(a, (ast.Import, ast.ImportFrom)):
            return self._compare_import(a, b, where)
        for field, value_a in ast.iter_fields(a):
            value_b = getattr(b, field, None)
            here = f"{where}.{field}"
            if isinstance(value_a, list):
                if field in ("body", "orelse", "finalbody", "handlers") and all(
                        isinstance(s, ast.stmt) for s in [*value_a, *value_b]):
                    if not self._compare_statements(value_a, value_b, here):
                        return False
                elif not self._compare_lists(value_a, value_b, here):
                    return False
            elif isinstance(value_a, ast.AST):
                if not isinstance(value_b, ast.AST):
                    return self._fail(here, "removed", a)
                if not self.compare(value_a, value_b, here):
                    return False
            elif field not in ("type_comment", "kind") and value_a != value_b:
                return self._fail(here, f"{value_a!r} became {value_b!r}", a)
        return True

    def _compare_lists(self, a: Sequence[object], b: Sequence[object], where: str) -> bool:
        if len(a) != len(b):
            return self._fail(where, f"{len(a)} items became {len(b)}", None)
        for index, (item_a, item_b) in enumerate(zip(a, b)):
            if isinstance(item_a, ast.AST) and isinstance(item_b, ast.AST):
                if not self.compare(item_a, item_b, f"{where}[{index}]"):
                    return False
            elif item_a != item_b:
                return self._fail(f"{where}[{index}]", "changed", None)
        return True

    def _fail(self, where: str, what: str, node: Optional[ast.AST]) -> bool:
        line = getattr(node, "lineno", None)
        self.problems.append(f"{where}{f' (line {line})' if line else ''}: {what}")
        return False

    def _same(self, a: ast.AST, b: ast.AST) -> bool:
        """Equal under the allowed removals, without recording problems."""
        probe = _Diff(self.used_after)
        return probe.compare(a, b, "")

    # -- statements -------------------------------------------------------------------
    def _compare_statements(self, a: Sequence[ast.stmt], b: Sequence[ast.stmt], where: str) -> bool:
        if len(b) == 1 and isinstance(b[0], ast.Pass) and not any(isinstance(s, ast.Pass) for s in a):
            b = []  # a block emptied by removals keeps a lone ``pass``
        index_b = 0
        for index_a, statement in enumerate(a):
            unwrapped = _repeating_try_body(statement)
            if index_b < len(b) and self._same(statement, b[index_b]):
                index_b += 1
            elif unwrapped and len(b) - index_b >= len(unwrapped) and all(
                    self._same(x, y) for x, y in zip(unwrapped, b[index_b:])):
                index_b += len(unwrapped)  # ``try`` whose handlers repeat it: its body
            elif index_b < len(b) and _counterpart(statement, b[index_b]):
                # The same statement, edited: report exactly what changed.
                self.compare(statement, b[index_b], f"{where}[{index_a}]")
                return False
            elif not self._removable(statement):
                return self._fail(f"{where}[{index_a}]",
                                  f"{type(statement).__name__} removed or changed", statement)
        if index_b != len(b):
            return self._fail(where, f"{len(b) - index_b} statement(s) added", b[index_b])
        return True

    def _removable(self, statement: ast.stmt) -> bool:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            return all(_bound_name(alias) not in self.used_after for alias in statement.names)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            plain_names = all(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets)
            if plain_names and (value is None or not _feeds_credentials(value)):
                return False  # an unused ``client = boto3.client()`` is not the fixer's to drop
            return all(self._removable_target(t) for t in targets)
        if isinstance(statement, ast.If) and not statement.orelse and isinstance(
                statement.body[-1], (ast.Return, ast.Raise)) and _feeds_credentials(
                statement.test):  # an early return collapsed into the code after it
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            return name in _WRITE_METHODS and _mentions_credentials(statement.value)
        return False

    def _removable_target(self, target: ast.AST) -> bool:
        if isinstance(target, ast.Name):
            return target.id not in self.used_after or target.id in SETTINGS_NAMES
        if isinstance(target, (ast.Tuple, ast.List)):
            return all(self._removable_target(t) for t in target.elts)
        if isinstance(target, ast.Subscript):
            key = target.slice
            return isinstance(key, ast.Constant) and isinstance(key.value, str) and (
                key.value in CREDENTIAL_ENV_NAMES or key.value in SETTINGS_NAMES
                or key.value in CREDENTIAL_DICT_KEYS)
        if isinstance(target, ast.Attribute):
            return credential_role_of_name(target.attr) is not None
        return False

    # -- calls, dicts, imports --------------------------------------------------------
    def _compare_call(self, a: ast.Call, b: ast.Call, where: str) -> bool:
        if not self.compare(a.func, b.func, f"{where}.func"):
            return False
        kept = len(b.args)
        if kept > len(a.args) or not self._compare_lists(a.args[:kept], b.args, f"{where}.args"):
            return self._fail(f"{where}.args", "positional arguments changed", a)
        moved = list(a.args[kept:])  # removed positionals: credentials, or now keywords
        keywords_a = list(a.keywords)
        for keyword in b.keywords:
            match = next((k for k in keywords_a if k.arg == keyword.arg), None)
            if match is not None:
                keywords_a.remove(match)
                if not self.compare(match.value, keyword.value, f"{where}.{keyword.arg}"):
                    return False
                continue
            source = next((m for m in moved if self._same(m, keyword.value)), None)
            if source is None:
                return self._fail(where, f"keyword {keyword.arg}= added", a)
            moved.remove(source)
        for keyword in keywords_a:
            if keyword.arg not in CREDENTIAL_KEYWORDS:
                return self._fail(where, f"non-credential keyword {keyword.arg}= removed", a)
        if len(moved) > 3:
            return self._fail(where, f"{len(moved)} positional arguments dropped", a)
        if [k.arg for k in b.keywords if k.arg in {x.arg for x in a.keywords}] != [
                k.arg for k in a.keywords if k.arg in {x.arg for x in b.keywords}]:
            return self._fail(where, "keywords reordered", a)
        return True

    def _compare_dict(self, a: ast.Dict, b: ast.Dict, where: str) -> bool:
        index_b = 0
        for key, value in zip(a.keys, a.values):
            if index_b < len(b.keys) and _same_key(key, b.keys[index_b]) and self._same(
                    value, b.values[index_b]):
                index_b += 1
            elif not (isinstance(key, ast.Constant) and key.value in CREDENTIAL_DICT_KEYS):
                return self._fail(where, "non-credential dict entry removed or changed", a)
        if index_b != len(b.keys):
            return self._fail(where, "dict entries added", a)
        return True

    def _compare_import(self, a: ast.AST, b: ast.AST, where: str) -> bool:
        names_b = [(alias.name, alias.asname) for alias in b.names]  # type: ignore[attr-defined]
        for alias in a.names:  # type: ignore[attr-defined]
            if (alias.name, alias.asname) in names_b:
                names_b.remove((alias.name, alias.asname))
            elif _bound_name(alias) in self.used_after:
                return self._fail(where, f"import of used name {_bound_name(alias)} removed", a)
        if names_b:
            return self._fail(where, "import added", a)
        if isinstance(a, ast.ImportFrom) and (a.module, a.level) != (
                b.module, b.level):  # type: ignore[attr-defined]
            return self._fail(where, "import source changed", a)
        return True


def _repeating_try_body(statement: ast.stmt) -> List[ast.stmt]:
    """The body of a ``try`` (no ``else``/``finally``) whose every handler does what the
    body does once its credentials are gone (compared loosely: the handler's statements
    appear in the body, minus credential keywords); else []."""
    if not isinstance(statement, ast.Try) or statement.orelse or statement.finalbody:
        return []
    body = [ast.dump(_without_credentials(s)) for s in statement.body]
    if all([ast.dump(s) for s in handler.body] == body for handler in statement.handlers):
        return statement.body
    return []


def _without_credentials(node: ast.stmt) -> ast.stmt:
    """A copy of ``node`` whose calls have no credential keyword."""
    import copy

    node = copy.deepcopy(node)
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            call.keywords = [k for k in call.keywords if k.arg not in CREDENTIAL_KEYWORDS]
    return node


def _counterpart(a: ast.stmt, b: ast.stmt) -> bool:
    """Is ``b`` an edited version of ``a`` rather than the next statement?"""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.Assign):
        return [ast.dump(t) for t in a.targets] == [ast.dump(t) for t in b.targets]  # type: ignore[attr-defined]
    if isinstance(a, ast.ImportFrom):
        return (a.module, a.level) == (b.module, b.level)  # type: ignore[attr-defined]
    if isinstance(a, ast.Import):  # ``import os, boto3`` -> ``import boto3``: same statement
        return bool({x.name for x in a.names} & {x.name for x in b.names})  # type: ignore[attr-defined]
    if isinstance(a, ast.Expr) and isinstance(a.value, ast.Call):
        return isinstance(b.value, ast.Call) and ast.dump(a.value.func) == ast.dump(  # type: ignore[attr-defined]
            b.value.func)  # type: ignore[attr-defined]
    return isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
        a.name == b.name)  # type: ignore[attr-defined]


def _feeds_credentials(value: ast.AST) -> bool:
    """Could this assigned value be a credential (a literal, an env/config read, a
    credential-named lookup)?"""
    for node in ast.walk(value):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        name = getattr(node, "attr", None) or getattr(node, "id", None)
        if isinstance(name, str) and (name in ("environ", "getenv", "get_credentials",
                                               "get_frozen_credentials", "config", "env")
                                      or credential_role_of_name(name) is not None):
            return True
    return False


def _bound_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".", 1)[0]


def _same_key(a: Optional[ast.AST], b: Optional[ast.AST]) -> bool:
    if a is None or b is None:
        return a is b
    return ast.dump(a) == ast.dump(b)


def _mentions_credentials(call: ast.Call) -> bool:
    strings: Iterable[str] = (n.value for n in ast.walk(call)
                              if isinstance(n, ast.Constant) and isinstance(n.value, str))
    names = [k.arg for k in call.keywords if k.arg] + list(strings)
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "set_credentials":
        return True
    return any(n in CREDENTIAL_ENV_NAMES or n in SETTINGS_NAMES for n in names)


# -- across modules ---------------------------------------------------------------------

def dangling_references(before: Dict[str, str], after: Dict[str, str]) -> List[str]:
    """Reads, in the fixed project, of a module-level name the fix removed: ``from m import
    NAME``, ``m.NAME`` after ``import m``/``from pkg import m``, a star import that reads
    it. ``before``/``after`` map each module's path (``pkg/mod.py``) to its text."""
    removed = {_dotted(path): _top_level_names(before[path]) - _top_level_names(text)
               for path, text in after.items() if path in before}
    problems = []
    for path, text in after.items():
        package = _dotted(path) if path.endswith("__init__.py") else _dotted(path).rpartition(
            ".")[0]
        tree = ast.parse(text)
        aliases: Dict[str, str] = {}  # local name -> project module
        starred: Set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(node, package)
                for alias in node.names:
                    gone = removed.get(source, set())
                    if alias.name == "*":
                        starred |= gone
                    elif alias.name in gone:
                        problems.append(f"{path}:{node.lineno}: imports {alias.name}, removed "
                                        f"from {source}")
                    elif f"{source}.{alias.name}".lstrip(".") in removed:
                        aliases[alias.asname or alias.name] = f"{source}.{alias.name}".lstrip(".")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in removed:
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                    node.attr in removed.get(aliases.get(node.value.id, ""), set())):
                problems.append(f"{path}:{node.lineno}: reads {node.value.id}.{node.attr}, "
                                "which the fix removed")
            elif isinstance(node, ast.Name) and node.id in starred and not isinstance(
                    node.ctx, ast.Store):
                problems.append(f"{path}:{node.lineno}: reads {node.id} through a star "
                                "import, which the fix removed")
    return problems


def _dotted(path: str) -> str:
    parts = path[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".") if package else []
    base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _top_level_names(text: str) -> Set[str]:
    names: Set[str] = set()
    for statement in ast.parse(text).body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) else [])
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
    return names
