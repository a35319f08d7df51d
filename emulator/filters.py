"""The `filter` query of list calls: clauses like `projectId eq 'X'` joined by `and`.

Supported as the spec describes: eq and ne on any allowed property, gt/ge/lt/le on
createdDateTime. Values may be quoted ('X', as the 2026-01-01 spec writes them) or bare
(as the 2023-12-01-preview spec writes them). Comparisons are case-sensitive, like ids.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from emulator.errors import ErrorResponse, bad_argument

Predicate = Callable[[Mapping[str, Any]], bool]

_CLAUSE = re.compile(r"(?P<field>\w+)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+(?P<value>'[^']*'|\S+)", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_TIME_FIELD = "createdDateTime"


def parse_filter(expression: str | None, fields: frozenset[str]) -> Predicate:
    """A predicate over rendered resources; `fields` are the properties this list may filter on."""
    if expression is None or not expression.strip():
        return lambda _item: True
    clauses = [_parse_clause(text, fields) for text in _AND.split(expression.strip())]
    return lambda item: all(clause(item) for clause in clauses)


def _parse_clause(text: str, fields: frozenset[str]) -> Predicate:
    match = _CLAUSE.fullmatch(text)
    if match is None:
        raise _invalid(f"Cannot parse the filter clause '{text}'.")
    name, op, raw = match["field"], match["op"].lower(), match["value"]
    if name not in fields:
        raise _invalid(f"Filtering on '{name}' is not supported here; use one of {sorted(fields)}.")
    value = raw[1:-1] if raw.startswith("'") else raw
    compare = _OPERATORS[op]
    if name == _TIME_FIELD:
        moment = _parse_time(value)
        return lambda item: compare(_parse_time(item[_TIME_FIELD]), moment)
    if op not in ("eq", "ne"):
        raise _invalid(f"The operator '{op}' is only supported on {_TIME_FIELD}.")
    return lambda item: compare(item.get(name), value)


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _invalid(f"'{text}' is not an ISO 8601 date and time.") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _invalid(message: str) -> ErrorResponse:
    return bad_argument(message, "filter")
