"""BlobContainer, PromptAudio and ContainerSas against a real Azurite, and a personal voice
that the emulator, reading storage as the service does, trains from what they made."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import ContainerClient
from pulumi.dynamic import Config, ConfigureRequest, CreateResult, ReadResult, UpdateResult

from emulator import CustomVoiceBackend, mock_custom_voice
from emulator.identity import STORAGE_AUDIENCE
from emulator.prompt_audio_inspector import PromptAudioInspector
from provider.blob_container import BlobContainerProvider
from provider.container_sas import ContainerSasProvider
from provider.errors import ConfigError, Refused
from provider.hashing import file_sha256
from provider.prompt_audio import SHA256_METADATA, PromptAudioProvider
from provider.speech.adoption import ResourceFailed
from provider.storage.base import StorageResourceProvider
from provider.storage.client import StorageError
from provider.storage.sas import short_lived_container_url
from provider.storage.settings import StorageSettings
from tests.audio import write_wav
from tests.conftest import ENDPOINT, configured_provider, voice_inputs
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

Provider = TypeVar("Provider", bound=StorageResourceProvider)


def configured(provider: Provider, key: str = ACCOUNT_KEY) -> Provider:
    provider.configure(ConfigureRequest(Config({"personal-voice:storageAccountKey": key}, "personal-voice")))
    return provider


@pytest.fixture
def container(azurite: Azurite) -> Iterator[ContainerClient]:
    container = azurite.new_container()
    yield container
    if container.exists():
        container.delete_container()


def outs(result: CreateResult | UpdateResult | ReadResult) -> dict[str, Any]:
    assert result.outs is not None
    return result.outs


def blobs(container: ContainerClient) -> dict[str, str | None]:
    """Each blob's name and the sha256 in its metadata."""
    return {b.name: (b.metadata or {}).get(SHA256_METADATA) for b in container.list_blobs(include=["metadata"])}


# BlobContainer


def test_container_create_adopt_read_delete(azurite: Azurite):
    provider = configured(BlobContainerProvider())
    name = azurite.new_container(create=False).container_name
    inputs = provider.check({}, {"accountUrl": azurite.account_url, "containerName": name}).inputs
    created = provider.create(inputs)
    outputs = outs(created)
    assert created.id == outputs["containerUrl"] == f"{azurite.account_url}/{name}"
    assert azurite.service().get_container_client(name).exists()
    assert outputs["createdByStack"] is True
    adopted = outs(provider.create(inputs))  # already there: adopted, and so kept on destroy
    assert adopted == {**outputs, "createdByStack": False}
    provider.delete(created.id, adopted)
    assert azurite.service().get_container_client(name).exists()
    assert provider.read(created.id, outputs).id == created.id
    provider.delete(created.id, outputs)
    assert not azurite.service().get_container_client(name).exists()
    assert provider.read(created.id, outputs).id == ""
    provider.delete(created.id, outputs)  # already gone


def test_container_errors_are_redacted_and_say_what_failed(azurite: Azurite):
    wrong_key = "d3Jvbmcta2V5LXdyb25nLWtleQ=="
    provider = configured(BlobContainerProvider(), key=wrong_key)
    inputs = {"accountUrl": azurite.account_url, "containerName": "never-made"}
    with pytest.raises(StorageError) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert message.startswith(f"Creating container {azurite.account_url}/never-made failed: ")
    assert "HTTP 403" in message and wrong_key not in message


# PromptAudio


@pytest.fixture
def wavs(tmp_path: Path) -> dict[str, Path]:
    return {name: write_wav(tmp_path / f"{name}.wav", 1.0 + index) for index, name in enumerate("abc")}


def audio_inputs(container: ContainerClient, files: dict[str, Path], prefix: str = "jessica/") -> dict[str, Any]:
    return {
        "accountUrl": container.url.rsplit("/", 1)[0],
        "containerName": container.container_name,
        "prefix": prefix,
        "files": [{"name": name, "path": str(path), "sha256": file_sha256(path)} for name, path in files.items()],
    }


