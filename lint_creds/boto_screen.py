"""A second look at files whose only anchor is ``boto``: can they pass a credential at all?

Every boto3/botocore/legacy boto keyword that takes a credential has a credential name
(``aws_access_key_id``, ``security_token`` ...: an anchor of its own), so in a file that names
none, a finding needs a call that passes credentials another way:

- positionally to a session (``boto3.Session(KEY, SECRET)``, ``setup_default_session``);
- as the 7th to 9th positional argument of ``client``/``resource``/``create_client``;
- to a credentials object (``Credentials(..., token=...)``: ``token`` is no anchor) or a
  legacy boto connection (``S3Connection``, ``connect_s3``), whatever the arguments;
- through an import alias (``from boto3 import Session as S``), which hides the name.

:func:`could_pass_credentials` looks for these in the lower-cased source, by the name the
engine knows the sink by (``tag_resource(`` is not ``resource(``). It errs towards "yes": a
call that might have such arguments counts, whatever object it is a call of, and only a
client call whose first arguments are single tokens (names, numbers, one-line strings) can
be counted as having fewer than seven. Most modules of botocore, boto3 and moto, and most
application code, only make calls such as ``boto3.client("s3")`` or
``Session(profile_name=...)``, which cannot.
"""
from __future__ import annotations

import re

#: A sink is called by its own name (``tag_resource(`` or ``get_credentials(`` is another
#: name); an import alias, the one way to call it by another, is looked for below.
_NAME_START = rb"(?<!\w)"
#: Credential objects and legacy connections take credentials whatever their arguments.
_ANY_ARGUMENTS = rb"(?:readonly)?credentials|(?:s3|awsauth)connection|connect_\w*"
#: Sessions take credentials as their first three positional arguments.
_SESSIONS = rb"(?:setup_default_)?session"
#: Clients take them as the 7th to 9th.
_CLIENTS = rb"(?:create_)?(?:client|resource)"
_ANY_CALL = re.compile(_NAME_START + rb"(?:%s)\s*\(" % _ANY_ARGUMENTS)
_SESSION_CALL = re.compile(_NAME_START + rb"%s\s*\(" % _SESSIONS)
_CLIENT_CALL = re.compile(_NAME_START + rb"%s\s*\(" % _CLIENTS)
#: After ``(``: arguments that pass nothing positionally (none, a keyword, ``*`` or ``**``;
#: positional arguments after a starred one are not read as credentials).
_NO_POSITIONAL = rb"\s*(?:\)|\*|\w+\s*=(?!=))"
_SESSION_SAFE = re.compile(_NO_POSITIONAL)
#: A positional argument that is one token: a dotted name, a number or a one-line string.
_SIMPLE = rb"\s*(?:[\w.]+|\"[^\"\\\n]*\"|'[^'\\\n]*')\s*"
#: After ``(``: at most six simple positional arguments, then nothing positional (a
#: client's seventh positional argument is its access key id).
_CLIENT_SAFE = re.compile(rb"(?:%s,){0,6}%s|(?:%s,){0,5}%s\)"
                          % (_SIMPLE, _NO_POSITIONAL, _SIMPLE, _SIMPLE))
#: ``from <a boto module> import ...`` up to the end of the statement: a parenthesised list
#: (comments may hold parentheses), or the rest of the line with its continuations.
_BOTO_FROM_IMPORT = re.compile(
    rb"\bfrom\s+[\w.]*boto[\w.]*\s+import\s*(?:\((?:[^)#]|#[^\n]*)*\)|(?:[^\n\\]|\\.)*)",
    re.DOTALL)
#: A sink imported under another name.
_ALIASED_SINK = re.compile(
    _NAME_START + rb"(?:%s|%s|%s)\s+as\b" % (_ANY_ARGUMENTS, _SESSIONS, _CLIENTS))


def could_pass_credentials(lowered: bytes) -> bool:
    """Could the lower-cased source ``lowered`` pass credentials to a boto sink without
    spelling a credential name?"""
    if _ANY_CALL.search(lowered):
        return True
    if any(_ALIASED_SINK.search(statement.group())
           for statement in _BOTO_FROM_IMPORT.finditer(lowered)):
        return True
    return _has_call_with_positionals(lowered, _SESSION_CALL, _SESSION_SAFE) or \
        _has_call_with_positionals(lowered, _CLIENT_CALL, _CLIENT_SAFE)


def _has_call_with_positionals(lowered: bytes, call: "re.Pattern[bytes]",
                               safe: "re.Pattern[bytes]") -> bool:
    return any(safe.match(lowered, found.end()) is None for found in call.finditer(lowered))
