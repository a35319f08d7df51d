"""What declaring a PersonalVoice, a Project or a BlobContainer registers with the engine
(pulumi.runtime.set_mocks: no engine, no provider calls): the inputs the provider gets, the
ids derived from resource names, the defaults, and which outputs are secret."""

import base64
from typing import Any

import dill
import pulumi
import pytest
from pulumi.runtime import rpc

from provider.blob_container import BlobContainer, BlobContainerArgs, BlobContainerProvider
from provider.personal_voice import AudiosArgs, PersonalVoice, PersonalVoiceArgs, PersonalVoiceProvider
from provider.project import Project, ProjectArgs, ProjectProvider
from provider.prompt_files import PromptFile
from provider.speech.client import DEFAULT_API_VERSION
from tests.program.recording import RecordingMonitor

ENDPOINT = "http://127.0.0.1:8765"
CONTAINER = "https://contoso.blob.core.windows.net/voices"
VOICE = "pulumi-python:dynamic/customvoice:PersonalVoice"
PROJECT = "pulumi-python:dynamic/customvoice:Project"
BLOB_CONTAINER = "pulumi-python:dynamic/storage:BlobContainer"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        if args.typ == VOICE:
            outputs.update(speakerProfileId="speaker-1", status="Succeeded", containerUrlWithoutSas=CONTAINER)
        if args.typ == PROJECT:
            outputs.update(kind="PersonalVoice", createdDateTime="2026-01-01T00:00:00.000Z")
        if args.typ == BLOB_CONTAINER:
            outputs.update(containerUrl=f"{outputs['accountUrl']}/{outputs['containerName']}", createdByStack=False)
        return args.name, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def monitor() -> Any:
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


def registered(monitor: Any, type_: str, name: str) -> tuple[dict[str, Any], Any]:
    request = next(r for r in monitor.requests if r.type == type_ and r.name == name)
    inputs = {k: v for k, v in rpc.deserialize_properties(request.object, True).items() if k != "__provider"}
    return inputs, request


def provider_of(request: Any) -> Any:
    """The provider the engine will hand the resource's calls to (a by-reference pickle)."""
    serialized = rpc.unwrap_rpc_secret(rpc.deserialize_properties(request.object, True)["__provider"])
    return dill.loads(base64.b64decode(serialized))


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


@pulumi.runtime.test
def test_a_voice_from_a_container_registers_its_inputs_with_the_container_url_in_the_clear(monitor: Any) -> Any:
    """The URL carries no SAS (the provider host joins config sasToken at create): a review shows it."""
    voice = PersonalVoice(
        "Jessica voice!",
        PersonalVoiceArgs(
            endpoint=ENDPOINT,
            project_id="proj",
            consent_id="consent",
            audios=AudiosArgs(container_url=CONTAINER, extensions=[".wav"], prefix="j/"),
            description="demo",
            display_name="Jessica",
            prompt_audio_sha256="abc",
            base_model="DragonLatestNeural",
        ),
    )

    def check(_: Any) -> None:
        inputs, request = registered(monitor, VOICE, "Jessica voice!")
        assert not is_secret(inputs["audios"]) and not is_secret(inputs["audios"]["containerUrl"])
        assert inputs["audios"] == {
            "containerUrl": CONTAINER,
            "prefix": "j/",
            "extensions": [".wav"],
        }
        declared = {k: v for k, v in inputs.items() if k != "audios"}
        assert declared == {
            "endpoint": ENDPOINT,
            "apiVersion": DEFAULT_API_VERSION,
            "voiceId": "Jessica-voice",
            "projectId": "proj",
            "consentId": "consent",
            "description": "demo",
            "displayName": "Jessica",
            "promptAudioSha256": "abc",
            "baseModel": "DragonLatestNeural",
        }
        assert list(request.additionalSecretOutputs) == []
        assert isinstance(provider_of(request), PersonalVoiceProvider)

    def check_outputs(values: list[Any]) -> None:
        assert values[1:] == ["speaker-1", "Succeeded", CONTAINER]

    return pulumi.Output.all(
        voice.urn.apply(check), voice.speakerProfileId, voice.status, voice.containerUrlWithoutSas
    ).apply(check_outputs)


