"""Secret stores are configuration too: static keys fetched at run time are still static.

Databricks ``dbutils.secrets.get``, Airflow ``Variable.get`` and an SSM parameter's value
give whatever was stored, under any key name; a value read from them and passed to the SDK
is a CRD202 like any setting. (Secrets Manager's ``SecretString`` goes through
``json.loads``, a configuration factory already; Streamlit's ``st.secrets`` and Airflow
connections are configuration objects in :mod:`.origins`.)
"""
from __future__ import annotations

import ast
from typing import FrozenSet, Optional

from .origins import constant_string

#: Calls whose result is a stored secret, by qualified name.
SECRET_READS: FrozenSet[str] = frozenset({
    "airflow.models.Variable.get", "airflow.models.variable.Variable.get",
    "airflow.sdk.Variable.get",
})


def is_secret_store_call(call: ast.Call, qualname: Optional[str]) -> bool:
    """``Variable.get("s3_key")`` or ``dbutils.secrets.get(scope, key)`` (``dbutils`` is a
    global Databricks notebooks get without an import)."""
    if qualname in SECRET_READS:
        return True
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in ("get", "getBytes")
            and isinstance(func.value, ast.Attribute) and func.value.attr == "secrets"
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "dbutils")


def is_parameter_value(node: ast.Subscript) -> bool:
    """``ssm.get_parameter(...)["Parameter"]["Value"]``: an SSM parameter's value."""
    inner = node.value
    return (constant_string(node.slice) == "Value" and isinstance(inner, ast.Subscript)
            and constant_string(inner.slice) == "Parameter" and isinstance(inner.value, ast.Call)
            and isinstance(inner.value.func, ast.Attribute)
            and inner.value.func.attr == "get_parameter")
