"""Baselines: adopt the gate on a legacy codebase by recording today's findings.

A finding's identity is its rule, its file and the *normalised code* of the reported line
(whitespace collapsed), never its line number, so unrelated edits that shift lines keep it
matched. Only a SHA-256 of that identity is stored: the baseline never contains a secret.
Identical lines in one file are counted, and each recorded entry absorbs at most as many
findings as it counted.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from typing import Dict, Iterable, List, Mapping, Tuple

from ..source.files import FileProblem

FORMAT_VERSION = 1


def normalized_code(line: str) -> str:
    """The reported line as identity: stripped, internal whitespace collapsed."""
    return " ".join(line.split())


def fingerprint(code: str, path: str, line: str) -> str:
    """Stable identity of a finding (hex SHA-256 of rule, posix path and normalised line)."""
    identity = "\0".join((code, path.replace(os.sep, "/"), normalized_code(line)))
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` in posix form (absolute if on another drive)."""
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # pragma: no cover - Windows, other drive
        relative = os.path.abspath(path)
    return relative.replace(os.sep, "/")


def dump(entries: Iterable[Tuple[str, str, str]]) -> str:
    """Baseline JSON for (code, relative path, fingerprint) triples, one per finding."""
    import json

    counts = Counter(entries)
    rows = [{"code": code, "path": path, "fingerprint": digest, "count": count}
            for (code, path, digest), count in sorted(
                counts.items(), key=lambda item: (item[0][1], item[0][0], item[0][2]))]
    return json.dumps({"version": FORMAT_VERSION, "tool": "lint-creds", "findings": rows},
                      indent=2) + "\n"


def load(path: str) -> Dict[str, int]:
    """fingerprint -> recorded count; raise :class:`FileProblem` for an unusable file."""
    import json

    try:
        with open(path, "rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
    except OSError as error:
        raise FileProblem(path, f"cannot read baseline: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise FileProblem(path, f"baseline is not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise FileProblem(path, f"not a lint-creds baseline (version {FORMAT_VERSION} expected)")
    counts: Dict[str, int] = {}
    for row in document.get("findings", []):
        if not isinstance(row, dict) or not isinstance(row.get("fingerprint"), str):
            raise FileProblem(path, "baseline entry without a fingerprint")
        count = row.get("count", 1)
        counts[row["fingerprint"]] = counts.get(row["fingerprint"], 0) + (
            count if isinstance(count, int) and count > 0 else 1)
    return counts


def split_new(fingerprints: Iterable[str], recorded: Mapping[str, int]) -> List[bool]:
    """For each finding (by fingerprint, in report order): is it new (not in the baseline)?"""
    remaining = dict(recorded)
    new = []
    for digest in fingerprints:
        if remaining.get(digest, 0) > 0:
            remaining[digest] -= 1
            new.append(False)
        else:
            new.append(True)
    return new
