"""What every storage dynamic provider shares, on the shared base provider: the credential
from `configure()`, and a client for a container."""

from typing import TYPE_CHECKING, Any

from provider.base import DynamicProvider
from provider.storage.client import container_client
from provider.storage.settings import StorageSettings

if TYPE_CHECKING:
    from azure.storage.blob import ContainerClient


class StorageResourceProvider(DynamicProvider[StorageSettings]):
    settings_type = StorageSettings

    def container(self, props: dict[str, Any]) -> "ContainerClient":
        return container_client(
            props["accountUrl"], props["containerName"], self.settings.credential(props["accountUrl"])
        )
