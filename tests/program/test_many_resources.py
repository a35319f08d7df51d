"""Three thousand resources of this project in one program (pulumi.runtime.set_mocks), where
Pulumi's SDK alone stops near a thousand with RecursionError (see `provider/resource.py`), and
each resource's `__provider` byte for byte what the SDK alone makes of its provider."""

import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import Resource as SdkResource
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc

from provider.blob_container import BlobContainer, BlobContainerArgs, BlobContainerProvider
from provider.consent import Consent, ConsentArgs, ConsentProvider
from provider.container_sas import ContainerSas, ContainerSasArgs, ContainerSasProvider
from provider.personal_voice import AudiosArgs, PersonalVoice, PersonalVoiceArgs, PersonalVoiceProvider
from provider.project import Project, ProjectArgs, ProjectProvider
from provider.prompt_audio import PromptAudio, PromptAudioArgs, PromptAudioProvider
from provider.prompt_files import PromptFile
from provider.resource import SET_BY_SERIALIZE_PROVIDER, pickler_as_found
from provider.speech_account import SpeechAccount, SpeechAccountArgs, SpeechAccountProvider
from tests.program.recording import RecordingMonitor

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = 3000
PROTECTED = pulumi.ResourceOptions(protect=True)
ENDPOINT = "http://127.0.0.1:8765"
ACCOUNT_URL = "http://127.0.0.1:10000/devstoreaccount1"
PROVIDERS: dict[str, type[ResourceProvider]] = {
    "pulumi-python:dynamic/customvoice:PersonalVoice": PersonalVoiceProvider,
    "pulumi-python:dynamic/customvoice:Project": ProjectProvider,
    "pulumi-python:dynamic/customvoice:Consent": ConsentProvider,
    "pulumi-python:dynamic/storage:BlobContainer": BlobContainerProvider,
    "pulumi-python:dynamic/storage:PromptAudio": PromptAudioProvider,
    "pulumi-python:dynamic/storage:ContainerSas": ContainerSasProvider,
    "pulumi-python:dynamic/cognitiveservices:SpeechAccount": SpeechAccountProvider,
}


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return args.name, {k: v for k, v in args.inputs.items() if k != "__provider"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def monitor() -> Any:
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


def declarations(prompt: PromptFile) -> list[Callable[[str], pulumi.CustomResource]]:
    """One way to declare each of the seven resources, by name, its options given by keyword."""
    return [
        lambda name: PersonalVoice(
            name,
            PersonalVoiceArgs(
                endpoint=ENDPOINT,
                project_id="proj",
                consent_id="consent",
                audios=AudiosArgs(container_url=f"{ACCOUNT_URL}/voices", extensions=[".wav"], prefix=f"{name}/"),
            ),
            opts=PROTECTED,
        ),
        lambda name: Project(name, ProjectArgs(endpoint=ENDPOINT), opts=PROTECTED),
        lambda name: Consent(
            name,
            ConsentArgs(
                endpoint=ENDPOINT,
                project_id="proj",
                voice_talent_name="Jessica Smith",
                company_name="Contoso",
                locale="en-US",
                audio_url=f"{ACCOUNT_URL}/consents/{name}.wav",
            ),
            opts=PROTECTED,
        ),
        lambda name: BlobContainer(
            name, BlobContainerArgs(account_url=ACCOUNT_URL, container_name=name), opts=PROTECTED
        ),
        lambda name: PromptAudio(
            name,
            PromptAudioArgs(account_url=ACCOUNT_URL, container_name="voices", files=[prompt], prefix=f"{name}/"),
            opts=PROTECTED,
        ),
        lambda name: ContainerSas(name, ContainerSasArgs(account_url=ACCOUNT_URL, container_name=name), opts=PROTECTED),
        lambda name: SpeechAccount(
            name,
            SpeechAccountArgs(
                subscription_id="00000000-1111-2222-3333-444444444444",
                resource_group_name="voices-rg",
                account_name=name,
                location="eastus",
            ),
            opts=PROTECTED,
        ),
    ]


def made_by_the_sdk_alone() -> dict[str, str]:
    """`__provider` of each resource type, as the SDK's serialize_provider makes it in a fresh
    interpreter where nothing of this project's Resource runs."""
    script = "\n".join(
        [
            "from pulumi.dynamic.dynamic import serialize_provider",
            *(f"from {cls.__module__} import {cls.__name__}" for cls in PROVIDERS.values()),
            *(f"print({type_!r}, serialize_provider({cls.__name__}()))" for type_, cls in PROVIDERS.items()),
        ]
    )
    printed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return dict(line.split(" ", 1) for line in printed.splitlines())


def wrapper_depth() -> int:
    """How many sorting wrappers stand around pickle's own `_batch_setitems`."""
    function, depth = vars(pickle._Pickler)["_batch_setitems"], 0
    while function.__closure__:
        function, depth = function.__closure__[0].cell_contents, depth + 1
    return depth


@pulumi.runtime.test
def test_three_thousand_resources_register_each_with_the_sdks_own_provider_pickle(monitor: Any, tmp_path: Path) -> Any:
    recording = tmp_path / "prompt.wav"
    recording.write_bytes(b"RIFF")
    declare = declarations(PromptFile.of(recording))
    depth_before = wrapper_depth()

    resources = [declare[n % len(declare)](f"r{n:04d}") for n in range(RESOURCES)]

    assert wrapper_depth() == depth_before
    expected = made_by_the_sdk_alone()

    def check(_: Any) -> None:
        ours = [request for request in monitor.requests if request.type in PROVIDERS]
        assert len(ours) == RESOURCES
        for request in ours:
            inputs = rpc.deserialize_properties(request.object, True)
            assert rpc.unwrap_rpc_secret(inputs["__provider"]) == expected[request.type], request.name
            # Where the engine says it was declared: the resource's own module, as before.
            own_module = PROVIDERS[request.type].__module__.replace(".", "/")
            assert request.protect, request.name
            assert request.sourcePosition.uri.endswith(f"/{own_module}.py"), request.sourcePosition

    return pulumi.Output.all(*(resource.urn for resource in resources)).apply(check)


class SdkOnlyVoice(SdkResource, module="customvoice", name="PersonalVoice"):
    """The SDK's dynamic Resource with this project's provider, without `provider/resource.py`."""


@pulumi.runtime.test
def test_the_sdk_alone_cannot_declare_as_many(monitor: Any) -> None:
    # If this fails, the SDK no longer stacks its wrappers: provider/resource.py can go.
    with pickler_as_found(), pytest.raises(RecursionError):
        for n in range(RESOURCES):
            SdkOnlyVoice(PersonalVoiceProvider(), f"sdk-only-{n:04d}", {})
    assert set(SET_BY_SERIALIZE_PROVIDER) <= set(vars(pickle._Pickler))
