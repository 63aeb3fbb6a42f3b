"""``# noqa`` exactly as flake8 (7.x) reads it, so the CLI and the plugin agree.

- ``# noqa`` anywhere on the line ignores every finding there; ``# noqa: CRD101,CRD2`` (or
  ``# noqa:CRD101 CRD2``) ignores codes equal to or starting with a listed code,
  compared case-sensitively (``# noqa`` itself is case-insensitive);
- the "line" of a finding is its physical line, widened to the whole multi-line string or
  backslash-continued statement it belongs to (flake8's noqa line mapping);
- a line that is only ``# flake8: noqa`` skips the whole file.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Sequence, Tuple

from ..findings import Finding

# Copied from flake8.defaults so the two front ends cannot drift apart in behaviour.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]")


def file_is_ignored(lines: Sequence[str]) -> bool:
    """Does a line consisting of ``# flake8: noqa`` exempt the whole file?"""
    return any(NOQA_FILE.match(line) for line in lines)


def is_ignored(code: str, line: str) -> bool:
    """Does ``line`` carry a ``# noqa`` that covers ``code``?"""
    match = NOQA_INLINE.search(line)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = {c.strip() for c in _SEPARATORS.split(codes_text) if c.strip()}
    return code in codes or code.startswith(tuple(codes))


def filter_findings(findings: Iterable[Finding], text: str) -> Tuple[List[Finding], int]:
    """(kept findings, number suppressed) for the module ``text``."""
    findings = list(findings)
    if not findings or "noqa" not in text.lower():
        return findings, 0
    import io

    # newline="": split at \n, \r\n and \r as Python does, never at form feeds.
    lines = io.StringIO(text, newline="").readlines()
    if file_is_ignored(lines):
        return [], len(findings)
    mapping = _noqa_lines(text, lines)
    kept = [f for f in findings
            if not is_ignored(f.code, mapping.get(f.line, _line(lines, f.line)))]
    return kept, len(findings) - len(kept)


def _line(lines: Sequence[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _noqa_lines(text: str, lines: Sequence[str]) -> Dict[int, str]:
    """flake8's ``_noqa_line_mapping``: line -> the text searched for ``noqa``."""
    import io
    import tokenize

    mapping: Dict[int, str] = {}
    low, high = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            low, high = min(low, token.start[0]), max(high, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[low - 1:high])
                mapping.update(dict.fromkeys(range(low, high + 1), joined))
                low, high = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping
