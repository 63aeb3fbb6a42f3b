"""The GitHub Action (``action.yml``): its steps run here as the runner runs a composite
action's steps: ``${{ ... }}`` expressions substituted, each ``run:`` in ``bash --noprofile
--norc -eo pipefail`` in the workspace, with ``GITHUB_WORKSPACE``, ``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, ``GITHUB_ACTION_PATH`` and ``RUNNER_TEMP``, a failed step skipping
the rest.

Covered: the action's metadata, both steps' scripts and the real console script on
checkouts with and without findings, annotations (masked), outputs, the job summary, SARIF,
and the install step for real once (``pip install`` of a copy of this checkout into a fresh
virtualenv, offline: ``--no-deps --no-build-isolation --no-index``, the dependencies and the
build backend borrowed from the test environment). Not covered: the hosted runner itself and
``pip install lint-creds==X`` from PyPI (only its failure path, offline).
"""
from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
from typing import Dict, NamedTuple, Optional

import pytest
import yaml

from lint_creds import __version__

ROOT = pathlib.Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SECRET = "2al0xgvakmkPbKOeCRIfvMT96MF33WYcwaJKOlcJ"
KEY_ID = "AKIA4CAIPE5FRAEBJ2M4"
UPLOAD = f'''import os

import boto3

s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}",
                  aws_secret_access_key="{SECRET}")
sqs = boto3.client("sqs", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                   aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
'''
CLEAN = 'import boto3\n\ns3 = boto3.client("s3")\n'
ANNOTATIONS = (
    "::error file=app/upload.py,line=5,col=25,endLine=5,endColumn=65,title=CRD101 "
    "hard-coded-credential-argument::hard-coded AWS access key id 'AKIA…J2M4' passed to "
    "boto3.client; remove it and use the default credential chain\n"
    "::error file=app/upload.py,line=6,col=19,endLine=6,endColumn=83,title=CRD101 "
    "hard-coded-credential-argument::hard-coded AWS secret access key '2al0…OlcJ' passed to "
    "boto3.client; remove it and use the default credential chain\n"
    "::error file=app/upload.py,line=7,col=27,endLine=7,endColumn=76,title=CRD201 "
    "env-credential-argument::AWS access key id read from the environment is passed to "
    'boto3.client (from os.environ["AWS_ACCESS_KEY_ID"], line 7); boto3 reads the '
    "environment itself, remove it\n"
    "::error file=app/upload.py,line=8,col=20,endLine=8,endColumn=77,title=CRD201 "
    "env-credential-argument::AWS secret access key read from the environment is passed to "
    'boto3.client (from os.environ["AWS_SECRET_ACCESS_KEY"], line 8); boto3 reads the '
    "environment itself, remove it\n")
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


class Step(NamedTuple):
    id: str
    returncode: Optional[int]  # None: skipped after an earlier failure
    stdout: str = ""
    stderr: str = ""
    outputs: Dict[str, str] = {}
    summary: str = ""


class ActionRun(NamedTuple):
    steps: Dict[str, Step]
    outputs: Dict[str, str]

    def everything(self) -> str:
        """All text the run showed or wrote, to prove no key leaks into any of it."""
        return "".join(s.stdout + s.stderr + s.summary + json.dumps(s.outputs)
                       for s in self.steps.values()) + json.dumps(self.outputs)


def load_action() -> dict:
    with open(ACTION, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _substitute(text: str, context: Dict[str, str]) -> str:
    def value(match: "re.Match[str]") -> str:
        name = match.group(1)
        assert name in context or name.startswith("steps."), f"unsupported expression {name}"
        return context.get(name, "")  # an output a step did not set is empty

    return _EXPRESSION.sub(value, text)


def _outputs(path: pathlib.Path) -> Dict[str, str]:
    """``$GITHUB_OUTPUT`` as the runner reads it: ``name=value`` and ``name<<EOF`` blocks."""
    found: Dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            found[name] = "\n".join(block)
        elif line:
            name, _, value = line.partition("=")
            found[name] = value
    return found


def run_action(workspace: pathlib.Path, inputs: Dict[str, str],
               action_path: pathlib.Path = ROOT) -> ActionRun:
    """Run the composite action's steps with ``with: inputs``, as the runner would."""
    action = load_action()
    declared = action["inputs"]
    assert set(inputs) <= set(declared), set(inputs) - set(declared)
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    context = {f"inputs.{name}": str(inputs.get(name, spec.get("default", "")))
               for name, spec in declared.items()}
    context.update({"github.action_path": str(action_path),
                    "github.workspace": str(workspace), "runner.temp": str(temp)})
    steps: Dict[str, Step] = {}
    failed = False
    for index, step in enumerate(action["runs"]["steps"]):
        ident = step.get("id", f"step{index}")
        if failed:
            steps[ident] = Step(ident, None)
            continue
        assert step["shell"] == "bash"
        output, summary = temp / f"output-{index}", temp / f"summary-{index}"
        output.write_text("")
        summary.write_text("")
        script = temp / f"step-{index}.sh"
        script.write_text(_substitute(step["run"], context))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(temp),
               "LANG": "C.UTF-8", "GITHUB_ACTIONS": "true", "CI": "true",
               "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(action_path),
               "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
               "RUNNER_TEMP": str(temp)}
        env.update({name: _substitute(str(value), context)
                    for name, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=env, capture_output=True, timeout=600)
        outputs = _outputs(output)
        context.update({f"steps.{ident}.outputs.{k}": v for k, v in outputs.items()})
        steps[ident] = Step(ident, done.returncode, done.stdout.decode(), done.stderr.decode(),
                            outputs, summary.read_text(encoding="utf-8"))
        failed = done.returncode != 0
    action_outputs = {name: _substitute(spec["value"], context)
                      for name, spec in action["outputs"].items()}
    return ActionRun(steps, action_outputs)


def checkout(root: pathlib.Path, files: Dict[str, str]) -> pathlib.Path:
    workspace = root / "workspace"
    (workspace / ".git").mkdir(parents=True)
    for name, text in files.items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text, encoding="utf-8")
    return workspace


