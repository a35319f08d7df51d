"""The request log: what a test may assert on, with nothing secret in it.

Only the method, the path and the query are kept. Header values are never seen here, and
the values of query parameters that can carry credentials are replaced before storing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WRITE_METHODS = frozenset({"PUT", "POST", "PATCH", "DELETE"})
# ARM actions that are POSTs but change nothing (Accounts_ListKeys, CheckDomainAvailability).
READING_ACTIONS = ("/listKeys", "/checkDomainAvailability")
SECRET_QUERY_PARAMETERS = frozenset(
    {"subscription-key", "ocp-apim-subscription-key", "access_token", "token", "key", "code", "sig"}
)
REDACTED = "REDACTED"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: Mapping[str, str]

    @classmethod
    def redacted(cls, method: str, path: str, query: Mapping[str, str]) -> RecordedRequest:
        safe_query = {
            name: REDACTED if name.lower() in SECRET_QUERY_PARAMETERS else value for name, value in query.items()
        }
        return cls(method.upper(), path, safe_query)

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS and not self.path.endswith(READING_ACTIONS)

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "query": dict(self.query), "isWrite": self.is_write}
