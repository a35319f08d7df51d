"""What `declare` registers for each kind of catalog entry (run with pulumi.runtime.set_mocks):
the inputs each resource gets, what it waits for, and the stack outputs an app reads."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.stack import Stack

from catalog.environment import Environment
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, StorageSpec, VoiceSpec
from catalog.stack import StackResources, declare, export, stack_outputs
from provider.prompt_files import content_sha256
from tests.audio import write_wav
from tests.program.recording import RecordingMonitor

VOICE = "pulumi-python:dynamic/customvoice:PersonalVoice"
CONSENT = "pulumi-python:dynamic/customvoice:Consent"
PROJECT = "pulumi-python:dynamic/customvoice:Project"
PROMPT_AUDIO = "pulumi-python:dynamic/storage:PromptAudio"
CONTAINER = "pulumi-python:dynamic/storage:BlobContainer"
ENDPOINT = "https://contoso.cognitiveservices.azure.com"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        if args.typ == CONTAINER:
            outputs["containerUrl"] = f"{outputs['accountUrl']}/{outputs['containerName']}"
        elif args.typ == VOICE:
            outputs.update(speakerProfileId=f"profile-of-{outputs['voiceId']}", status="Succeeded")
        elif args.typ == CONSENT:
            outputs["status"] = f"status-of-{outputs['consentId']}"
        return [f"{args.name}-id", outputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def monitor() -> Iterator[RecordingMonitor]:
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording


def inputs_of(request) -> dict:
    return {k: rpc.unwrap_rpc_secret(v) for k, v in rpc.deserialize_properties(request.object).items()}


def pick(inputs: dict, keys: tuple[str, ...]) -> dict:
    """The inputs named (None for one not sent)."""
    return {key: inputs.get(key) for key in keys}


def after_all(resources: StackResources, check) -> pulumi.Output:
    waits = [v.speakerProfileId for v in resources.voices.values()] + [c.status for c in resources.consents.values()]
    return pulumi.Output.all(*waits).apply(lambda _: check())


PROJECTS = (
    ProjectSpec(id="proj", description="Demo", display_name="Demo project", force_delete=True),
    ProjectSpec(id="other"),
)
CONSENTS = (
    ConsentSpec(
        id="consent",
        project_id="proj",
        voice_talent_name="Jessica Smith",
        company_name="Contoso",
        locale="en-GB",
        audio_url="https://a.blob.core.windows.net/consents/jessica.wav",
        description="Her consent",
        display_name="Jessica's consent",
    ),
    ConsentSpec(
        id="local",
        project_id="other",
        voice_talent_name="Mark Jones",
        company_name="Fabrikam",
        locale="de-DE",
        audio_file="audio/consent.wav",
    ),
)
IN_CONTAINER = VoiceSpec(
    id="Jessica",
    project_id="proj",
    consent_id="consent",
    extensions=(".wav", ".mp3"),
    container_url="https://a.blob.core.windows.net/voices",
    prefix="jessica/",
    description="Narrator",
    display_name="Jessica voice",
    create_request="seed-document-post",
    api_version="2023-12-01-preview",
    base_model="PhoenixV2Neural",
    protect=False,
)
SENT_WITH_CREATE = VoiceSpec(
    id="Mark", name="mark", project_id="other", consent_id="local", extensions=(".wav",), files=("audio/prompt.wav",)
)
UPLOADED = VoiceSpec(
    id="Anna",
    project_id="other",
    consent_id="local",
    extensions=(".wav",),
    files=("audio/prompt.wav", "audio/more.wav"),
    prefix="anna/",
    name="anna",
    protect=True,
)


def project_root(tmp_path: Path) -> Path:
    write_wav(tmp_path / "audio" / "consent.wav", seconds=6)
    write_wav(tmp_path / "audio" / "prompt.wav", seconds=6)
    write_wav(tmp_path / "audio" / "more.wav", seconds=7)
    return tmp_path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pulumi.runtime.test
def test_projects_and_consents_get_their_specs_and_the_stacks_endpoint(monitor, tmp_path):
    environment = Environment(endpoint=ENDPOINT, api_version="2024-02-01-preview")
    resources = declare(Catalog(PROJECTS, CONSENTS, ()), environment, project_root(tmp_path))
    assert set(resources.projects) == {"proj", "other"} and set(resources.consents) == {"consent", "local"}

    def check():
        projects = {name: inputs_of(r) for name, r in monitor.of_type(PROJECT).items()}
        fields = ("endpoint", "apiVersion", "projectId", "description", "displayName", "forceDelete")
        assert pick(projects["proj"], fields) == pick(
            {
                "endpoint": ENDPOINT,
                "apiVersion": "2024-02-01-preview",
                "projectId": "proj",
                "description": "Demo",
                "displayName": "Demo project",
                "forceDelete": True,
            },
            fields,
        )
        assert pick(projects["other"], ("projectId", "description", "displayName", "forceDelete")) == {
            "projectId": "other",
            "description": None,
            "displayName": None,
            "forceDelete": False,
        }
        consents = {name: inputs_of(r) for name, r in monitor.of_type(CONSENT).items()}
        jessica = consents["consent"]
        assert (
            jessica["endpoint"],
            jessica["apiVersion"],
            jessica["consentId"],
            jessica["projectId"],
            jessica["voiceTalentName"],
            jessica["companyName"],
            jessica["locale"],
            jessica["audioUrl"],
            jessica["description"],
            jessica["displayName"],
        ) == (
            ENDPOINT,
            "2024-02-01-preview",
            "consent",
            "proj",
            "Jessica Smith",
            "Contoso",
            "en-GB",
            "https://a.blob.core.windows.net/consents/jessica.wav",
            "Her consent",
            "Jessica's consent",
        )
        assert jessica.get("audioFile") is None
        local = consents["local"]
        assert (local["audioFile"], local.get("audioUrl"), local["projectId"]) == ("audio/consent.wav", None, "other")
        proj_urn = monitor.urn_of(PROJECT, "proj")
        assert proj_urn in monitor.of_type(CONSENT)["consent"].propertyDependencies["projectId"].urns

    return after_all(resources, check)


def voice_fields(inputs: dict) -> dict:
    return pick(
        inputs,
        (
            "endpoint",
            "apiVersion",
            "voiceId",
            "projectId",
            "consentId",
            "audios",
            "audioFiles",
            "createRequest",
            "mintReadSas",
            "description",
            "displayName",
            "promptAudioSha256",
            "baseModel",
        ),
    )


@pulumi.runtime.test
def test_a_voice_on_audio_in_a_container_gets_its_plain_url_and_its_own_settings(monitor, tmp_path):
    """Config sasToken is no input (declare never sees it): the provider host joins it at create."""
    environment = Environment(endpoint=ENDPOINT, protect_voices=True, base_model="MadeUp")
    resources = declare(Catalog(PROJECTS, CONSENTS, (IN_CONTAINER,)), environment, project_root(tmp_path))
    assert list(resources.voices) == ["Jessica"] and resources.locales == {"Jessica": "en-GB"}

    def check():
        request = monitor.of_type(VOICE)["Jessica"]
        assert voice_fields(inputs_of(request)) == {
            "endpoint": ENDPOINT,
            "apiVersion": "2023-12-01-preview",
            "voiceId": "Jessica",
            "projectId": "proj",
            "consentId": "consent",
            "audios": {
                "containerUrl": "https://a.blob.core.windows.net/voices",
                "prefix": "jessica/",
                "extensions": [".wav", ".mp3"],
            },
            "audioFiles": None,
            "createRequest": "seed-document-post",
            "mintReadSas": None,
            "description": "Narrator",
            "displayName": "Jessica voice",
            "promptAudioSha256": None,
            "baseModel": "PhoenixV2Neural",
        }
        assert request.protect is False
        assert list(request.aliases) == []
        assert monitor.urn_of(PROJECT, "proj") in request.propertyDependencies["projectId"].urns
        assert monitor.urn_of(CONSENT, "consent") in request.propertyDependencies["consentId"].urns
        consent = inputs_of(monitor.of_type(CONSENT)["consent"])
        assert consent["audioUrl"] == "https://a.blob.core.windows.net/consents/jessica.wav"
        # Not secret either: a review shows where the audio is read from.
        assert (
            rpc.deserialize_properties(request.object)["audios"]["containerUrl"]
            == "https://a.blob.core.windows.net/voices"
        )
        raw_consent = rpc.deserialize_properties(monitor.of_type(CONSENT)["consent"].object)
        assert raw_consent["audioUrl"] == "https://a.blob.core.windows.net/consents/jessica.wav"
        assert "audios" not in request.additionalSecretOutputs
        # A local recording has no URL to join the token to.
        local = inputs_of(monitor.of_type(CONSENT)["local"])
        assert (local["audioFile"], local.get("audioUrl")) == ("audio/consent.wav", None)
        assert monitor.of_type(PROMPT_AUDIO) == {} and monitor.of_type(CONTAINER) == {}

    return after_all(resources, check)


@pulumi.runtime.test
def test_a_voice_of_local_files_without_storage_sends_them_with_its_create(monitor, tmp_path):
    root = project_root(tmp_path)
    environment = Environment(endpoint=ENDPOINT, api_version="2024-02-01-preview", protect_voices=True)
    resources = declare(Catalog(PROJECTS, CONSENTS, (SENT_WITH_CREATE,)), environment, root)
    assert list(resources.voices) == ["Mark"] and resources.locales == {"Mark": "de-DE"}

    def check():
        request = monitor.of_type(VOICE)["mark"]
        assert voice_fields(inputs_of(request)) == {
            "endpoint": ENDPOINT,
            "apiVersion": "2024-02-01-preview",
            "voiceId": "Mark",
            "projectId": "other",
            "consentId": "local",
            "audios": None,
            "audioFiles": [
                {"name": "prompt.wav", "path": "audio/prompt.wav", "sha256": sha256_of(root / "audio" / "prompt.wav")}
            ],
            "createRequest": None,
            "mintReadSas": None,
            "description": None,
            "displayName": None,
            "promptAudioSha256": None,
            "baseModel": "DragonLatestNeural",
        }
        assert request.protect is True
        assert [alias.spec.name for alias in request.aliases] == ["Mark"]
        assert monitor.of_type(PROMPT_AUDIO) == {} and monitor.of_type(CONTAINER) == {}

    return after_all(resources, check)


@pulumi.runtime.test
def test_a_voice_of_local_files_with_storage_uploads_them_to_its_folder(monitor, tmp_path):
    root = project_root(tmp_path)
    storage = StorageSpec("https://acct.blob.core.windows.net", "prompts")
    environment = Environment(endpoint=ENDPOINT)
    catalog = Catalog(PROJECTS, CONSENTS, (UPLOADED, SENT_WITH_CREATE), storage)
    resources = declare(catalog, environment, root)

    def check():
        files = [
            {"name": "prompt.wav", "path": "audio/prompt.wav", "sha256": sha256_of(root / "audio" / "prompt.wav")},
            {"name": "more.wav", "path": "audio/more.wav", "sha256": sha256_of(root / "audio" / "more.wav")},
        ]
        request = monitor.of_type(VOICE)["anna"]
        assert voice_fields(inputs_of(request)) == {
            "endpoint": ENDPOINT,
            "apiVersion": "2026-01-01",
            "voiceId": "Anna",
            "projectId": "other",
            "consentId": "local",
            "audios": {
                "containerUrl": "https://acct.blob.core.windows.net/prompts",
                "prefix": "anna/",
                "extensions": [".wav"],
            },
            "audioFiles": None,
            "createRequest": None,
            "mintReadSas": True,
            "description": None,
            "displayName": None,
            "promptAudioSha256": content_sha256(files),
            "baseModel": "DragonLatestNeural",
        }
        assert request.protect is True
        assert [alias.spec.name for alias in request.aliases] == ["Anna"]
        [container] = monitor.of_type(CONTAINER).values()
        assert container.name == "prompts"
        assert pick(inputs_of(container), ("accountUrl", "containerName")) == {
            "accountUrl": "https://acct.blob.core.windows.net",
            "containerName": "prompts",
        }
        upload = monitor.of_type(PROMPT_AUDIO)["anna-prompt-audio"]
        assert pick(inputs_of(upload), ("accountUrl", "containerName", "prefix", "files")) == {
            "accountUrl": "https://acct.blob.core.windows.net",
            "containerName": "prompts",
            "prefix": "anna/",
            "files": files,
        }
        assert monitor.urn_of(PROMPT_AUDIO, "anna-prompt-audio") in request.dependencies
        assert monitor.urn_of(CONTAINER, "prompts") in upload.propertyDependencies["containerName"].urns
        assert set(monitor.of_type(PROMPT_AUDIO)) == {"anna-prompt-audio", "mark-prompt-audio"}

    return after_all(resources, check)


@pulumi.runtime.test
def test_an_upload_without_a_prefix_goes_to_the_container_root(monitor, tmp_path):
    root = project_root(tmp_path)
    spec = VoiceSpec(id="Anna", project_id="other", consent_id="local", extensions=(".wav",), files=("audio/more.wav",))
    catalog = Catalog(PROJECTS, CONSENTS, (spec,), StorageSpec("https://acct.blob.core.windows.net", "prompts"))
    resources = declare(catalog, Environment(endpoint=ENDPOINT), root)

    def check():
        upload = inputs_of(monitor.of_type(PROMPT_AUDIO)["Anna-prompt-audio"])
        assert upload["prefix"] == ""

    return after_all(resources, check)


@pulumi.runtime.test
def test_the_stack_outputs_per_voice_and_consent(monitor, tmp_path):
    environment = Environment(endpoint=ENDPOINT)
    catalog = Catalog(PROJECTS, CONSENTS, (IN_CONTAINER, SENT_WITH_CREATE))
    resources = declare(catalog, environment, project_root(tmp_path))
    outputs = stack_outputs(resources)
    assert outputs["contractVersion"] == 1
    assert set(outputs["consents"]) == {"consent", "local"}

    def check(values):
        voices, consents = values
        assert consents == ["status-of-consent", "status-of-local"]
        assert set(voices) == {"Jessica", "Mark"}
        mark = voices["Mark"]
        assert pick(
            mark, ("speakerProfileId", "status", "projectId", "consentId", "locale", "endpoint", "baseModel")
        ) == {
            "speakerProfileId": "profile-of-Mark",
            "status": "Succeeded",
            "projectId": "other",
            "consentId": "local",
            "locale": "de-DE",
            "endpoint": ENDPOINT,
            "baseModel": "DragonLatestNeural",
        }
        assert mark["ssml"] == (
            '<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" '
            'xmlns:mstts="http://www.w3.org/2001/mstts" xml:lang="de-DE"><voice name="DragonLatestNeural">'
            '<mstts:ttsembedding speakerProfileId="profile-of-Mark">{text}</mstts:ttsembedding></voice></speak>'
        )
        assert set(mark) == {
            "speakerProfileId",
            "status",
            "projectId",
            "consentId",
            "locale",
            "endpoint",
            "baseModel",
            "ssml",
        }
        assert (voices["Jessica"]["locale"], voices["Jessica"]["baseModel"]) == ("en-GB", "PhoenixV2Neural")
        assert 'speakerProfileId="profile-of-Jessica"' in voices["Jessica"]["ssml"]

    return pulumi.Output.all(
        pulumi.Output.from_input(outputs["voices"]),
        pulumi.Output.all(outputs["consents"]["consent"], outputs["consents"]["local"]),
    ).apply(check)


@pulumi.runtime.test
def test_the_outputs_are_exported_as_the_stacks_outputs(monitor, tmp_path):
    resources = declare(Catalog(PROJECTS, CONSENTS, (IN_CONTAINER,)), Environment(endpoint=ENDPOINT), tmp_path)
    export(resources)
    root = get_root_resource()
    assert isinstance(root, Stack)
    exported = {name: root.outputs[name] for name in ("voices", "consents", "contractVersion")}
    assert exported["contractVersion"] == 1

    def check(values):
        voices, status = values
        assert set(voices) == {"Jessica"} and voices["Jessica"]["locale"] == "en-GB"
        assert status == "status-of-consent"

    return pulumi.Output.all(pulumi.Output.from_input(exported["voices"]), exported["consents"]["consent"]).apply(check)
