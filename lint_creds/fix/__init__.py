"""The fixer: the libcst codemod and the file writes around it.

The only part that imports libcst, and only for modules with something to fix
(``fixer`` imports ``codemod`` lazily). The codemod's passes: ``plan`` (the engine's
findings into node removals), ``prune`` (assignments the removals left dead) and
``imports`` (imports left unused); ``outcomes`` says what happened to each finding.
"""
