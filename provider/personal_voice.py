"""The PersonalVoice resource and its dynamic provider.

Import path contract: stacks hold a by-reference pickle of `PersonalVoiceProvider` from
this module; moving it breaks refresh and destroy of existing stacks.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pulumi
from pulumi.dynamic import UpdateResult

from provider.diffing import DiffRules
from provider.inputs import base_url
from provider.prompt_files import PromptFile, read_verified
from provider.redaction import register_sas
from provider.resource import Resource
from provider.speech.base import CustomVoiceResourceProvider
from provider.speech.base_models import check_base_model_listed
from provider.speech.client import DEFAULT_API_VERSION, PERSONAL_VOICE, CreateAnswer, CustomVoiceClient
from provider.speech.voice_inputs import (
    INPUT_KEYS,
    SEED_DOCUMENT_POST,
    SERVICE_OUTPUT_KEYS,
    container_url_without_sas,
    extension_set,
    normalise,
    request_body,
)
from provider.storage.sas import short_lived_container_url
from provider.validation import Problem, id_from_name


class PersonalVoiceProvider(CustomVoiceResourceProvider):
    kind = PERSONAL_VOICE
    id_input = "voiceId"
    input_keys = INPUT_KEYS
    service_output_keys = SERVICE_OUTPUT_KEYS
    # Every field of the request body replaces, and so does the content of the prompt
    # audio: the voice is trained once from what it read. The API version, and the SAS token
    # that state of an earlier version holds in audios.containerUrl, are how it was reached: in place.
    diff_rules = DiffRules(
        replacing=(
            "endpoint",
            "voiceId",
            "projectId",
            "consentId",
            "description",
            "displayName",
            "audios.prefix",
            "audios.extensions",
            "promptAudioSha256",
        ),
        # How the voice was sent: the seed's form, or where its recordings lay (their content
        # is promptAudioSha256).
        in_place=("apiVersion", "createRequest", "audioFiles", "mintReadSas", "baseModel", "speechAccountId"),
        sas_urls=("audios.containerUrl",),
        comparable={"audios.extensions": extension_set, "audios.containerUrl": base_url},
        stable_outputs=("createdDateTime",),
    )
    long_running = True
    adoption_fields = (
        "projectId",
        "consentId",
        "audios.containerUrl",
        "audios.prefix",
        "audios.extensions",
        "description",
        "displayName",
    )

    def normalise_fields(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        return normalise(news)

    def send_create(self, client: CustomVoiceClient, props: dict[str, Any]) -> CreateAnswer:
        voice_id, body = props["voiceId"], request_body(props)
        if "audios" in body and not props.get("mintReadSas"):
            # Config sasToken, checked against the container it was issued for before any request.
            url = self.settings.sas.joined("audios.containerUrl", body["audios"]["containerUrl"])
            body["audios"] = {**body["audios"], "containerUrl": url}
        if props.get("baseModel"):
            check_base_model_listed(client, voice_id, props["baseModel"])
        if "audioFiles" in props:
            # Read (and checked against the preview's hashes) before anything is sent.
            files = [(file["name"], read_verified(file)) for file in props["audioFiles"]]
            return client.create_from_files(PERSONAL_VOICE, voice_id, body, files)
        if props.get("mintReadSas"):
            # Valid while the service may still read the audio: the create's time, no longer.
            valid_for = timedelta(seconds=self.settings.create_timeout_seconds)
            url = short_lived_container_url(body["audios"]["containerUrl"], self.settings.storage, valid_for)
            register_sas(url)
            body["audios"] = {**body["audios"], "containerUrl": url}
        if props.get("createRequest") == SEED_DOCUMENT_POST:
            return client.create_with_seed_form(voice_id, body)
        return client.create(PERSONAL_VOICE, voice_id, body)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if news.get("baseModel") and news.get("baseModel") != olds.get("baseModel"):
            with self.client(news) as client:
                check_base_model_listed(client, news["voiceId"], news["baseModel"])
        return super().update(id_, olds, news)

    def extra_outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        if "audios" not in props:
            return {}
        return {"containerUrlWithoutSas": container_url_without_sas(props)}


@dataclass
class AudiosArgs:
    container_url: pulumi.Input[str]
    extensions: pulumi.Input[list[str]]
    prefix: pulumi.Input[str] | None = None


@dataclass
class PersonalVoiceArgs:
    """The prompt audio is `audios` (in a container) or `audio_files` (sent with the create)."""

    endpoint: pulumi.Input[str]
    project_id: pulumi.Input[str]
    consent_id: pulumi.Input[str]
    audios: AudiosArgs | None = None
    audio_files: Sequence[PromptFile] = ()
    voice_id: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] = DEFAULT_API_VERSION
    description: pulumi.Input[str] | None = None
    display_name: pulumi.Input[str] | None = None
    # A digest of the prompt audio's content, when the stack uploads it to a container: a new
    # recording then replaces the voice (for `audio_files` the provider computes it).
    prompt_audio_sha256: pulumi.Input[str] | None = None
    # SEED_DOCUMENT_POST: create with the seed document's POST, which no published spec has.
    create_request: str | None = None
    # True: `audios.container_url` has no SAS; the provider host mints a short-lived one at
    # create (a user delegation SAS with `authentication: entra`, else signed with the storage
    # account key from config or environment) and keeps it nowhere.
    mint_read_sas: bool = False
    # The base model the voice speaks through (SSML's <voice name>); checked against the
    # service's list when the voice is created or given another one.
    base_model: pulumi.Input[str] | None = None
    # As ProjectArgs.speech_account_id.
    speech_account_id: pulumi.Input[str] | None = None


class PersonalVoice(Resource, module="customvoice", name="PersonalVoice"):
    """An Azure AI Speech personal voice. With no `voice_id`, the id is derived from the
    resource name. `audios.containerUrl` is a plain URL, shown as it is: the SAS the service
    reads it with is joined (config sasToken) or minted by the provider host at create."""

    # Attributes keep the API's camelCase names, as dynamic resources' outputs do.
    voiceId: pulumi.Output[str]
    speakerProfileId: pulumi.Output[str]
    status: pulumi.Output[str]
    projectId: pulumi.Output[str]
    consentId: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    createdDateTime: pulumi.Output[str]
    lastActionDateTime: pulumi.Output[str]
    containerUrlWithoutSas: pulumi.Output[str]
    baseModel: pulumi.Output[str]

    def __init__(self, resource_name: str, args: PersonalVoiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "endpoint": args.endpoint,
            "apiVersion": args.api_version,
            "voiceId": args.voice_id if args.voice_id is not None else id_from_name(resource_name),
            "projectId": args.project_id,
            "consentId": args.consent_id,
            "audios": _audios(args.audios),
            "audioFiles": [file.as_input() for file in args.audio_files] or None,
            "createRequest": args.create_request,
            "mintReadSas": args.mint_read_sas or None,
            "description": args.description,
            "displayName": args.display_name,
            "promptAudioSha256": args.prompt_audio_sha256,
            "baseModel": args.base_model,
            "speechAccountId": args.speech_account_id,
        }
        for output in (*SERVICE_OUTPUT_KEYS, "containerUrlWithoutSas"):
            props.setdefault(output, None)
        super().__init__(PersonalVoiceProvider(), resource_name, props, opts)


def _audios(audios: AudiosArgs | None) -> dict[str, Any] | None:
    if audios is None:
        return None
    return {
        "containerUrl": audios.container_url,
        "prefix": audios.prefix,
        "extensions": audios.extensions,
    }
