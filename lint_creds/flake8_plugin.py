"""The flake8 adapter: a thin wrapper that runs the engine on flake8's tree.

Inside a project (a directory above the file with pyproject.toml, setup.cfg, setup.py or
.git) names imported from the project's other modules are resolved through the project
index, built once per flake8 process and cached like ``lint-creds check``'s; outside any
project each file is analysed alone."""
from __future__ import annotations

import ast
import os
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple

from . import __version__
from .engine import ProjectView, analyze_tree
from .options import Options
from .project.root import ProjectSpec, find_project_root
from .rules import RULES_BY_CODE
from .source.prefilter import could_hold_finding_in_text


class Plugin:
    """flake8 entry point ``CRD``: reports every CRD rule; flake8 does selection and noqa."""

    name = "lint-creds"
    version = __version__
    options = Options(select=frozenset(RULES_BY_CODE))
    use_cache = True
    _roots: Dict[str, Optional[str]] = {}  # directory -> its project root

    def __init__(self, tree: ast.Module, lines: Sequence[str], filename: str = "stdin") -> None:
        self._tree = tree
        self._lines = lines
        self._filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--lint-creds-allow-values", parse_from_config=True, comma_separated_list=True,
            default=[], help="Placeholder values lint-creds never reports (comma separated).")
        manager.add_option(
            "--lint-creds-settings-objects", parse_from_config=True, comma_separated_list=True,
            default=[], help="Extra names treated as settings objects (comma separated).")
        manager.add_option(
            "--lint-creds-extra-sinks", parse_from_config=True, comma_separated_list=True,
            default=[], help="Dotted names of your own AWS client factories (comma separated).")
        manager.add_option(
            "--lint-creds-check-custom-endpoints", parse_from_config=True, action="store_true",
            default=False, help="Also report env/settings credentials passed with a non-AWS "
            "endpoint_url.")
        manager.add_option(
            "--lint-creds-no-cache", parse_from_config=True, action="store_true",
            default=False, help="Do not read or write the project index cache.")

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.options = Options(
            select=frozenset(RULES_BY_CODE),
            allow_values=tuple(options.lint_creds_allow_values),
            settings_objects=tuple(options.lint_creds_settings_objects),
            extra_sinks=tuple(options.lint_creds_extra_sinks),
            check_custom_endpoints=bool(options.lint_creds_check_custom_endpoints),
        )
        cls.use_cache = not getattr(options, "lint_creds_no_cache", False)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        text = "".join(self._lines)
        screened = could_hold_finding_in_text(text, self.options, self._filename)
        view = self._project_view() if not screened else None
        if not screened and (view is None or not view.index.may_call_a_wrapper(
                text.encode("utf-8", "surrogatepass"))):
            return  # the byte screen `lint-creds check` uses: most files end here
        lines = [line.rstrip("\r\n") for line in self._lines]
        try:
            analysis = analyze_tree(self._tree, lines, self._filename, self.options,
                                    view or self._project_view())
        except RecursionError:
            # Nesting deeper than the engine's visitors reach (pyflakes gives up sooner):
            # report nothing rather than abort the whole flake8 run.
            return
        for finding in analysis.findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)

    def _project_view(self) -> Optional[ProjectView]:
        if self._filename in ("stdin", "-"):
            return None
        directory = os.path.dirname(os.path.abspath(self._filename))
        if directory not in self._roots:
            self._roots[directory] = find_project_root([directory])
        root = self._roots[directory]
        if root is None:
            return None
        from .project import view_for

        return view_for(ProjectSpec.default(root, self.use_cache), self.options,
                        self._filename)
