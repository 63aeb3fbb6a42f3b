"""No key from the fixtures ever appears unmasked in any output: engine messages and
origins, real flake8, and every ``lint-creds check`` report format."""
from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
from typing import List, Set

import pytest

from lint_creds.engine import analyze_source
from lint_creds.patterns import find_key_ids, is_placeholder, looks_real, mask
from lint_creds.report import FORMATS

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))


def fixture_secrets() -> Set[str]:
    """Every key id, secret or token literal in the fixtures (placeholders aside)."""
    secrets: Set[str] = set()
    for path in FIXTURE_FILES:
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if looks_real(node.value, None) and not is_placeholder(node.value):
                    secrets.add(node.value)
                secrets.update(k for k in find_key_ids(node.value) if not is_placeholder(k))
    return secrets


SECRETS = fixture_secrets()


def assert_masked(output: str) -> None:
    leaked = sorted(mask(secret) for secret in SECRETS if secret in output)
    assert leaked == [], f"unmasked keys in output: {leaked}"


def test_the_fixtures_hold_keys_to_leak() -> None:
    assert {"AKIA7KLFYYLBEG3RHDSV", "7PfhIg8Ez9oP0ZV1YgHNMqhQY+CIb27Mxy85v0eq"} <= SECRETS
    assert len(SECRETS) >= 8


def test_masked_keys_are_still_recognisable() -> None:
    assert mask("AKIA7KLFYYLBEG3RHDSV") == "AKIA…HDSV"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_engine_messages_and_origins_are_masked(path: pathlib.Path) -> None:
    analysis = analyze_source(path.read_bytes(), str(path.relative_to(ROOT)))
    shown: List[str] = [f.render() for f in analysis.findings]
    for call in analysis.sink_calls:
        shown += [call.sink, str(call.blocked)]
        shown += [arg.origin.text for arg in call.args if arg.origin is not None]
    assert_masked("\n".join(shown))


def test_flake8_output_is_masked() -> None:
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "CRD", "fixtures/"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "CRD101" in result.stdout and "CRD102" in result.stdout
    assert_masked(result.stdout + result.stderr)


@pytest.mark.parametrize("report_format", sorted(FORMATS))
def test_check_reports_are_masked(report_format: str, tmp_path: pathlib.Path) -> None:
    """Every format (gitlab and junit too), over the fixtures' real key-shaped literals."""
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.lint-creds]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lint_creds", "check", "--config", str(config),
         "--format", report_format, "fixtures/"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "CRD101" in result.stdout
    assert mask("AKIA7KLFYYLBEG3RHDSV") in result.stdout  # the key is reported, masked
    assert_masked(result.stdout + result.stderr)


def test_fix_diff_is_masked() -> None:
    """A diff shows the removed lines for review, with the key material in them masked."""
    result = subprocess.run(
        [sys.executable, "-m", "lint_creds", "fix", "--diff", "--unsafe-fixes", "fixtures/"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 2), result.stderr
    assert "\n-" in result.stdout and "…" in result.stdout  # lines removed, keys masked
    assert_masked(result.stdout + result.stderr)
