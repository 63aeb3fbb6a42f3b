"""Objects that merely store credentials: ``cfg = AwsConfig(os.environ["K"], ...)`` then
``boto3.client(aws_access_key_id=cfg.key)``.

The attribute's value is whatever the constructor call passed for it: the ``__init__``
parameter stored as ``self.key``, or, for classes without an ``__init__`` (dataclasses,
attrs, pydantic models, NamedTuples), the annotated field of that name. The finding is made
where the value reaches the SDK, once, with the constructor's argument as its origin;
the constructor call itself is not a sink.
"""
from __future__ import annotations

import ast
from typing import List, Optional

#: ``self.<member> = <parameter>`` in ``__init__``: the parameter's name, if so.
_INIT = "__init__"


def constructor_argument(call: ast.Call, class_node: ast.ClassDef,
                         member: str) -> Optional[ast.expr]:
    """The argument of ``call`` (a call of the class) that becomes ``instance.member``."""
    init = next((s for s in class_node.body
                 if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and s.name == _INIT), None)
    if init is not None:
        parameter = _stored_parameter(init, member)
        names = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]  # not self
    else:
        parameter = member
        names = _fields(class_node)
    if parameter is None or parameter not in names:
        return None
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    index = names.index(parameter)
    if index < len(call.args) and not any(isinstance(a, ast.Starred)
                                          for a in call.args[:index + 1]):
        return call.args[index]
    return None


def _stored_parameter(init: "ast.FunctionDef | ast.AsyncFunctionDef",
                      member: str) -> Optional[str]:
    """``self.member = parameter`` in ``__init__``'s own statements."""
    if not init.args.args:
        return None
    self_name = init.args.args[0].arg
    for statement in ast.walk(init):
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(
                statement.value, ast.Name):
            targets = statement.targets if isinstance(statement, ast.Assign) else [
                statement.target]
            for target in targets:
                if (isinstance(target, ast.Attribute) and target.attr == member
                        and isinstance(target.value, ast.Name)
                        and target.value.id == self_name):
                    return statement.value.id
    return None


def _fields(class_node: ast.ClassDef) -> List[str]:
    """Annotated class attributes, in order: the generated ``__init__``'s parameters."""
    return [s.target.id for s in class_node.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