def _installed(python: str) -> str:
    return (f"lint-creds {__version__} is already installed for {python}; not installing\n"
            f"lint-creds {__version__}\n")


def test_the_metadata_is_what_the_readme_documents() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    assert {name: spec.get("default") for name, spec in action["inputs"].items()} == {
        "paths": ".", "args": "", "version": "", "sarif": "false",
        "sarif-file": "lint-creds.sarif", "python": "python3", "pip-args": ""}
    assert set(action["outputs"]) == {"sarif-file", "findings", "version"}
    for step in action["runs"]["steps"]:
        # Inputs reach the scripts as environment variables only: nothing to inject.
        assert "${{" not in step["run"], step["run"]
        assert step["shell"] == "bash"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in action["inputs"]:
        assert f"`{name}`" in readme, name


def test_findings_fail_the_check_with_masked_annotations(tmp_path: pathlib.Path) -> None:
    workspace = checkout(tmp_path, {"app/upload.py": UPLOAD, "app/clean.py": CLEAN})
    run = run_action(workspace, {"paths": "app", "python": sys.executable})
    install, check = run.steps["install"], run.steps["check"]
    assert install.returncode == 0, install.stderr
    assert install.stdout == _installed(sys.executable)
    assert install.outputs == {"python": sys.executable, "version": __version__}
    assert check.returncode == 1, check.stderr
    assert check.stdout == ("+ lint-creds check --format github app\n" + ANNOTATIONS
                            + "Found 4 findings in 1 file (2 files checked).\n")
    assert check.outputs == {"findings": "4"}
    assert check.summary == (
        "## lint-creds\n\nFound 4 findings in 1 file (2 files checked).\n\n"
        "| rule | name | findings |\n|---|---|---:|\n"
        "| CRD101 | hard-coded-credential-argument | 2 |\n"
        "| CRD201 | env-credential-argument | 2 |\n"
        "| **total** | | **4** |\n\n"
        "Each finding is annotated on its line; `lint-creds fix` rewrites the safe ones onto "
        "the default credential chain.\n")
    assert run.outputs == {"sarif-file": "", "findings": "4", "version": __version__}
    assert SECRET not in run.everything() and KEY_ID not in run.everything()


def test_a_clean_checkout_passes(tmp_path: pathlib.Path) -> None:
    workspace = checkout(tmp_path, {"app/clean.py": CLEAN})
    run = run_action(workspace, {"python": sys.executable})
    check = run.steps["check"]
    assert check.returncode == 0, check.stderr
    assert check.stdout == "+ lint-creds check --format github .\nNo findings (1 file checked).\n"
    assert check.summary == "## lint-creds\n\nNo findings (1 file checked).\n"
    assert run.outputs["findings"] == "0"


def test_sarif_for_code_scanning(tmp_path: pathlib.Path) -> None:
    workspace = checkout(tmp_path, {"app/upload.py": UPLOAD})
    run = run_action(workspace, {"python": sys.executable, "sarif": "true"})
    check = run.steps["check"]
    assert check.returncode == 1, check.stderr
    assert run.outputs["sarif-file"] == "lint-creds.sarif"
    assert check.summary.endswith("\nSARIF report: `lint-creds.sarif`.\n")
    text = (workspace / "lint-creds.sarif").read_text(encoding="utf-8")
    assert SECRET not in text and KEY_ID not in text
    report = json.loads(text)
    assert report["version"] == "2.1.0"
    results = report["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in results] == [("CRD101", 5, "app/upload.py"), ("CRD101", 6, "app/upload.py"),
                                  ("CRD201", 7, "app/upload.py"), ("CRD201", 8, "app/upload.py")]


