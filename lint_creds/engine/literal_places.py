"""Where a key literal sits when the fixer cannot simply delete it, and what to do instead.

A key in a Spark/Hadoop ``fs.s3a.access.key`` property, in a Redshift ``COPY ...
CREDENTIALS`` string or in a command-line option's default is still a leaked key (CRD102),
but removing the literal alone would leave a broken property, statement or option. The
finding says what replaces it: the s3a credentials provider, ``IAM_ROLE``, no default.

Hadoop properties are also where a secret hides under no credential name at all
(``conf.set("fs.s3a.secret.key", "...")``): :func:`hadoop_property_values` finds those values
so they are reported like any named secret.
"""
from __future__ import annotations

import ast
import re
from typing import Dict, Iterator, Tuple

from ..patterns import lazy_compile
from .values import constant_string

#: Hadoop's S3 credential properties (s3a, and the older s3n/s3), with Spark's
#: ``spark.hadoop.`` prefix or a per-bucket ``fs.s3a.bucket.NAME.`` form.
HADOOP_PROPERTY = lazy_compile(
    r"(?:spark\.hadoop\.)?fs\.s3[an]?\.(?:bucket\.[^.]+\.)?"
    r"(?:access\.key|secret\.key|session\.token|awsAccessKeyId|awsSecretAccessKey)",
    re.IGNORECASE)
HADOOP_REASON = (
    "no automatic fix: the key is a Hadoop s3a property; remove it and let s3a use the "
    "role (fs.s3a.aws.credentials.provider: the default chain, or the instance or container "
    "credentials provider)")
#: A credentials clause or connection string that spells the key pair out.
_CREDENTIALS_STRING = lazy_compile(r"aws_(?:access_key_id|secret_access_key)\s*=",
                                   re.IGNORECASE)
CREDENTIALS_STRING_REASON = (
    "no automatic fix: the key is part of a credentials string (Redshift COPY/UNLOAD "
    "CREDENTIALS); use IAM_ROLE '<the role ARN>' instead")
#: Calls that declare a command-line option, by the last part of their name.
_OPTION_DECLARATIONS = frozenset({"option", "Option", "add_argument", "argument", "Argument"})
OPTION_DEFAULT_REASON = (
    "no automatic fix: the key is a command-line option's default; remove the default, so the "
    "SDK's default chain supplies credentials when the option is not given")


def hadoop_property_values(tree: ast.AST) -> Iterator[Tuple[str, ast.AST]]:
    """``(property, value)`` for each value set for a Hadoop S3 credential property: a
    call's ``(name, value)`` arguments (``conf.set``, ``builder.config``), a dict entry, or
    a ``(name, value)`` pair (``SparkConf().setAll([...])``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            pairs = zip(node.args, node.args[1:])
        elif isinstance(node, ast.Dict):
            pairs = zip(node.keys, node.values)  # type: ignore[arg-type]
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            pairs = iter([(node.elts[0], node.elts[1])])
        else:
            continue
        for key, value in pairs:
            name = constant_string(key) if key is not None else None
            if name is not None and HADOOP_PROPERTY.fullmatch(name):
                yield name, value


def fix_reasons(tree: ast.AST) -> Dict[int, str]:
    """``id(literal) -> reason`` for the string literals that sit where deleting them is not
    the fix (see the module docstring)."""
    reasons: Dict[int, str] = {}
    for _, value in hadoop_property_values(tree):
        reasons[id(value)] = HADOOP_REASON
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _declares_option(node.func):
            for keyword in node.keywords:
                if keyword.arg == "default":
                    reasons[id(keyword.value)] = OPTION_DEFAULT_REASON
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                _CREDENTIALS_STRING.search(node.value)):
            reasons.setdefault(id(node), CREDENTIALS_STRING_REASON)
    return reasons


def _declares_option(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _OPTION_DECLARATIONS
