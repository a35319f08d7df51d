"""The PersonalVoice resource and its dynamic provider.

Import path contract: stacks hold a by-reference pickle of `PersonalVoiceProvider` from
this module; moving it breaks refresh and destroy of existing stacks.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from provider.diffing import DiffRules
from provider.inputs import base_url
from provider.speech.base import CustomVoiceResourceProvider
from provider.speech.client import DEFAULT_API_VERSION, PERSONAL_VOICE, CustomVoiceClient
from provider.speech.voice_inputs import (
    INPUT_KEYS,
    SERVICE_OUTPUT_KEYS,
    container_url_without_sas,
    extension_set,
    normalise,
    request_body,
)
from provider.validation import Problem, id_from_name


class PersonalVoiceProvider(CustomVoiceResourceProvider):
    kind = PERSONAL_VOICE
    id_input = "voiceId"
    input_keys = INPUT_KEYS
    service_output_keys = SERVICE_OUTPUT_KEYS
    # Every field of the request body replaces, and so does the content of the prompt
    # audio: the voice is trained once from what it read. The SAS token in
    # audios.containerUrl and the API version are how it was reached: in place.
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
        in_place=("apiVersion",),
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

    def send_create(self, client: CustomVoiceClient, props: dict[str, Any]) -> dict[str, Any]:
        return client.create_personal_voice(props["voiceId"], request_body(props))

    def extra_outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {"containerUrlWithoutSas": container_url_without_sas(props)}


@dataclass
class AudiosArgs:
    container_url: pulumi.Input[str]
    extensions: pulumi.Input[list[str]]
    prefix: pulumi.Input[str] | None = None


@dataclass
class PersonalVoiceArgs:
    endpoint: pulumi.Input[str]
    project_id: pulumi.Input[str]
    consent_id: pulumi.Input[str]
    audios: AudiosArgs
    voice_id: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] = DEFAULT_API_VERSION
    description: pulumi.Input[str] | None = None
    display_name: pulumi.Input[str] | None = None
    # A digest of the prompt audio's content, when the stack uploads it: a new recording
    # then replaces the voice.
    prompt_audio_sha256: pulumi.Input[str] | None = None


class PersonalVoice(Resource, module="customvoice", name="PersonalVoice"):
    """An Azure AI Speech personal voice. With no `voice_id`, the id is derived from the
    resource name. The whole `audios` output is secret, since its containerUrl carries a
    SAS token; `container_url_without_sas` is the part a reviewer may read."""

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

    def __init__(self, resource_name: str, args: PersonalVoiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "endpoint": args.endpoint,
            "apiVersion": args.api_version,
            "voiceId": args.voice_id if args.voice_id is not None else id_from_name(resource_name),
            "projectId": args.project_id,
            "consentId": args.consent_id,
            "audios": {
                # Secret from the start: its SAS must never reach state in plaintext.
                "containerUrl": pulumi.Output.secret(args.audios.container_url),
                "prefix": args.audios.prefix,
                "extensions": args.audios.extensions,
            },
            "description": args.description,
            "displayName": args.display_name,
            "promptAudioSha256": args.prompt_audio_sha256,
        }
        for output in (*SERVICE_OUTPUT_KEYS, "containerUrlWithoutSas"):
            props.setdefault(output, None)
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=["audios"])
        super().__init__(
            PersonalVoiceProvider(), resource_name, props, pulumi.ResourceOptions.merge(secret_outputs, opts)
        )
