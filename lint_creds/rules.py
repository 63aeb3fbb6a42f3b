"""The rule catalog: the only place where codes, names, messages and docs live.

Everything user-facing about a rule (flake8 messages, ``lint-creds rule``, SARIF rule
entries, the README table) is generated from :data:`RULES`.  Codes are stable forever.
"""
from __future__ import annotations

from enum import Enum
from typing import Dict, NamedTuple, Tuple


class FixSafety(str, Enum):
    """How a rule's fix may be applied, as ruff defines it."""

    SAFE = "safe"  # keeps behaviour wherever the old code worked
    UNSAFE = "unsafe"  # may change which identity the code runs under
    SOMETIMES = "sometimes"  # safe for some occurrences, unsafe for others
    NONE = "none"  # no automatic fix


class Rule(NamedTuple):
    """One entry of the catalog."""

    code: str
    name: str
    #: ``str.format`` template; fields are documented per rule.
    message: str
    summary: str
    what_it_does: str
    why_bad: str
    example: str
    use_instead: str
    fix_safety: FixSafety
    fix_safety_doc: str
    options: str = ""
    enabled_by_default: bool = True

    def doc(self) -> str:
        """The rule's documentation as Markdown, in ruff's fixed section order."""
        parts = [
            f"# {self.name} ({self.code})",
            "",
            f"Fix is {_FIX_WORDS[self.fix_safety]}." if self.fix_safety is not FixSafety.NONE
            else "No automatic fix.",
        ]
        if not self.enabled_by_default:
            parts += ["", "**Off by default**: enable it with `extend-select`."]
        parts += [
            "",
            "## What it does",
            self.what_it_does,
            "",
            "## Why is this bad?",
            self.why_bad,
            "",
            "## Example",
            "```python",
            self.example.strip("\n"),
            "```",
            "",
            "Use instead:",
            "```python",
            self.use_instead.strip("\n"),
            "```",
            "",
            "## Fix safety",
            self.fix_safety_doc,
        ]
        if self.options:
            parts += ["", "## Options", self.options]
        parts += ["", "## References", *REFERENCES]
        return "\n".join(parts) + "\n"


_FIX_WORDS = {
    FixSafety.SAFE: "always available and safe",
    FixSafety.UNSAFE: "available as an unsafe fix (`--unsafe-fixes`)",
    FixSafety.SOMETIMES: "sometimes available; safe or unsafe depending on the occurrence",
}

REFERENCES: Tuple[str, ...] = (
    "- [boto3: Configuring credentials (the default credential chain)]"
    "(https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html)",
    "- [Amazon ECS task IAM role]"
    "(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html)",
    "- [IAM roles for Amazon EC2]"
    "(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html)",
    "- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)",
)

_AFTER_FIX = (
    "After the fix the client is built with no explicit credentials, so boto3 walks its "
    "default chain: environment variables, the shared credentials/config files (profiles, SSO), "
    "then the ECS task role or the EC2 instance profile."
)

