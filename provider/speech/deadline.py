"""The deadline of the operation a request belongs to, and the error when a retry would wait
past it. Apart from the transport, which needs the HTTP library, so the program imports neither."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The deadline (a time.monotonic() value; None: none) of the operation whose request the calling
# thread is sending. A Session serves many clients, each with its own deadline, so each client
# sets it around its requests (`operation_deadline`); a context variable, so each thread (the
# host serves each call on one) sees its own.
_DEADLINE: ContextVar[float | None] = ContextVar("operation_deadline", default=None)


@contextmanager
def operation_deadline(deadline: float | None) -> Iterator[None]:
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float | None:
    return _DEADLINE.get()


class WaitPastDeadline(Exception):
    """A retry would have to wait (for Retry-After, or its backoff) past the deadline. Not an
    OSError, so requests lets it through as it is."""

    def __init__(self, wait: float, remaining: float, throttled: bool, own_budget: bool = False) -> None:
        self.wait = wait
        self.remaining = max(remaining, 0.0)
        self.throttled = throttled
        self.own_budget = own_budget  # the wait is the provider host's request budget's
        super().__init__(f"a retry would wait {wait:g} s, {self.remaining:.0f} s are left")
