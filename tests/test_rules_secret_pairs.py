"""CRD102 for a secret-shaped literal defined beside an access key id literal.

Detector tables: the must-not-fire cases first, then the findings, each compared as the
exact ``line:col: CODE message`` strings (0-based columns), which also proves masking.
Some finding rows report only the key id: they prove the secret beside it stays silent.
The fake keys below are random, not real.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import List

from lint_creds.options import Options
from lint_creds.testing import case, rendered, table_tests

KEY = "AKIARJZ0S6O45ZOALB52"
SECRET = "ysX2Wr7NzjKTebWxybYck59ybGrQ88aQ4klgcSnt"
OTHER = "t4eZN/bD3nBiWc0BL9UG8do9PvPgjlqMPiq/aXsJ"
KEY_FOUND = "CRD102 hard-coded AWS access key id 'AKIA…LB52' in a string literal"
SECRET_BESIDE = "CRD102 hard-coded AWS secret access key 'ysX2…cSnt' beside an access key id"

MUST_NOT_FIRE = [
    case(
        """\
COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b"
RELEASE = "3F786850E387550FDAB836ED7E6DC881DE23001B"
""",
        [],
        id='git-shas-alone',
    ),
    case(
        """\
REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"
""",
        [],
        id='uuid-alone',
    ),
    case(
        f"""\
PAYLOAD = "{SECRET}"
DIGEST = {{"sha1": "{OTHER}", "name": "billing"}}
""",
        [],
        id='base64-payload-and-hash-without-key-id',
    ),
    case(
        f"""\
BILLING_USER = "billing-exporter"
BILLING_SECRET = "{SECRET}"
row = ("billing", "{OTHER}")
hmac_new("signing-key-name", "{SECRET}")
""",
        [],
        id='secret-shaped-beside-non-key-strings',
    ),
    case(
        f"""\
class Billing:
    key_id = "AKIAIOSFODNN7EXAMPLE"
    secret = "{SECRET}"

BILLING_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
BILLING_SECRET = "{OTHER}"
""",
        [],
        id='aws-example-key-id-is-a-placeholder',
    ),
    case(
        f"""\
BILLING_KEY_ID = "{KEY}"
BILLING_SECRET = "{SECRET}"
""",
        [],
        id='allow-values-key-id',
        options=Options(allow_values=(KEY,)),
    ),
]

FINDINGS = [
    case(
        f"""\
BILLING_KEY_ID = "{KEY}"

# the pair for the nightly export
BILLING_SECRET = "{SECRET}"
""",
        [f"1:17: {KEY_FOUND}", f"4:17: {SECRET_BESIDE}"],
        id='module-assignment-after-key-id-across-blank-and-comment',
    ),
    case(
        f"""\
BILLING_SECRET: str = "{SECRET}"
BILLING_KEY_ID: str = "{KEY}"
""",
        [f"1:22: {SECRET_BESIDE}", f"2:22: {KEY_FOUND}"],
        id='annotated-assignment-before-key-id',
    ),
    case(
        f"""\
def export():
    key = "{KEY}"
    pw = "{SECRET}"
    return key, pw
""",
        [f"2:10: {KEY_FOUND}", f"3:9: {SECRET_BESIDE}"],
        id='function-level-adjacent-assignments',
    ),
    case(
        f"""\
class Billing:
    \"\"\"The exporter's account.\"\"\"
    ident = "{KEY}"
    region = "eu-west-1"

    def connect(self):
        pass

    pw = "{SECRET}"
""",
        [f"3:12: {KEY_FOUND}", f"9:9: {SECRET_BESIDE}"],
        id='same-class-body',
    ),
    case(
        f"""\
ACCOUNTS = {{
    "billing": {{"id": "{KEY}", "pw": "{SECRET}"}},
    "{KEY}": "{SECRET}",
}}
""",
        [f"2:22: {KEY_FOUND}", f"2:52: {SECRET_BESIDE}",
         f"3:4: {KEY_FOUND}", f"3:28: {SECRET_BESIDE}"],
        id='dict-displays-any-keys-and-key-id-as-key',
    ),
    case(
        f"""\
