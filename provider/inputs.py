"""Reading resource inputs: dotted paths, unknown values during preview, SAS URLs."""

from typing import Any

from pulumi.runtime import rpc

from provider.redaction import strip_query


def is_unknown(value: Any) -> bool:
    return value is rpc.UNKNOWN or (isinstance(value, str) and value == rpc.UNKNOWN)


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


def top_level(fields: list[str]) -> list[str]:
    """The engine takes top-level property names; its own diff of the inputs shows the
    nested field (audios.prefix, say) to whoever reads the preview."""
    return sorted({field.split(".")[0] for field in fields})