def test_arguments_and_quoted_paths(tmp_path: pathlib.Path) -> None:
    workspace = checkout(tmp_path, {"my app/upload.py": UPLOAD, "other/upload.py": UPLOAD})
    run = run_action(workspace, {"python": sys.executable, "paths": "'my app'",
                                 "args": "--select CRD2 --exit-zero"})
    check = run.steps["check"]
    assert check.returncode == 0, check.stderr  # --exit-zero: annotated, not failed
    lines = check.stdout.splitlines()
    assert lines[0] == "+ lint-creds check --format github --select CRD2 --exit-zero 'my app'"
    assert [line.split(",title=")[1].split("::")[0] for line in lines[1:-1]] == [
        "CRD201 env-credential-argument"] * 2
    assert all(line.startswith("::error file=my app/upload.py,") for line in lines[1:-1])
    assert lines[-1] == "Found 2 findings in 1 file (1 file checked)."
    assert run.outputs["findings"] == "2"


def test_an_unreadable_file_is_an_error_with_its_reason(tmp_path: pathlib.Path) -> None:
    workspace = checkout(tmp_path, {"app/broken.py": "import boto3\nboto3.client(\n"})
    run = run_action(workspace, {"python": sys.executable})
    check = run.steps["check"]
    assert check.returncode == 2
    assert check.stdout.splitlines()[1].startswith(
        "::error file=app/broken.py,title=lint-creds could not analyse this file::syntax error")
    assert check.summary.endswith(
        "could not be analysed).\n\n1 file could not be analysed (annotated with the reason).\n")


def test_a_version_that_cannot_be_installed_stops_the_action(tmp_path: pathlib.Path) -> None:
    """``version`` asks pip for that release (offline here: no index, nothing found); the
    failure is annotated and the check is skipped."""
    workspace = checkout(tmp_path, {"app/clean.py": CLEAN})
    run = run_action(workspace, {"python": sys.executable, "version": "0.0.0",
                                 "pip-args": "--isolated --no-index"})
    install = run.steps["install"]
    assert install.returncode == 1
    assert install.stdout == (
        f"+ {sys.executable} -m pip install --disable-pip-version-check --isolated --no-index "
        "lint-creds==0.0.0\n"
        "::error title=lint-creds::could not install lint-creds==0.0.0 (pip exited with 1)\n")
    assert "No matching distribution found for lint-creds==0.0.0" in install.stderr
    assert run.steps["check"].returncode is None


def _build_backend_missing() -> Optional[str]:
    """Why this environment cannot build lint-creds offline (None when it can)."""
    spec = importlib.util.find_spec("setuptools")
    if spec is None:
        return "setuptools is not installed in the test environment"
    import setuptools

    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2])
    if version < (64, 0):
        return f"setuptools {setuptools.__version__} is older than the 64 pyproject.toml needs"
    if version < (70, 1) and importlib.util.find_spec("wheel") is None:
        return f"setuptools {setuptools.__version__} needs the wheel package to build"
    return None


def _copy_of_the_action(destination: pathlib.Path) -> pathlib.Path:
    """What the runner checks out for ``uses: OWNER/lint-creds@REF``, as far as installing
    from it goes (a copy: building writes into the source tree)."""
    for name in ("action.yml", "pyproject.toml", "README.md", ".github/actions"):
        source = ROOT / name
        target = destination / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    shutil.copytree(ROOT / "lint_creds", destination / "lint_creds",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def test_the_install_step_installs_the_actions_own_checkout(tmp_path: pathlib.Path) -> None:
    """With no ``version``, the install step pip-installs the action's checkout; the check
    then runs that copy. A fresh virtualenv whose only borrowed paths are the test
    environment's site-packages (dependencies, pip, the build backend)."""
    missing = _build_backend_missing()
    if missing:
        pytest.skip(f"cannot build lint-creds offline: {missing}")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    python = str(venv / "bin" / "python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True)
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    pathlib.Path(purelib.stdout.strip(), "test-environment.pth").write_text(
        "\n".join(sorted(borrowed)) + "\n")
    action_path = _copy_of_the_action(tmp_path / "action")
    workspace = checkout(tmp_path, {"app/upload.py": UPLOAD})
    run = run_action(workspace, {"python": python, "paths": "app",
                                 "pip-args": "--no-deps --no-build-isolation --no-index "
                                             "--isolated"}, action_path)
    install, check = run.steps["install"], run.steps["check"]
    assert install.returncode == 0, install.stdout + install.stderr
    assert install.stdout.startswith(
        f"+ {python} -m pip install --disable-pip-version-check --no-deps "
        f"--no-build-isolation --no-index --isolated {action_path}\n")
    assert install.stdout.endswith(f"lint-creds {__version__}\n")
    assert install.outputs == {"python": python, "version": __version__}
    where = subprocess.run([python, "-c", "import lint_creds; print(lint_creds.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where  # the installed copy, not this checkout
    assert check.returncode == 1, check.stderr
    assert check.stdout == ("+ lint-creds check --format github app\n" + ANNOTATIONS
                            + "Found 4 findings in 1 file (1 file checked).\n")
    again = run_action(workspace, {"python": python, "paths": "app"}, action_path)
    assert again.steps["install"].stdout == _installed(python)  # installed: not again
