"""What a check found: passed, failed (with what to do), or not checked (and why)."""

from dataclasses import dataclass
from enum import Enum

from provider.redaction import redact


class Status(Enum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckResult:
    check: str
    status: Status
    found: str
    # What to do about a failure (or, for a skip, what to check by hand).
    todo: str = ""

    @classmethod
    def ok(cls, check: str, found: str) -> "CheckResult":
        return cls(check, Status.OK, found)

    @classmethod
    def fail(cls, check: str, found: str, todo: str) -> "CheckResult":
        return cls(check, Status.FAIL, found, todo)

    @classmethod
    def skip(cls, check: str, found: str, todo: str = "") -> "CheckResult":
        return cls(check, Status.SKIP, found, todo)

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def line(self) -> str:
        """One line, through `redact`: no secret the doctor was given can show in it."""
        todo = f" -> {_one_line(self.todo)}" if self.todo else ""
        return redact(f"{self.status.value:<4}  {self.check}: {_one_line(self.found)}{todo}")


def _one_line(text: str) -> str:
    return " ".join(text.split())
