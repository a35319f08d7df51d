"""The Consent, PromptAudio and ContainerSas resource classes, as a program declares them: the
inputs they register are what their provider's check takes, their outputs are attributes of the
resource, secrets stay secret, and the caller's options apply. Run with pulumi.runtime.set_mocks,
whose resources come out as their provider's check (and the service) would make them."""

import base64
import pickle
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc

from provider.consent import Consent, ConsentArgs, ConsentProvider
from provider.container_sas import ContainerSas, ContainerSasArgs, ContainerSasProvider
from provider.hashing import file_sha256
from provider.prompt_audio import PromptAudio, PromptAudioArgs, PromptAudioProvider
from provider.prompt_files import PromptFile, content_sha256
from tests.program.recording import RecordingMonitor

ENDPOINT = "https://eastus.api.cognitive.microsoft.com"
ACCOUNT_URL = "https://contoso.blob.core.windows.net"
RECORDING_URL = "https://contoso.blob.core.windows.net/consents/jessica.wav"
SAS = "sv=2024-11-04&sp=rl&sig=c2lnbmF0dXJl"
CONSENT = "pulumi-python:dynamic/customvoice:Consent"
PROMPT_AUDIO = "pulumi-python:dynamic/storage:PromptAudio"
CONTAINER_SAS = "pulumi-python:dynamic/storage:ContainerSas"
PROVIDERS: dict[str, type[ResourceProvider]] = {
    CONSENT: ConsentProvider,
    PROMPT_AUDIO: PromptAudioProvider,
    CONTAINER_SAS: ContainerSasProvider,
}


