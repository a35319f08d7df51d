"""The Consent resource: the voice talent's recorded consent statement, in a project.

The recording comes either as `audioUrl` (a plain blob URL; the provider host joins config
sasToken to it at create) or as a local `audioFile` sent with the multipart create. For a file, `check` records its SHA-256
as `audioSha256`, so a new recording at the same path is a change (a replacement: the
service cannot swap a consent's recording).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from provider.diffing import DiffRules
from provider.hashing import file_sha256
from provider.inputs import base_url, is_unknown
from provider.prompt_files import read_verified
from provider.resource import Resource
from provider.speech.base import CustomVoiceResourceProvider
from provider.speech.client import API_VERSIONS, CONSENT, DEFAULT_API_VERSION, CreateAnswer, CustomVoiceClient
from provider.validation import (
    Problem,
    check_endpoint,
    check_id,
    check_locale,
    check_one_of,
    check_optional_text,
    check_url,
    id_from_name,
)

REQUIRED_TEXT = ("voiceTalentName", "companyName", "locale")
OPTIONAL_TEXT = ("description", "displayName")


class ConsentProvider(CustomVoiceResourceProvider):
    kind = CONSENT
    id_input = "consentId"
    input_keys = (
        "endpoint",
        "apiVersion",
        "consentId",
        "projectId",
        "voiceTalentName",
        "companyName",
        "locale",
        "description",
        "displayName",
        "audioUrl",
        "audioFile",
        "audioSha256",
        "speechAccountId",
    )
    service_output_keys = ("status", "createdDateTime", "lastActionDateTime", "failureReason")
    diff_rules = DiffRules(
        replacing=(
            "endpoint",
            "consentId",
            "projectId",
            "voiceTalentName",
            "companyName",
            "locale",
            "description",
            "displayName",
            "audioSha256",
        ),
        sas_urls=("audioUrl",),
        in_place=("apiVersion", "audioFile", "speechAccountId"),
        stable_outputs=("createdDateTime",),
    )
    long_running = True
    # audioUrl is request-only: the service never echoes it.
    adoption_fields = ("projectId", "voiceTalentName", "companyName", "locale", "description", "displayName")

    def normalise_fields(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {key: news[key] for key in self.input_keys if news.get(key) is not None}
        inputs.pop("audioSha256", None)  # derived from audioFile here, never taken as given
        problems = check_endpoint("endpoint", inputs.get("endpoint"))
        problems += check_id("consentId", inputs.get("consentId")) + check_id("projectId", inputs.get("projectId"))
        for field in REQUIRED_TEXT:
            if inputs.get(field) in (None, ""):
                problems.append(Problem(field, "is required"))
        for field in (*REQUIRED_TEXT, *OPTIONAL_TEXT):
            problems += check_optional_text(field, inputs.get(field))
        problems += check_locale("locale", inputs.get("locale"))
        problems += check_one_of("apiVersion", inputs.get("apiVersion"), API_VERSIONS)
        problems += self._recording(inputs)
        return inputs, problems

    @staticmethod
    def _recording(inputs: dict[str, Any]) -> list[Problem]:
        url, file = inputs.get("audioUrl"), inputs.get("audioFile")
        if (url is None) == (file is None):
            return [Problem("audioUrl", "give exactly one of audioUrl and audioFile (the consent recording)")]
        if url is not None:
            return check_url("audioUrl", url, allow_query=True)
        if is_unknown(file):
            return []  # hashed once known
        path = Path(str(file))
        if not path.is_file():
            return [Problem("audioFile", f"no such file: {file}")]
        inputs["audioSha256"] = file_sha256(path)
        return []

    def send_create(self, client: CustomVoiceClient, props: dict[str, Any]) -> CreateAnswer:
        consent_id = props["consentId"]
        fields = {
            key: props[key]
            for key in ("projectId", "voiceTalentName", "companyName", "locale", "description", "displayName")
            if props.get(key) is not None
        }
        if props.get("audioUrl"):
            url = self.settings.sas.joined("audioUrl", props["audioUrl"])
            return client.create(CONSENT, consent_id, {**fields, "audioUrl": url})
        recording = {"path": props["audioFile"], "sha256": props.get("audioSha256")}
        return client.create_from_files(
            CONSENT, consent_id, fields, [(Path(recording["path"]).name, read_verified(recording))]
        )

    def extra_outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {"audioUrlWithoutSas": base_url(props["audioUrl"])} if props.get("audioUrl") else {}


@dataclass
class ConsentArgs:
    endpoint: pulumi.Input[str]
    project_id: pulumi.Input[str]
    voice_talent_name: pulumi.Input[str]
    company_name: pulumi.Input[str]
    locale: pulumi.Input[str]
    audio_file: pulumi.Input[str] | None = None
    audio_url: pulumi.Input[str] | None = None
    consent_id: pulumi.Input[str] | None = None
    api_version: pulumi.Input[str] = DEFAULT_API_VERSION
    description: pulumi.Input[str] | None = None
    display_name: pulumi.Input[str] | None = None
    # As ProjectArgs.speech_account_id.
    speech_account_id: pulumi.Input[str] | None = None


class Consent(Resource, module="customvoice", name="Consent"):
    """A voice talent's consent."""

    # Attributes keep the API's camelCase names, as dynamic resources' outputs do.
    consentId: pulumi.Output[str]
    projectId: pulumi.Output[str]
    status: pulumi.Output[str]
    audioSha256: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ConsentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "endpoint": args.endpoint,
            "apiVersion": args.api_version,
            "consentId": args.consent_id if args.consent_id is not None else id_from_name(resource_name),
            "projectId": args.project_id,
            "voiceTalentName": args.voice_talent_name,
            "companyName": args.company_name,
            "locale": args.locale,
            "description": args.description,
            "displayName": args.display_name,
            "audioUrl": args.audio_url,
            "audioFile": args.audio_file,
            "speechAccountId": args.speech_account_id,
        }
        for output in ("audioSha256", *ConsentProvider.service_output_keys, "audioUrlWithoutSas"):
            props.setdefault(output, None)
        super().__init__(ConsentProvider(), resource_name, props, opts)
