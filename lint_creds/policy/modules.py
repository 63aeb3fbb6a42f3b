"""The project's other modules as the policy reads them: the clients, resources and
factories they define, the functions that receive SDK objects, and their string constants.
Each module is parsed once and never run."""
from __future__ import annotations

import ast
import os
import re
from typing import Callable, Dict, Iterator, List, Optional, Set, Tuple

from ..engine.origins import LIBRARY_ROOTS
from ..engine.scopes import ModuleScopes
from ..engine.values import ValueResolver
from ..options import Options
from ..project import index_for, view_for
from ..project.root import ProjectSpec
from ..source.files import FileProblem, decode_source, read_bytes
from .calls import Handoff, Receiver, SdkCalls
from .resources import Place, ResourceNarrower

#: Every SDK this command reads is imported under a name holding this (module names are
#: case-sensitive: ``boto3``, ``botocore``, ``aioboto3``, ``aiobotocore``).
ANCHOR = b"boto"
#: An import statement: ``from X import a, b as c`` (group 1, names in group 2, up to the
#: line's end or the closing parenthesis) or ``import X`` (group 3).
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+([\w.]+))", re.MULTILINE)


class ImportedClients:
    """Other modules of the project, as importers see them: the clients and resources they
    define (``from app.aws import s3``), and the functions that receive them
    (``storage.upload(s3, ...)``). Each module is parsed once, never run."""

    def __init__(self, project: Optional[ProjectSpec], options: Options) -> None:
        self.options = options
        self.project = project
        #: path -> its calls; None: unreadable, or a cycle.
        self._modules: Dict[str, Optional[SdkCalls]] = {}
        #: path -> whether the module names the SDK (read, not parsed).
        self._anchored: Dict[str, bool] = {}
        #: path -> whether the module defines SDK objects at its top level.
        self._exports: Dict[str, bool] = {}
        #: (importer's directory, module) -> its file in the project.
        self._resolved: Dict[Tuple[str, str], Optional[str]] = {}
        #: directory -> whether it is inside a library package.
        self._libraries: Dict[str, bool] = {}
        #: The last name of every module of the project that names the SDK (``aws`` for
        #: ``app/aws.py`` and ``app/aws/__init__.py``; the index's files, its default
        #: excludes applied): an import of any other name cannot reach a definition, so the
        #: later files' imports resolve only these.
        self._sdk_module_names: Optional[Set[str]] = None

    def for_importer(self, importer: str) -> Callable[[str], Optional[Receiver]]:
        """``imported(qualname)`` as :class:`SdkCalls` of ``importer`` asks it."""
        def imported(qualname: str) -> Optional[Receiver]:
            """``app.aws.s3``; ``app.aws.make_s3()``: what that function returns."""
            if self.project is None:
                return None
            called = qualname.endswith("()")
            module, _, name = qualname[:-2 if called else None].rpartition(".")
            if not module.strip("."):
                return None
            path = self.module_path(importer, module)
            loaded = self._module(path, anchored=True) if path is not None else None
            if loaded is None:
                return None
            return loaded.returned_by(name) if called else loaded.module_level(name)
        return imported

    def imports_sdk_objects(self, importer: str, data: bytes) -> bool:
        """Does ``importer`` (source ``data``, which names no SDK) import from a module of
        the project that defines a client, resource or session, or a function returning
        one, at its top level (``from app.aws import s3``; ``from app import aws``)? The
        defining module need not be among the paths read. Files of library packages
        (boto3, moto, ...) and imports from them are not the project's to draft."""
        if self.project is None or self._in_library(os.path.dirname(importer)):
            return False
        for match in _import_statements(data):
            module = (match.group(1) or match.group(3)).decode("ascii", "replace")
            if module.split(".", 1)[0] in LIBRARY_ROOTS:
                continue
            joiner = "" if module.endswith(".") else "."
            candidates = [module] + [f"{module}{joiner}{name}"
                                     for name in _imported_names(match.group(2) or b"")]
            if any(self._exports_sdk_objects(importer, c) for c in candidates
                   if self._may_name_an_sdk_module(c)):
                return True
        return False

    def _may_name_an_sdk_module(self, module: str) -> bool:
        """Could ``module`` (dotted, maybe relative) be one of the project's files that name
        the SDK? Only if its last name is such a file's (``from . import x`` names the
        package itself: resolved to be sure). Resolving a name costs file-system lookups in
        every search root, and most imports name no such module."""
        last = module.rpartition(".")[2]
        return not last or last in self.find_sdk_modules()

    def find_sdk_modules(self) -> Set[str]:
        """The last names of the project's modules that name the SDK (found once: every
        file of the project is read)."""
        if self._sdk_module_names is None:
            self._sdk_module_names = set()
            for path in index_for(self.project, self.options).python_files() if (
                    self.project is not None) else ():
                if self._names_the_sdk(path):
                    stem = os.path.splitext(os.path.basename(path))[0]
                    self._sdk_module_names.add(
                        os.path.basename(os.path.dirname(path)) if stem == "__init__" else stem)
        return self._sdk_module_names

    def read(self, path: str, data: bytes) -> None:
        """``path``'s bytes, read by the caller: whether it names the SDK is known without
        reading it again."""
        self._anchored.setdefault(os.path.abspath(path), ANCHOR in data)

    def _exports_sdk_objects(self, importer: str, module: str) -> bool:
        key = (os.path.dirname(importer), module)  # how a module resolves depends on that
        if key not in self._resolved:
            self._resolved[key] = self.module_path(importer, module) if module.strip(
                ".") else None
        path = self._resolved[key]
        if path is None:
            return False
        if path not in self._exports:
            loaded = self._module(path, anchored=True)
            self._exports[path] = bool(loaded and loaded.exports_sdk_objects())
        return self._exports[path]

    def _in_library(self, directory: str) -> bool:
        """Is ``directory`` inside a package named in ``LIBRARY_ROOTS`` (site-packages)?"""
        if directory not in self._libraries:
            top = None
            current = directory
            while os.path.isfile(os.path.join(current, "__init__.py")):
                top, parent = os.path.basename(current), os.path.dirname(current)
                if parent == current:
                    break
                current = parent
            self._libraries[directory] = top in LIBRARY_ROOTS
        return self._libraries[directory]

    def module_path(self, importer: str, module: str) -> Optional[str]:
        """The file of ``module`` as ``importer`` imports it, if it is in the project."""
        if self.project is None or not module.strip("."):
            return None
        return index_for(self.project, self.options).module_path(importer, module)

    def followed(self, importer: str, handoff: Handoff) -> Optional[Tuple[str, SdkCalls]]:
        """The file defining what ``handoff`` calls, and the calls it makes with the SDK
        objects passed."""
        module, _, name = handoff.qualname.rpartition(".")
        path = self.module_path(importer, module)
        loaded = self._module(path) if path is not None else None
        if path is None or loaded is None:
            return None
        return path, loaded.followed(name, handoff.args, handoff.keywords, handoff.depth)

    def constant_text(self, importer: str, qualname: str, depth: int = 0) -> Optional[str]:
        """The text of a string constant another module defines at its top level
        (``from app.names import BUCKET``), read from its source: the index keeps none
        that could be key material, and resource names often look like it."""
        module, _, name = qualname.rpartition(".")
        path = self.module_path(importer, module)
        loaded = self._module(path) if path is not None and depth < 4 else None
        bindings = loaded.scopes.module.bindings.get(name, []) if loaded else []
        if not loaded or not bindings or bindings[-1].kind not in ("assign", "import"):
            return None
        binding, resolver = bindings[-1], loaded.resolver
        if binding.kind == "import":  # re-exported: ``from .names import BUCKET``
            return self.constant_text(path or "", binding.qualname or "", depth + 1)
        value = binding.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        return ResourceNarrower(resolver, Place(), lambda q: self.constant_text(
            path or "", q, depth + 1)).text(value, binding.scope) if value else None

    def _module(self, path: str, anchored: bool = False) -> Optional[SdkCalls]:
        """The module at ``path``, parsed once; ``anchored``: only if it names the SDK
        (what defines a client does; what receives one need not)."""
        if anchored and not self._names_the_sdk(path):
            return None
        if path not in self._modules:
            self._modules[path] = None  # an import cycle ends here
            try:
                data = read_bytes(path)
                text = decode_source(data, path)
                tree = ast.parse(text, path)
            except (FileProblem, SyntaxError, ValueError, RecursionError, MemoryError):
                return None  # reported where the file itself is drafted, if it is
            scopes = ModuleScopes(tree)
            resolver = ValueResolver(scopes, self.options.settings_objects, text.splitlines(),
                                     view_for(self.project, self.options, path))
            self._modules[path] = SdkCalls(tree, resolver, scopes, self.for_importer(path),
                                           visit=False)
        return self._modules[path]

    def _names_the_sdk(self, path: str) -> bool:
        if path not in self._anchored:
            try:
                self._anchored[path] = ANCHOR in read_bytes(path)
            except FileProblem:
                self._anchored[path] = False
        return self._anchored[path]


def _import_statements(data: bytes) -> Iterator["re.Match[bytes]"]:
    """``_IMPORT.finditer(data)``, tried only at the starts of the lines that hold
    ``import``: a literal search skips the rest many times faster than the pattern, which
    ``re`` would try at every line start."""
    tried = 0  # line starts before this were tried, or lie inside a statement found
    found = data.find(b"import")
    while found != -1:
        start = data.rfind(b"\n", 0, found) + 1
        if start >= tried:
            match = _IMPORT.match(data, start)
            tried = match.end() if match else found
            if match:
                yield match
        found = data.find(b"import", max(found + 6, tried))


def _imported_names(names: bytes) -> List[str]:
    """``a``, ``b`` of ``a, b as c`` or ``(a,\n b)``."""
    found = []
    for part in names.strip(b"()\\ \t\r\n").split(b","):
        words = part.split()
        if words and words[0] != b"*":
            found.append(words[0].decode("ascii", "replace"))
    return found


def shown(path: str) -> str:
    """A file the index found, as the report names it: relative to the working directory
    when inside it, as the paths given on the command line usually are."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith(os.pardir) else relative
