"""``[tool.lint-creds]``: discovery, validation, selection, flags over the file."""
from __future__ import annotations

import os
import pathlib

import pytest
from test_check_cli import HARD_CODED, run_cli, write

from lint_creds.cli.config import ConfigError, find_config, load_settings, select_codes
from lint_creds.source.files import DEFAULT_EXCLUDES
from lint_creds.rules import DEFAULT_SELECT, RULES_BY_CODE

REPO = pathlib.Path(__file__).resolve().parent.parent


def project(tmp_path: pathlib.Path, table: str) -> pathlib.Path:
    write(tmp_path, "pyproject.toml", f"[project]\nname = 'x'\n\n[tool.lint-creds]\n{table}\n")
    return tmp_path


def test_found_by_walking_up_from_the_paths(tmp_path: pathlib.Path) -> None:
    project(tmp_path, 'extend-exclude = ["gen"]')
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    write(nested, "pyproject.toml", "[tool.black]\nline-length = 99\n")  # no section: skipped
    assert find_config([str(nested)]) == str(tmp_path / "pyproject.toml")
    settings = load_settings([str(nested / "a.py")])
    assert settings.root == str(tmp_path)
    assert settings.excludes == (*DEFAULT_EXCLUDES, "gen")


def test_no_config_means_defaults(tmp_path: pathlib.Path) -> None:
    settings = load_settings([str(tmp_path)])
    assert settings.config_path is None
    assert settings.options.select == frozenset(DEFAULT_SELECT)
    assert settings.excludes == DEFAULT_EXCLUDES
    assert settings.baseline is None


def test_every_key(tmp_path: pathlib.Path) -> None:
    project(tmp_path, "\n".join([
        'select = ["CRD1", "CRD201"]',
        'extend-select = ["CRD302"]',
        'ignore = ["CRD102"]',
        'exclude = ["vendor"]',
        'extend-exclude = ["gen/*.py"]',
        'allow-values = ["local-dev-key"]',
        'settings-objects = ["cfg"]',
        'extra-sinks = ["myapp.aws.make_client"]',
        'baseline = "ci/lint-creds-baseline.json"',
        "check-custom-endpoints = true",
    ]))
    settings = load_settings([str(tmp_path)])
    options = settings.options
    assert options.select == frozenset({"CRD101", "CRD201", "CRD302"})
    assert options.allow_values == ("local-dev-key",)
    assert options.settings_objects == ("cfg",)
    assert options.extra_sinks == ("myapp.aws.make_client",)
    assert options.check_custom_endpoints is True
    assert settings.excludes == ("vendor", "gen/*.py")
    assert settings.baseline == str(tmp_path / "ci" / "lint-creds-baseline.json")


def test_flags_override_the_file(tmp_path: pathlib.Path) -> None:
    project(tmp_path, 'select = ["CRD2"]\nallow-values = ["a"]')
    settings = load_settings([str(tmp_path)], {"select": "CRD101,CRD3", "allow-values": None,
                                               "baseline": "b.json"})
    assert settings.options.select == frozenset({"CRD101", "CRD301", "CRD302"})
    assert settings.options.allow_values == ("a",)
    assert settings.baseline == os.path.abspath("b.json")  # flags are relative to the cwd


@pytest.mark.parametrize("select, extend, ignore, expected", [
    pytest.param(None, (), (), set(DEFAULT_SELECT), id="defaults"),
    pytest.param(["ALL"], (), (), set(RULES_BY_CODE), id="all"),
    pytest.param(["CRD"], (), ["CRD2"], {"CRD101", "CRD102", "CRD301", "CRD302"}, id="prefix"),
    pytest.param(None, ["CRD302"], ["CRD101"], set(DEFAULT_SELECT) - {"CRD101"} | {"CRD302"},
                 id="extend-and-ignore"),
])
def test_selection(select, extend, ignore, expected) -> None:
    assert select_codes(select, extend, ignore) == frozenset(expected)


@pytest.mark.parametrize("table, message", [
    pytest.param('selct = ["CRD1"]', "unknown key `selct` (did you mean `select`?)", id="typo"),
    pytest.param('extend_exclude = ["x"]', "unknown key `extend_exclude` (did you mean "
                 "`extend-exclude`?)", id="underscore"),
    pytest.param('frobnicate = 1', "unknown key `frobnicate`; known keys: select", id="unknown"),
    pytest.param('select = "CRD101"', None, id="string-is-a-list-of-one"),
    pytest.param('select = ["CRD999"]', "`select` has unknown rule code or prefix 'CRD999'",
                 id="bad-code"),
    pytest.param('ignore = [1]', "`ignore` must be a list of strings, got [1]", id="not-strings"),
    pytest.param('check-custom-endpoints = "yes"',
                 "`check-custom-endpoints` must be true or false, got 'yes'", id="not-bool"),
    pytest.param('baseline = ""', "`baseline` must be a non-empty string", id="empty-baseline"),
])
def test_bad_configuration_names_the_key(tmp_path: pathlib.Path, table: str,
                                         message: str) -> None:
    project(tmp_path, table)
    if message is None:
        load_settings([str(tmp_path)])
        return
    with pytest.raises(ConfigError) as error:
        load_settings([str(tmp_path)])
    assert str(error.value).startswith(f"{tmp_path / 'pyproject.toml'}: [tool.lint-creds] ")
    assert message in str(error.value)


def test_bad_configuration_exits_2_from_the_cli(tmp_path: pathlib.Path) -> None:
    project(tmp_path, 'selct = ["CRD1"]')
    write(tmp_path, "app.py", HARD_CODED)
    out = run_cli("check", ".", cwd=tmp_path, check_code=2)
    assert out.stdout == ""
    assert "unknown key `selct` (did you mean `select`?)" in out.stderr
    assert str(tmp_path / "pyproject.toml") in out.stderr


def test_bad_flag_value_exits_2(tmp_path: pathlib.Path) -> None:
    out = run_cli("check", "--select", "CRD9", ".", cwd=tmp_path, check_code=2)
    assert ("lint-creds: error: command line: `select` has unknown rule code or prefix 'CRD9'"
            in out.stderr)


def test_invalid_toml_exits_2(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.lint-creds\nselect = [\n")
    out = run_cli("check", ".", cwd=tmp_path, check_code=2)
    assert "cannot read configuration" in out.stderr


def test_config_flag_points_at_a_file(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "conf/custom.toml", '[tool.lint-creds]\nignore = ["CRD101"]\n')
    write(tmp_path, "app.py", HARD_CODED)
    run_cli("check", "--config", "conf/custom.toml", "app.py", cwd=tmp_path, check_code=0)
    missing = run_cli("check", "--config", "nope.toml", cwd=tmp_path, check_code=2)
    assert "nope.toml: configuration file not found" in missing.stderr


def test_settings_change_what_is_reported(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "app.py", HARD_CODED)
    run_cli("check", "app.py", cwd=tmp_path, check_code=1)
    project(tmp_path, f'allow-values = ["{HARD_CODED.split(chr(34))[3]}"]')
    run_cli("check", "app.py", cwd=tmp_path, check_code=0)
    run_cli("check", "--ignore", "CRD1", "app.py", check_code=0, cwd=tmp_path)


def test_repository_config_is_valid_and_excludes_its_fixtures() -> None:
    settings = load_settings([str(REPO)])
    assert settings.config_path == str(REPO / "pyproject.toml")
    assert {"fixtures", "tests"} <= set(settings.excludes)
    out = run_cli("check", cwd=REPO, check_code=0)  # the project passes its own gate
    assert out.stdout.startswith("No findings")
