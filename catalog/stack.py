"""Turn a catalog plus the stack's config into PersonalVoice resources and stack outputs."""

from dataclasses import dataclass

import pulumi

from catalog.model import Catalog, VoiceSpec
from provider.client import DEFAULT_API_VERSION
from provider.personal_voice import AudiosArgs, PersonalVoice, PersonalVoiceArgs


@dataclass(frozen=True)
class Environment:
    """Where the voices live, from the stack's config."""

    endpoint: str
    api_version: str = DEFAULT_API_VERSION
    sas_token: pulumi.Output[str] | None = None

    @classmethod
    def from_config(cls, config: pulumi.Config) -> "Environment":
        return cls(
            endpoint=config.require("speechEndpoint"),
            api_version=config.get("apiVersion") or DEFAULT_API_VERSION,
            sas_token=config.get_secret("sasToken"),
        )

    def container_url(self, voice: VoiceSpec) -> pulumi.Input[str]:
        if self.sas_token is None:
            return voice.container_url
        base = voice.container_url
        return pulumi.Output.secret(self.sas_token.apply(lambda token: f"{base}?{token.lstrip('?')}"))


def declare_voices(catalog: Catalog, environment: Environment) -> dict[str, PersonalVoice]:
    return {
        voice.id: PersonalVoice(
            voice.resource_name,
            PersonalVoiceArgs(
                endpoint=environment.endpoint,
                api_version=environment.api_version,
                voice_id=voice.id,
                project_id=voice.project_id,
                consent_id=voice.consent_id,
                audios=AudiosArgs(
                    container_url=environment.container_url(voice),
                    prefix=voice.prefix,
                    extensions=list(voice.extensions),
                ),
                description=voice.description,
                display_name=voice.display_name,
            ),
        )
        for voice in catalog.voices
    }


def export_voices(voices: dict[str, PersonalVoice]) -> None:
    """One `voices` output: per voice id, what a consumer of the stack relies on."""
    pulumi.export(
        "voices",
        {
            voice_id: {
                "speakerProfileId": voice.speakerProfileId,
                "status": voice.status,
                "projectId": voice.projectId,
                "endpoint": voice.endpoint,
            }
            for voice_id, voice in voices.items()
        },
    )
