"""``python -m lint_creds``."""
import sys

from .cli.main import console

sys.exit(console())