def test_prompt_audio_create_update_read_delete(container: ContainerClient, wavs, tmp_path: Path):
    container.upload_blob("jessica/not-ours.wav", b"someone else's")
    provider = configured(PromptAudioProvider())
    first = provider.check({}, audio_inputs(container, {"a.wav": wavs["a"], "b.wav": wavs["b"]})).inputs
    created = provider.create(first)
    assert outs(created)["contentSha256"] == first["contentSha256"]
    assert blobs(container) == {
        "jessica/a.wav": file_sha256(wavs["a"]),
        "jessica/b.wav": file_sha256(wavs["b"]),
        "jessica/not-ours.wav": None,
    }
    assert container.get_blob_client("jessica/a.wav").get_blob_properties().content_settings.content_type in (
        "audio/wav",
        "audio/x-wav",
    )

    # b re-recorded, a removed, c added: in place.
    write_wav(wavs["b"], 4.0)
    second = provider.check({}, audio_inputs(container, {"b.wav": wavs["b"], "c.wav": wavs["c"]})).inputs
    diff = provider.diff(created.id, outs(created), second)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = outs(provider.update(created.id, outs(created), second))
    assert updated["contentSha256"] == second["contentSha256"]
    assert blobs(container) == {
        "jessica/b.wav": file_sha256(wavs["b"]),
        "jessica/c.wav": file_sha256(wavs["c"]),
        "jessica/not-ours.wav": None,
    }

    # Refresh: a blob deleted behind the stack's back drops out; the next diff sees it.
    container.delete_blob("jessica/c.wav")
    refreshed = outs(provider.read(created.id, updated))
    assert [f["name"] for f in refreshed["files"]] == ["b.wav"]
    assert provider.diff(created.id, refreshed, second).changes is True

    provider.delete(created.id, updated)
    assert blobs(container) == {"jessica/not-ours.wav": None}
    assert provider.read(created.id, updated).id == ""


def test_prompt_audio_moves_to_a_new_prefix_in_place(container: ContainerClient, wavs):
    provider = configured(PromptAudioProvider())
    olds = outs(provider.create(provider.check({}, audio_inputs(container, {"a.wav": wavs["a"]})).inputs))
    news = provider.check({}, audio_inputs(container, {"a.wav": wavs["a"]}, prefix="voices/jessica/")).inputs
    assert provider.diff("id", olds, news).replaces == []
    provider.update("id", olds, news)
    assert list(blobs(container)) == ["voices/jessica/a.wav"]


def test_prompt_audio_refuses_a_file_changed_since_the_preview(container: ContainerClient, wavs):
    provider = configured(PromptAudioProvider())
    inputs = provider.check({}, audio_inputs(container, {"a.wav": wavs["a"]})).inputs
    write_wav(wavs["a"], 2.5)
    with pytest.raises(Refused, match="changed after the preview computed its hash"):
        provider.create(inputs)
    assert blobs(container) == {}


def test_prompt_audio_into_a_missing_container_fails_clearly(azurite: Azurite, wavs):
    provider = configured(PromptAudioProvider())
    missing = azurite.new_container(create=False)
    with pytest.raises(StorageError, match=r"failed: .*\(HTTP 404, code ContainerNotFound\)"):
        provider.create(provider.check({}, audio_inputs(missing, {"a.wav": wavs["a"]})).inputs)


# ContainerSas


def sas_for(container: ContainerClient) -> dict[str, Any]:
    provider = configured(ContainerSasProvider())
    inputs = {"accountUrl": container.url.rsplit("/", 1)[0], "containerName": container.container_name}
    return outs(provider.create(provider.check({}, inputs).inputs))


def test_sas_reads_and_lists_and_nothing_more(container: ContainerClient):
    container.upload_blob("jessica/a.wav", b"data")
    outputs = sas_for(container)
    assert outputs["permissions"] == "rl" and outputs["expiresOn"].endswith("Z")
    signed = ContainerClient.from_container_url(f"{container.url}?{outputs['token']}")
    assert [b.name for b in signed.list_blobs()] == ["jessica/a.wav"]
    assert signed.download_blob("jessica/a.wav").readall() == b"data"
    with pytest.raises(HttpResponseError) as refused:
        signed.upload_blob("jessica/b.wav", b"more")
    assert refused.value.status_code == 403


