"""BlobContainer's create, read and delete in process, against the storage account's answers
(from `responses`): a container it made is the stack's and is deleted with it; one that was
there already is adopted and kept; storage failures are one line naming the container."""

import base64
from typing import Any

import pytest
import responses
from pulumi.dynamic import Config, ConfigureRequest

from provider.blob_container import BlobContainerProvider, container_url
from provider.storage.client import StorageError

ACCOUNT_URL = "https://contoso.blob.core.windows.net"
CONTAINER_URL = f"{ACCOUNT_URL}/voices"
REST = f"{CONTAINER_URL}?restype=container"
KEY = base64.b64encode(b"k" * 64).decode()
PROPS = {"accountUrl": ACCOUNT_URL, "containerName": "voices"}


def error(code: str, message: str = "Refused.") -> dict[str, Any]:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}\nRequestId:1</Message></Error>"
    return {"body": body, "content_type": "application/xml", "headers": {"x-ms-error-code": code}}


@pytest.fixture
def provider() -> BlobContainerProvider:
    provider = BlobContainerProvider()
    provider.configure(ConfigureRequest(Config({"personal-voice:storageAccountKey": KEY}, "personal-voice")))
    return provider


def signed_with_the_account_key(call: Any) -> bool:
    return str(call.request.headers["Authorization"]).startswith("SharedKey contoso:")


@responses.activate
def test_a_new_container_is_made_and_is_the_stacks(provider: BlobContainerProvider):
    responses.put(REST, status=201)
    result = provider.create(dict(PROPS))
    assert result.id == CONTAINER_URL
    assert result.outs == {**PROPS, "containerUrl": CONTAINER_URL, "createdByStack": True}
    [call] = responses.calls
    assert call.request.method == "PUT" and signed_with_the_account_key(call)


@responses.activate
def test_a_container_that_exists_already_is_adopted(provider: BlobContainerProvider):
    responses.put(REST, status=409, **error("ContainerAlreadyExists"))
    result = provider.create(dict(PROPS))
    assert result.id == CONTAINER_URL
    assert result.outs == {**PROPS, "containerUrl": CONTAINER_URL, "createdByStack": False}


@responses.activate
def test_a_container_being_deleted_is_not_adopted_and_the_failure_names_it(provider: BlobContainerProvider):
    responses.put(REST, status=409, **error("ContainerBeingDeleted", "The container is being deleted."))
    with pytest.raises(StorageError) as raised:
        provider.create(dict(PROPS))
    assert str(raised.value) == (
        f"Creating container {CONTAINER_URL} failed: The container is being deleted. "
        "(HTTP 409, code ContainerBeingDeleted)"
    )


@responses.activate
def test_a_refused_create_names_the_container(provider: BlobContainerProvider):
    responses.put(REST, status=403, **error("AuthorizationFailure", "Not allowed."))
    with pytest.raises(StorageError, match=rf"^Creating container {CONTAINER_URL} failed: Not allowed\. \(HTTP 403"):
        provider.create(dict(PROPS))


@responses.activate
def test_read_keeps_whether_the_stack_made_the_container(provider: BlobContainerProvider):
    responses.get(REST, status=200)
    adopted = provider.read(CONTAINER_URL, {**PROPS, "containerUrl": CONTAINER_URL, "createdByStack": False})
    assert adopted.id == CONTAINER_URL
    assert adopted.outs == {**PROPS, "containerUrl": CONTAINER_URL, "createdByStack": False}
    older = provider.read(CONTAINER_URL, dict(PROPS))  # state from before createdByStack: the stack's
    assert older.outs == {**PROPS, "containerUrl": CONTAINER_URL, "createdByStack": True}
    assert all(signed_with_the_account_key(call) for call in responses.calls)


@responses.activate
def test_a_container_gone_since_reads_as_gone(provider: BlobContainerProvider):
    responses.get(REST, status=404, **error("ContainerNotFound"))
    gone = provider.read(CONTAINER_URL, {**PROPS, "createdByStack": True})
    assert (gone.id, gone.outs) == ("", {})


@responses.activate
def test_a_read_storage_refuses_names_the_container(provider: BlobContainerProvider):
    responses.get(REST, status=403, **error("AuthorizationFailure", "Not allowed."))
    with pytest.raises(StorageError, match=rf"^Reading container {CONTAINER_URL} failed: Not allowed\. \(HTTP 403"):
        provider.read(CONTAINER_URL, dict(PROPS))


@responses.activate
def test_delete_removes_the_stacks_container(provider: BlobContainerProvider):
    responses.delete(REST, status=202)
    provider.delete(CONTAINER_URL, {**PROPS, "createdByStack": True})
    provider.delete(CONTAINER_URL, dict(PROPS))  # state from before createdByStack
    assert [call.request.method for call in responses.calls] == ["DELETE", "DELETE"]
    assert all(signed_with_the_account_key(call) for call in responses.calls)


@responses.activate
def test_delete_keeps_an_adopted_container(provider: BlobContainerProvider):
    provider.delete(CONTAINER_URL, {**PROPS, "createdByStack": False})
    assert len(responses.calls) == 0


@responses.activate
def test_a_container_already_gone_counts_as_deleted(provider: BlobContainerProvider):
    responses.delete(REST, status=404, **error("ContainerNotFound"))
    provider.delete(CONTAINER_URL, {**PROPS, "createdByStack": True})
    assert len(responses.calls) == 1


@responses.activate
def test_a_delete_storage_refuses_names_the_container(provider: BlobContainerProvider):
    responses.delete(REST, status=403, **error("AuthorizationFailure", "Not allowed."))
    with pytest.raises(StorageError, match=rf"^Deleting container {CONTAINER_URL} failed: Not allowed\. \(HTTP 403"):
        provider.delete(CONTAINER_URL, {**PROPS, "createdByStack": True})


@pytest.mark.parametrize(
    ("account_url", "expected"),
    [
        (ACCOUNT_URL, CONTAINER_URL),
        (f"{ACCOUNT_URL}/", CONTAINER_URL),
        ("http://127.0.0.1:10000/ACCOUNTX", "http://127.0.0.1:10000/ACCOUNTX/voices"),
    ],
)
def test_the_container_url_joins_account_and_name_with_one_slash(account_url: str, expected: str):
    assert container_url(account_url, "voices") == expected
