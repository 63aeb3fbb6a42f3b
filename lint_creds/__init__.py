"""lint-creds: find and remove hand-passed AWS credentials."""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``__version__`` on first use: ``importlib.metadata`` costs most of the package's
    import time, and ``lint-creds check`` (a pre-commit hook) never needs it."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("lint-creds")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
