"""The fixture programs of ``fixtures/e2e``, as data: how to run each one and what it does.

Each program lives in ``fixtures/e2e/<name>/original/`` (the code as people write it, with
its findings annotated) and ``fixtures/e2e/<name>/expected/`` (the golden rewrite).
"""
from __future__ import annotations

import pathlib
import sys
from typing import Dict, NamedTuple, Optional, Tuple

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "e2e"
DAY = "2026-11-23"

_FLASK_DRIVER = """
from app import app
client = app.test_client()
report = b"region,total\\neu,42\\nus,17\\n"
put = client.put("/reports/q3.csv", data=report, content_type="text/csv")
assert put.status_code == 201, put.get_data(as_text=True)
got = client.get("/reports/q3.csv")
assert got.status_code == 200 and got.data == report, (got.status_code, got.data)
print("stored and served reports/q3.csv")
"""

_LAMBDA_DRIVER = """
import json, os
import handler
event = {"Records": [{"s3": {"bucket": {"name": os.environ["E2E_BUCKET"]},
                             "object": {"key": "incoming/orders+2026.csv"}}}]}
print(json.dumps(handler.lambda_handler(event, None)))
"""


class Program(NamedTuple):
    """One fixture program and how the tests drive it."""

    name: str
    #: extra ``lint-creds fix`` flags (``--unsafe-fixes`` where the fix changes identity)
    fix_flags: Tuple[str, ...]
    #: command after the interpreter, run in the program's directory
    args: Tuple[str, ...]
    #: extra environment variables (``{bucket}`` is replaced by the test's bucket, as in
    #: ``args`` and ``stdout``)
    env: Dict[str, str]
    #: objects put into the bucket before the run (as a Lambda trigger would find them)
    seed: Dict[str, bytes]
    #: (method, object key) requests the program must make
    requests: Tuple[Tuple[str, str], ...]
    #: line the working program prints
    stdout: str
    #: the last line the original prints on stderr when only a role offers credentials;
    #: None when it runs, but as the wrong identity (the one key written in its files)
    original_error: Optional[str]

    @property
    def original(self) -> pathlib.Path:
        return FIXTURES / self.name / "original"

    @property
    def expected(self) -> pathlib.Path:
        return FIXTURES / self.name / "expected"

    def command(self, bucket: str) -> Tuple[str, ...]:
        return (sys.executable, *(_with_bucket(a, bucket) for a in self.args))

    def environment(self, bucket: str) -> Dict[str, str]:
        return {k: _with_bucket(v, bucket) for k, v in self.env.items()}

    def expected_stdout(self, bucket: str) -> str:
        return _with_bucket(self.stdout, bucket)


def _with_bucket(text: str, bucket: str) -> str:
    # not str.format: the drivers and outputs are full of braces
    return text.replace("{bucket}", bucket)


PROGRAMS: Tuple[Program, ...] = (
    Program(
        name="flask_app",
        fix_flags=(),  # standard variable names only: the safe fix is enough
        args=("-c", _FLASK_DRIVER),
        env={"REPORTS_BUCKET": "{bucket}"},
        seed={},
        requests=(("PUT", "reports/q3.csv"), ("GET", "reports/q3.csv")),
        stdout="stored and served reports/q3.csv",
        original_error="KeyError: 'AWS_ACCESS_KEY_ID'",
    ),
    Program(
        name="lambda_handler",
        fix_flags=("--unsafe-fixes",),
        args=("-c", _LAMBDA_DRIVER),
        env={"E2E_BUCKET": "{bucket}"},
        seed={"incoming/orders 2026.csv": b"id,total\n1,10\n2,20\n"},
        requests=(("GET", "incoming/orders%202026.csv"),
                  ("PUT", "summaries/incoming/orders%202026.csv.json")),
        stdout='{"statusCode": 200, "body": "{\\"written\\": '
               '[\\"summaries/incoming/orders 2026.csv.json\\"]}"}',
        original_error=None,
    ),
    Program(
        name="worker",
        fix_flags=("--unsafe-fixes",),  # custom variable names: the chain does not read them
        args=("export_worker.py", "--bucket", "{bucket}", "--day", DAY),
        env={},
        seed={},
        requests=(("PUT", f"ledger/{DAY}.csv"), ("GET", f"ledger/{DAY}.csv")),
        stdout="exported s3://{bucket}/ledger/" + DAY + ".csv (109 bytes)",
        original_error="KeyError: 'EXPORT_AWS_KEY_ID'",
    ),
    Program(
        name="sync_script",
        fix_flags=("--unsafe-fixes",),  # CRD302 env writes: unsafe by definition
        args=("sync_exports.py",),
        env={"SYNC_BUCKET": "{bucket}"},
        seed={},
        requests=(("PUT", "exports/orders.csv"), ("HEAD", "exports/orders.csv"),
                  ("PUT", "exports/visits.csv"), ("HEAD", "exports/visits.csv")),
        stdout="copied 2 files to s3://{bucket}/exports/",
        original_error=None,  # the keys it exports override the role for the whole process
    ),
    Program(
        name="django_media",
        fix_flags=("--unsafe-fixes",),  # CRD203 settings: unsafe by definition
        args=("upload_avatar.py", "ada"),
        env={"MEDIA_BUCKET": "{bucket}"},
        seed={},
        requests=(("PUT", "uploads/avatars/ada.txt"), ("GET", "uploads/avatars/ada.txt")),
        stdout="avatars/ada.txt: avatar of ada",
        original_error="KeyError: 'AWS_ACCESS_KEY_ID'",
    ),
    Program(
        name="settings_app",
        # Keys in a settings module that jobs import: the fix spans modules, so it runs with
        # the program as its project.
        fix_flags=("--unsafe-fixes", "--no-cache", "--project-root", "settings_app"),
        args=("publish.py",),
        env={"REPORTS_BUCKET": "{bucket}"},
        seed={},
        requests=(("PUT", "reports/daily.csv"), ("GET", "reports/daily.csv")),
        stdout="published s3://{bucket}/reports/daily.csv",
        original_error=None,  # it runs, as the key written in reports/settings.py
    ),
)
PROGRAMS_BY_NAME = {p.name: p for p in PROGRAMS}
