"""Why a file that fails ``ast.parse`` fails: newer Python syntax, or a real mistake?

lint-creds parses with the interpreter it runs under, so a Python 3.12 file (a
``type X = int`` statement, ``def f[T]()``, an f-string that nests its own quotes) is a
syntax error under 3.11. :func:`newer_syntax_reason` tells the two apart so the user reads
"uses Python 3.12 syntax; run lint-creds under Python ≥ 3.12" instead of a bare
"invalid syntax".

It runs only on the error path and only with the standard library (``check`` never loads
libcst): a regular-expression lexer finds the strings and comments (f-strings lexed the way
3.12 does, PEP 701), then each statement's code is matched against the newer constructs.
A construct counts only when the statement or f-string holding it covers the line the
parser stopped at, so an unrelated syntax error elsewhere stays a plain syntax error.
"""
from __future__ import annotations

import keyword
import re
import sys
from typing import List, NamedTuple, Optional, Tuple

Version = Tuple[int, int]

#: A comment, or the start of a string literal (prefix only where no name precedes it).
_START = re.compile(r"""(?P<comment>\#)|(?:(?<!\w)(?P<prefix>[rRbBuUfF]{1,2}))?"""
                    r"""(?P<quote>'''|\"\"\"|'|")""")
#: The rest of a string after its opening quote, as every Python before 3.12 lexes it.
_BODY = {quote: re.compile(pattern, re.S) for quote, pattern in (
    ("'", r"(?:[^'\\\n]|\\.)*'"), ('"', r'(?:[^"\\\n]|\\.)*"'),
    ("'''", r"(?:[^'\\]|\\.|'(?!''))*'''"), ('"""', r'(?:[^"\\]|\\.|"(?!""))*"""'))}

#: (version, what, pattern) matched against one statement's code, strings blanked.
_STATEMENTS = (
    ((3, 11), "except*", re.compile(r"\s*except\s*\*")),
    ((3, 12), "a type statement", re.compile(r"\s*type\s+[^\W\d]\w*\s*[\[=]")),
    ((3, 12), "type parameters", re.compile(r"\s*(?:async\s+)?(?:def|class)\s+[^\W\d]\w*\s*\[")),
    ((3, 11), "a starred annotation",
     re.compile(r"\s*(?:async\s+)?def\b.*\*\s*[^\W\d]\w*\s*:\s*\*(?!\*)")),
)
_MATCH = re.compile(r"(\s*)match\b.*:\s*$")
_CASE = re.compile(r"(\s*)case\b")
_SUBSCRIPT = re.compile(r"(\w+|[)\]])\s*\[")
_STAR_ELEMENT = re.compile(r"[\[,]\s*\*(?!\*)")
_BRACKET = re.compile(r"[\[\](){}]")
_TYPE_PARAMS = re.compile(r"\s*(?:(?:async\s+)?def|class|type)\s+[^\W\d]\w*\s*\[")
_DEFAULT = re.compile(r"(?<![=!<>])=(?!=)")


class NewerSyntax(NamedTuple):
    """A construct of a newer Python than the one running."""

    version: Version
    #: What it is ("type parameters").
    what: str
    line: int

    def reason(self) -> str:
        """The problem as the user reads it."""
        version = f"{self.version[0]}.{self.version[1]}"
        return (f"uses Python {version} syntax ({self.what}, line {self.line}); "
                f"run lint-creds under Python ≥ {version}")


def newer_syntax_reason(text: str, error: SyntaxError) -> Optional[str]:
    """The problem to report when ``error`` comes from syntax newer than this Python's;
    None for a real syntax error."""
    found = newer_syntax(text, error)
    return found.reason() if found is not None else None


def syntax_problem(text: str, error: SyntaxError) -> str:
    """The problem to report for a file ``ast.parse`` refused: newer syntax, or a mistake."""
    newer = newer_syntax_reason(text, error)
    where = f" (line {error.lineno})" if error.lineno else ""
    return newer if newer is not None else f"syntax error: {error.msg}{where}"