class ProviderMocks(pulumi.runtime.Mocks):
    """Each resource's outputs: its inputs as its provider's check leaves them, plus what the
    service or the signing adds. Check failures are kept, for the test to see."""

    def __init__(self) -> None:
        self.failures: dict[str, list[tuple[str, str]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        # As the dynamic provider host hands them to check: secrets unwrapped.
        inputs = {k: rpc.unwrap_rpc_secret(v) for k, v in args.inputs.items() if k != "__provider"}
        provider = PROVIDERS[args.typ]()
        checked = provider.check({}, inputs)
        self.failures[args.name] = [(f.property, f.reason) for f in checked.failures]
        outputs = {**inputs, **checked.inputs}
        if args.typ == CONSENT:
            outputs.update(status="Succeeded", **ConsentProvider().extra_outputs(checked.inputs))
        elif args.typ == CONTAINER_SAS:
            outputs.update(permissions="rl", token=SAS, expiresOn="2030-01-01T00:00:00Z")
        return [args.name, outputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def mocks() -> ProviderMocks:
    return ProviderMocks()


@pytest.fixture
def monitor(mocks: ProviderMocks):
    recording = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


def registered(monitor: RecordingMonitor, type_: str, name: str) -> Any:
    return next(r for r in monitor.requests if r.type == type_ and r.name == name)


def raw_inputs(request: Any) -> dict[str, Any]:
    """The registered inputs as the engine gets them: secrets still wrapped."""
    return rpc.deserialize_properties(request.object, True)


def provider_of(request: Any) -> object:
    return pickle.loads(base64.b64decode(rpc.unwrap_rpc_secret(raw_inputs(request)["__provider"])))


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


# Consent


def consent_args(**changes: Any) -> ConsentArgs:
    fields: dict[str, Any] = {
        "endpoint": ENDPOINT,
        "project_id": "proj",
        "voice_talent_name": "Jessica Smith",
        "company_name": "Contoso",
        "locale": "en-US",
        "audio_url": RECORDING_URL,
        "api_version": "2024-02-01-preview",
        "description": "Jessica's consent",
        "display_name": "Jessica",
        **changes,
    }
    return ConsentArgs(**fields)


@pulumi.runtime.test
def test_a_consent_from_a_url_registers_what_its_provider_checks_with_the_url_in_the_clear(monitor, mocks):
    """The URL carries no SAS (the provider host joins config sasToken at create): a review shows it."""
    consent = Consent("Jessica Consent!", consent_args(), pulumi.ResourceOptions(protect=True))

    def check(values: list[Any]) -> None:
        request = registered(monitor, CONSENT, "Jessica Consent!")
        assert mocks.failures["Jessica Consent!"] == []
        assert isinstance(provider_of(request), ConsentProvider)
        inputs = raw_inputs(request)
        assert inputs["audioUrl"] == RECORDING_URL  # not wrapped as a secret
        assert {k: v for k, v in inputs.items() if k not in ("__provider", "audioUrl") and v is not None} == {
            "endpoint": ENDPOINT,
            "apiVersion": "2024-02-01-preview",
            "consentId": "Jessica-Consent",
            "projectId": "proj",
            "voiceTalentName": "Jessica Smith",
            "companyName": "Contoso",
            "locale": "en-US",
            "description": "Jessica's consent",
            "displayName": "Jessica",
        }
        assert list(request.additionalSecretOutputs) == []
        assert request.protect is True
        assert values == ["Jessica-Consent", "proj", "Succeeded", None, RECORDING_URL]

    outputs = [consent.consentId, consent.projectId, consent.status, consent.audioSha256]
    without_sas = consent.audioUrlWithoutSas  # type: ignore[attr-defined]  # an output, not a declared attribute
    return pulumi.Output.all(*outputs, without_sas).apply(check)


@pulumi.runtime.test
def test_a_consent_from_a_file_with_its_own_id_hashes_the_file(monitor, mocks, tmp_path: Path):
    recording = tmp_path / "jessica-consent.wav"
    recording.write_bytes(b"the consent statement")
    consent = Consent("jessica", consent_args(audio_url=None, audio_file=str(recording), consent_id="consent-1"))

    def check(values: list[Any]) -> None:
        request = registered(monitor, CONSENT, "jessica")
        assert mocks.failures["jessica"] == []
        inputs = raw_inputs(request)
        assert (inputs["consentId"], inputs["audioFile"], inputs.get("audioUrl")) == ("consent-1", str(recording), None)
        assert values == ["consent-1", file_sha256(recording)]

    return pulumi.Output.all(consent.consentId, consent.audioSha256).apply(check)


# PromptAudio


@pulumi.runtime.test
def test_prompt_audio_registers_its_files_and_outputs_their_digest(monitor, mocks, tmp_path: Path):
    path = tmp_path / "a.wav"
    path.write_bytes(b"a recording")
    files = [PromptFile.of(path)]
    audio = PromptAudio(
        "jessica-audio",
        PromptAudioArgs(account_url=ACCOUNT_URL, container_name="voices", files=files, prefix="jessica/"),
        pulumi.ResourceOptions(protect=True),
    )

    def check(values: list[Any]) -> None:
        request = registered(monitor, PROMPT_AUDIO, "jessica-audio")
        assert mocks.failures["jessica-audio"] == []
        assert isinstance(provider_of(request), PromptAudioProvider)
        assert raw_inputs(request)["files"] == [{"name": "a.wav", "path": str(path), "sha256": file_sha256(path)}]
        assert request.protect is True
        assert values == [ACCOUNT_URL, "voices", "jessica/", content_sha256([f.as_input() for f in files])]

    return pulumi.Output.all(audio.accountUrl, audio.containerName, audio.prefix, audio.contentSha256).apply(check)


# ContainerSas


@pulumi.runtime.test
def test_a_container_sas_registers_its_window_and_keeps_the_token_secret(monitor, mocks):
    sas = ContainerSas(
        "voices-sas",
        ContainerSasArgs(account_url=ACCOUNT_URL, container_name="voices", lifetime_days=60, renew_within_days=10),
        pulumi.ResourceOptions(protect=True),
    )

    def check(values: list[Any]) -> None:
        request = registered(monitor, CONTAINER_SAS, "voices-sas")
        assert mocks.failures["voices-sas"] == []
        assert isinstance(provider_of(request), ContainerSasProvider)
        inputs = {k: v for k, v in raw_inputs(request).items() if k != "__provider" and v is not None}
        assert inputs == {
            "accountUrl": ACCOUNT_URL,
            "containerName": "voices",
            "lifetimeDays": 60,
            "renewWithinDays": 10,
        }
        assert list(request.additionalSecretOutputs) == ["token"]
        assert request.protect is True
        assert values == [SAS, "2030-01-01T00:00:00Z", "rl"]

    return pulumi.Output.all(sas.token, sas.expiresOn, sas.permissions).apply(check)  # type: ignore[attr-defined]