def test_sas_renewal_signs_a_new_token(container: ContainerClient):
    provider = configured(ContainerSasProvider())
    olds = {**sas_for(container), "expiresOn": "2000-01-01T00:00:00Z"}
    news = provider.check({}, {k: olds[k] for k in ("accountUrl", "containerName")}).inputs
    assert provider.diff("id", olds, news).changes is True
    renewed = outs(provider.update("id", olds, news))
    assert renewed["expiresOn"] > "2000-01-01T00:00:00Z" and "sig=" in renewed["token"]
    assert provider.diff("id", renewed, news).changes is False


# The chain: container, prompt audio, SAS, and a voice the emulator trains from them


def test_a_voice_trains_from_uploaded_prompt_audio(azurite: Azurite, tmp_path: Path):
    backend = CustomVoiceBackend(keys=["0123456789abcdef0123456789abcdef"], audio_inspector=PromptAudioInspector())
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    name = azurite.new_container(create=False).container_name
    location = {"accountUrl": azurite.account_url, "containerName": name}
    container = outs(configured(BlobContainerProvider()).create(location))
    try:
        audio = configured(PromptAudioProvider())
        prompt = write_wav(tmp_path / "prompt.wav", 6.0, 16000)
        files = [{"name": "prompt.wav", "path": str(prompt), "sha256": file_sha256(prompt)}]
        audio.create(audio.check({}, {**location, "prefix": "jessica/", "files": files}).inputs)
        token = sas_for(azurite.service().get_container_client(name))["token"]
        with mock_custom_voice(ENDPOINT, backend=backend):
            voice = configured_provider().create(
                voice_inputs(audios_containerUrl=f"{container['containerUrl']}?{token}")
            )
            assert outs(voice)["status"] == "Succeeded"
    finally:
        configured(BlobContainerProvider()).delete(container["containerUrl"], container)


def test_prompt_audio_never_overwrites_a_blob_it_did_not_upload(azurite: Azurite, tmp_path):
    container = azurite.new_container()
    container.upload_blob("jessica/a.wav", b"someone else's recording")
    wav = write_wav(tmp_path / "a.wav", seconds=6)
    props = {
        "accountUrl": azurite.account_url,
        "containerName": container.container_name,
        "prefix": "jessica/",
        "files": [{"name": "a.wav", "path": str(wav), "sha256": file_sha256(wav)}],
    }
    with pytest.raises(Refused, match="was not uploaded by a stack"):
        configured(PromptAudioProvider()).create(props)
    assert container.download_blob("jessica/a.wav").readall() == b"someone else's recording"


def test_prompt_audio_whose_container_is_gone_reads_as_gone(azurite: Azurite, tmp_path):
    props = {
        "accountUrl": azurite.account_url,
        "containerName": azurite.new_container(create=False).container_name,
        "prefix": "p/",
        "files": [{"name": "a.wav", "path": "a.wav", "sha256": "0" * 64}],
    }
    assert configured(PromptAudioProvider()).read("id", props).id == ""


def test_a_voice_reads_a_managed_container_through_a_sas_minted_at_create_and_kept_nowhere(
    azurite: Azurite, tmp_path: Path
):
    backend = CustomVoiceBackend(keys=["0123456789abcdef0123456789abcdef"], audio_inspector=PromptAudioInspector())
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    container = azurite.new_container()
    container.upload_blob("jessica/prompt.wav", write_wav(tmp_path / "prompt.wav", 6.0, 16000).read_bytes())
    url = f"{azurite.account_url}/{container.container_name}"
    inputs = voice_inputs(audios_containerUrl=url, mintReadSas=True)
    with mock_custom_voice(ENDPOINT, backend=backend):
        voice = configured_provider(storageAccountKey=ACCOUNT_KEY).create(inputs)
        assert outs(voice)["status"] == "Succeeded"
        assert "sig=" not in str(outs(voice))
        with pytest.raises(ResourceFailed, match="InaccessibleCustomerStorage"):
            configured_provider(storageAccountKey="d3Jvbmcta2V5").create({**inputs, "voiceId": "Other"})
        with pytest.raises(ConfigError, match="storageAccountKey"):
            configured_provider().create({**inputs, "voiceId": "Third"})
    container.delete_container()


