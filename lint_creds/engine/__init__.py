"""The engine: Python source in, findings out, with the standard library's ``ast`` alone.

It knows nothing of flake8, libcst, files or output formats, so every front end (the flake8
plugin, ``check``, ``fix``) shares it and ``check`` starts fast. It imports only the shared
data modules at the package's top level (rules, sinks, patterns, findings, options).
"""
from .analyze import analyze_source, analyze_tree, check_source, summarize_tree
from .exports import Export, ModuleSummary, ProjectView

__all__ = ["Export", "ModuleSummary", "ProjectView", "analyze_source", "analyze_tree",
           "check_source", "summarize_tree"]
