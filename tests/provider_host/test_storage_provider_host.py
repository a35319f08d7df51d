"""The storage providers through the real provider host over gRPC, against Azurite: their
pickles are small references, and the storage key reaches them from stack config only."""

import base64
from pathlib import Path
from typing import Any

import grpc
import pytest
from azure.storage.blob import ContainerClient
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from provider.blob_container import BlobContainerProvider
from provider.container_sas import ContainerSasProvider
from provider.hashing import file_sha256
from provider.prompt_audio import PromptAudioProvider
from tests.audio import write_wav
from tests.provider_host.test_provider_host import TIMEOUT, from_struct, to_struct
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

URN = "urn:pulumi:dev::personal-voice::pulumi-python:dynamic/storage:{}::prompt-audio"
Host = provider_pb2_grpc.ResourceProviderStub


@pytest.mark.parametrize("provider", [BlobContainerProvider(), PromptAudioProvider(), ContainerSasProvider()])
def test_pickled_storage_providers_are_small_references_without_the_key(provider: ResourceProvider):
    configured = {"personal-voice:storageAccountKey": ACCOUNT_KEY}
    provider.configure(ConfigureRequest(Config(configured, "personal-voice")))
    pickled = serialize_provider(provider)
    assert len(pickled) < 300
    assert ACCOUNT_KEY not in base64.b64decode(pickled).decode("latin-1")


def create(host: Host, provider: ResourceProvider, kind: str, inputs: dict[str, Any]) -> tuple[str, Any]:
    news = to_struct({**inputs, "__provider": serialize_provider(provider)})
    checked = host.Check(
        provider_pb2.CheckRequest(urn=URN.format(kind), olds=to_struct({}), news=news), timeout=TIMEOUT
    )
    assert list(checked.failures) == []
    created = host.Create(provider_pb2.CreateRequest(urn=URN.format(kind), properties=checked.inputs), timeout=TIMEOUT)
    return created.id, created.properties


def test_container_prompt_audio_and_sas_over_grpc(host: Host, azurite: Azurite, tmp_path: Path):
    config = {"personal-voice:storageAccountKey": ACCOUNT_KEY}
    host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)
    name = azurite.new_container(create=False).container_name
    location = {"accountUrl": azurite.account_url, "containerName": name}
    container_id, container = create(host, BlobContainerProvider(), "BlobContainer", location)
    prompt = write_wav(tmp_path / "prompt.wav", 6.0)
    files = [{"name": "prompt.wav", "path": str(prompt), "sha256": file_sha256(prompt)}]
    audio_id, audio = create(
        host, PromptAudioProvider(), "PromptAudio", {**location, "prefix": "jessica/", "files": files}
    )
    _, sas = create(host, ContainerSasProvider(), "ContainerSas", location)

    signed = ContainerClient.from_container_url(f"{from_struct(container)['containerUrl']}?{from_struct(sas)['token']}")
    assert [blob.name for blob in signed.list_blobs()] == ["jessica/prompt.wav"]

    host.Delete(
        provider_pb2.DeleteRequest(id=audio_id, urn=URN.format("PromptAudio"), properties=audio), timeout=TIMEOUT
    )
    assert list(signed.list_blobs()) == []
    host.Delete(
        provider_pb2.DeleteRequest(id=container_id, urn=URN.format("BlobContainer"), properties=container),
        timeout=TIMEOUT,
    )
    assert not azurite.service().get_container_client(name).exists()


def test_storage_errors_reaching_the_engine_carry_no_key(host: Host, azurite: Azurite):
    wrong_key = "d3Jvbmcta2V5LXdyb25nLWtleQ=="
    config = {"personal-voice:storageAccountKey": wrong_key}
    host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)
    with pytest.raises(grpc.RpcError) as caught:
        create(
            host,
            BlobContainerProvider(),
            "BlobContainer",
            {"accountUrl": azurite.account_url, "containerName": "x-y-z"},
        )
    details = caught.value.details()
    assert "HTTP 403" in details and wrong_key not in details