def test_a_minted_sas_reads_and_lists_for_the_creates_time_and_no_longer():
    url = short_lived_container_url(
        "https://contoso.blob.core.windows.net/voices",
        StorageSettings(account_key=ACCOUNT_KEY),
        valid_for=timedelta(minutes=10),
    )
    base, _, query = url.partition("?")
    fields = dict(parse_qsl(query))
    assert base == "https://contoso.blob.core.windows.net/voices"
    assert (fields["sp"], fields["sr"], fields["spr"]) == ("rl", "c", "https")
    expiry = datetime.strptime(fields["se"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(minutes=24) < expiry - datetime.now(UTC) <= timedelta(minutes=25)


class EmulatedEntraCredential:
    """Tokens for Azure Storage from the emulated tenant, as DefaultAzureCredential would get them."""

    def __init__(self) -> None:
        self._backend = CustomVoiceBackend()
        self._backend.enable_entra()

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        assert scopes == ("https://storage.azure.com/.default",)
        return AccessToken(self._backend.mint_token(audience=STORAGE_AUDIENCE), int(time.time()) + 3600)


def test_with_entra_the_minted_sas_is_a_user_delegation_sas_that_azurite_verifies(
    azurite_entra: Azurite, monkeypatch: pytest.MonkeyPatch
):
    container = azurite_entra.new_container()
    container.upload_blob("jessica/prompt.wav", b"RIFF")
    monkeypatch.setattr("provider.storage.settings.entra_credential", lambda client_id: EmulatedEntraCredential())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(azurite_entra.ca_file))
    settings = StorageSettings(entra=True)  # no account key anywhere
    container_url = f"{azurite_entra.account_url}/{container.container_name}"

    url = short_lived_container_url(container_url, settings, valid_for=timedelta(minutes=10))

    fields = dict(parse_qsl(url.partition("?")[2]))
    assert {"skoid", "sktid", "skt", "ske", "sks", "skv"} <= set(fields)  # signed with a delegation key
    assert (fields["sp"], fields["spr"]) == ("rl", "https")
    reader = ContainerClient.from_container_url(url, connection_verify=str(azurite_entra.ca_file))
    assert [blob.name for blob in reader.list_blobs()] == ["jessica/prompt.wav"]
    forged = re.sub(r"sig=[^&]+", "sig=" + quote("A" * 43 + "=", safe=""), url)
    assert forged != url
    with pytest.raises(HttpResponseError, match="authenticate"):
        list(ContainerClient.from_container_url(forged, connection_verify=str(azurite_entra.ca_file)).list_blobs())
    container.delete_container()


def test_with_entra_a_token_storage_refuses_fails_the_sas_in_one_line(azurite_entra: Azurite, monkeypatch):
    class ExpiredCredential(EmulatedEntraCredential):
        def get_token(self, *scopes: str, **_: Any) -> AccessToken:
            token = self._backend.mint_token(audience=STORAGE_AUDIENCE, expires_in=-60)
            return AccessToken(token, int(time.time()) - 60)

    monkeypatch.setattr("provider.storage.settings.entra_credential", lambda client_id: ExpiredCredential())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(azurite_entra.ca_file))
    with pytest.raises(StorageError) as raised:
        short_lived_container_url(f"{azurite_entra.account_url}/voices", StorageSettings(entra=True), timedelta(1))
    message = str(raised.value)
    assert message.startswith("Getting a user delegation key from https://127.0.0.1:") and "\n" not in message
    assert "HTTP 401" in message or "HTTP 403" in message, message
