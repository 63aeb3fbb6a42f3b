"""Source in, yes/no out: can the bytes put s3fs's key, secret or token into a dict?

A "no" must be sure (the screen then skips the file); a "yes" may be wrong. Each yes row is
also checked the other way round: the engine reads a storage_options entry there.
"""
from __future__ import annotations

import pytest

from lint_creds.engine import check_source
from lint_creds.options import Options
from lint_creds.rules import RULES_BY_CODE
from lint_creds.source.storage_options import may_write_an_entry

ALL = Options(select=frozenset(RULES_BY_CODE))
CALL = '\npd.read_csv("s3://b/k.csv", storage_options=opts)\n'

#: Entries the engine reads: the screen must say yes.
ENTRIES = {
    "dict literal": 'opts = {"key": os.environ["K"]}',
    "parenthesised key": 'opts = {("secret"): os.environ["S"]}',
    "key then comment": 'opts = {\n    "token"  # from the vault\n    : os.environ["T"]}',
    "item assignment": 'opts = {}\nopts["key"] = os.environ["K"]',
    "setdefault": 'opts = {}\nopts.setdefault(\n    "secret", os.environ["S"])',
    "update keyword": 'opts = {}\nopts.update(anon=False, key=os.environ["K"])',
    "update dict": 'opts = {}\nopts.update({"token": os.environ["T"]})',
    "dict keyword": 'opts = dict(key=os.environ["K"])',
    "dict keyword after strings": 'opts = dict(endpoint="s3.eu(1)", key=os.environ["K"])',
    "dict keyword after nested calls": ('opts = dict(client_kwargs=dict(region_name=g("x")),\n'
                                        '            secret=os.environ["S"])'),
    "dict keyword after a comment line": ('opts = dict(  # see f(\n    anon=False,\n'
                                          '    token=os.environ["T"])'),
    "dict keyword after a comment": 'opts = dict(anon=False,  # (public?\n  key=os.environ["K"])',
    "dict keyword across a backslash": 'opts = dict \\\n    (key=os.environ["K"])',
    # An f-string's replacement field on a doctest-looking line is code.
    "setdefault in a field": 'opts = {}\nr = f"""\n>>> {opts.setdefault("key", os.environ["K"])}"""',
    "update keyword in a field": 'opts = {}\nr = f"""\n>>> {opts.update(key=os.environ["K"])}"""',
    "dict literal in a field": 'r = f"""\n>>> { (opts := {"key": os.environ["K"]}) }\n"""',
}
#: Look-alikes that build no dict: the screen must say no.
NOT_ENTRIES = {
    "sort key": 'df = df.sort_values(by="a", key=len)',
    "hdf key": 'df.to_hdf("x.h5", key="df", mode=("w"))',
    "column read": 'x = df["key"]',
    "comparison": 'same = d["key"] == other',
    "groupby": 'g = df.groupby("secret")',
    "attribute": 'self.key = load()',
    "default value": 'def load(path, key=None, token=None):\n    return path',
    "commented call": 'labels = sorted(  # type: ignore[arg-type]\n    items, key=lambda x: x[0])',
    # Docstring examples: a doctest prompt starts no line of code.
    "doctest": 'def merge():\n    """\n    >>> left = pd.DataFrame({"key": ["k0"], "b": [1]})\n    """',
    "doctest continuation": '    """\n    >>> pd.DataFrame(\n    ...     {\n    ...         "key": ["k0"]})\n    """',
    "doctest item": '    >>> opts["secret"] = "s"',
    "doctest keyword": '    >>> opts = dict(anon=False, key="k")',
    "doctest setdefault": '    >>> opts.setdefault("token", t)',
    "doctest key on a line of its own": '    ...     "key": ["k0", "k1"],',
}
#: Where a string or comment could hide a bracket, the bytes cannot tell: yes.
UNSURE = {
    "escaped quote": 'x = sorted(("a\\"(", b), key=len)',
    "quote before a comment": 'x = sorted(a,  "#" \n  # (\n  , key=len)',
    "f-string braces": 'x = sorted(f"{y}", key=len)',
    "triple quotes": 'x = sorted("""a(""", key=len)',
    "far away": "x = sorted(" + "a, " * 2000 + "key=len)",
    "a quote before on a doctest line": '>>> x = "a"; opts = {"key": k}',
    "a comment mark before on a doctest line": '>>> x = 1  # a\n"""; opts = {"key": k}',
    "two braces on a doctest line": '>>> {x | {"key": k}}',
    "one brace before a keyword": '>>> {opts.update(key=k)}',
    "ellipsis then code": 'opts = [\n    ..., {"key": k}][1]',
}


@pytest.mark.parametrize("source", ENTRIES.values(), ids=ENTRIES)
def test_entries_are_seen(source: str) -> None:
    module = f"import os\nimport pandas as pd\n{source}{CALL}"
    assert check_source(module, "app.py", ALL), "the engine reads no entry: a wrong row"
    assert may_write_an_entry([(module.lower().encode(), ())])


@pytest.mark.parametrize("source", NOT_ENTRIES.values(), ids=NOT_ENTRIES)
def test_look_alikes_are_not(source: str) -> None:
    assert not may_write_an_entry([(source.lower().encode(), ())])


@pytest.mark.parametrize("source", UNSURE.values(), ids=UNSURE)
def test_what_the_bytes_cannot_tell_counts(source: str) -> None:
    assert may_write_an_entry([(source.lower().encode(), ())])


def test_each_text_is_read_only_until_one_says_yes() -> None:
    read = []

    def texts():
        for text in (b'opts = {"key": k}', b"never read"):
            read.append(text)
            yield text, ()

    assert may_write_an_entry(texts()) and read == [b'opts = {"key": k}']


@pytest.mark.parametrize("edits, counts", [((), False), ((3,), True), ((40,), False), (None, True)],
                         ids=["as written", "edited on the line", "edited on another", "decoded"])
def test_a_doctest_line_holding_an_edit_counts(
        edits: "tuple[int, ...] | None", counts: bool) -> None:
    """A join deleted on the line may have made it (the joined text), and a decoded escape
    anywhere may have: only a line as written is known to be a doctest's."""
    text = b'>>> opts = {"key": k}\n' + b"x = 1\n" * 10
    assert may_write_an_entry([(text, edits)]) == counts
