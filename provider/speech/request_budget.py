"""One request budget per Speech resource in the provider host: every call to it, from every
resource the host is serving at once, draws from the same budget, so a large `pulumi up` stays
under the resource's quota (S0: 50 requests in any 10 seconds) instead of bouncing off it.

A sliding window over the requests sent, as the service counts them: by when they arrive, which
is some time after a slot is taken (a thread of a busy host may wait a while to send) and before
the answer comes. So each slot counts from when its request was answered (from when it was
taken until then), with a small margin besides. Writes go first: while a write waits for a slot, reads
wait too. A write starts work in the service (a create's provisioning runs from it); a read
only looks, and one listing serves every read waiting, however late. A 429 that still comes
(another client of the same resource) is retried after its Retry-After by the transport,
within the operation's deadline.
"""

import threading
import time
from collections.abc import Callable

from provider.speech.deadline import WaitPastDeadline

REQUEST_BUDGET_CONFIG = "requestsPer10Seconds"
QUOTA_WINDOW_SECONDS = 10.0
# A slot frees this much after the service would free it, however its request was answered.
_ARRIVAL_MARGIN_SECONDS = 0.25
# How long a read that found a free slot, but a write waiting for one, gives the write to take it.
_READ_YIELDS_SECONDS = 0.05


class RequestBudget:
    """At most `requests` sends in any `window` seconds; 0 requests: no limit."""

    def __init__(
        self,
        requests: int,
        window: float = QUOTA_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.requests = requests
        self.window = window
        self._clock = clock
        self._sleep = sleep
        # Each slot in the window: [the time it counts from], moved to its answer's time.
        self._sent: list[list[float]] = []
        self._writes_waiting = 0
        self._lock = threading.Lock()
        self._unanswered = threading.local()

    def acquire(self, deadline: float | None = None, *, write: bool = True) -> None:
        """Wait for a free slot and take it; a read (`write` False) leaves it to any write
        waiting. Raises WaitPastDeadline rather than wait past `deadline` (a clock value)."""
        if not self.requests:
            return
        if write:
            with self._lock:
                self._writes_waiting += 1
        try:
            self._take_slot(deadline, write)
        finally:
            if write:
                with self._lock:
                    self._writes_waiting -= 1

    def answered(self) -> None:
        """The requests this thread took slots for since it last said so have been answered:
        each has reached the service by now, so its slot counts from now."""
        taken = self._taken_by_this_thread()
        with self._lock:
            now = self._clock()
            for slot in taken:
                slot[0] = max(slot[0], now)
        taken.clear()

    def _taken_by_this_thread(self) -> list[list[float]]:
        if not hasattr(self._unanswered, "slots"):
            self._unanswered.slots = []
        slots: list[list[float]] = self._unanswered.slots
        return slots

    def _take_slot(self, deadline: float | None, write: bool) -> None:
        while True:
            with self._lock:
                now = self._clock()
                # Answers come in any order, so any slot may be the next to leave the window.
                self._sent = [slot for slot in self._sent if slot[0] > now - self.window - _ARRIVAL_MARGIN_SECONDS]
                full = len(self._sent) >= self.requests
                if not full and (write or not self._writes_waiting):
                    slot = [now]
                    self._sent.append(slot)
                    self._taken_by_this_thread().append(slot)
                    return
                oldest = min(slot[0] for slot in self._sent) if full else now
                wait = oldest + self.window + _ARRIVAL_MARGIN_SECONDS - now if full else _READ_YIELDS_SECONDS
            if deadline is not None and now + wait > deadline:
                raise WaitPastDeadline(wait, deadline - now, throttled=True, own_budget=True)
            self._sleep(wait)


_budgets: dict[tuple[str, int], RequestBudget] = {}
_budgets_lock = threading.Lock()


def budget_for(endpoint: str, requests: int) -> RequestBudget:
    """The host's one budget for the Speech resource at `endpoint`."""
    key = (endpoint.rstrip("/").lower(), requests)
    with _budgets_lock:
        return _budgets.setdefault(key, RequestBudget(requests))
