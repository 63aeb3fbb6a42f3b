"""Old dotted path of the codemod, kept so ``libcst.tool`` commands written for it still work."""
from .fix.codemod import RemoveHandPassedCredentials, fix_source  # noqa: F401
