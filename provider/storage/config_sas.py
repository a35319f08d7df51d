"""Config `sasToken`, and the one container it was issued for (`sasContainer`).

The token is a secret of the stack's config and never a resource input: the program gives
each voice and consent its plain URL, and the provider host joins the token to it when it
sends the create, as it mints the SAS of a container the stack manages. It goes only to URLs
inside the container it was issued for: a URL on another scheme, host, port, account or
container is refused, at preview by the program (naming the catalog's file, line and field)
and again by the host before it joins (it refuses rather than send the token elsewhere).

The container is stated in config beside the token because no Azure SAS names it: a service
SAS carries `sr=c` (some container), an account SAS its services and resource types; the
resource a SAS is for is signed into it, not written in it.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from provider.config import ConfigSource, StackConfig
from provider.errors import ConfigError, Refused
from provider.redaction import register_sas
from provider.validation import check_url, is_loopback

SAS_TOKEN_CONFIG = "sasToken"
# Instead of config sasToken: the engine's verbose log (-v=9) prints config, the environment never.
SAS_TOKEN_ENVIRONMENT_VARIABLE = "PV_SAS_TOKEN"
SAS_CONTAINER_CONFIG = "sasContainer"
CONTAINER_FORM = "https://{account}.blob.core.windows.net/{container}"
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class _Place:
    """Where a URL leads, in the terms two URLs are compared by: scheme and host in lower
    case, the port, and the path's segments as the server reads them (decoded). `check_url`
    has refused first what hides the host: user info, a trailing dot, a port out of range."""

    scheme: str
    host: str
    port: int
    segments: tuple[str, ...]

    def holds(self, other: "_Place") -> bool:
        """Whether `other` is this container or inside it."""
        same_server = (self.scheme, self.host, self.port) == (other.scheme, other.host, other.port)
        return same_server and other.segments[: len(self.segments)] == self.segments


def _place(url: str) -> _Place:
    """Raises ValueError with the reason a URL cannot be compared (and so gets no token)."""
    problems = check_url("url", url, allow_query=False)
    if problems:
        raise ValueError(problems[0].reason)
    parts = urlsplit(url)
    if parts.fragment or url.endswith(("?", "#")):
        raise ValueError("ends in a query or fragment mark ('?', '#')")
    port = _DEFAULT_PORTS[parts.scheme] if parts.port is None else parts.port
    path = parts.path.split("/")[1:]
    if path and path[-1] == "":
        path = path[:-1]  # a trailing slash
    segments = tuple(unquote(segment) for segment in path)
    if any(segment in (".", "..") or "/" in segment or "\\" in segment for segment in segments):
        raise ValueError(
            "has a '.' or '..' path segment (or one hiding a '/' or '\\'), which a server may read as another path"
        )
    return _Place(parts.scheme, str(parts.hostname), port, segments)


@dataclass(frozen=True)
class ConfigSas:
    token: str | None = field(default=None, repr=False)
    # The URL of the container the token was issued for.
    container: str | None = None

    @classmethod
    def load(cls, source: ConfigSource | None, environ: Mapping[str, str] = os.environ) -> "ConfigSas":
        config = StackConfig(source)
        token = config.get(SAS_TOKEN_CONFIG) or environ.get(SAS_TOKEN_ENVIRONMENT_VARIABLE) or None
        container = config.get(SAS_CONTAINER_CONFIG)
        token = str(token).strip().removeprefix("?") if token is not None else None
        if token:
            register_sas(f"?{token}")
        return cls(token=token or None, container=str(container).strip() if container is not None else None)

    def config_problems(self) -> list[str]:
        """The config's mistakes, each naming its key (none when no token is set)."""
        if self.token is None:
            return []
        if self.container is None:
            return [
                (
                    f"config {SAS_CONTAINER_CONFIG} is required when config {SAS_TOKEN_CONFIG} (or "
                    f"{SAS_TOKEN_ENVIRONMENT_VARIABLE}) is set: the URL of the one container the token was issued "
                    f"for, such as {CONTAINER_FORM}"
                )
            ]
        try:
            place = _place(self.container)
        except ValueError as error:
            return [f"config {SAS_CONTAINER_CONFIG}: {self.container!r} {error}"]
        # Azure's host names the account; a local emulator (path-style) puts it in the path.
        expected = 2 if is_loopback(place.host) else 1
        if len(place.segments) != expected:
            return [
                (
                    f"config {SAS_CONTAINER_CONFIG}: {self.container!r} is not a container's URL: give "
                    f"{CONTAINER_FORM} (or http://127.0.0.1:{{port}}/{{account}}/{{container}} for a local emulator)"
                )
            ]
        return []

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be read with the token; None when it may, or when there is no token
        (the URL then goes as it is)."""
        if self.token is None or self.config_problems():
            return None  # the config's own mistake is reported, naming its key
        try:
            inside = _place(str(self.container)).holds(_place(url))
        except ValueError as error:
            return f"{url} {error}"
        if inside:
            return None
        return (
            f"{url} is outside the container config {SAS_TOKEN_CONFIG} was issued for "
            f"({SAS_CONTAINER_CONFIG}: {self.container}): the token goes to no other scheme, host, "
            "account or container"
        )

    def joined(self, field: str, url: str) -> str:
        """The URL as the service gets it: with the token joined, if one is set. Checked again
        here, where the token is joined, whatever the program checked."""
        if self.token is None:
            return url
        problems = self.config_problems()
        if problems:
            raise ConfigError(problems[0])
        refused = self.refusal(url)
        if refused is not None:
            raise Refused(f"{field}: {refused}")
        return f"{url}?{self.token}"
