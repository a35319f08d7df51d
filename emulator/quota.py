"""The Speech resource's request quota: the personal voice REST API on S0 takes 50 requests in
any 10 seconds, and answers the rest 429 TooManyRequests.

Modelled as a sliding window over the requests it admitted (refused ones do not count). The
refusal carries `Retry-After`, whole seconds until the oldest admitted request leaves the
window: Azure documents no Retry-After for this API, but its gateway sends one, and clients
must work with or without it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from emulator.errors import ErrorResponse


@dataclass(frozen=True)
class Quota:
    requests: int = 50  # 0: no limit
    seconds: float = 10.0

    @classmethod
    def parse(cls, text: str) -> Quota:
        """ "50/10" (requests per seconds), or "0" for none."""
        requests, _, seconds = text.partition("/")
        quota = cls(int(requests), float(seconds or cls.seconds))
        if quota.requests < 0 or quota.seconds <= 0:
            raise ValueError(f"a quota is REQUESTS/SECONDS with REQUESTS >= 0 and SECONDS > 0, not {text!r}")
        return quota

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds:g}" if self.requests else "0 (none)"


S0_QUOTA = Quota()
NO_QUOTA = Quota(0)


class RequestWindow:
    """Admits at most `quota.requests` requests in any `quota.seconds`."""

    def __init__(self, quota: Quota, clock: Callable[[], float] = time.monotonic) -> None:
        self.quota = quota
        self._clock = clock
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()
        self.refused = 0

    def admit(self) -> None:
        """Count one request, or raise the service's 429 if the window is full."""
        if not self.quota.requests:
            return
        with self._lock:
            now = self._clock()
            while self._admitted and self._admitted[0] <= now - self.quota.seconds:
                self._admitted.popleft()
            if len(self._admitted) < self.quota.requests:
                self._admitted.append(now)
                return
            self.refused += 1
            wait = self._admitted[0] + self.quota.seconds - now
        raise ErrorResponse(
            429,
            "TooManyRequests",
            f"The request rate of this Speech resource is over its quota of {self.quota.requests} requests per "
            f"{self.quota.seconds:g} seconds. Retry after {math.ceil(wait)} seconds.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
