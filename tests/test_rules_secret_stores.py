"""Secret stores are configuration: keys fetched from them at run time are still static
keys (CRD202), under any key name. The must-not-fire rows read other things from the same
stores, or role credentials.
"""
from __future__ import annotations

from lint_creds.testing import case, table_tests

MUST_NOT_FIRE = [
    case('''\
import boto3
from airflow.models import Variable

bucket = Variable.get("export_bucket")
region = dbutils.secrets.get(scope="aws", key="region")
s3 = boto3.client("s3", region_name=region)
s3.upload_file("/tmp/x", bucket, "x")
''', [], id="non-credential-values-from-the-stores"),
    case('''\
import boto3

ssm = boto3.client("ssm")
role = ssm.get_parameter(Name="/app/role_arn")["Parameter"]["Value"]
creds = boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="job")["Credentials"]
s3 = boto3.client("s3", aws_access_key_id=creds["AccessKeyId"],
                  aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
''', [], id="a-role-arn-from-ssm-then-assume-role"),
]

FINDINGS = [
    case('''\
import boto3

s3 = boto3.client("s3", aws_access_key_id=dbutils.secrets.get(scope="aws", key="k"),
                  aws_secret_access_key=dbutils.secrets.get("aws", "s"))
''', [
        '3:24: CRD202 AWS access key id from application configuration is passed to '
        'boto3.client (from dbutils.secrets.get(scope="aws", key="k"), line 3); let the '
        'default credential chain find it',
        '4:18: CRD202 AWS secret access key from application configuration is passed to '
        'boto3.client (from dbutils.secrets.get("aws", "s"), line 4); let the default '
        'credential chain find it',
    ], id="databricks-secrets"),
    case('''\
import boto3
from airflow.models import Variable

s3 = boto3.client("s3", aws_access_key_id=Variable.get("s3_key"),
                  aws_secret_access_key=Variable.get("s3_secret"))
''', [
        '4:24: CRD202 AWS access key id from application configuration is passed to '
        'boto3.client (from Variable.get("s3_key"), line 4); let the default credential '
        'chain find it',
        '5:18: CRD202 AWS secret access key from application configuration is passed to '
        'boto3.client (from Variable.get("s3_secret"), line 5); let the default credential '
        'chain find it',
    ], id="airflow-variables"),
    case('''\
import boto3

ssm = boto3.client("ssm")
key = ssm.get_parameter(Name="/app/key", WithDecryption=True)["Parameter"]["Value"]
s3 = boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=None)
''', [
        '5:24: CRD202 AWS access key id from application configuration is passed to '
        'boto3.client (from ssm.get_parameter(Name="/app/key", WithDecryption=True)["Pa…, '
        'line 4); let the default credential chain find it',
    ], id="an-ssm-parameter"),
]

test_secret_stores_table, test_table_discipline, test_one_finding_per_credential_argument = (
    table_tests(MUST_NOT_FIRE, FINDINGS))
