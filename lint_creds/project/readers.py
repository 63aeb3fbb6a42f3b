"""Who still reads a module-level name: the question a fix asks before it removes a key.

A fix that removes ``AWS_SECRET_ACCESS_KEY = "..."`` from ``credentials.py`` must not break
``report.py``, which still reads ``credentials.AWS_SECRET_ACCESS_KEY``. :class:`Readers`
answers "where does another file read ``NAME`` of module ``P``?" (the fix itself sees the
reads in ``P``) over the project's files as text (the files a run has already rewritten in
their new form), erring towards "still read": a wrong "read" keeps a key and says where; a
wrong "unread" would break an import. A file counts as reading the name when it:

- imports it (``from m import NAME``, any alias) from ``P``, or from a module the project
  cannot resolve but that ends in ``P``'s name;
- star-imports ``P`` (or such a module) and mentions the name;
- imports ``P`` as a module and reads ``.NAME`` of anything, or holds the name in a string
  (``getattr(credentials, "NAME")``);
- anywhere in the project, when ``P`` is a settings module or the name a class attribute
  (Django's ``settings.NAME``, ``getattr(settings, "NAME")``): reads ``.NAME`` or holds the
  name in a string that is not an environment variable's name.

A class attribute is read as ``.NAME`` in a file that imports its class or module.
Notebooks are read as text: one that mentions the name counts. Nothing is imported or run.
"""
from __future__ import annotations

import ast
import os
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

from ..patterns import SETTINGS_MARKERS, is_settings_path
from ..source.files import FileProblem, decode_source, read_bytes

#: ``(path, line)`` of a read.
Location = Tuple[str, int]
#: Reads the names ``os.environ[...]``, ``os.getenv(...)`` and ``environ.get(...)`` take:
#: those strings name environment variables, not Python names.
_ENV_READERS = frozenset({"getenv", "environ"})