user, pw = "{KEY}", "{SECRET}"
PAIRS = ["{KEY}", "{SECRET}"]
""",
        [f"1:11: {KEY_FOUND}", f"1:35: {SECRET_BESIDE}",
         f"2:9: {KEY_FOUND}", f"2:33: {SECRET_BESIDE}"],
        id='tuple-and-list-displays',
    ),
    case(
        f"""\
login("{KEY}", "{SECRET}")
Exporter(user="{KEY}", password="{SECRET}")
""",
        [f"1:6: {KEY_FOUND}", f"1:30: {SECRET_BESIDE}",
         f"2:14: {KEY_FOUND}", f"2:47: {SECRET_BESIDE}"],
        id='call-positional-and-keyword-arguments',
    ),
    case(
        f"""\
ASIA_TEMP = ("ASIA822MWEMH5WGFORQX", "{SECRET}")
""",
        ["1:13: CRD102 hard-coded AWS access key id 'ASIA…ORQX' in a string literal",
         f"1:37: {SECRET_BESIDE}"],
        id='beside-a-temporary-asia-key-id',
    ),
    case(
        f"""\
AWS_KEY_ID = "{KEY}"
AWS_SECRET = "{SECRET}"
""",
        ["1:13: CRD102 hard-coded AWS access key id 'AKIA…LB52' bound to AWS_KEY_ID",
         "2:13: CRD102 hard-coded AWS secret access key 'ysX2…cSnt' bound to AWS_SECRET"],
        id='bound-secret-is-reported-once-as-bound',
    ),
    case(
        f"""\
import boto3
s3 = boto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")
""",
        ["2:24: CRD101 hard-coded AWS access key id 'AKIA…LB52' passed to boto3.client; "
         "remove it and use the default credential chain",
         "2:66: CRD101 hard-coded AWS secret access key 'ysX2…cSnt' passed to boto3.client; "
         "remove it and use the default credential chain"],
        id='sink-claimed-secret-is-not-reported-again',
    ),
    # Only the key id: the secret-shaped string beside it stays silent.
    case(
        f"""\
BILLING_KEY_ID = "{KEY}"
print("configured")
BILLING_SECRET = "{SECRET}"
""",
        [f"1:17: {KEY_FOUND}"],
        id='statement-between-is-not-adjacent',
    ),
    case(
        f"""\
BILLING_KEY_ID = "{KEY}"
BUILD = ("{KEY}", "3f786850e387550fdab836ed7e6dc881de23001b")
BILLING_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
""",
        [f"1:17: {KEY_FOUND}", f"2:9: {KEY_FOUND}"],
        id='hex-sha-and-aws-example-secret-beside-a-key-id',
    ),
    case(
        f"""\
BILLING_KEY_ID = "{KEY}"
BILLING_SECRET = "{SECRET}"
""",
        [f"1:17: {KEY_FOUND}"],
        id='allow-values-secret',
        options=Options(allow_values=(SECRET,)),
    ),
]

test_secret_pairs_table, test_table_discipline, test_one_finding_per_credential_argument = (
    table_tests(MUST_NOT_FIRE, FINDINGS))


def test_flake8_reports_the_same(tmp_path: pathlib.Path) -> None:
    """Real flake8 (default options) reports each default-options row as the engine does,
    with flake8's 1-based columns."""
    rows = [row for row in MUST_NOT_FIRE + FINDINGS if row.values[3] == Options()]
    expected: List[str] = []
    for index, row in enumerate(rows):
        name = f"row{index:02d}.py"
        (tmp_path / name).write_text(row.values[0], encoding="utf-8")
        for finding in rendered(row.values[0]):
            line, col, message = finding.split(":", 2)
            expected.append(f"{name}:{line}:{int(col) + 1}:{message}")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "CRD", "--isolated", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    reported = sorted(line[2:] if line.startswith("./") else line
                      for line in result.stdout.splitlines())
    assert reported == sorted(expected)
    assert any(SECRET_BESIDE in line for line in reported)
