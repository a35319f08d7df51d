"""Turn a catalog plus the stack's config into resources and stack outputs.

Projects first, then consents in them, the prompt audio the stack uploads, and the voices,
each taking its references from the resources it depends on so Pulumi orders creates and
deletes correctly.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from catalog.environment import Environment
from catalog.managed_storage import ManagedStorage
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, VoiceSpec
from catalog.ssml import personal_voice_ssml
from provider.consent import Consent, ConsentArgs
from provider.personal_voice import AudiosArgs, PersonalVoice, PersonalVoiceArgs
from provider.project import Project, ProjectArgs
from provider.prompt_files import PromptFile

# The version of the stack outputs' shape (schemas/stack-outputs.schema.json); a change that
# removes or renames anything a consumer reads makes it 2.
OUTPUTS_CONTRACT_VERSION = 1


@dataclass
class StackResources:
    projects: dict[str, Project]
    consents: dict[str, Consent]
    voices: dict[str, PersonalVoice]
    # Each voice's locale: its consent's.
    locales: dict[str, str]


def declare(catalog: Catalog, environment: Environment, project_root: Path) -> StackResources:
    projects = {spec.id: _project(spec, environment) for spec in catalog.projects}
    consents = {spec.id: _consent(spec, environment, projects[spec.project_id]) for spec in catalog.consents}
    storage = ManagedStorage(catalog.storage, project_root) if catalog.storage else None
    voices = {
        spec.id: _voice(spec, environment, projects[spec.project_id], consents[spec.consent_id], storage, project_root)
        for spec in catalog.voices
    }
    locale_of = {spec.id: spec.locale for spec in catalog.consents}
    locales = {spec.id: locale_of[spec.consent_id] for spec in catalog.voices}
    return StackResources(projects, consents, voices, locales)


def _project(spec: ProjectSpec, environment: Environment) -> Project:
    return Project(
        spec.id,
        ProjectArgs(
            endpoint=environment.endpoint,
            api_version=environment.api_version,
            project_id=spec.id,
            description=spec.description,
            display_name=spec.display_name,
            force_delete=spec.force_delete,
        ),
    )


def _consent(spec: ConsentSpec, environment: Environment, project: Project) -> Consent:
    return Consent(
        spec.id,
        ConsentArgs(
            endpoint=environment.endpoint,
            api_version=environment.api_version,
            consent_id=spec.id,
            project_id=project.projectId,
            voice_talent_name=spec.voice_talent_name,
            company_name=spec.company_name,
            locale=spec.locale,
            audio_file=spec.audio_file,
            audio_url=spec.audio_url,
            description=spec.description,
            display_name=spec.display_name,
        ),
    )


def _voice(
    spec: VoiceSpec,
    environment: Environment,
    project: Project,
    consent: Consent,
    storage: ManagedStorage | None,
    project_root: Path,
) -> PersonalVoice:
    depends_on: list[pulumi.Resource] = []
    prompt_audio_sha256 = None
    audios, audio_files, mint_read_sas = None, [], False
    if spec.files and storage is not None:
        uploaded, prompt_audio_sha256 = storage.upload(spec)
        audios = AudiosArgs(storage.container_url, list(spec.extensions), spec.prefix)
        depends_on.append(uploaded)
        mint_read_sas = True
    elif spec.files:
        audio_files = [PromptFile.in_project(path, project_root) for path in spec.files]
    else:
        audios = AudiosArgs(str(spec.container_url), list(spec.extensions), spec.prefix)
    return PersonalVoice(
        spec.resource_name,
        PersonalVoiceArgs(
            endpoint=environment.endpoint,
            api_version=spec.api_version or environment.api_version,
            voice_id=spec.id,
            project_id=project.projectId,
            consent_id=consent.consentId,
            audios=audios,
            audio_files=audio_files,
            description=spec.description,
            display_name=spec.display_name,
            prompt_audio_sha256=prompt_audio_sha256,
            create_request=spec.create_request,
            mint_read_sas=mint_read_sas,
            base_model=spec.base_model or environment.base_model,
        ),
        pulumi.ResourceOptions(
            depends_on=depends_on,
            protect=environment.protects(spec.protect),
            # Giving a voice a `name` later must not make it a new resource (whose create
            # would adopt the voice and the old one's delete then remove it).
            aliases=[pulumi.Alias(name=spec.id)] if spec.resource_name != spec.id else None,
        ),
    )


def export(resources: StackResources) -> None:
    for name, value in stack_outputs(resources).items():
        pulumi.export(name, value)


def stack_outputs(resources: StackResources) -> dict[str, Any]:
    """The outputs contract (README, "Using your voices"; schemas/stack-outputs.schema.json):
    per voice id what an app relies on, each consent's status, and the contract's version.
    (A run the deletion guard refuses stops before this, and keeps the outputs it had.)"""
    voices = {
        voice_id: _voice_outputs(voice, resources.locales[voice_id]) for voice_id, voice in resources.voices.items()
    }
    return {
        "voices": voices,
        "consents": {consent_id: consent.status for consent_id, consent in resources.consents.items()},
        "contractVersion": OUTPUTS_CONTRACT_VERSION,
    }


def _voice_outputs(voice: PersonalVoice, locale: str) -> dict[str, Any]:
    return {
        "speakerProfileId": voice.speakerProfileId,
        "status": voice.status,
        "projectId": voice.projectId,
        "consentId": voice.consentId,
        "locale": locale,
        "endpoint": voice.endpoint,
        "baseModel": voice.baseModel,
        "ssml": pulumi.Output.all(voice.baseModel, voice.speakerProfileId).apply(
            lambda known: personal_voice_ssml(known[0], locale, known[1])
        ),
    }
