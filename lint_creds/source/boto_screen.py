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
engine knows the sink by (``tag_resource(`` is not ``resource(``), and not where the name is
defined (``def connect_directory(`` is no call). It errs towards "yes": a
call that might have such arguments counts, whatever object it is a call of, and only a
client call whose first arguments are single tokens (names, numbers, one-line strings) can
be counted as having fewer than seven. Most modules of botocore, boto3 and moto, and most
application code, only make calls such as ``boto3.client("s3")`` or
``Session(profile_name=...)``, which cannot.
"""
from __future__ import annotations

import re

#: After ``(``: arguments that pass nothing positionally (none, a keyword, ``*`` or ``**``;
#: positional arguments after a starred one are not read as credentials).
_NO_POSITIONAL = rb"\s*(?:\)|\*|\w+\s*=(?!=))"
#: A positional argument that is one token: a dotted name, a number or a one-line string.
_SIMPLE = rb"\s*(?:[\w.]+|\"[^\"\\\n]*\"|'[^'\\\n]*')\s*"
#: Sessions take credentials as their first three positional arguments.
_SESSION_SAFE = re.compile(_NO_POSITIONAL)
#: Clients take them as the 7th to 9th: safe with at most six simple positional arguments.
_CLIENT_SAFE = re.compile(rb"(?:%s,){0,6}%s|(?:%s,){0,5}%s\)"
                          % (_SIMPLE, _NO_POSITIONAL, _SIMPLE, _SIMPLE))
#: Each sink by the last word of its name (a pattern); the words that may come before that
#: word in the name (``tag_resource(`` or ``get_credentials(`` is another name); and what
#: makes its arguments safe (``None``: credential objects and legacy connections take
#: credentials whatever their arguments).
_SINKS = (
    (rb"credentials", (b"", b"readonly"), None),
    (rb"connection", (b"s3", b"awsauth"), None),
    (rb"connect_\w*", (b"",), None),
    (rb"session", (b"", b"setup_default_"), _SESSION_SAFE),
    (rb"client", (b"", b"create_"), _CLIENT_SAFE),
    (rb"resource", (b"", b"create_"), _CLIENT_SAFE),
)
#: A call of each sink up to its ``(``, found by its last word: a literal prefix, which ``re``
#: skips to quickly (the word's start is checked afterwards).
_CALLS = tuple((re.compile(word + rb"\s*\("), starts, safe) for word, starts, safe in _SINKS)
#: The identifier characters that end a text (``re`` bytes ``\w``, in lower case).
_WORD_END = re.compile(rb"[a-z0-9_]*\Z")
#: What precedes a name that is defined, not called (``def connect_s3(``, ``class Session(``).
_DEFINED = re.compile(rb"(?<![\w.])(?:def|class)[ \t]+\Z")
#: No ``def`` or ``class`` and its blanks before a name is longer (tabs and spaces beyond
#: this run are not worth a look: ``def`` takes one space in practice).
_LONGEST_DEFINITION = 24
#: No name a sink call may extend is longer.
_LONGEST_NAME_START = 16
#: ``from <a boto module> import ...`` up to the end of the statement: a parenthesised list
#: (comments may hold parentheses), or the rest of the line with its continuations.
_BOTO_FROM_IMPORT = re.compile(
    rb"\bfrom\s+[\w.]*boto[\w.]*\s+import\s*(?:\((?:[^)#]|#[^\n]*)*\)|(?:[^\n\\]|\\.)*)",
    re.DOTALL)
#: A sink imported under another name: the one way to call it by another (lower case).
_ALIASED_SINK = re.compile(rb"(?<!\w)(?:%s)\s+as\b" % b"|".join(
    rb"(?:%s)%s" % (b"|".join(starts), word) for word, starts, _ in _SINKS))


def could_pass_credentials(lowered: bytes) -> bool:
    """Could the lower-cased source ``lowered`` pass credentials to a boto sink without
    spelling a credential name?"""
    for call, name_starts, safe in _CALLS:
        for found in call.finditer(lowered):
            start = found.start()
            name_start = _WORD_END.search(lowered, max(0, start - _LONGEST_NAME_START), start)
            if name_start is not None and name_start.group() in name_starts and (
                    safe is None or safe.match(lowered, found.end()) is None):
                begin = name_start.start()
                if not _DEFINED.search(lowered, max(0, begin - _LONGEST_DEFINITION), begin):
                    return True
    return any(_ALIASED_SINK.search(statement.group())
               for statement in _BOTO_FROM_IMPORT.finditer(lowered))
