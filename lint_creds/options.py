"""The engine's settings, independent of where they were read from."""
from __future__ import annotations

from typing import FrozenSet, NamedTuple, Tuple

from .rules import DEFAULT_SELECT


class Options(NamedTuple):
    """What the engine reports; front ends build this from flags, flake8 or pyproject."""

    select: FrozenSet[str] = frozenset(DEFAULT_SELECT)
    #: Extra placeholder values that are never reported as hard-coded credentials.
    allow_values: Tuple[str, ...] = ()
    #: Extra names (``cfg``, ``myapp.conf.settings``) treated as settings objects.
    settings_objects: Tuple[str, ...] = ()
    #: Dotted names of the user's own client factories; credential-named keywords are sinks.
    extra_sinks: Tuple[str, ...] = ()
    #: Report env/settings/frozen credentials even when ``endpoint_url`` is not AWS.
    check_custom_endpoints: bool = False


DEFAULT_OPTIONS = Options()
