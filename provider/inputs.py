"""Reading resource inputs: field paths, values unknown at preview, SAS URLs, endpoints."""

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pulumi.output import Unknown
from pulumi.runtime import rpc

from provider.redaction import strip_query
from provider.validation import Problem

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def is_unknown(value: Any) -> bool:
    """A value not known yet (during preview). The provider host hands these over as
    `pulumi.output.Unknown` instances; the wire form is the `rpc.UNKNOWN` sentinel string."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def lookup(values: dict[str, Any], path: str) -> Any:
    """values["a"][0]["b"] for "a[0].b" (the form problems name their field in); None when
    absent; the unknown value when any level is unknown."""
    current: Any = values
    for name, index in _PATH_PART.findall(path):
        if is_unknown(current):
            return current
        if name:
            current = current.get(name) if isinstance(current, dict) else None
        else:
            position = int(index)
            current = current[position] if isinstance(current, list) and position < len(current) else None
    return current


def judged(problems: list[Problem], inputs: dict[str, Any]) -> list[Problem]:
    """The problems that count now: a value still unknown at preview is not judged (it is
    checked again once known), nor is one inside it."""
    return [problem for problem in problems if not is_unknown(lookup(inputs, problem.field))]


def blank_as_none(value: Any) -> Any:
    """None and '' mean the same to the service (an absent prefix is an empty one)."""
    return None if value == "" else value


def base_url(value: Any) -> Any:
    """A URL without its query (the SAS token), leaving unknown and None as they are."""
    return value if is_unknown(value) or value is None else strip_query(str(value))


def normalise_endpoint(value: Any) -> Any:
    """One spelling per endpoint: lower-case scheme and host, no trailing slash."""
    if not isinstance(value, str) or is_unknown(value):
        return value
    parts = urlsplit(value.strip())
    if not parts.scheme or not parts.netloc:
        return value
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, parts.fragment))


def top_level(fields: list[str]) -> list[str]:
    """The engine takes top-level property names; its own diff of the inputs shows the
    nested field (audios.prefix, say) to whoever reads the preview."""
    return sorted({field.split(".")[0] for field in fields})
