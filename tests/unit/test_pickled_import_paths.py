"""Stacks hold a by-reference pickle of each provider class: its module and name are a
contract with every existing stack's state, whatever else moves."""

import base64
import pickletools

import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from provider.blob_container import BlobContainerProvider
from provider.consent import ConsentProvider
from provider.container_sas import ContainerSasProvider
from provider.personal_voice import PersonalVoiceProvider
from provider.project import ProjectProvider
from provider.prompt_audio import PromptAudioProvider
from provider.speech_account import SpeechAccountProvider

# As existing stacks hold them: never change an entry, only add.
CONTRACT = {
    PersonalVoiceProvider: ("provider.personal_voice", "PersonalVoiceProvider"),
    ProjectProvider: ("provider.project", "ProjectProvider"),
    ConsentProvider: ("provider.consent", "ConsentProvider"),
    BlobContainerProvider: ("provider.blob_container", "BlobContainerProvider"),
    PromptAudioProvider: ("provider.prompt_audio", "PromptAudioProvider"),
    ContainerSasProvider: ("provider.container_sas", "ContainerSasProvider"),
    SpeechAccountProvider: ("provider.speech_account", "SpeechAccountProvider"),
}


def globals_referenced(pickled: bytes) -> list[tuple[str, str]]:
    """The (module, name) pairs a protocol-4 pickle imports when it is loaded."""
    strings: list[str] = []
    found = []
    for opcode, argument, _ in pickletools.genops(pickled):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(str(argument))
        elif opcode.name == "STACK_GLOBAL":
            found.append((strings[-2], strings[-1]))
        elif opcode.name == "GLOBAL":
            module, name = str(argument).split(" ", 1)
            found.append((module, name))
    return found


@pytest.mark.parametrize("provider_class", list(CONTRACT), ids=lambda c: c.__name__)
def test_each_provider_pickles_as_a_reference_to_its_contracted_path(provider_class: type[ResourceProvider]):
    pickled = base64.b64decode(serialize_provider(provider_class()))
    assert globals_referenced(pickled) == [CONTRACT[provider_class]]
