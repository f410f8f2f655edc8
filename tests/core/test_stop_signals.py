"""SIGINT and SIGTERM counted for a main loop to wait on (core/stop_signals.py), with a signal
handler that does nothing, so that no signal can deadlock the process that gets it."""

import os
import signal
import threading

from slotlink.core.stop_signals import StopSignals


def test_signals_in_the_block_are_counted_instead_of_raised():
    """Two SIGINTs and a SIGTERM inside the block raise no KeyboardInterrupt and kill
    nothing: the next wait counts all three. Afterwards the handlers are those from before."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with StopSignals() as signals:
        assert signals.wait(0) == 0
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGTERM)
        assert signals.received == 0  # counted by the main loop's wait, not by the handler
        assert signals.wait(0) == 3
        assert signals.wait(0) == 3
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_other_signals_handled_meanwhile_are_not_counted():
    """Python writes every handled signal's number to the wake-up pipe; a SIGUSR1 with its
    own handler runs that handler and asks nobody to stop."""
    seen: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: seen.append(signum))
    try:
        with StopSignals() as signals:
            signal.raise_signal(signal.SIGUSR1)
            assert signals.wait(0) == 0
            signal.raise_signal(signal.SIGTERM)
            assert signals.wait(0) == 1
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert seen == [signal.SIGUSR1]


def test_a_signal_from_another_process_cuts_the_wait_short():
    """A SIGTERM sent from elsewhere while the main thread waits ends the wait with it
    counted, long before the wait's timeout (the bail-out of a broken wait)."""
    with StopSignals() as signals:
        sender = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
        sender.start()
        assert signals.wait(60) == 1
        sender.join()
