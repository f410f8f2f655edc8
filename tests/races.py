"""Racing real threads against each other, for tests of what happens at the same moment."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def race(count: int, action: Callable[[int], T]) -> list[T | BaseException]:
    """Run `action(i)` in `count` threads released at the same moment; each result or error.
    Each thread closes its own database connections when done."""
    gate = threading.Barrier(count)
    outcomes: list[T | BaseException] = [RuntimeError("did not run")] * count

    def run(index: int) -> None:
        try:
            gate.wait(timeout=10)
            outcomes[index] = action(index)
        except BaseException as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
