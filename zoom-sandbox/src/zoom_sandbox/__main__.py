"""`python -m zoom_sandbox` is the `zoom-sandbox` command, for a Python without it on PATH."""

import sys

from zoom_sandbox.server import main

sys.exit(main())
