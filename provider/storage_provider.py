"""What every storage dynamic provider shares: the account key from `configure()`, `check`,
and a client for a container."""

from typing import Any

from azure.storage.blob import ContainerClient
from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, ResourceProvider

from provider.inputs import is_unknown
from provider.storage_client import container_client
from provider.storage_settings import StorageSettings
from provider.validation import Problem


class StorageResourceProvider(ResourceProvider):
    """Holds no state of its own until `configure()` runs in the provider host, so what
    gets pickled into state is only a reference to the subclass."""

    def configure(self, req: ConfigureRequest) -> None:
        self._settings = StorageSettings.load(req.config)

    def __getstate__(self) -> dict[str, Any]:
        # Settings hold the account key and belong to the host process: never pickle them.
        return {}

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """The inputs as stored, and every problem with them."""
        raise NotImplementedError

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, problems = self.normalise(news)
        return CheckResult(inputs, [CheckFailure(p.field, p.reason) for p in problems])

    @property
    def settings(self) -> StorageSettings:
        return getattr(self, "_settings", None) or StorageSettings.load(None)

    def container(self, props: dict[str, Any]) -> ContainerClient:
        return container_client(props["accountUrl"], props["containerName"], self.settings.require_key())


def changed(olds: dict[str, Any], news: dict[str, Any], *keys: str) -> list[str]:
    """The keys whose value differs (a value still unknown counts as different)."""
    return [key for key in keys if is_unknown(news.get(key)) or olds.get(key) != news.get(key)]
