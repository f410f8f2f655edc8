"""The `slotlink` command.

`slotlink run` starts the whole demo product, and every other sub-command is a Django
management command (`slotlink migrate`, `slotlink db_worker`, `slotlink createsuperuser`,
...). The Zoom sandbox is a program of its own, `zoom-sandbox` (zoom-sandbox/README.md).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else ""
    if command == "run":
        from slotlink.shell.processes import run_demo

        sys.exit(run_demo(argv[2:]))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slotlink.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
