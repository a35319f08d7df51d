"""Reading resource inputs: dotted paths, unknown values during preview, SAS URLs."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pulumi.output import Unknown
from pulumi.runtime import rpc

from provider.redaction import strip_query


def is_unknown(value: Any) -> bool:
    """A value not known yet (during preview). The provider host hands these over as
    `pulumi.output.Unknown` instances; the wire form is the `rpc.UNKNOWN` sentinel string."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def lookup(values: dict[str, Any], dotted: str) -> Any:
    """values["a"]["b"] for "a.b"; None when absent; UNKNOWN when any level is unknown."""
    current: Any = values
    for part in dotted.split("."):
        if is_unknown(current):
            return current
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


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
