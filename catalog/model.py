"""What a stack catalog declares."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProjectSpec:
    id: str
    description: str | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class ConsentSpec:
    id: str
    project_id: str
    voice_talent_name: str
    company_name: str
    locale: str
    description: str | None = None


@dataclass(frozen=True)
class VoiceSpec:
    id: str
    project_id: str
    consent_id: str
    container_url: str
    extensions: tuple[str, ...]
    prefix: str | None = None
    description: str | None = None
    display_name: str | None = None
    # The Pulumi resource name: keeping it while the id changes makes the change a replacement.
    name: str | None = None

    @property
    def resource_name(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Catalog:
    projects: tuple[ProjectSpec, ...] = field(default_factory=tuple)
    consents: tuple[ConsentSpec, ...] = field(default_factory=tuple)
    voices: tuple[VoiceSpec, ...] = field(default_factory=tuple)
