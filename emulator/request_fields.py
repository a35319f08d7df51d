"""Checks on request values; each failure is a 400 BadArgument naming the offending field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from emulator.errors import bad_argument

ID_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,62}[a-zA-Z0-9]$")


def check_id(value: Any, target: str = "id") -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise bad_argument(
            f"'{value}' is not a valid {target}: 3 to 64 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit.",
            target,
        )
    return value


def required_string(payload: Mapping[str, Any], name: str, target: str | None = None) -> str:
    """`target` names the property in messages when it is nested (e.g. audios.containerUrl)."""
    label = target or name
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise bad_argument(f"The property '{label}' is required and must be a non-empty string.", label)
    return value


def optional_strings(payload: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The optional string properties present in `payload`, in spec order."""
    present: dict[str, str] = {}
    for name in names:
        value = payload.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise bad_argument(f"The property '{name}' must be a string.", name)
        present[name] = value
    if present.get("displayName") == "":
        raise bad_argument("The property 'displayName' must not be empty.", "displayName")
    return present


def absolute_http_url(payload: Mapping[str, Any], name: str, target: str | None = None) -> str:
    label = target or name
    value = required_string(payload, name, label)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad_argument(f"The property '{label}' must be an absolute http(s) URL.", label)
    return value


def audio_source(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's AzureBlobContentSource under `audios`: containerUrl, prefix?, extensions."""
    audios = payload.get("audios")
    if not isinstance(audios, Mapping):
        raise bad_argument("The property 'audios' is required and must be an object.", "audios")
    container_url = absolute_http_url(audios, "containerUrl", "audios.containerUrl")
    extensions = audios.get("extensions")
    if (
        not isinstance(extensions, list)
        or not extensions
        or not all(isinstance(extension, str) and extension for extension in extensions)
    ):
        raise bad_argument(
            "The property 'audios.extensions' must be a non-empty list of file name extensions.",
            "audios.extensions",
        )
    source: dict[str, Any] = {"containerUrl": container_url}
    prefix = audios.get("prefix")
    if prefix is not None:
        if not isinstance(prefix, str):
            raise bad_argument("The property 'audios.prefix' must be a string.", "audios.prefix")
        source["prefix"] = prefix
    source["extensions"] = list(extensions)
    return source
