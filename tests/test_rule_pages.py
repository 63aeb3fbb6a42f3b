"""The rule pages (``docs/rules/``) are the catalog's text, current, and linked from the
project's metadata and reports; the project's home is the same everywhere."""
from __future__ import annotations

import importlib.util
import pathlib
import re
import shutil
import subprocess
import sys
from types import ModuleType

import pytest
from test_check_cli import run_cli

from lint_creds.report import PROJECT_URL, rule_url
from lint_creds.rules import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.9/3.10 runs
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "rules"
SCRIPT = ROOT / "scripts" / "generate_rule_pages.py"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "Use instead:",
            "## Fix safety", "## Options", "## References")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_rule_pages", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _script()


def test_the_pages_are_current() -> None:
    """Run ``python scripts/generate_rule_pages.py`` when this fails."""
    assert GENERATOR.stale() == []
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_a_page_is_what_lint_creds_rule_prints(rule) -> None:
    page = (PAGES / f"{rule.code}.md").read_text(encoding="utf-8")
    assert run_cli("rule", rule.code, check_code=0).stdout == page == rule.doc()
    headings = [line for line in page.splitlines() if line in SECTIONS]
    assert headings == [s for s in SECTIONS if s != "## Options" or rule.options]  # in order


def test_the_index_links_every_page_and_only_pages() -> None:
    index = (PAGES / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\| \[(CRD\d+)\]\((CRD\d+)\.md\) \| ([a-z-]+) \|", index)
    assert linked == [(r.code, r.code, r.name) for r in RULES]
    assert sorted(p.name for p in PAGES.iterdir()) == sorted(
        ["README.md", *(f"{r.code}.md" for r in RULES)])


def test_the_generator_repairs_stale_missing_and_orphaned_pages(tmp_path: pathlib.Path) -> None:
    pages = tmp_path / "rules"
    shutil.copytree(PAGES, pages)
    (pages / "CRD101.md").write_text("# edited by hand\n", encoding="utf-8")
    (pages / "CRD302.md").unlink()
    (pages / "CRD999.md").write_text("# a rule that is gone\n", encoding="utf-8")
    (pages / "notes.md").write_text("not a rule page\n", encoding="utf-8")
    assert GENERATOR.stale(pages) == ["CRD101.md", "CRD302.md", "CRD999.md"]
    assert GENERATOR.write(pages) == ["CRD101.md", "CRD302.md", "CRD999.md"]
    assert GENERATOR.stale(pages) == []
    assert (pages / "CRD101.md").read_text(encoding="utf-8") == RULES[0].doc()
    assert (pages / "notes.md").is_file() and not (pages / "CRD999.md").exists()


def test_the_project_home_is_one_address() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {"Homepage": PROJECT_URL, "Repository": PROJECT_URL,
                    "Documentation": f"{PROJECT_URL}/tree/main/docs",
                    "Issues": f"{PROJECT_URL}/issues"}
    assert rule_url("CRD201") == f"{PROJECT_URL}/blob/main/docs/rules/CRD201.md"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"  - repo: {PROJECT_URL}\n" in readme
    assert "(docs/rules/README.md)" in readme
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        assert "OWNER" not in path.read_text(encoding="utf-8"), path