RULES: Tuple[Rule, ...] = (
    Rule(
        code="CRD101",
        name="hard-coded-credential-argument",
        message="hard-coded AWS {role} {value} passed to {sink}{origin}; remove it and use the "
        "default credential chain",
        summary="A literal AWS credential is passed to an AWS SDK client or session.",
        what_it_does=(
            "Checks for AWS SDK credential sinks (`boto3.client`, `boto3.Session`, botocore "
            "`create_client`, `s3fs.S3FileSystem`, any call with `aws_access_key_id=` ...) that "
            "receive a string literal as an access key id, secret access key or session token, "
            "directly or through a name, constant, attribute or dict defined in the same module. "
            "Placeholders (`\"\"`, `\"test\"`, `\"<your key>\"`, AWS's documented example key) "
            "are ignored. When the call has a non-AWS `endpoint_url` (MinIO, localstack), only "
            "literals shaped like real AWS keys are reported."
        ),
        why_bad=(
            "A key committed to source control is leaked: everyone with read access to the "
            "repository, its forks and its history can use it, and it never rotates. "
            + _AFTER_FIX
        ),
        example='''
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAZ3MSJV4WWNKWW5FG",
    aws_secret_access_key="hP8Mr5dLx0t1vXcS3JgQkZ6bW9aN2fYe7uTqRpLo",
)
''',  # noqa: CRD102 - a made-up key, shown as the bad example
        use_instead='''
import boto3

s3 = boto3.client("s3")
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc=(
            "Unsafe: after the fix the code runs as whatever identity the default chain finds "
            "(a role, a profile), not as the hard-coded user. Revoke the leaked key either way."
        ),
        options="`allow-values`: extra placeholder values that are never reported.",
    ),
    Rule(
        code="CRD102",
        name="hard-coded-credential-literal",
        message="hard-coded AWS {role} {value}{context}",
        summary="A string literal that looks like an AWS key, or a secret bound to a "
                "credential name.",
        what_it_does=(
            "Reports any string literal shaped like an AWS access key id (`AKIA`, `ASIA`, "
            "`AROA`, `AIDA`, ... followed by 16 characters), anywhere in the code, and "
            "secret-shaped literals (40 base64 characters) or session tokens bound to a "
            "credential-named target: a variable, attribute, dict key, keyword, default "
            "argument or environment variable assignment. A secret-shaped literal is also "
            "reported whatever its name when it sits beside an access key id literal: in the "
            "same class body, dict, tuple or list, call, or the assignment right before or "
            "after the key id's, and, with the project-wide view, when another module passes "
            "the name it is bound to to the SDK as a credential."
        ),
        why_bad="A key in source control is a leaked key. " + _AFTER_FIX,
        example='''
AWS_ACCESS_KEY_ID = "AKIAZ3MSJV4WWNKWW5FG"
''',  # noqa: CRD102 - a made-up key, shown as the bad example
        use_instead='''
# nothing: let boto3's default credential chain find a role or a profile
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc=(
            "Unsafe, and only when the literal feeds a sink that the fixer rewrites (the "
            "assignment becomes dead and is removed) or is written into a credential "
            "environment variable. Other literals are reported, not fixed."
        ),
        options="`allow-values`: extra placeholder values that are never reported.",
    ),
    Rule(
        code="CRD201",
        name="env-credential-argument",
        message="AWS {role} read from the environment is passed to {sink}{origin}; boto3 reads "
        "the environment itself, remove it",
        summary="A credential read from the environment is passed to an AWS SDK sink.",
        what_it_does=(
            "Checks for credentials read from the environment (`os.environ[...]`, "
            "`os.environ.get`, `os.getenv`, `decouple.config`, django-environ and environs "
            "helpers), directly or through names, constants, dicts and `**kwargs`, and passed "
            "to an AWS SDK credential sink. The read may sit in another module of the project "
            "(an imported constant), in a helper (`_get_env(\"AWS_ACCESS_KEY_ID\")`, "
            "`key, secret = get_aws_keys()`), or reach the SDK through a wrapper whose "
            "parameter is passed on (reported at the caller's argument)."
        ),
        why_bad=(
            "boto3's default chain already reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` "
            "and `AWS_SESSION_TOKEN`. Reading them by hand breaks IAM roles: on ECS (task "
            "role) and EC2 (instance profile) those variables do not exist, so the code "
            "crashes with a `KeyError` or passes `None`, or it pins static keys that never "
            "rotate. " + _AFTER_FIX
        ),
        example='''
import os
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
''',
        use_instead='''
import boto3

s3 = boto3.client("s3")
''',
        fix_safety=FixSafety.SOMETIMES,
        fix_safety_doc=(
            "Safe when every credential of the call is read from its standard variable name "
            "(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`): the chain "
            "reads the same variables first, so the identity is unchanged wherever the old "
            "code worked. Unsafe for custom variable names (`S3_KEY`), which the chain does "
            "not read."
        ),
        options=(
            "`check-custom-endpoints`: also report calls with a non-AWS `endpoint_url` "
            "(off by default: S3-compatible services need explicit keys)."
        ),
    ),
    Rule(
        code="CRD202",
        name="settings-credential-argument",
        message="AWS {role} from application configuration is passed to {sink}{origin}; let the "
        "default credential chain find it",
        summary="A credential from a settings or configuration object is passed to a sink.",
        what_it_does=(
            "Checks for credentials taken from application configuration and passed to an AWS "
            "SDK sink: Django `settings.AWS_*`, Flask `app.config[...]`, configuration classes "
            "and objects, `st.secrets`, configparser sections, YAML/TOML dicts keyed by "
            "credential names, lookups by credential name on a typed parameter (`settings: "
            "Settings`, `cfg: ConfigParser`, a `dict`), secret stores (Databricks "
            "`dbutils.secrets.get`, Airflow `Variable.get` and connections, SSM parameters, "
            "Secrets Manager JSON, Vault): static keys fetched at run time are still static "
            "keys. A name imported from another module takes the category of its definition "
            "when the project index can see it, and is configuration when it cannot."
        ),
        why_bad=(
            "Configuration that carries keys makes every deployment carry static keys, which "
            "defeats IAM roles and never rotate. " + _AFTER_FIX
        ),
        example='''
import boto3
from django.conf import settings

s3 = boto3.resource(
    "s3",
    aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
    aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
)
''',
        use_instead='''
import boto3

s3 = boto3.resource("s3")
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc=(
            "Unsafe: the configured keys may differ from what the chain finds, so the "
            "identity can change."
        ),
        options=(
            "`settings-objects`: extra names treated as settings objects. "
            "`check-custom-endpoints`: also report calls with a non-AWS `endpoint_url`."
        ),
    ),
    Rule(
        code="CRD203",
        name="credential-settings-assignment",
        message="framework setting {target} carries AWS credentials{origin}; storage backends "
        "pass it explicitly, which disables the role chain",
        summary="Framework storage settings that carry AWS keys.",
        what_it_does=(
            "Reports module-level `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, "
            "`AWS_SESSION_TOKEN`, `AWS_S3_ACCESS_KEY_ID` and `AWS_S3_SECRET_ACCESS_KEY` "
            "assignments in a settings module, `app.config[...]` / `app.config.update(...)` "
            "of those keys, and django-storages backends that set `access_key`, `secret_key` "
            "or `security_token` class attributes."
        ),
        why_bad=(
            "django-storages and similar backends read these settings and pass them to boto3 "
            "explicitly, which disables the role chain even when the values are empty on the "
            "server. " + _AFTER_FIX
        ),
        example='''
# settings.py
import os

AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]
AWS_STORAGE_BUCKET_NAME = "media"
''',
        use_instead='''
# settings.py
AWS_STORAGE_BUCKET_NAME = "media"
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc=(
            "Unsafe: removing the settings lets the backend use the default chain, which may "
            "find another identity."
        ),
    ),
    Rule(
        code="CRD301",
        name="frozen-credentials-argument",
        message="frozen AWS {role} from {origin_short} is passed to {sink}{origin}; pass the "
        "session instead so role credentials keep refreshing",
        summary="Credentials copied out of a session are passed to a sink.",
        what_it_does=(
            "Checks for `get_credentials()` / `get_frozen_credentials()` values (`access_key`, "
            "`secret_key`, `token`) passed to an AWS SDK sink."
        ),
        why_bad=(
            "Role credentials expire after an hour or so; the session refreshes them, a copy "
            "does not. A long-running worker built this way fails with `ExpiredToken`. "
            "Create clients from the session itself, or with no credentials at all."
        ),
        example='''
import boto3

session = boto3.Session()
creds = session.get_credentials().get_frozen_credentials()
s3 = boto3.client(
    "s3",
    aws_access_key_id=creds.access_key,
    aws_secret_access_key=creds.secret_key,
    aws_session_token=creds.token,
)
''',
        use_instead='''
import boto3

session = boto3.Session()
s3 = session.client("s3")
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc=(
            "Unsafe: the client falls back to the default chain rather than the session the "
            "credentials came from, which can be a different profile."
        ),
    ),
    Rule(
        code="CRD302",
        name="credential-env-mutation",
        message="code writes AWS credential variable {target}{origin}; the process then pins "
        "static keys and overrides the role chain",
        summary="Code writes AWS credential environment variables.",
        what_it_does=(
            "Reports writes of AWS credential environment variables (`os.environ[...] = `, "
            "`os.environ.update`, `os.environ.setdefault`, `os.putenv`) from a non-literal "
            "value (a literal is reported as CRD102)."
        ),
        why_bad=(
            "Environment credentials come first in the chain, so writing them overrides the "
            "task role or instance profile for the whole process and its children, with keys "
            "that never refresh."
        ),
        example='''
import os

os.environ["AWS_ACCESS_KEY_ID"] = config["aws"]["key_id"]
os.environ["AWS_SECRET_ACCESS_KEY"] = config["aws"]["secret"]
''',
        use_instead='''
# nothing: configure a profile or a role instead
''',
        fix_safety=FixSafety.UNSAFE,
        fix_safety_doc="Unsafe: the process stops using the written identity.",
    ),
)

RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in RULES}
DEFAULT_SELECT: Tuple[str, ...] = tuple(r.code for r in RULES if r.enabled_by_default)


def rule_table_markdown() -> str:
    """The README rule table, generated so it can never go stale."""
    rows = ["| code | name | what it reports | fix |", "|---|---|---|---|"]
    for rule in RULES:
        rows.append(f"| {rule.code} | {rule.name} | {rule.summary} | {rule.fix_safety.value} |")
    return "\n".join(rows) + "\n"
