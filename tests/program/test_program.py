"""The program's wiring, run with pulumi.runtime.set_mocks: no engine, no provider calls."""

import runpy
import uuid
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

ROOT = Path(__file__).resolve().parents[2]
VOICE_TYPE = "pulumi-python:dynamic/customvoice:PersonalVoice"
SAS = "sv=2024-11-04&sp=rl&sig=c2VjcmV0c2lnbmF0dXJl"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outputs = dict(args.inputs)
        outputs.pop("__provider", None)
        outputs.update(speakerProfileId=str(uuid.uuid4()), status="Succeeded")
        return [outputs["voiceId"], outputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class RecordingMonitor(MockMonitor):
    """Keeps each registration request, to see what the engine would be told."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.requests = []

    def RegisterResource(self, request):
        self.requests.append(request)
        return super().RegisterResource(request)


@pytest.fixture
def monitor():
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    pulumi.runtime.set_all_config(
        {
            "personal-voice:speechEndpoint": "http://127.0.0.1:8765",
            "personal-voice:apiVersion": "2026-01-01",
            "personal-voice:sasToken": SAS,
        },
        secret_keys=["personal-voice:sasToken"],
    )
    yield recording
    pulumi.runtime.set_all_config({}, [])


def voice_requests(monitor):
    return [r for r in monitor.requests if r.type == VOICE_TYPE]


def run_program():
    return runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")


@pulumi.runtime.test
def test_every_declared_voice_becomes_a_personal_voice(monitor):
    namespace = run_program()

    def check(profile_ids):
        requests = voice_requests(monitor)
        assert [r.name for r in requests] == ["jessica"]
        inputs = rpc.deserialize_properties(requests[0].object)
        assert inputs["voiceId"] == "JessicaPersonalVoice"
        assert inputs["projectId"] == "contoso-personal-voices"
        assert inputs["endpoint"] == "http://127.0.0.1:8765"
        assert rpc.unwrap_rpc_secret(inputs["audios"])["prefix"] == "jessica/"
        assert all(profile_ids)

    voices = namespace["voices"]
    return pulumi.Output.all(*[v.speakerProfileId for v in voices.values()]).apply(check)


@pulumi.runtime.test
def test_the_sas_token_reaches_the_voice_only_as_a_secret(monitor):
    namespace = run_program()

    def check(_):
        [request] = voice_requests(monitor)
        container_url = request.object.fields["audios"].struct_value.fields["containerUrl"].struct_value
        assert container_url.fields[rpc._special_sig_key].string_value == rpc._special_secret_sig
        assert container_url.fields["value"].string_value.endswith("?" + SAS)
        assert "audios" in request.additionalSecretOutputs

    return namespace["voices"]["JessicaPersonalVoice"].speakerProfileId.apply(check)


@pulumi.runtime.test
def test_outputs_per_voice_id(monitor):
    from catalog.loader import load_catalog
    from catalog.stack import Environment, declare_voices

    catalog = load_catalog(ROOT / "stacks" / "dev.yaml")
    voices = declare_voices(catalog, Environment.from_config(pulumi.Config()))

    def check(values):
        status, project_id, endpoint = values
        assert (status, project_id, endpoint) == ("Succeeded", "contoso-personal-voices", "http://127.0.0.1:8765")

    voice = voices["JessicaPersonalVoice"]
    return pulumi.Output.all(voice.status, voice.projectId, voice.endpoint).apply(check)


def test_without_an_endpoint_the_program_says_which_key_is_missing(monitor):
    pulumi.runtime.set_all_config({})
    with pytest.raises(pulumi.ConfigMissingError, match="speechEndpoint"):
        run_program()
