"""Write the rule pages, ``docs/rules/CRDnnn.md`` and their index ``docs/rules/README.md``,
from the rule catalog (``lint_creds/rules.py``, the only place a rule's text lives).

Usage (from anywhere)::

    python scripts/generate_rule_pages.py          # rewrite the pages
    python scripts/generate_rule_pages.py --check  # exit 1 and name the stale pages

A page is exactly what ``lint-creds rule CODE`` prints (``Rule.doc()``); the index is the
README's rule table with each code linked to its page. ``tests/test_rule_pages.py`` fails
when a page is out of date. SARIF's ``helpUri`` and the JUnit report link to these pages.
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys
from typing import Dict, List, Optional, Sequence

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's catalog, even when another copy is installed

from lint_creds.rules import RULES, rule_table_markdown  # noqa: E402

PAGES = ROOT / "docs" / "rules"
INDEX = "README.md"
#: A rule page's file name; only these (and the index) are the script's to remove.
_PAGE_NAME = re.compile(r"[A-Z]+[0-9]+\.md")
_HEADER = """\
# Rules

One page per rule, generated from the catalog (`lint_creds/rules.py`) by
`python scripts/generate_rule_pages.py`; do not edit them by hand. `lint-creds rule CODE`
prints the same text. Each page follows ruff's sections: what it does, why is this bad,
an example and what to use instead, fix safety, options and references.

"""


def index() -> str:
    """The index page: the README's rule table, each code linked to its page."""
    rows = rule_table_markdown().splitlines()
    for number, rule in enumerate(RULES, start=2):  # after the header and its rule
        prefix = f"| {rule.code} |"
        if not rows[number].startswith(prefix):
            raise RuntimeError(f"the rule table changed shape: {rows[number]!r}")
        rows[number] = f"| [{rule.code}]({rule.code}.md) |" + rows[number][len(prefix):]
    return _HEADER + "\n".join(rows) + "\n"


def pages() -> Dict[str, str]:
    """File name -> content of every generated page, the index last."""
    generated = {f"{rule.code}.md": rule.doc() for rule in RULES}
    generated[INDEX] = index()
    return generated


def stale(directory: pathlib.Path = PAGES) -> List[str]:
    """Pages that are missing, differ from the catalog, or have no rule any more."""
    expected = pages()
    wrong = [name for name, text in expected.items()
             if not (directory / name).is_file()
             or (directory / name).read_text(encoding="utf-8") != text]
    extra = [path.name for path in directory.glob("*.md")
             if _PAGE_NAME.fullmatch(path.name) and path.name not in expected]
    return sorted(wrong + extra)


def write(directory: pathlib.Path = PAGES) -> List[str]:
    """Bring the pages up to date; returns the names written or removed."""
    changed = stale(directory)
    directory.mkdir(parents=True, exist_ok=True)
    expected = pages()
    for name in changed:
        path = directory / name
        if name in expected:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:  # 3.9: no newline=
                handle.write(expected[name])
        else:
            path.unlink()
    return changed


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Rewrite the pages, or with ``--check`` only report the stale ones (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a page is out of date")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            sys.stderr.write(f"out of date: docs/rules/{name}\n")
        return 1 if names else 0
    for name in write():
        sys.stdout.write(f"wrote docs/rules/{name}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
