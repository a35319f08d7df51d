"""The emulator reading prompt audio from a real Azurite, as the service reads customer storage."""

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.storage.blob import ContainerClient

from emulator import CustomVoiceBackend, EmulatorServer, mock_custom_voice
from emulator.prompt_audio_inspector import PromptAudioInspector
from tests.audio import mp3_bytes, wav_bytes
from tests.emulator.conftest import ENDPOINT, KEY, Api, voice_body
from tests.storage_fixtures import Azurite


@pytest.fixture
def container(azurite: Azurite) -> Iterator[ContainerClient]:
    container = azurite.new_container()
    yield container
    container.delete_container()


@pytest.fixture
def inspecting() -> Iterator[CustomVoiceBackend]:
    backend = CustomVoiceBackend(keys=[KEY], audio_inspector=PromptAudioInspector())
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        yield backend


def final_voice(container_url: str, **audios: Any) -> dict[str, Any]:
    """Create a voice reading `container_url` through the mock front; the voice once provisioned."""
    body = voice_body(audios={"containerUrl": container_url, "prefix": "jessica/", "extensions": [".wav"], **audios})
    created = Api().call("PUT", "personalvoices/Voice1", json=body)
    assert created.status_code == 201 and created.json()["status"] == "NotStarted"
    return Api().call("GET", "personalvoices/Voice1").json()


def failure_of(voice: dict[str, Any]) -> str | None:
    assert voice["status"] in ("Succeeded", "Failed")
    return (voice.get("properties") or {}).get("failureReason")


def test_a_good_6_second_16_khz_wav_succeeds(inspecting, azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/prompt.wav", wav_bytes(6.0, 16000))
    voice = final_voice(azurite.sas_url(container.container_name))
    assert (voice["status"], failure_of(voice)) == ("Succeeded", None)


@pytest.mark.parametrize(
    ("name", "audio"),
    [("jessica/prompt.WAV", wav_bytes(90.0, 48000)), ("jessica/p.mp3", mp3_bytes(6.0))],
    ids=["90s-48kHz-upper-case-extension", "mp3"],
)
def test_other_usable_files_succeed(inspecting, azurite: Azurite, container: ContainerClient, name, audio):
    container.upload_blob(name, audio)
    voice = final_voice(azurite.sas_url(container.container_name), extensions=[".wav", "*.mp3"])
    assert failure_of(voice) is None


def test_one_usable_file_is_enough(inspecting, azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/short.wav", wav_bytes(2.0))
    container.upload_blob("jessica/good.wav", wav_bytes(6.0))
    assert failure_of(final_voice(azurite.sas_url(container.container_name))) is None


@pytest.mark.parametrize(
    "blobs",
    [
        {},
        {"jessica/short.wav": wav_bytes(2.0, 16000)},
        {"jessica/narrowband.wav": wav_bytes(6.0, 8000)},
        {"jessica/long.wav": wav_bytes(91.0, 16000)},
        {"jessica/22k.wav": wav_bytes(6.0, 22050)},
        {"jessica/text.wav": b"not audio"},
        {"other/prompt.wav": wav_bytes(6.0), "jessica/prompt.flac": wav_bytes(6.0)},
    ],
    ids=["no-files", "2-seconds", "8-kHz", "91-seconds", "22.05-kHz", "not-audio", "other-prefix-or-extension"],
)
def test_no_usable_file_is_data_not_enough(inspecting, azurite: Azurite, container: ContainerClient, blobs):
    for name, data in blobs.items():
        container.upload_blob(name, data)
    voice = final_voice(azurite.sas_url(container.container_name))
    assert (voice["status"], failure_of(voice)) == ("Failed", "DataNotEnough")


def test_a_bad_signature_is_inaccessible_storage(inspecting, azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/prompt.wav", wav_bytes(6.0))
    url = azurite.sas_url(container.container_name).replace("sig=", "sig=AAAA")
    assert failure_of(final_voice(url)) == "InaccessibleCustomerStorage"


def test_an_expired_sas_is_inaccessible_storage(inspecting, azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/prompt.wav", wav_bytes(6.0))
    url = azurite.sas_url(container.container_name, expiry=datetime.now(UTC) - timedelta(minutes=1))
    assert failure_of(final_voice(url)) == "InaccessibleCustomerStorage"


def test_a_missing_container_is_inaccessible_storage(inspecting, azurite: Azurite):
    assert failure_of(final_voice(azurite.sas_url("no-such-container"))) == "InaccessibleCustomerStorage"


def test_a_closed_port_is_inaccessible_storage(inspecting):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/devstoreaccount1/voices?sv=2024-11-04&sp=rl&sig=x"
    assert failure_of(final_voice(url)) == "InaccessibleCustomerStorage"


def test_a_host_off_the_machine_is_never_contacted(inspecting):
    # Under the mock front any non-loopback request would fail loudly; none is made.
    voice = final_voice("https://contoso.blob.core.windows.net/voices?sv=2024-11-04&sp=rl&sig=x")
    assert failure_of(voice) == "InaccessibleCustomerStorage"
    assert [r.path for r in inspecting.requests] == ["/customvoice/personalvoices/Voice1"] * 2


def test_fail_voice_takes_precedence(inspecting, azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/prompt.wav", wav_bytes(6.0))
    inspecting.fail_voice("Voice1", "SpeakerVerificationFailed")
    assert failure_of(final_voice(azurite.sas_url(container.container_name))) == "SpeakerVerificationFailed"


def test_without_the_inspector_storage_is_not_read(azurite: Azurite):
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with mock_custom_voice(ENDPOINT, backend=backend):
        assert failure_of(final_voice(azurite.sas_url("no-such-container"))) is None


def test_the_seed_form_over_the_http_server_reads_storage_too(azurite: Azurite, container: ContainerClient):
    container.upload_blob("jessica/prompt.wav", wav_bytes(1.0))
    backend = CustomVoiceBackend(keys=[KEY], audio_inspector=PromptAudioInspector(), accept_seed_create_form=True)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    audios = {"containerUrl": azurite.sas_url(container.container_name), "prefix": "jessica/", "extensions": [".wav"]}
    with EmulatorServer(backend) as server:
        seed_api = Api(base=server.url, api_version="2023-12-01-preview")
        created = seed_api.call("POST", "personalvoices", json={**voice_body(audios=audios), "id": "Seeded"})
        assert created.status_code == 201
        assert failure_of(seed_api.call("GET", "personalvoices/Seeded").json()) == "DataNotEnough"
