"""Input rules of the storage resources, checked before any request; each problem names its field."""

import math
import re
from typing import Any
from urllib.parse import urlsplit

from provider.inputs import is_unknown
from provider.validation import Problem, check_url, is_loopback

# Azure's rule: 3 to 63 lower-case letters, digits and single hyphens, starting and ending
# with a letter or digit.
CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_account_url(field: str, value: Any) -> list[Problem]:
    """https://{account}.blob.core.windows.net (or another https host), or a local emulator's
    path-style http://127.0.0.1:{port}/{account}."""
    problems = check_url(field, value, allow_query=False)
    if problems:
        return problems
    parts = urlsplit(str(value))
    segments = [segment for segment in parts.path.split("/") if segment]
    if is_loopback(parts.hostname):
        if len(segments) != 1:
            return [Problem(field, "a local emulator's account URL is http://127.0.0.1:<port>/<account>")]
    elif segments:
        return [Problem(field, "must be the account's blob endpoint, without a path")]
    return []


def check_container_name(field: str, value: Any) -> list[Problem]:
    if not isinstance(value, str) or not CONTAINER_NAME.match(value):
        return [
            Problem(
                field,
                f"{value!r} is not a container name (3 to 63 lower-case letters, digits and single hyphens, "
                "starting and ending with a letter or digit)",
            )
        ]
    return []


def whole_number(field: str, value: Any, minimum: int) -> tuple[Any, list[Problem]]:
    """(the int, []) for a whole number of at least `minimum` (Pulumi sends numbers as
    floats: 30.0 is 30); (the value as given, [the problem]) otherwise."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value == int(value)
        and value >= minimum
    ):
        return int(value), []
    return value, [Problem(field, f"must be a whole number of at least {minimum}, got {value!r}")]


def normalise_account_url(value: Any) -> Any:
    """The account URL as compared and stored: without a trailing slash."""
    return value.rstrip("/") if isinstance(value, str) and not is_unknown(value) else value
