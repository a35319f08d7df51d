"""Canned answers a test queues for matching requests, served before any normal handling."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple


class CannedResponse(NamedTuple):
    status: int
    headers: Mapping[str, str]
    json_body: Any  # None for an empty body


@dataclass
class _FaultRule:
    method: str  # upper case, or "*" for any method
    path_pattern: re.Pattern[str]
    pending: deque[CannedResponse]

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.path_pattern.fullmatch(path) is not None


class FaultQueue:
    """Rules in the order added; a request takes the next answer of the first matching rule."""

    def __init__(self) -> None:
        self._rules: list[_FaultRule] = []

    def add(self, method: str, path_pattern: str, responses: Iterable[tuple[int, Mapping[str, str], Any]]) -> None:
        pending = deque(CannedResponse(*response) for response in responses)
        if pending:
            self._rules.append(_FaultRule(method.upper(), re.compile(path_pattern), pending))

    def take(self, method: str, path: str) -> CannedResponse | None:
        for rule in self._rules:
            if rule.matches(method.upper(), path):
                answer = rule.pending.popleft()
                if not rule.pending:
                    self._rules.remove(rule)
                return answer
        return None

    def clear(self) -> None:
        self._rules.clear()
