"""`python -m slotlink.sandbox` starts the sandbox without the product's command line."""

import sys

from slotlink.sandbox.server import main

sys.exit(main(sys.argv[1:]))
