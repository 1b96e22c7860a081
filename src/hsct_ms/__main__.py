"""``python -m hsct_ms``: the command line (see :mod:`hsct_ms.build.cli`)."""

import sys

from hsct_ms.build.cli import main

sys.exit(main())
