"""The BlobContainer resource: a blob container for prompt audio, in a storage account.

Create makes the container, or adopts it when it already exists; from then on the stack owns
it, and destroy deletes it with every blob in it. A new account URL or container name is a
new container (a replacement).

Import path contract: stacks hold a by-reference pickle of `BlobContainerProvider` from this
module; moving it breaks refresh and destroy of existing stacks.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult

from provider.diffing import DiffRules
from provider.resource import Resource
from provider.storage.base import StorageResourceProvider
from provider.storage.client import error_code, storage_errors
from provider.storage.inputs import check_account_url, check_container_name, normalise_account_url
from provider.validation import Problem

INPUT_KEYS = ("accountUrl", "containerName")


class BlobContainerProvider(StorageResourceProvider):
    diff_rules = DiffRules(replacing=INPUT_KEYS, stable_outputs=("containerUrl",))

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {
            "accountUrl": normalise_account_url(news.get("accountUrl")),
            "containerName": news.get("containerName"),
        }
        problems = check_account_url("accountUrl", inputs["accountUrl"])
        problems += check_container_name("containerName", inputs["containerName"])
        return inputs, problems

    def create(self, props: dict[str, Any]) -> CreateResult:
        outputs = _outputs(props)
        with storage_errors(f"Creating container {outputs['containerUrl']}"):
            # Imported where it is caught: the program imports this module and never calls the SDK.
            from azure.core.exceptions import ResourceExistsError

            try:
                self.container(props).create_container()
                outputs["createdByStack"] = True
            except ResourceExistsError as error:
                if error_code(error) != "ContainerAlreadyExists":
                    raise
                # Adopted: it holds data that is not the stack's, so destroy must keep it.
                outputs["createdByStack"] = False
        return CreateResult(outputs["containerUrl"], outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        outputs = _outputs(props)
        with storage_errors(f"Reading container {outputs['containerUrl']}"):
            exists = self.container(props).exists()
        outputs["createdByStack"] = props.get("createdByStack", True)
        return ReadResult(id_, outputs) if exists else ReadResult("", {})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("createdByStack") is False:
            return  # adopted: the stack's own blobs are gone already (PromptAudio deletes them)
        with storage_errors(f"Deleting container {_outputs(props)['containerUrl']}"):
            from azure.core.exceptions import ResourceNotFoundError

            try:
                self.container(props).delete_container()
            except ResourceNotFoundError:
                pass  # already gone counts as deleted


def container_url(account_url: str, container_name: str) -> str:
    return f"{account_url.rstrip('/')}/{container_name}"


def _outputs(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "accountUrl": props["accountUrl"],
        "containerName": props["containerName"],
        "containerUrl": container_url(props["accountUrl"], props["containerName"]),
    }


@dataclass
class BlobContainerArgs:
    account_url: pulumi.Input[str]
    container_name: pulumi.Input[str]


class BlobContainer(Resource, module="storage", name="BlobContainer"):
    """A blob container. `containerUrl` is its URL without any query (no SAS). A container that
    already existed is adopted (`createdByStack` false) and kept on destroy."""

    # Attributes keep camelCase names, as dynamic resources' outputs do.
    accountUrl: pulumi.Output[str]
    containerName: pulumi.Output[str]
    containerUrl: pulumi.Output[str]

    def __init__(self, resource_name: str, args: BlobContainerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {
            "accountUrl": args.account_url,
            "containerName": args.container_name,
            "containerUrl": None,
            "createdByStack": None,
        }
        super().__init__(BlobContainerProvider(), resource_name, props, opts)
