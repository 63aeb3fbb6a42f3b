"""The injector itself: every template yields exactly its codes in every host style, and
the injected block is written in the host's indentation, quotes and newlines."""
from __future__ import annotations

import ast
import random
from typing import List

import pytest

from lint_creds.engine import check_source

from .injection import TEMPLATES, Style, Template, detect_style, inject_source

#: Hosts in different styles: (name, source, the style it must be detected as).
HOSTS = [
    pytest.param(b'"""Doc."""\nimport os\n\n\ndef f(a):\n    """Doc."""\n    x = "a"\n'
                 b"    return x\n", Style("    ", '"', "\n"), id="pep8"),
    pytest.param(b"import os\n\ndef f(a):\n\tif a:\n\t\tx = 'a'\n\treturn 'b'\n",
                 Style("\t", "'", "\n"), id="tabs-single-quotes"),
    pytest.param(b"def f(a):\r\n  y = 'q'\r\n  if y:\r\n    return y\r\n",
                 Style("  ", "'", "\r\n"), id="two-spaces-crlf"),
    pytest.param(b"x = 1", Style(), id="one-line-no-final-newline"),
]


@pytest.mark.parametrize(("host", "style"), HOSTS)
def test_style_is_detected(host: bytes, style: Style) -> None:
    assert detect_style(host) == style


def _cases() -> List[object]:
    return [pytest.param(template, host.values[0], placement,
                         id=f"{template.name}-{host.id}-{placement}")
            for template in TEMPLATES for host in HOSTS for placement in ("module", "function")
            if placement == "module" or template.in_function]


@pytest.mark.parametrize(("template", "host", "placement"), _cases())
def test_template_yields_exactly_its_codes(template: Template, host: bytes,
                                           placement: str) -> None:
    placed = inject_source(host, template, random.Random(1), placement)
    if placed is None:
        assert placement == "function" and b"def " not in host
        return
    data, first, last, key_id, secret, style = placed
    findings = check_source(data.decode("ascii"), "host.py")
    assert sorted(f.code for f in findings if first <= f.line <= last) == sorted(template.codes)
    assert [f.render() for f in findings if not first <= f.line <= last] == []
    block = data.decode("ascii").split(style.newline)[first - 1:last]
    assert block[0].strip() and block[-1].strip()  # the recorded range is the block
    text = data.decode("ascii")
    lines = text.split(style.newline)
    base = lines[first - 1][:len(lines[first - 1]) - len(lines[first - 1].lstrip())]
    for node in ast.walk(ast.parse(text)):  # every statement starts at a whole indent
        if isinstance(node, ast.stmt) and first <= node.lineno <= last:
            lead = lines[node.lineno - 1][:node.col_offset][len(base):]
            assert lead == style.indent * (len(lead) // len(style.indent)), (node.lineno, lead)
    other_quote = "'" if style.quote == '"' else '"'
    assert other_quote not in "".join(block)
    assert (data.count(b"\r\n") == data.count(b"\n")) == (style.newline == "\r\n")
