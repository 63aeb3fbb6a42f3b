"""``python -m lint_creds``."""
import sys

from .cli.main import main

sys.exit(main())
