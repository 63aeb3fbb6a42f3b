"""``python -m lint_creds``."""
import sys

from .cli import main

sys.exit(main())
