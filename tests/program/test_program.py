"""The program's wiring, run with pulumi.runtime.set_mocks: no engine, no provider calls."""

import json
import runpy
import uuid
from pathlib import Path

import jsonschema
import pulumi
import pytest
from pulumi.runtime import rpc

from catalog.deletion_guard import READ_STACK_STATE
from catalog.stack import stack_outputs
from tests.program.recording import RecordingMonitor

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS_SCHEMA = ROOT / "schemas" / "stack-outputs.schema.json"
VOICE = "pulumi-python:dynamic/customvoice:PersonalVoice"
CONSENT = "pulumi-python:dynamic/customvoice:Consent"
PROJECT = "pulumi-python:dynamic/customvoice:Project"
PROMPT_AUDIO = "pulumi-python:dynamic/storage:PromptAudio"
ACCOUNT = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"
ACCOUNT_ENDPOINT = "http://127.0.0.1:40000/"


class Mocks(pulumi.runtime.Mocks):
    """Outputs as the providers would compute them, from the inputs; the stack's state holds
    the voices `held` (voice id by resource name), none unless a test says."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        if args.typ.endswith(":BlobContainer"):
            outputs["containerUrl"] = f"{outputs['accountUrl']}/{outputs['containerName']}"
        elif args.typ == ACCOUNT:
            outputs.update(armId=arm_id(outputs["accountName"]), endpoint=ACCOUNT_ENDPOINT, region=outputs["location"])
        elif args.typ == VOICE:
            outputs.update(speakerProfileId=str(uuid.uuid4()), status="Succeeded")
        elif args.typ == CONSENT:
            outputs["status"] = "Succeeded"
        return [args.name, outputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        assert args.token == READ_STACK_STATE  # the deletion guard's read of the stack's state
        held = {
            f"urn:pulumi:dev::personal-voice::{VOICE}::{name}": {"type": VOICE, "outputs": {"voiceId": voice_id}}
            for name, voice_id in self.held.items()
        }
        return {"name": args.args["stackName"], "outputs": held}


def arm_id(account_name: str) -> str:
    return (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/personal-voice-dev/providers/"
        f"Microsoft.CognitiveServices/accounts/{account_name}"
    )


@pytest.fixture
def monitor(monkeypatch):
    # The storage key as a pipeline gives it (tests/program/test_missing_keys.py: without it);
    # the Speech key is the dev account's, read by the provider host from ARM.
    monkeypatch.setenv("AZURE_STORAGE_KEY", "c3RvcmFnZS1rZXk=")
    mocks = Mocks()
    recording = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="personal-voice", stack="dev", preview=False, monitor=recording)
    pulumi.runtime.set_all_config({})
    yield recording
    pulumi.runtime.set_all_config({}, [])


def run_program():
    return runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")


def inputs_of(request):
    return {k: rpc.unwrap_rpc_secret(v) for k, v in rpc.deserialize_properties(request.object).items()}


def after_registration(namespace, check):
    """Run `check` once every voice has registered and resolved."""
    voices = [voice for voice in namespace["resources"].voices.values()]
    return pulumi.Output.all(*[v.speakerProfileId for v in voices]).apply(lambda _: check())


@pulumi.runtime.test
def test_the_dev_catalog_becomes_projects_consents_prompt_audio_and_voices(monitor):
    namespace = run_program()

    def check():
        assert set(monitor.of_type(PROJECT)) == {"contoso-personal-voices"}
        assert set(monitor.of_type(CONSENT)) == {"jessica-consent", "mark-consent"}
        assert set(monitor.of_type(PROMPT_AUDIO)) == {"jessica-prompt-audio", "mark-prompt-audio"}
        voices = {name: inputs_of(r) for name, r in monitor.of_type(VOICE).items()}
        assert set(voices) == {"jessica", "mark"}
        assert voices["jessica"]["voiceId"] == "JessicaPersonalVoice"
        assert voices["mark"]["apiVersion"] == "2023-12-01-preview"
        assert voices["jessica"]["apiVersion"] == "2026-01-01"
        assert voices["jessica"]["audios"]["prefix"] == "jessica/"
        assert len(voices["jessica"]["promptAudioSha256"]) == 64
        consent = inputs_of(monitor.of_type(CONSENT)["jessica-consent"])
        assert consent["audioFile"] == "stacks/dev-audio/jessica-consent.wav"
        assert set(monitor.of_type(ACCOUNT)) == {"contoso-speech"}
        account_id = arm_id("contoso-personal-voice-dev")
        for kind in (PROJECT, CONSENT, VOICE):
            for request in monitor.of_type(kind).values():
                assert (inputs_of(request)["endpoint"], inputs_of(request)["speechAccountId"]) == (
                    ACCOUNT_ENDPOINT,
                    account_id,
                )

    return after_registration(namespace, check)


@pulumi.runtime.test
def test_voices_depend_on_their_project_consent_and_uploaded_audio(monitor):
    namespace = run_program()

    def check():
        voice = monitor.of_type(VOICE)["jessica"]
        assert monitor.urn_of(PROJECT, "contoso-personal-voices") in voice.propertyDependencies["projectId"].urns
        assert monitor.urn_of(CONSENT, "jessica-consent") in voice.propertyDependencies["consentId"].urns
        assert monitor.urn_of(PROMPT_AUDIO, "jessica-prompt-audio") in voice.dependencies

    return after_registration(namespace, check)


@pytest.mark.parametrize("held", [{}, {"jessica": "JessicaPersonalVoice", "mark": "MarkPersonalVoice"}])
@pulumi.runtime.test
def test_a_stack_that_keeps_its_voices_declares_them_all(monitor, held):
    monitor.mocks.held = held
    namespace = run_program()

    def check():
        assert set(monitor.of_type(VOICE)) == {"jessica", "mark"}

    return after_registration(namespace, check)


def test_a_catalog_that_drops_too_many_voices_declares_nothing(monitor):
    monitor.mocks.held = {"jessica": "JessicaPersonalVoice", "old1": "Old1", "old2": "Old2", "old3": "Old3"}
    with pytest.raises(pulumi.RunError) as caught:
        run_program()
    assert str(caught.value).startswith(
        "stacks/dev.yaml: voices: this run would delete 3 of the stack's 4 voices (more than 50% of them): "
        "Old1, Old2, Old3."
    )
    assert [r.type for r in monitor.requests if r.type != "pulumi:pulumi:Stack"] == []


@pulumi.runtime.test
def test_a_managed_container_reaches_the_voice_without_a_sas_which_the_provider_mints(monitor):
    namespace = run_program()

    def check():
        voice = monitor.of_type(VOICE)["jessica"]
        inputs = inputs_of(voice)
        assert inputs["audios"]["containerUrl"] == "http://127.0.0.1:10000/devstoreaccount1/prompt-audio"
        assert inputs["mintReadSas"] is True
        assert not any(r.type.endswith(":ContainerSas") for r in monitor.requests)

    return after_registration(namespace, check)


@pulumi.runtime.test
def test_outputs_per_voice_id(monitor):
    namespace = run_program()
    voice = namespace["resources"].voices["JessicaPersonalVoice"]

    def check(values):
        assert values == ["Succeeded", "contoso-personal-voices", ACCOUNT_ENDPOINT]

    return pulumi.Output.all(voice.status, voice.projectId, voice.endpoint).apply(check)


@pulumi.runtime.test
def test_the_stack_outputs_keep_their_contract(monitor):
    namespace = run_program()
    outputs = pulumi.Output.from_input(stack_outputs(namespace["resources"]))

    def check(values):
        jsonschema.validate(values, json.loads(OUTPUTS_SCHEMA.read_text()))
        jessica = values["voices"]["JessicaPersonalVoice"]
        assert (jessica["consentId"], jessica["locale"], jessica["baseModel"]) == (
            "jessica-consent",
            "en-US",
            "DragonLatestNeural",
        )
        assert jessica["speakerProfileId"] in jessica["ssml"]

    return outputs.apply(check)


@pulumi.runtime.test
def test_voices_are_protected_when_the_stack_says_so_and_nothing_else_is(monitor):
    pulumi.runtime.set_all_config({"personal-voice:protectVoices": "true"})
    namespace = run_program()

    def check():
        protected = {r.name for r in monitor.requests if r.protect}
        assert protected == {"jessica", "mark"}

    return after_registration(namespace, check)


@pulumi.runtime.test
def test_voices_are_not_protected_by_default(monitor):
    namespace = run_program()

    def check():
        assert [r.name for r in monitor.requests if r.protect] == []
        assert len(monitor.of_type(VOICE)) == 2

    return after_registration(namespace, check)


def test_a_config_endpoint_beside_the_catalogs_account_stops_the_program_naming_it(monitor):
    pulumi.runtime.set_all_config({"personal-voice:speechEndpoint": "http://127.0.0.1:8765"})
    with pytest.raises(pulumi.RunError, match=r"^config speechEndpoint: is not used when the catalog declares"):
        run_program()
    assert monitor.requests == []


def test_a_catalog_with_storage_and_no_storage_key_stops_the_program_naming_it(monitor, monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_KEY")
    with pytest.raises(pulumi.RunError, match=r"^config storageAccountKey: is required when authentication is key"):
        run_program()
    assert monitor.requests == []
