"""``python -m turnabout.matching``: the same as ``turnabout match``."""

import sys

from .cli import main

sys.exit(main())
