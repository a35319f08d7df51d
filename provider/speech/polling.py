"""Wait for a long-running create to reach a terminal status, the way Azure SDK pollers do.

The Custom Voice API returns the new resource at once with status NotStarted; clients poll
the resource itself until it is Succeeded or Failed (Microsoft's own samples do the same,
every second). The first `steady_polls` polls come every `initial_interval` (10 s at the
default 1 s), which covers the service's usual provisioning time (a voice about 1 s, a
consent 2 to 3 s) with an overshoot of one interval at most; after that they back off. A
poll is cheap here: the creates waiting in the host share one listing per round
(`provider.speech.listing`).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from provider.errors import ServiceError

TERMINAL_STATUSES = frozenset({"Succeeded", "Failed"})


class PollTimeout(ServiceError):
    """The resource did not reach a terminal status in the time allowed."""


class ResourceVanished(ServiceError):
    """The resource disappeared while it was being waited on."""


@dataclass
class PollSettings:
    timeout_seconds: float = 600.0
    initial_interval: float = 0.5
    steady_polls: int = 10
    max_interval: float = 10.0
    growth: float = 1.5
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)


class StatusPoller:
    """Polls `fetch` (which returns the resource, or None once it is gone) with backoff."""

    def __init__(
        self,
        description: str,
        fetch: Callable[[], dict[str, Any] | None],
        initial: dict[str, Any],
        settings: PollSettings,
    ) -> None:
        self._description = description
        self._fetch = fetch
        self._resource = initial
        self._settings = settings

    def _status(self) -> str:
        return str(self._resource.get("status", ""))

    def _done(self) -> bool:
        return self._status() in TERMINAL_STATUSES

    def result(self) -> dict[str, Any]:
        """The resource in its terminal status (Succeeded or Failed: the caller decides)."""
        settings = self._settings
        deadline = settings.clock() + settings.timeout_seconds
        interval = settings.initial_interval
        polls = 0
        while not self._done():
            remaining = deadline - settings.clock()
            if remaining <= 0:
                raise PollTimeout(
                    f"{self._description} was still {self._status() or 'pending'} after "
                    f"{settings.timeout_seconds:g} s (createTimeoutSeconds). It goes on provisioning in the "
                    "service; the next `pulumi up` adopts it once it has finished"
                )
            settings.sleep(min(interval, remaining))
            polls += 1
            if polls >= settings.steady_polls:
                interval = min(interval * settings.growth, settings.max_interval)
            resource = self._fetch()
            if resource is None:
                raise ResourceVanished(f"{self._description} disappeared while it was being created")
            self._resource = resource
        return self._resource
