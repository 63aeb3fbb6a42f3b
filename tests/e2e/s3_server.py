"""A real S3-compatible server on loopback: moto's server mode, with moto's request recorder on.

``python -m moto.server`` runs in a subprocess bound to ``127.0.0.1``. With
``MOTO_ENABLE_RECORDING`` set, moto appends every request it serves (method, raw URL and all
headers, ``Authorization`` included) as one JSON line to ``MOTO_RECORDER_FILEPATH``; the tests
read that file to learn which access key signed each request. Moto does not check signatures,
so the recording is the proof of identity, not moto's acceptance of the request.
"""
from __future__ import annotations

import json
import pathlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Dict, List, NamedTuple, Optional

from lint_creds.patterns import mask

from .identities import signing_key_id

_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 5.0
_START_ATTEMPTS = 3  # a free port can be taken between probing and binding


class S3Request(NamedTuple):
    """One request the S3 server received."""

    method: str
    url: str
    #: The access key id from the SigV4 ``Authorization`` header (None when unsigned).
    access_key_id: Optional[str]
    #: ``X-Amz-Security-Token``: present exactly when temporary (role) credentials signed it.
    token: Optional[str]

    def __repr__(self) -> str:
        # failing tests print these: mask the key id, and the token too
        return (f"S3Request({self.method} {self.path}, key={mask(self.access_key_id or '')}, "
                f"token={mask(self.token) if self.token else None})")

    @property
    def path(self) -> str:
        return self.url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MotoS3Server:
    """moto's server in a subprocess, recording every request to a JSON-lines file."""

    def __init__(self, workdir: pathlib.Path, env: Dict[str, str]) -> None:
        self.workdir = workdir
        self.recording = workdir / "moto_recording.jsonl"
        self.log = workdir / "moto_server.log"
        self._env = {**env, "MOTO_ENABLE_RECORDING": "True",
                     "MOTO_RECORDER_FILEPATH": str(self.recording)}
        self._process: Optional["subprocess.Popen[bytes]"] = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "MotoS3Server":
        for _ in range(_START_ATTEMPTS):
            self.port = _free_port()
            with open(self.log, "ab") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                    cwd=self.workdir, env=self._env, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"moto server did not start; see {self.log}:\n{self.log.read_text()}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + _START_TIMEOUT_S
        assert self._process is not None
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=2) as reply:
                    return bool(reply.status == 200)
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(_STOP_TIMEOUT_S)
        self._process = None

    def requests(self) -> List[S3Request]:
        """Every request recorded so far, in arrival order (moto-api calls excluded)."""
        if not self.recording.exists():
            return []
        requests = []
        for line in self.recording.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            headers = {k.lower(): v for k, v in entry["headers"].items()}
            requests.append(S3Request(entry["method"], entry["url"],
                                      signing_key_id(headers.get("authorization")),
                                      headers.get("x-amz-security-token")))
        return requests