@pulumi.runtime.test
def test_a_voice_with_its_own_id_and_minted_sas(monitor: Any) -> Any:
    voice = PersonalVoice(
        "jessica",
        PersonalVoiceArgs(
            endpoint=ENDPOINT,
            project_id="proj",
            consent_id="consent",
            audios=AudiosArgs(container_url=CONTAINER, extensions=[".wav"]),
            voice_id="JessicaPersonalVoice",
            api_version="2024-02-01-preview",
            mint_read_sas=True,
            create_request="seed-document-post",
        ),
    )

    def check(_: Any) -> None:
        inputs, _request = registered(monitor, VOICE, "jessica")
        assert inputs["voiceId"] == "JessicaPersonalVoice"
        assert inputs["apiVersion"] == "2024-02-01-preview"
        assert inputs["mintReadSas"] is True
        assert inputs["createRequest"] == "seed-document-post"
        assert inputs["audios"] == {"containerUrl": CONTAINER, "extensions": [".wav"]}
        assert "audioFiles" not in inputs

    return voice.urn.apply(check)


@pulumi.runtime.test
def test_a_voice_from_files_sends_them_and_no_container(monitor: Any, tmp_path: Any) -> Any:
    recording = tmp_path / "prompt.wav"
    recording.write_bytes(b"RIFF")
    voice = PersonalVoice(
        "from-files",
        PersonalVoiceArgs(
            endpoint=ENDPOINT, project_id="proj", consent_id="consent", audio_files=[PromptFile.of(recording)]
        ),
    )

    def check(_: Any) -> None:
        inputs, _request = registered(monitor, VOICE, "from-files")
        assert "audios" not in inputs and "mintReadSas" not in inputs
        [sent] = inputs["audioFiles"]
        assert sent["name"] == "prompt.wav"

    return voice.urn.apply(check)


@pulumi.runtime.test
def test_a_project_registers_its_inputs_and_derives_its_id(monitor: Any) -> Any:
    derived = Project(
        "Contoso voices",
        ProjectArgs(endpoint=ENDPOINT, description="demo", display_name="Contoso", force_delete=True),
    )
    named = Project("other", ProjectArgs(endpoint=ENDPOINT, project_id="proj-1", api_version="2024-02-01-preview"))

    def check(_: Any) -> None:
        inputs, _request = registered(monitor, PROJECT, "Contoso voices")
        assert inputs == {
            "endpoint": ENDPOINT,
            "apiVersion": DEFAULT_API_VERSION,
            "projectId": "Contoso-voices",
            "description": "demo",
            "displayName": "Contoso",
            "forceDelete": True,
        }
        assert isinstance(provider_of(_request), ProjectProvider)
        inputs, _request = registered(monitor, PROJECT, "other")
        assert (inputs["projectId"], inputs["apiVersion"], inputs["forceDelete"]) == (
            "proj-1",
            "2024-02-01-preview",
            False,
        )

    def check_outputs(values: list[Any]) -> None:
        assert values[2:] == ["PersonalVoice", "2026-01-01T00:00:00.000Z"]

    registered_both = pulumi.Output.all(derived.urn, named.urn).apply(check)
    return pulumi.Output.all(registered_both, named.urn, derived.kind, derived.createdDateTime).apply(check_outputs)


@pulumi.runtime.test
def test_a_blob_container_registers_its_account_and_name(monitor: Any) -> Any:
    container = BlobContainer(
        "prompt-audio", BlobContainerArgs(account_url="https://contoso.blob.core.windows.net", container_name="voices")
    )

    def check(_: Any) -> None:
        inputs, _request = registered(monitor, BLOB_CONTAINER, "prompt-audio")
        assert inputs == {"accountUrl": "https://contoso.blob.core.windows.net", "containerName": "voices"}
        assert isinstance(provider_of(_request), BlobContainerProvider)

    def check_outputs(values: list[Any]) -> None:
        assert values == ["https://contoso.blob.core.windows.net/voices", False]

    return pulumi.Output.all(
        container.urn.apply(check),
        container.containerUrl,
        container.createdByStack,  # type: ignore[attr-defined]
    ).apply(lambda values: check_outputs(values[1:]))