class Readers:
    """Reads of module-level names across a project (see the module docstring)."""

    def __init__(self, files: Callable[[], List[str]],
                 resolve_module: Callable[[str, str], Optional[str]],
                 texts: Optional[Mapping[str, str]] = None,
                 disk: Optional[Dict[str, Optional[bytes]]] = None) -> None:
        #: The project's Python and notebook files (absolute paths), listed on demand.
        self._files = files
        #: ``(importer, dotted module) -> file`` of the module, or None if not in the project.
        self._resolve_module = resolve_module
        #: New text of files this run rewrote, by absolute path.
        self.texts: Dict[str, str] = dict(texts or {})
        self._trees: Dict[str, Optional[ast.Module]] = {}
        #: Bytes read from disk, by path (shared by the readers of one index).
        self._read: Dict[str, Optional[bytes]] = {} if disk is None else disk

    def first_reader(self, path: str, name: str,
                     owner: Optional[str] = None) -> Optional[Location]:
        """Where another file reads ``name``, bound at module level in ``path`` or, with
        ``owner``, as an attribute of the class ``owner`` there (read as ``.name`` in a file
        that imports the class or its module); None when no other file does."""
        path = os.path.abspath(path)
        needle = (owner or name).encode("utf-8")
        loose = owner is None and self._is_settings_module(path)
        for other in self._files():
            if other == path:
                continue
            data = self._bytes(other)
            if data is None or needle not in data or (owner and name.encode() not in data):
                continue
            if other.endswith(".ipynb"):
                return other, 1
            tree = self._tree(other, data)
            if tree is None:
                return other, 1  # unreadable: it may read the name, so the name stays
            line = self._read_in(other, tree, path, name, owner, loose)
            if line is not None:
                return other, line
        return None

    def _read_in(self, importer: str, tree: ast.Module, path: str, name: str,
                 owner: Optional[str], loose: bool) -> Optional[int]:
        """The line where ``importer`` reads ``name`` (of class ``owner``) of ``path``."""
        imported = owner or name
        takes_owner = imports_module = star = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name == "*":
                        star = star or self._from_module(importer, source, path, "*")
                    elif alias.name == imported and self._from_module(
                            importer, source, path, imported):
                        if owner is None:
                            return node.lineno
                        takes_owner = True
                    else:
                        dotted = f"{source}.{alias.name}" if node.module else source + alias.name
                        imports_module = imports_module or self._holds(importer, dotted, path)
            elif isinstance(node, ast.Import):
                imports_module = imports_module or any(
                    self._holds(importer, alias.name, path) for alias in node.names)
        if owner is not None:
            reaches = takes_owner or star or imports_module
            return next((node.lineno for node in ast.walk(tree) if reaches and isinstance(
                node, ast.Attribute) and node.attr == name), None)
        if not (star or imports_module or loose):
            return None
        for node in ast.walk(tree):
            if star and isinstance(node, ast.Name) and node.id == name:
                return node.lineno
            if (imports_module or loose) and (
                    (isinstance(node, ast.Attribute) and node.attr == name) or (
                    isinstance(node, ast.Constant) and node.value == name
                    and not _names_a_variable(node, tree))):
                return node.lineno
        return None

    def _is_settings_module(self, path: str) -> bool:
        """Named like a settings module, or holding Django's markers (``INSTALLED_APPS``):
        its names are read as ``settings.NAME`` by code that imports no module of ours."""
        if is_settings_path(path):
            return True
        data = self._bytes(path)
        return data is not None and any(m.encode() in data for m in SETTINGS_MARKERS)

    def first_setting(self, names: FrozenSet[str]) -> Optional[Location]:
        """Where a settings module of the project (named like one, or holding Django's
        markers) binds one of ``names`` at module level; None when none does."""
        for path in self._files():
            data = self._bytes(path) if path.endswith(".py") else None
            if data is None or not any(name.encode() in data for name in names) or not (
                    self._is_settings_module(path)):
                continue
            tree = self._tree(path, data)
            for statement in tree.body if tree is not None else ():
                targets = statement.targets if isinstance(statement, ast.Assign) else (
                    [statement.target] if isinstance(statement, ast.AnnAssign) else [])
                if any(isinstance(t, ast.Name) and t.id in names for t in targets):
                    return path, statement.lineno
        return None

    def _from_module(self, importer: str, module: str, path: str, name: str) -> bool:
        """Could ``from module import name`` in ``importer`` take ``name`` from ``path``?
        Yes when ``module`` is ``path``; when it is another module of the project that
        imports ``name`` or star-imports (a re-export); and when the project cannot resolve
        it but its last part is ``path``'s name."""
        found = self._resolve_module(importer, module)
        if found is None:
            stem = os.path.splitext(os.path.basename(path))[0]
            if stem == "__init__":
                stem = os.path.basename(os.path.dirname(path))
            return module.rstrip(".").rsplit(".", 1)[-1] == stem
        found = os.path.abspath(found)
        if found == path:
            return True
        data = self._bytes(found)
        tree = self._tree(found, data) if data is not None else None
        return tree is None or any(
            isinstance(node, ast.ImportFrom) and any(a.name in ("*", name) for a in node.names)
            for node in ast.walk(tree))

    def _holds(self, importer: str, module: str, path: str) -> bool:
        """Does importing ``module`` give access to ``path``'s names (it is ``path``, or a
        package ``path`` lies in)?"""
        found = self._resolve_module(importer, module)
        if found is None:
            return False
        found = os.path.abspath(found)
        return found == path or (os.path.basename(found) == "__init__.py" and path.startswith(
            os.path.dirname(found) + os.sep))

    # -- reading ---------------------------------------------------------------------------
    def _bytes(self, path: str) -> Optional[bytes]:
        """The file's bytes (its new text if the run rewrote it); read from disk once."""
        if path in self.texts:
            return self.texts[path].encode("utf-8", "surrogatepass")
        if path not in self._read:
            try:
                self._read[path] = read_bytes(path)
            except FileProblem:
                self._read[path] = None
        return self._read[path]

    def _tree(self, path: str, data: bytes) -> Optional[ast.Module]:
        if path not in self._trees or path in self.texts:
            try:
                text = self.texts.get(path) or decode_source(data, path)
                self._trees[path] = ast.parse(text, path)
            except (FileProblem, SyntaxError, ValueError, RecursionError):
                self._trees[path] = None
        return self._trees[path]


def _names_a_variable(node: ast.Constant, tree: ast.Module) -> bool:
    """Is the string ``node`` the name of an environment variable being read?"""
    parent = _parents(tree).get(id(node))
    if isinstance(parent, ast.Subscript):
        target = parent.value
    elif isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
        target = parent.func
    else:
        return False
    words = {getattr(target, "attr", None), getattr(target, "id", None)}
    if isinstance(target, ast.Attribute):
        words.add(getattr(target.value, "attr", None) or getattr(target.value, "id", None))
    return bool(words & _ENV_READERS)


_PARENTS: Dict[int, Tuple[ast.Module, Dict[int, ast.AST]]] = {}


def _parents(tree: ast.Module) -> Dict[int, ast.AST]:
    cached = _PARENTS.get(id(tree))
    if cached is None or cached[0] is not tree:
        table = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        _PARENTS.clear()
        _PARENTS[id(tree)] = cached = (tree, table)
    return cached[1]
