"""What a stack catalog declares."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SpeechAccountSpec:
    """A Speech resource the stack creates, adopts or only refers to (`existing`)."""

    # Its Pulumi resource name, which projects name it by (`account`).
    name: str
    # The SpeechAccount's inputs as the catalog spells them (its prop names), checked by the
    # resource's own rules.
    inputs: Mapping[str, Any] = field(default_factory=dict)
    # Pulumi's `protect`: deleting or replacing the account ends every voice in it.
    protect: bool = True


@dataclass(frozen=True)
class ProjectSpec:
    id: str
    description: str | None = None
    display_name: str | None = None
    force_delete: bool = False
    # The name of the catalog's Speech account that holds it; None: config speechEndpoint's.
    account: str | None = None


@dataclass(frozen=True)
class ConsentSpec:
    id: str
    project_id: str
    voice_talent_name: str
    company_name: str
    locale: str
    # Exactly one of the two: a local recording (relative to the project root) or a blob URL.
    audio_file: str | None = None
    audio_url: str | None = None
    description: str | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class StorageSpec:
    """The blob container the stack manages for prompt audio."""

    account_url: str
    container: str


@dataclass(frozen=True)
class VoiceSpec:
    id: str
    project_id: str
    consent_id: str
    extensions: tuple[str, ...]
    # Either prompt audio already in a container, or local files: uploaded to the stack's
    # storage container under `prefix` when the catalog has one, else sent with the create.
    container_url: str | None = None
    files: tuple[str, ...] = ()
    prefix: str | None = None
    description: str | None = None
    display_name: str | None = None
    # The Pulumi resource name: keeping it while the id changes makes the change a replacement.
    name: str | None = None
    # Overrides the stack's apiVersion for this voice.
    api_version: str | None = None
    # "seed-document-post": the seed document's create form, in no published spec.
    create_request: str | None = None
    # Overrides the stack's baseModel (config) for this voice.
    base_model: str | None = None
    # Pulumi's `protect`: a replace or delete of this voice fails instead of happening.
    # None: the stack's `protectVoices` (config) decides.
    protect: bool | None = None

    @property
    def resource_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Catalog:
    projects: tuple[ProjectSpec, ...] = field(default_factory=tuple)
    consents: tuple[ConsentSpec, ...] = field(default_factory=tuple)
    voices: tuple[VoiceSpec, ...] = field(default_factory=tuple)
    storage: StorageSpec | None = None
    accounts: tuple[SpeechAccountSpec, ...] = field(default_factory=tuple)
