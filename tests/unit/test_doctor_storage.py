"""scripts/doctor's checks of the storage a catalog names, against a real Azurite: each voice's
container read through the SAS the stack would send, each consent's recording, and the
container the stack manages through a SAS minted as the provider host mints one."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from azure.storage.blob import ContainerClient

from catalog.specs import Catalog, ConsentSpec, StorageSpec, VoiceSpec
from doctor.results import CheckResult
from doctor.storage_checks import check_storage
from tests.audio import mp3_bytes, wav_bytes
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

# Azurite answers a refused signature 403 AuthorizationFailure (Azure: AuthenticationFailed); the doctor
# reports whichever code the account gives.
OTHER_KEY = "b3RoZXIta2V5LW9mLWFub3RoZXItYWNjb3VudC0wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="


def voice_in(container_url: str, prefix: str = "jane/") -> VoiceSpec:
    return VoiceSpec(
        id="JaneVoice",
        project_id="voices",
        consent_id="jane-consent",
        extensions=(".wav", ".mp3"),
        container_url=container_url,
        prefix=prefix,
    )


def sas_of(azurite: Azurite, container: ContainerClient, **options) -> str:
    return azurite.sas_url(container.container_name, **options).split("?", 1)[1]


def check(catalog: Catalog, **config: str) -> list[CheckResult]:
    return check_storage(catalog, {f"personal-voice:{k}": v for k, v in config.items()}, {}, "mine")


@pytest.fixture
def container(azurite: Azurite):
    made = azurite.new_container()
    yield made
    made.delete_container()


def test_a_container_with_a_usable_recording(azurite, container):
    container.upload_blob("jane/one.wav", wav_bytes(8, 24000))
    container.upload_blob("jane/two.mp3", mp3_bytes(6))
    container.upload_blob("other/three.wav", wav_bytes(2, 24000))

    [result] = check(
        Catalog(voices=(voice_in(container.url),)), sasToken=sas_of(azurite, container), sasContainer=container.url
    )

    assert result.line() == (
        f"ok    prompt audio of JaneVoice: 2 recording(s) in {container.url} under 'jane/'; 2 of 2 read usable"
    )


def test_recordings_the_service_would_not_train_on(azurite, container):
    container.upload_blob("jane/short.wav", wav_bytes(3, 24000))
    container.upload_blob("jane/odd-rate.wav", wav_bytes(8, 22050))

    [result] = check(
        Catalog(voices=(voice_in(container.url),)), sasToken=sas_of(azurite, container), sasContainer=container.url
    )

    assert result.line() == (
        f"FAIL  prompt audio of JaneVoice: no usable recording in {container.url} under 'jane/': jane/odd-rate.wav: "
        "sampled at 22050 Hz; the service takes 16 kHz, 24 kHz, 44.1 kHz, 48 kHz -> upload WAV (16, 24, 44.1 or "
        "48 kHz) or MP3 recordings of 5 to 90 s"
    )


def test_no_recording_under_the_prefix(azurite, container):
    container.upload_blob("john/one.wav", wav_bytes(8, 24000))

    [result] = check(
        Catalog(voices=(voice_in(container.url),)), sasToken=sas_of(azurite, container), sasContainer=container.url
    )

    assert result.found == f"no recording with .wav, .mp3 in {container.url} under 'jane/'"
    assert result.todo.startswith("upload the recordings there")


def test_a_sas_the_account_does_not_take_names_its_expiry_and_shows_no_signature(azurite, container):
    expiry = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    expired = sas_of(azurite, container, expiry=expiry)

    [result] = check(Catalog(voices=(voice_in(container.url),)), sasToken=expired, sasContainer=container.url)

    assert result.found == f"{container.url} cannot be listed: HTTP 403 AuthorizationFailure"
    assert result.todo.startswith("check the URL, and that config sasToken allows read and list there and is valid")
    assert f"(it expires {expiry.strftime('%Y-%m-%dT%H:%M:%SZ')})" in result.todo
    signature = expired.split("sig=")[1]
    assert signature not in result.line()


def test_the_sas_token_is_not_sent_outside_its_container(azurite, container):
    elsewhere = azurite.new_container()
    try:
        token = sas_of(azurite, container)
        voice = voice_in(elsewhere.url)
        [outside] = check(Catalog(voices=(voice,)), sasToken=token, sasContainer=container.url)
        [unbound] = check(Catalog(voices=(voice,)), sasToken=token)
    finally:
        elsewhere.delete_container()
    assert outside.found.startswith(f"containerUrl: {elsewhere.url} is outside the container config sasToken")
    assert outside.todo.startswith("config sasToken goes only to the container config sasContainer names")
    assert unbound.found.startswith("config sasContainer is required when config sasToken (or PV_SAS_TOKEN) is set")
    assert unbound.todo == "`pulumi config set sasContainer <container URL> --stack mine`"


def test_no_sas_token_says_the_stack_would_send_none(container):
    [result] = check(Catalog(voices=(voice_in(container.url),)))

    assert result.found == f"{container.url} cannot be listed: HTTP 403 AuthorizationFailure"
    assert result.todo == (
        "the stack sends this URL with no SAS: set a read+list SAS token with "
        "`pulumi config set --secret sasToken --stack mine` (reads standard input)"
    )


def test_a_consent_recording_is_read_with_the_same_sas(azurite, container):
    container.upload_blob("consents/jane.wav", wav_bytes(3, 24000))
    here = ConsentSpec(
        "jane-consent", "voices", "Jane Doe", "Contoso", "en-US", audio_url=f"{container.url}/consents/jane.wav"
    )
    missing = replace(here, id="gone-consent", audio_url=f"{container.url}/gone.wav")

    found, gone = check(
        Catalog(consents=(here, missing)), sasToken=sas_of(azurite, container), sasContainer=container.url
    )

    size = len(wav_bytes(3, 24000))
    assert (
        found.line()
        == f"ok    consent audio of jane-consent: {container.url}/consents/jane.wav can be read ({size} bytes)"
    )
    assert gone.found == f"{container.url}/gone.wav cannot be read: HTTP 404 BlobNotFound"


def test_the_managed_container_before_the_first_up_and_after(azurite):
    container = azurite.new_container(create=False)
    catalog = Catalog(storage=StorageSpec(azurite.account_url, container.container_name))

    [before] = check(catalog, storageAccountKey=ACCOUNT_KEY)
    container.create_container()
    try:
        [after] = check(catalog, storageAccountKey=ACCOUNT_KEY)
    finally:
        container.delete_container()

    assert before.line() == (
        f"ok    storage: {container.url} does not exist yet (the first `up` creates it); the account takes a SAS "
        "signed with the storage account key"
    )
    assert after.line() == f"ok    storage: {container.url} lists through a SAS signed with the storage account key"


def test_the_managed_container_with_another_account_key_or_none(azurite, container):
    catalog = Catalog(storage=StorageSpec(azurite.account_url, container.container_name))

    [wrong] = check(catalog, storageAccountKey=OTHER_KEY)
    [none] = check(catalog)

    assert wrong.found == f"{container.url} cannot be listed: HTTP 403 AuthorizationFailure"
    assert wrong.todo == (
        "set this account's key: `pulumi config set --secret storageAccountKey --stack mine` reads it from "
        "standard input"
    )
    assert OTHER_KEY not in wrong.line()
    assert none.found.startswith("config storageAccountKey: is required when authentication is key")


def test_a_catalog_of_local_files_names_no_container():
    voice = VoiceSpec("JaneVoice", "voices", "jane-consent", (".wav",), files=("stacks/mine-audio/prompt.wav",))

    assert [result.line() for result in check(Catalog(voices=(voice,)))] == [
        "ok    prompt audio: no container: every recording is a local file the catalog checks"
    ]
