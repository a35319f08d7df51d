"""What a resource of the preview is: a voice, a consent, a project, storage, or something
else, from its Pulumi type; and the id a reviewer knows it by.

The providers declare their Pulumi types (`provider/*.py`: `Resource(..., module=, name=)`),
and stacks hold them, so they are as fixed as the providers' import paths:
`pulumi-python:dynamic/customvoice:PersonalVoice`, `...:Consent`, `...:Project`,
`pulumi-python:dynamic/cognitiveservices:SpeechAccount`, and
`pulumi-python:dynamic/storage:BlobContainer`, `...:PromptAudio`, `...:ContainerSas`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from provider.redaction import redact
from review.fields import is_hidden

DYNAMIC_PACKAGE = "pulumi-python"
# The engine's own resources: the stack, stack references (older stacks hold one, the deletion
# guard's former read of the stack), providers. None is a resource of the service or of storage.
ENGINE_PACKAGE = "pulumi"


class Group(Enum):
    VOICES = "Voices"
    CONSENTS = "Consents"
    PROJECTS = "Projects"
    ACCOUNTS = "Speech accounts"
    STORAGE = "Storage"
    OTHER = "Other resources"


@dataclass(frozen=True)
class Kind:
    name: str
    noun: str
    plural: str
    group: Group
    # The inputs that make the id a reviewer knows it by (joined with "/").
    id_inputs: tuple[str, ...] = ()

    def counted(self, count: int) -> str:
        return f"{count} {self.noun if count == 1 else self.plural}"


VOICE = Kind("PersonalVoice", "voice", "voices", Group.VOICES, ("voiceId",))
CONSENT = Kind("Consent", "consent", "consents", Group.CONSENTS, ("consentId",))
PROJECT = Kind("Project", "project", "projects", Group.PROJECTS, ("projectId",))
ACCOUNT = Kind("SpeechAccount", "Speech account", "Speech accounts", Group.ACCOUNTS, ("accountName",))
BLOB_CONTAINER = Kind("BlobContainer", "blob container", "blob containers", Group.STORAGE, ("containerName",))
PROMPT_AUDIO = Kind("PromptAudio", "prompt audio", "prompt audios", Group.STORAGE, ("containerName", "prefix"))
CONTAINER_SAS = Kind("ContainerSas", "container SAS", "container SASes", Group.STORAGE, ("containerName",))
OTHER = Kind("", "other resource", "other resources", Group.OTHER)

_DYNAMIC_KINDS = {
    "dynamic/customvoice": (VOICE, CONSENT, PROJECT),
    "dynamic/cognitiveservices": (ACCOUNT,),
    "dynamic/storage": (BLOB_CONTAINER, PROMPT_AUDIO, CONTAINER_SAS),
}


def type_of_urn(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`: the resource's own type."""
    parts = urn.split("::", 3)
    return parts[2].rsplit("$", 1)[-1] if len(parts) == 4 else ""


def name_of_urn(urn: str) -> str:
    parts = urn.split("::", 3)
    return parts[3] if len(parts) == 4 else urn


def kind_of(type_token: str) -> Kind | None:
    """The kind of a resource of this type; None for the engine's own resources."""
    package, _, rest = type_token.partition(":")
    if package == ENGINE_PACKAGE:
        return None
    module, _, name = rest.rpartition(":")
    if package == DYNAMIC_PACKAGE:
        for kind in _DYNAMIC_KINDS.get(module, ()):
            if kind.name == name:
                return kind
    return OTHER


def resource_id(kind: Kind, inputs: Mapping[str, Any], fallback: str) -> str:
    """The id from the inputs, when they show it (a value may be secret or not known yet); a
    signature or key in it redacted, as anywhere in the review."""
    values = [inputs.get(name) for name in kind.id_inputs]
    if values and all(isinstance(value, str) and not is_hidden(value) for value in values):
        return redact("/".join(str(value) for value in values))
    return fallback
