"""Stack config as the provider host gets it in `configure()`: the namespace of this project's
keys and how a value is read. Both families' settings load through here."""

from collections.abc import Mapping
from typing import Any, Protocol

from provider.errors import ConfigError

# The Pulumi project name, and so the namespace of this project's config keys.
CONFIG_NAMESPACE = "personal-voice"
# The Speech resource's endpoint. Here, in a module of the standard library only, so that
# scripts/changed_stacks.py (run with PyYAML alone) reads the key the program reads.
ENDPOINT_CONFIG = "speechEndpoint"
# Azure Resource Manager's base URL, where the catalog's Speech accounts are (here for the same reason).
ARM_ENDPOINT_CONFIG = "armEndpoint"


class ConfigSource(Protocol):
    def get(self, key: str) -> Any: ...


class StackConfig:
    """This project's keys of one config source (None: no config at all), blank values as unset."""

    def __init__(self, source: ConfigSource | Mapping[str, Any] | None) -> None:
        self._source = source

    def get(self, key: str) -> Any:
        value = self._source.get(f"{CONFIG_NAMESPACE}:{key}") if self._source is not None else None
        return value if value not in (None, "") else None

    def number(
        self,
        key: str,
        default: float,
        *,
        above: float | None = None,
        at_least: float | None = None,
        at_most: float | None = None,
    ) -> float:
        value = self.get(key)
        if value is None:
            return default
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"config {key}: {value!r} is not a number") from None
        if above is not None and number <= above:
            raise ConfigError(f"config {key}: {value!r} must be greater than {above:g}")
        if at_least is not None and number < at_least:
            raise ConfigError(f"config {key}: {value!r} must be at least {at_least:g}")
        if at_most is not None and number > at_most:
            raise ConfigError(f"config {key}: {value!r} must be at most {at_most:g}")
        return number

    def flag(self, key: str, default: bool) -> bool:
        """true or false (as `pulumi config set` stores them, text, or YAML booleans)."""
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise ConfigError(f"config {key}: {value!r} must be true or false")

    def choice(self, key: str, default: str, meanings: Mapping[str, str]) -> str:
        """One of `meanings`' keys; the error explains each."""
        value = str(self.get(key) or default)
        if value not in meanings:
            allowed = " or ".join(f"{name!r} ({meaning})" for name, meaning in meanings.items())
            raise ConfigError(f"config {key} is {value!r}; use {allowed}")
        return value
