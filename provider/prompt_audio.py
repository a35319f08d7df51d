"""The PromptAudio resource: the prompt audio files of one voice, uploaded as blobs under a
prefix of a container.

Each file is declared with its SHA-256, computed by the program at preview time
(`PromptFile.of`), so a new recording at the same path is a change. Changes are made in place:
new and changed files are uploaded, removed ones deleted; only a new account or container
replaces. Delete removes this resource's blobs only, never others under the prefix.

`contentSha256` (known at preview) is a digest of the sorted (name, sha256) pairs: what a
personal voice trained on these files depends on.

Import path contract: stacks hold a by-reference pickle of `PromptAudioProvider` from this
module; moving it breaks refresh and destroy of existing stacks.
"""

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from provider.diffing import DiffRules
from provider.errors import Refused
from provider.inputs import judged
from provider.prompt_files import PromptFile, any_unknown, check_prompt_files, content_sha256, read_verified
from provider.resource import Resource
from provider.storage.base import StorageResourceProvider
from provider.storage.client import storage_errors
from provider.storage.inputs import check_account_url, check_container_name, normalise_account_url
from provider.validation import Problem

if TYPE_CHECKING:
    from azure.storage.blob import ContainerClient

# The blob metadata key holding a file's SHA-256, so refresh can tell what is there.
SHA256_METADATA = "sha256"


class PromptAudioProvider(StorageResourceProvider):
    # Files and prefix change in place: upload what is new, delete what is gone.
    diff_rules = DiffRules(
        replacing=("accountUrl", "containerName"),
        in_place=("prefix", "contentSha256"),
        stable_outputs=("contentSha256",),
        rewrites_outputs=("prefix", "contentSha256"),
    )

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {
            "accountUrl": normalise_account_url(news.get("accountUrl")),
            "containerName": news.get("containerName"),
            "prefix": news.get("prefix") or "",
            "files": news.get("files"),
        }
        problems = check_account_url("accountUrl", inputs["accountUrl"])
        problems += check_container_name("containerName", inputs["containerName"])
        problems += _check_prefix(inputs["prefix"])
        problems += check_prompt_files("files", inputs["files"])
        if not judged(problems, inputs) and not any_unknown(inputs["files"]):
            inputs["contentSha256"] = content_sha256(inputs["files"])
        return inputs, problems

    def create(self, props: dict[str, Any]) -> CreateResult:
        container = self.container(props)
        for name, file in _blobs(props).items():
            _upload(container, name, file)
        return CreateResult(f"{props['containerName']}/{props['prefix']}", _outputs(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        container = self.container(news)
        before, after = _blobs(olds), _blobs(news)
        for name, file in after.items():
            if before.get(name, {}).get("sha256") != file["sha256"]:
                _upload(container, name, file)
        for name in before.keys() - after.keys():
            _delete(container, name)
        return UpdateResult(_outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The declared files whose blob is there with the declared content; gone if none is."""
        container = self.container(props)
        with storage_errors(f"Listing {_where(container, props['prefix'])}"):
            # Imported where it is caught: the program imports this module and never calls the SDK.
            from azure.core.exceptions import ResourceNotFoundError

            try:
                found = {
                    blob.name: (blob.metadata or {}).get(SHA256_METADATA)
                    for blob in container.list_blobs(name_starts_with=props["prefix"] or None, include=["metadata"])
                }
            except ResourceNotFoundError:
                return ReadResult("", {})  # the container is gone, and the files with it
        present = [file for name, file in _blobs(props).items() if found.get(name) == file["sha256"]]
        if not present:
            return ReadResult("", {})
        return ReadResult(id_, _outputs({**props, "files": present}))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        container = self.container(props)
        for name in _blobs(props):
            _delete(container, name)


def _outputs(props: dict[str, Any]) -> dict[str, Any]:
    files = [{"name": f["name"], "path": f["path"], "sha256": f["sha256"]} for f in props["files"]]
    return {
        "accountUrl": props["accountUrl"],
        "containerName": props["containerName"],
        "prefix": props["prefix"],
        "files": files,
        "contentSha256": content_sha256(files),
    }


def _blobs(props: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each file by its blob name (prefix + name)."""
    return {f"{props['prefix']}{file['name']}": file for file in props.get("files") or []}


def _upload(container: "ContainerClient", blob_name: str, file: dict[str, Any]) -> None:
    from azure.storage.blob import ContentSettings  # as in provider/storage/client.py

    data = read_verified(file)
    content_type = mimetypes.guess_type(blob_name)[0] or "application/octet-stream"
    with storage_errors(f"Uploading {file['path']!r} to {_where(container, blob_name)}"):
        _refuse_foreign_blob(container, blob_name)
        container.upload_blob(
            blob_name,
            data,
            overwrite=True,
            metadata={SHA256_METADATA: file["sha256"]},
            content_settings=ContentSettings(content_type=content_type),
        )


def _refuse_foreign_blob(container: "ContainerClient", blob_name: str) -> None:
    """A blob at that name that the stack did not upload (no hash in its metadata) is someone
    else's recording: never overwrite it."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        metadata = container.get_blob_client(blob_name).get_blob_properties().metadata or {}
    except ResourceNotFoundError:
        return
    if SHA256_METADATA not in metadata:
        raise Refused(
            f"{_where(container, blob_name)} already exists and was not uploaded by a stack; "
            "rename the file or choose another prefix (the stack never overwrites it)"
        )


def _delete(container: "ContainerClient", blob_name: str) -> None:
    with storage_errors(f"Deleting {_where(container, blob_name)}"):
        from azure.core.exceptions import ResourceNotFoundError

        try:
            container.delete_blob(blob_name)
        except ResourceNotFoundError:
            pass  # already gone (or its container is) counts as deleted


def _where(container: "ContainerClient", blob_name: str) -> str:
    return f"{container.url}/{blob_name}"


def _check_prefix(prefix: Any) -> list[Problem]:
    if not isinstance(prefix, str):
        return [Problem("prefix", f"must be a string, got {type(prefix).__name__}")]
    if prefix.startswith("/") or "\\" in prefix:
        return [Problem("prefix", f"{prefix!r} must not start with '/' or hold '\\' (blob names use '/')")]
    return []


@dataclass
class PromptAudioArgs:
    account_url: pulumi.Input[str]
    container_name: pulumi.Input[str]
    files: Sequence[PromptFile]
    prefix: pulumi.Input[str] = ""


class PromptAudio(Resource, module="storage", name="PromptAudio"):
    """A voice's prompt audio files, as blobs `{prefix}{name}` in a container."""

    # Attributes keep camelCase names, as dynamic resources' outputs do.
    accountUrl: pulumi.Output[str]
    containerName: pulumi.Output[str]
    prefix: pulumi.Output[str]
    contentSha256: pulumi.Output[str]

    def __init__(self, resource_name: str, args: PromptAudioArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {
            "accountUrl": args.account_url,
            "containerName": args.container_name,
            "prefix": args.prefix,
            "files": [file.as_input() for file in args.files],
            "contentSha256": None,
        }
        super().__init__(PromptAudioProvider(), resource_name, props, opts)