def newer_syntax(text: str, error: SyntaxError,
                 running: Version = (sys.version_info[0], sys.version_info[1]),
                 ) -> Optional[NewerSyntax]:
    """The newest construct the file uses beyond ``running``, if one explains ``error``."""
    if not error.lineno:
        return None
    try:
        found = [f for f in _constructs(text) if f[0] > running]
    except (RecursionError, IndexError, ValueError):  # a heuristic never breaks the report
        return None
    if not any(first <= error.lineno <= last for _, _, first, last in found):
        return None
    version, what, line, _ = max(found, key=lambda f: (f[0], -f[2]))
    return NewerSyntax(version, what, line)


Construct = Tuple[Version, str, int, int]  # (version, what, first line, last line)


def _constructs(text: str) -> List[Construct]:
    lexer = _Lexer(text)
    lexer.run()
    return lexer.found + list(_statement_constructs(lexer.code()))


def _old_end(text: str, pos: int, quote: str) -> int:
    """Where a string whose body starts at ``pos`` ends before 3.12; -1: unterminated."""
    match = _BODY[quote].match(text, pos)
    return match.end() if match else -1


class _Lexer:
    """Finds strings and comments; f-strings are lexed as 3.12 does and compared."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: List[Construct] = []
        self.blanked: List[Tuple[int, int]] = []  # spans of strings and comments

    def run(self) -> None:
        text, pos = self.text, 0
        while True:
            match = _START.search(text, pos)
            if match is None:
                return
            if match.group("comment"):
                end = text.find("\n", match.start())
                end = len(text) if end < 0 else end
            else:
                end = self._string(match)
                if end < 0:  # unterminated: what follows cannot be told apart from code
                    return
            self.blanked.append((match.start(), end))
            pos = end

    def _string(self, match: "re.Match[str]") -> int:
        prefix, quote = (match.group("prefix") or "").lower(), match.group("quote")
        if "f" not in prefix:
            return _old_end(self.text, match.end(), quote)
        inside = len(self.found)
        end = self._fstring(match.end(), quote)
        if end < 0:
            return end
        if _old_end(self.text, match.end(), quote) != end:
            spans_lines = len(quote) == 1 and "\n" in self.text[match.end():end]
            self._found((3, 12), "a line break inside a one-line f-string" if spans_lines
                        else "an f-string that reuses its quotes", match.start(), end)
        # An older parser stops anywhere in the f-string: what is inside spans all of it.
        first = self.text.count("\n", 0, match.start()) + 1
        last = first + self.text.count("\n", match.start(), end)
        self.found[inside:] = [(version, what, first, last)
                               for version, what, _, _ in self.found[inside:]]
        return end

    def _fstring(self, pos: int, quote: str, in_spec: bool = False) -> int:
        """After the f-string (or, ``in_spec``, at the ``}`` ending a format spec)."""
        text = self.text
        while pos < len(text):
            if text.startswith(quote, pos):
                return -1 if in_spec else pos + len(quote)
            char = text[pos]
            if char == "\\":  # an escape; "\{" still opens a replacement field
                pos += 1 if text[pos + 1:pos + 2] in ("{", "}") else 2
            elif char == "\n" and len(quote) == 1:
                return -1
            elif char == "{" and not text.startswith("{{", pos):
                pos = self._field(pos + 1, quote)
                if pos < 0:
                    return -1
            elif char == "}" and in_spec:
                return pos
            else:
                pos += 2 if text.startswith(("{{", "}}"), pos) else 1
        return -1

    def _field(self, pos: int, quote: str) -> int:
        """After the ``}`` closing a replacement field that starts at ``pos``."""
        text, depth, start = self.text, 0, pos
        while pos < len(text):
            nested = _START.match(text, pos)
            if nested is not None and nested.group("quote"):
                end = self._string(nested)
                if end < 0:
                    return -1
                if "\\" in text[pos:end]:
                    self._found((3, 12), "a backslash in an f-string expression", pos, end)
                pos = end
                continue
            char = text[pos]
            if char == "#":
                self._found((3, 12), "a comment in an f-string expression", pos, pos)
                pos = text.find("\n", pos)
                if pos < 0:
                    return -1
                continue
            if char == "\\":
                self._found((3, 12), "a backslash in an f-string expression", pos, pos)
            elif char in "([{":
                depth += 1
            elif char in ")]":
                depth = max(depth - 1, 0)
            elif char == "}":
                if depth == 0:
                    return pos + 1
                depth -= 1
            elif char == ":" and depth == 0 and pos > start:
                pos = self._fstring(pos + 1, quote, in_spec=True)
                return pos + 1 if pos >= 0 else -1
            pos += 1
        return -1

    def _found(self, version: Version, what: str, start: int, end: int) -> None:
        first = self.text.count("\n", 0, start) + 1
        self.found.append((version, what, first, first + self.text.count("\n", start, end)))

    def code(self) -> str:
        """The text with every string and comment blanked (newlines kept, so lines hold);
        a string leaves one ``S`` so it still counts as an operand."""
        parts, pos = [], 0
        for start, end in self.blanked:
            parts.append(self.text[pos:start])
            filler = re.sub(r"[^\n]", " ", self.text[start:end])
            parts.append(filler if self.text[start] == "#" else "S" + filler[1:])
            pos = end
        parts.append(self.text[pos:])
        return "".join(parts)


def _statements(code: str) -> List[Tuple[int, int, str]]:
    """``(first line, last line, text)`` of each logical line of blanked code."""
    statements: List[Tuple[int, int, str]] = []
    first, depth, pieces = 1, 0, []
    for number, line in enumerate(code.split("\n"), 1):
        pieces.append(line)
        depth = max(depth + sum(map(line.count, "([{")) - sum(map(line.count, ")]}")), 0)
        if depth == 0 and not line.rstrip().endswith("\\"):
            statements.append((first, number, " ".join(p.rstrip("\\") for p in pieces)))
            first, pieces = number + 1, []
    return statements


def _statement_constructs(code: str) -> List[Construct]:
    found: List[Construct] = []
    statements = [s for s in _statements(code) if s[2].strip()]
    for index, (first, last, text) in enumerate(statements):
        for version, what, pattern in _STATEMENTS:
            if pattern.match(text):
                found.append((version, what, first, last))
        params = _TYPE_PARAMS.match(text)
        if params and _DEFAULT.search(text[params.end():_closing(text, params.end() - 1)]):
            found.append(((3, 13), "a type parameter default", first, last))
        if _starred_subscript(text):
            found.append(((3, 11), "a starred subscript", first, last))
        match = _MATCH.match(text)
        following = statements[index + 1][2] if index + 1 < len(statements) else ""
        case = _CASE.match(following)
        if match and case and len(case.group(1)) > len(match.group(1)):
            found.append(((3, 10), "a match statement", first, last))
    return found


def _closing(text: str, opening: int) -> int:
    """The index of the bracket closing the one at ``opening`` (the end when unclosed)."""
    depth = 0
    for bracket in _BRACKET.finditer(text, opening):
        depth += 1 if bracket.group() in "([{" else -1
        if depth == 0:
            return bracket.start()
    return len(text)


def _starred_subscript(text: str) -> bool:
    """``a[*b]``, ``tuple[int, *Ts]``: a subscript with a starred element (3.11)."""
    if not _STAR_ELEMENT.search(text):
        return False
    for match in _SUBSCRIPT.finditer(text):
        if keyword.iskeyword(match.group(1)):  # ``in [*a]`` is a list display
            continue
        start = match.end()
        inner = text[start:_closing(text, start - 1)]
        if "*" not in inner:
            continue
        depth, element = 0, ""
        for char in inner + ",":
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            if char == "," and depth == 0:
                stripped = element.strip()
                if stripped.startswith("*") and not stripped.startswith("**"):
                    return True
                element = ""
            else:
                element += char
    return False
