"""Turn a catalog plus the stack's config into resources and stack outputs.

The Speech accounts first, then projects in them, consents in those, the prompt audio the
stack uploads, and the voices, each taking its references from the resources it depends on so
Pulumi orders creates and deletes correctly.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from catalog.environment import Environment
from catalog.managed_storage import ManagedStorage
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, SpeechAccountSpec, VoiceSpec
from catalog.ssml import personal_voice_ssml
from provider.consent import Consent, ConsentArgs
from provider.personal_voice import AudiosArgs, PersonalVoice, PersonalVoiceArgs
from provider.project import Project, ProjectArgs
from provider.prompt_files import PromptFile
from provider.speech_account import SpeechAccount, SpeechAccountArgs

# The version of the stack outputs' shape (schemas/stack-outputs.schema.json); a change that
# removes or renames anything a consumer reads makes it 2.
OUTPUTS_CONTRACT_VERSION = 1


@dataclass(frozen=True)
class SpeechService:
    """Where a project and everything in it live."""

    endpoint: pulumi.Input[str]
    # The catalog's account holding them; None: config speechEndpoint's resource.
    account: SpeechAccount | None = None
    account_name: str | None = None

    @property
    def account_id(self) -> pulumi.Input[str] | None:
        """Its ARM id: the provider host reads the account's keys with it."""
        return self.account.armId if self.account is not None else None


@dataclass
class StackResources:
    projects: dict[str, Project]
    consents: dict[str, Consent]
    voices: dict[str, PersonalVoice]
    # Each voice's locale: its consent's.
    locales: dict[str, str]
    accounts: dict[str, SpeechAccount] = field(default_factory=dict)
    # Each voice's place: its project's.
    services: dict[str, SpeechService] = field(default_factory=dict)


def declare(catalog: Catalog, environment: Environment, project_root: Path) -> StackResources:
    accounts = {spec.name: _account(spec) for spec in catalog.accounts}
    services = {spec.id: _service(spec, accounts, environment) for spec in catalog.projects}
    projects = {spec.id: _project(spec, environment, services[spec.id]) for spec in catalog.projects}
    consents = {
        spec.id: _consent(spec, environment, projects[spec.project_id], services[spec.project_id])
        for spec in catalog.consents
    }
    storage = ManagedStorage(catalog.storage, project_root) if catalog.storage else None
    voices = {
        spec.id: _voice(
            spec,
            environment,
            (projects[spec.project_id], consents[spec.consent_id], services[spec.project_id]),
            storage,
            project_root,
        )
        for spec in catalog.voices
    }
    locale_of = {spec.id: spec.locale for spec in catalog.consents}
    locales = {spec.id: locale_of[spec.consent_id] for spec in catalog.voices}
    voice_services = {spec.id: services[spec.project_id] for spec in catalog.voices}
    return StackResources(projects, consents, voices, locales, accounts, voice_services)


def _account(spec: SpeechAccountSpec) -> SpeechAccount:
    inputs = spec.inputs
    return SpeechAccount(
        spec.name,
        SpeechAccountArgs(
            subscription_id=inputs["subscriptionId"],
            resource_group_name=inputs["resourceGroupName"],
            account_name=inputs["accountName"],
            location=inputs.get("location"),
            sku=inputs.get("sku"),
            kind=inputs.get("kind"),
            custom_sub_domain_name=inputs.get("customSubDomainName"),
            disable_local_auth=inputs.get("disableLocalAuth"),
            public_network_access=inputs.get("publicNetworkAccess"),
            tags=inputs.get("tags"),
            existing=inputs.get("existing") is True,
            restore=inputs.get("restore") is True,
            purge_on_delete=inputs.get("purgeOnDelete") is True,
        ),
        pulumi.ResourceOptions(protect=spec.protect),
    )


def _service(spec: ProjectSpec, accounts: dict[str, SpeechAccount], environment: Environment) -> SpeechService:
    if spec.account is None:
        assert environment.endpoint is not None  # Environment requires it of a catalog without accounts
        return SpeechService(environment.endpoint)
    account = accounts[spec.account]
    return SpeechService(account.endpoint, account, spec.account)


def _project(spec: ProjectSpec, environment: Environment, service: SpeechService) -> Project:
    return Project(
        spec.id,
        ProjectArgs(
            endpoint=service.endpoint,
            speech_account_id=service.account_id,
            api_version=environment.api_version,
            project_id=spec.id,
            description=spec.description,
            display_name=spec.display_name,
            force_delete=spec.force_delete,
        ),
    )


def _consent(spec: ConsentSpec, environment: Environment, project: Project, service: SpeechService) -> Consent:
    return Consent(
        spec.id,
        ConsentArgs(
            endpoint=service.endpoint,
            speech_account_id=service.account_id,
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
    holders: tuple[Project, Consent, SpeechService],
    storage: ManagedStorage | None,
    project_root: Path,
) -> PersonalVoice:
    project, consent, service = holders
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
            endpoint=service.endpoint,
            speech_account_id=service.account_id,
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
    """The outputs contract (docs/outputs.md; schemas/stack-outputs.schema.json):
    per voice id what an app relies on, each consent's status, and the contract's version.
    (A run the deletion guard refuses stops before this, and keeps the outputs it had.)"""
    voices = {
        voice_id: _voice_outputs(voice, resources.locales[voice_id], resources.services.get(voice_id))
        for voice_id, voice in resources.voices.items()
    }
    return {
        "voices": voices,
        "consents": {consent_id: consent.status for consent_id, consent in resources.consents.items()},
        "contractVersion": OUTPUTS_CONTRACT_VERSION,
    }


def _voice_outputs(voice: PersonalVoice, locale: str, service: SpeechService | None) -> dict[str, Any]:
    # A voice in a catalog account also says which one (its catalog name and ARM id), and its region.
    place: dict[str, Any] = (
        {"account": service.account_name, "accountId": service.account_id, "region": service.account.region}
        if service is not None and service.account is not None
        else {}
    )
    return {
        **place,
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
