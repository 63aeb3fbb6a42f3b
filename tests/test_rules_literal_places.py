"""CRD102 where deleting the literal is no fix: Hadoop s3a properties, credentials strings
(Redshift ``COPY ... CREDENTIALS``) and command-line option defaults.

Detector tables (exact ``line:col: CODE message``, 0-based columns), then what the fixer
says it cannot do and what to do instead. The fake keys are random, not real.
"""
from __future__ import annotations

import textwrap
from typing import List, Tuple

import pytest

from lint_creds.engine.literal_places import (
    CREDENTIALS_STRING_REASON, HADOOP_REASON, OPTION_DEFAULT_REASON,
)
from lint_creds.fix.codemod import fix_source
from lint_creds.testing import case, table_tests

KEY = "AKIARJZ0S6O45ZOALB52"
SECRET = "ysX2Wr7NzjKTebWxybYck59ybGrQ88aQ4klgcSnt"
KEY_SHOWN = "'AKIA…LB52'"
SECRET_SHOWN = "'ysX2…cSnt'"

MUST_NOT_FIRE = [
    case('conf.set("fs.s3a.endpoint", "ysX2Wr7NzjKTebWxybYck59ybGrQ88aQ4klgcSnt")\n', [],
         id='other-hadoop-property'),
    case('conf.set("fs.s3a.secret.key", os.environ["S3_SECRET"])\n', [],
         id='property-from-the-environment'),
    case('conf.set("fs.s3a.secret.key", "changeme")\n', [], id='property-placeholder'),
    case('spark_conf = {"fs.s3a.access.key": "AKIAIOSFODNN7EXAMPLE"}\n', [],
         id='aws-example-key-in-a-property'),
]

FINDINGS = [
    case(f'conf.set("fs.s3a.access.key", "{KEY}")\nconf.set("fs.s3a.secret.key", "{SECRET}")\n',
         [f"1:30: CRD102 hard-coded AWS access key id {KEY_SHOWN} set as fs.s3a.access.key",
          f"2:30: CRD102 hard-coded AWS secret access key {SECRET_SHOWN} set as "
          "fs.s3a.secret.key"], id='hadoop-configuration-set'),
    case(f'spark = builder.config("spark.hadoop.fs.s3a.secret.key", "{SECRET}").getOrCreate()\n',
         [f"1:57: CRD102 hard-coded AWS secret access key {SECRET_SHOWN} set as "
          "spark.hadoop.fs.s3a.secret.key"], id='spark-builder-config'),
    case(f'conf.setAll([("fs.s3n.awsSecretAccessKey", "{SECRET}")])\n',
         [f"1:43: CRD102 hard-coded AWS secret access key {SECRET_SHOWN} set as "
          "fs.s3n.awsSecretAccessKey"], id='set-all-pairs-legacy-s3n'),
    case(f'job_args = {{"fs.s3a.bucket.logs.secret.key": "{SECRET}"}}\n',
         [f"1:45: CRD102 hard-coded AWS secret access key {SECRET_SHOWN} set as "
          "fs.s3a.bucket.logs.secret.key"], id='per-bucket-property-in-a-dict'),
]

test_literal_places_table, test_table_discipline, test_one_finding_per_credential_argument = (
    table_tests(MUST_NOT_FIRE, FINDINGS))

REASONS: List[Tuple[str, str]] = [
    (f'conf.set("fs.s3a.secret.key", "{SECRET}")\n', HADOOP_REASON),
    (f'''SQL = "COPY t FROM 's3://b/k' CREDENTIALS 'aws_access_key_id={KEY};aws_secret_access_key=x'"\n''',
     CREDENTIALS_STRING_REASON),
    (f'''import click\n@click.option("--key", default="{KEY}")\ndef main(key): pass\n''',
     OPTION_DEFAULT_REASON),
    (f'''import argparse\np = argparse.ArgumentParser()\np.add_argument("--aws-key", default="{KEY}")\n''',
     OPTION_DEFAULT_REASON),
]


@pytest.mark.parametrize("source, reason", REASONS,
                         ids=["hadoop", "redshift-credentials", "click-default", "argparse-default"])
def test_the_fixer_says_what_to_do_instead(source: str, reason: str) -> None:
    fixed, report = fix_source(textwrap.dedent(source), "job.py", unsafe_fixes=True)
    assert fixed == source
    assert [(o.finding.code, o.reason) for o in report.left()] == [("CRD102", reason)]
