"""Policy documents as the tests change them, the draft's text report as they read it, and
where in an app a denial surfaced."""
from __future__ import annotations

import ast
import copy
import pathlib
import re
from typing import Any, Dict, List, Optional, Set, Tuple

Document = Dict[str, Any]

#: ``    fixtures/policy_apps/s3_app/publish_reports.py:25: s3.put_object() -> s3:PutObject``
_USE = re.compile(r"^\s+(?P<path>\S+?):(?P<line>\d+): (?P<call>.+?) -> (?P<action>[\w-]+:\w+)",
                  re.MULTILINE)
_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)', re.MULTILINE)
#: How a denial reaches the app: botocore's ``AccessDenied``/``403``, urllib's ``403``.
DENIED = re.compile(r"\bAccessDenied\b|\b403\b")


def _listed(value: Any) -> List[str]:
    return [value] if isinstance(value, str) else list(value)


def grants(document: Document) -> Dict[str, Set[str]]:
    """``action -> resources`` a document allows."""
    found: Dict[str, Set[str]] = {}
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow", statement
        for action in _listed(statement["Action"]):
            found.setdefault(action, set()).update(_listed(statement["Resource"]))
    return found


def without(document: Document, action: str, resource: Optional[str] = None) -> Document:
    """``document`` minus ``action`` (on ``resource`` only, when given); every other grant
    is kept exactly."""
    changed = copy.deepcopy(document)
    statements: List[Dict[str, Any]] = []
    for statement in changed["Statement"]:
        actions = _listed(statement["Action"])
        if action not in actions:
            statements.append(statement)
            continue
        others = [a for a in actions if a != action]
        if others:
            statements.append({**statement, "Action": others})
        kept = [r for r in _listed(statement["Resource"]) if resource is not None and r != resource]
        if kept:
            statements.append({**statement, "Sid": statement.get("Sid", "") + "Rest",
                               "Action": [action], "Resource": kept})
    changed["Statement"] = statements
    assert statements, "a policy needs a statement; no app has a single grant"
    return changed


#: A place in an app: (the file's name, a line).
Place = Tuple[str, int]


def _app_files(directory: pathlib.Path) -> Set[str]:
    return {path.name for path in directory.glob("*.py")}


def draft_places(text_report: str, directory: pathlib.Path) -> Dict[str, Set[Place]]:
    """``action -> places of the app`` that the text report says need it."""
    files = _app_files(directory)
    places: Dict[str, Set[Place]] = {}
    for match in _USE.finditer(text_report):
        name = pathlib.Path(match["path"]).name
        if name in files:
            places.setdefault(match["action"], set()).add((name, int(match["line"])))
    return places


def presigning_places(text_report: str, directory: pathlib.Path) -> Dict[str, Set[Place]]:
    """``action -> places`` where a URL the draft saw presigned for it is used: the whole
    function that signs it (the request is made where the URL is opened, not signed)."""
    places: Dict[str, Set[Place]] = {}
    for match in _USE.finditer(text_report):
        script = directory / pathlib.Path(match["path"]).name
        if "generate_presigned_url" not in match["call"] or not script.is_file():
            continue
        tree = ast.parse(script.read_text(encoding="utf-8"))
        line = int(match["line"])
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            end = function.end_lineno or function.lineno
            if function.lineno <= line <= end:
                places.setdefault(match["action"], set()).update(
                    (script.name, number) for number in range(function.lineno, end + 1))
    return places


def failing_place(stderr: str, directory: pathlib.Path) -> Optional[Place]:
    """The traceback's innermost frame in the app's own files."""
    files = _app_files(directory)
    places = [(pathlib.Path(m["path"]).name, int(m["line"])) for m in _FRAME.finditer(stderr)
              if pathlib.Path(m["path"]).name in files]
    return places[-1] if places else None


def denials(server_log: str) -> List[Tuple[str, str]]:
    """``(action, resource)`` pairs moto refused (written by ``moto_iam_server.py``)."""
    return re.findall(r"^policy-e2e: denied (\S+) on (\S+)$", server_log, re.MULTILINE)


def iam_match(pattern: str, arn: str) -> bool:
    """IAM's wildcard match of a policy resource against a request's ARN."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn, re.DOTALL) is not None


def narrowed(document: Document, action: str, resource: str) -> Document:
    """``document`` with ``action``'s grant on ``*`` narrowed to ``resource`` by hand, as the
    draft's warning asks a reviewer to (the statement's other actions keep ``*``)."""
    changed = without(document, action)
    changed["Statement"].append({"Sid": "Narrowed", "Effect": "Allow", "Action": [action],
                                 "Resource": resource})
    return changed
