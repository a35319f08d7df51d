"""The PersonalVoice resource and its dynamic provider.

Import path contract: stacks hold a by-reference pickle of `PersonalVoiceProvider` from
this module; moving it breaks refresh and destroy of existing stacks.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from provider.client import DEFAULT_API_VERSION, PERSONAL_VOICE, CustomVoiceClient
from provider.errors import CustomVoiceError
from provider.settings import ProviderSettings
from provider.validation import id_from_name
from provider.voice_inputs import (
    INPUT_KEYS,
    SERVICE_OUTPUT_KEYS,
    container_url_without_sas,
    differences_from_service,
    in_place_changes,
    normalise,
    replacing_changes,
    request_body,
)


class PersonalVoiceFailed(CustomVoiceError):
    """The service finished the voice with status Failed."""


class PersonalVoiceConflict(CustomVoiceError):
    """A voice with the declared id exists in the service but is not the declared voice."""


class PersonalVoiceProvider(ResourceProvider):
    """CRUD for one personal voice. Holds no state of its own until `configure()` runs in
    the provider host, so what gets pickled into state is only a reference to this class."""

    def configure(self, req: ConfigureRequest) -> None:
        self._settings = ProviderSettings.load(req.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, problems = normalise(news)
        return CheckResult(inputs, [CheckFailure(p.field, p.reason) for p in problems])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # The engine takes top-level property names; its own diff of the inputs shows the
        # nested field (audios.prefix, say) to whoever reads the preview.
        replaces = _top_level(replacing_changes(olds, news))
        changes = _top_level(replacing_changes(olds, news) + in_place_changes(olds, news))
        same_voice_slot = olds.get("voiceId") == news.get("voiceId") and olds.get("endpoint") == news.get("endpoint")
        return DiffResult(
            changes=bool(changes),
            replaces=replaces,
            stables=["speakerProfileId", "createdDateTime"] if not replaces else [],
            # Two voices with one id cannot coexist in one Speech resource.
            delete_before_replace=bool(replaces) and same_voice_slot,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        voice_id = props["voiceId"]
        with self._client(props) as client:
            existing = client.get(PERSONAL_VOICE, voice_id)
            if existing is None:
                try:
                    poller = client.poller(
                        PERSONAL_VOICE, voice_id, client.create_personal_voice(voice_id, request_body(props))
                    )
                except CustomVoiceError as error:
                    # Another run created it between our look and our create.
                    existing = client.get(PERSONAL_VOICE, voice_id) if error.status in (400, 409) else None
                    if existing is None:
                        raise
                    poller = self._adopt(client, props, existing)
            else:
                poller = self._adopt(client, props, existing)
            voice = poller.result()
            if voice.get("status") == "Failed":
                client.delete(PERSONAL_VOICE, voice_id)
                reason = (voice.get("properties") or {}).get("failureReason", "no failureReason given")
                raise PersonalVoiceFailed(
                    f"Personal voice {voice_id!r} failed: {reason}. The failed voice was deleted; "
                    "fix the cause and run `pulumi up` again"
                )
        return CreateResult(voice_id, _outputs(props, voice))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self._client(props) as client:
            voice = client.get(PERSONAL_VOICE, props.get("voiceId") or id_)
        if voice is None:
            return ReadResult("", {})
        return ReadResult(id_, _outputs(props, voice))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only in-place changes get here (diff replaces for the rest), and none of them
        # is sent to the service: the voice is trained once from the audio it read.
        service_fields = {key: olds[key] for key in SERVICE_OUTPUT_KEYS if key in olds}
        return UpdateResult(
            {**_inputs_of(news), **service_fields, "containerUrlWithoutSas": container_url_without_sas(news)}
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self._client(props) as client:
            client.delete(PERSONAL_VOICE, props.get("voiceId") or id_)

    def _client(self, props: dict[str, Any]) -> CustomVoiceClient:
        settings: ProviderSettings = getattr(self, "_settings", None) or ProviderSettings.load(None)
        return CustomVoiceClient(
            props["endpoint"],
            settings.auth(),
            api_version=props.get("apiVersion") or DEFAULT_API_VERSION,
            retries=settings.retries,
            backoff_factor=settings.backoff_factor,
            poll=settings.poll(),
        )

    @staticmethod
    def _adopt(client: CustomVoiceClient, props: dict[str, Any], existing: dict[str, Any]) -> Any:
        """Take over a voice that already has the declared id, if it is the declared voice."""
        voice_id = props["voiceId"]
        differences = differences_from_service(props, existing)
        if differences:
            raise PersonalVoiceConflict(
                f"Personal voice {voice_id!r} already exists in {props['endpoint']} and differs from "
                f"the declaration: {'; '.join(differences)}. Either choose another voiceId, or delete "
                "the existing voice in the service if it is not needed, then run `pulumi up` again"
            )
        if existing.get("status") == "Failed":
            client.delete(PERSONAL_VOICE, voice_id)
            return client.poller(PERSONAL_VOICE, voice_id, client.create_personal_voice(voice_id, request_body(props)))
        return client.poller(PERSONAL_VOICE, voice_id, existing)


def _top_level(fields: list[str]) -> list[str]:
    return sorted({field.split(".")[0] for field in fields})


def _inputs_of(props: dict[str, Any]) -> dict[str, Any]:
    return {key: props[key] for key in INPUT_KEYS if key in props}


def _outputs(props: dict[str, Any], voice: dict[str, Any]) -> dict[str, Any]:
    outputs = _inputs_of(props)
    for key in SERVICE_OUTPUT_KEYS:
        value = (voice.get("properties") or {}).get(key) if key == "failureReason" else voice.get(key)
        if value is not None:
            outputs[key] = value
    outputs["containerUrlWithoutSas"] = container_url_without_sas(props)
    return outputs


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
                "containerUrl": args.audios.container_url,
                "prefix": args.audios.prefix,
                "extensions": args.audios.extensions,
            },
            "description": args.description,
            "displayName": args.display_name,
        }
        for output in (*SERVICE_OUTPUT_KEYS, "containerUrlWithoutSas"):
            props.setdefault(output, None)
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=["audios"])
        super().__init__(
            PersonalVoiceProvider(), resource_name, props, pulumi.ResourceOptions.merge(secret_outputs, opts)
        )
