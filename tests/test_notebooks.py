"""Jupyter notebooks: code cells joined, magics blanked, findings reported as cell N, line M."""
from __future__ import annotations

import json
import pathlib
from typing import List

import pytest
from test_check_cli import KEY_ID, run_cli, write

from lint_creds.source.files import FileProblem
from lint_creds.source.notebooks import load_notebook


def notebook(*cells: List[str], language: str = "python") -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"language": language, "name": "k"},
                     "language_info": {"name": language}},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": lines} if lines and lines[0] != "MD" else
                  {"cell_type": "markdown", "metadata": {}, "source": lines[1:]}
                  for lines in cells],
    }, indent=1)


def test_key_in_one_cell_used_in_a_later_cell(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "nb.ipynb", notebook(
        ["MD", "# Setup"],
        ["%matplotlib inline\n", "import boto3\n", f"KEY = '{KEY_ID}'  # noqa: CRD102"],
        ["!pip install s3fs\n", "s3 = boto3.client(\n", "    's3',\n",
         "    aws_access_key_id=KEY)\n", "files = !ls\n", "t = %timeit -o f()\n", "len?"],
    ))
    out = run_cli("check", "nb.ipynb", cwd=tmp_path, check_code=1)
    assert out.stdout == (
        "nb.ipynb:cell 3, line 4, col 5: CRD101 hard-coded AWS access key id 'AKIA…W5FG' "
        "passed to boto3.client (through KEY, cell 2, line 3); remove it and use the default "
        "credential chain\n"
        "CRD101 (hard-coded-credential-argument): 1\n"
        "Found 1 finding in 1 file (1 file checked, 1 suppressed by noqa).\n")


def test_a_broken_cell_is_reported_and_the_others_checked(tmp_path: pathlib.Path) -> None:
    write(tmp_path, "nb.ipynb", notebook(
        ["import boto3\n", f"c = boto3.client('s3', aws_access_key_id='{KEY_ID}')"],
        ["files = !ls\n", "def broken(:\n"],
    ))
    out = run_cli("check", "nb.ipynb", cwd=tmp_path, check_code=2)
    assert out.stdout.splitlines() == [
        "nb.ipynb:cell 1, line 2, col 24: CRD101 hard-coded AWS access key id 'AKIA…W5FG' "
        "passed to boto3.client; remove it and use the default credential chain",
        "nb.ipynb: error: cell 2: syntax error: invalid syntax (line 2)",  # line 1 is a magic
        "CRD101 (hard-coded-credential-argument): 1",
        "Found 1 finding in 1 file (1 file checked, 1 could not be analysed).",
    ]


def test_cell_magics_and_other_languages_are_skipped(tmp_path: pathlib.Path) -> None:
    key_cell = ["import boto3\n", f"c = boto3.client('s3', aws_access_key_id='{KEY_ID}')"]
    write(tmp_path, "bash.ipynb", notebook(["%%bash\n", *key_cell]))
    write(tmp_path, "r.ipynb", notebook(key_cell, language="R"))
    write(tmp_path, "timed.ipynb", notebook(["%%time\n", *key_cell]))
    out = run_cli("check", ".", cwd=tmp_path, check_code=1)
    assert [line.split(":")[0] for line in out.stdout.splitlines()[:-2]] == ["timed.ipynb"]


@pytest.mark.parametrize("content, reason", [
    pytest.param(b"not json", "not a valid notebook: not JSON", id="not-json"),
    pytest.param(b"[1, 2]", "not a valid notebook: no list of cells", id="not-a-notebook"),
    pytest.param(b'{"cells": [{"cell_type": "code", "source": 3}]}',
                 "not a valid notebook: cell 1 has no source text", id="bad-source"),
    pytest.param(b"\xff\xfe{}", "not a valid notebook: not JSON", id="not-utf8"),
])
def test_invalid_notebooks(content: bytes, reason: str) -> None:
    with pytest.raises(FileProblem) as error:
        load_notebook(content, "x.ipynb")
    assert error.value.reason.startswith(reason)


def test_source_as_a_string_and_line_map() -> None:
    loaded = load_notebook(json.dumps({"cells": [
        {"cell_type": "code", "source": "a = 1\nb = 2"},
        {"cell_type": "raw", "source": "ignored"},
        {"cell_type": "code", "source": ["c = 3"]},
    ]}).encode(), "x.ipynb")
    assert loaded.source == "a = 1\nb = 2\nc = 3\n"
    assert [loaded.locate(n) for n in (1, 2, 3)] == [(1, 1), (1, 2), (3, 1)]


def test_fix_rewrites_code_cells_in_place(tmp_path: pathlib.Path) -> None:
    """A key set in one cell and passed in the next: both go; magics, outputs, metadata,
    cell ids, non-ASCII text and the JSON layout stay byte for byte."""
    content = notebook(
        ["MD", "# Setup ✓"],
        ["%matplotlib inline\n", "import boto3\n", f"KEY = '{KEY_ID}'\n",
         "SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzRealKey90'"],
        ["!pip install s3fs\n", "s3 = boto3.client('s3', aws_access_key_id=KEY, "
         "aws_secret_access_key=SECRET)\n", "print('é')"])
    document = json.loads(content)
    document["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout",
                                        "text": ["ok\n"]}]
    document["cells"][1]["id"] = "cell-b"
    content = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    write(tmp_path, "nb.ipynb", content)
    out = run_cli("check", "--format", "json", "nb.ipynb", cwd=tmp_path, check_code=1)
    assert {f["fix"] for f in json.loads(out.stdout)["findings"]} == {"none", "unsafe"}
    run_cli("fix", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    fixed = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    document["cells"][1]["source"] = ["%matplotlib inline\n", "import boto3"]
    document["cells"][2]["source"] = ["!pip install s3fs\n", "s3 = boto3.client('s3')\n",
                                      "print('é')"]
    assert fixed == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    assert run_cli("check", "nb.ipynb", cwd=tmp_path).returncode == 0


def test_a_notebook_not_laid_out_as_jupyter_writes_it_is_left_alone(
        tmp_path: pathlib.Path) -> None:
    """Compact JSON cannot be written back unchanged around the fix: no finding claims a
    fix, and fix says why and leaves every byte."""
    content = json.dumps(json.loads(notebook(
        ["import boto3\n", f"s3 = boto3.client('s3', aws_access_key_id='{KEY_ID}')"])))
    write(tmp_path, "nb.ipynb", content)
    out = run_cli("check", "--format", "json", "nb.ipynb", cwd=tmp_path, check_code=1)
    assert [f["fix"] for f in json.loads(out.stdout)["findings"]] == ["none"]
    done = run_cli("fix", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert "the notebook cannot be rewritten safely (its JSON is not laid out as Jupyter " \
           "writes it)" in done.stderr
    assert (tmp_path / "nb.ipynb").read_text() == content


def test_changes_that_cannot_go_back_into_the_cells_are_refused() -> None:
    from lint_creds.fix.notebook_fix import NotebookEdit

    edit = NotebookEdit(notebook(["%time x = 1\n", "import boto3"], ["y = 2\n", "z = 3"]).encode(),
                        "nb.ipynb")
    lines = edit.notebook.source.splitlines()  # ["", "import boto3", "y = 2", "z = 3"]
    assert edit.why_not() is None
    assert edit.rewritten("\n".join(lines[1:]) + "\n") == (None, "a change touches an IPython magic")
    assert edit.rewritten("\n".join([lines[0], lines[3]]) + "\n") == (
        None, "a change spans two cells")
    assert edit.rewritten(edit.notebook.source) == (None, None)  # nothing changed
