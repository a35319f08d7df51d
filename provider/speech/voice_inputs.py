"""PersonalVoice inputs: validation, normalisation and the request body.

Input names mirror the Custom Voice request body, except the voice id: Pulumi reserves
`id`, so the input is `voiceId` (sent to the API as `id`). The prompt audio is either
`audios` (a container the service reads, PersonalVoices_Create) or `audioFiles` (local files
sent with the create, PersonalVoices_Post); `createRequest` names the seed document's form
when a voice must be created that way.
"""

from typing import Any

from provider.inputs import is_unknown, judged, lookup
from provider.prompt_files import any_unknown, check_prompt_files, content_sha256
from provider.redaction import strip_query
from provider.speech.client import API_VERSIONS
from provider.validation import (
    Problem,
    check_base_model,
    check_endpoint,
    check_extensions,
    check_id,
    check_one_of,
    check_optional_text,
    check_url,
    normalise_extension,
)

INPUT_KEYS = (
    "endpoint",
    "apiVersion",
    "voiceId",
    "projectId",
    "consentId",
    "audios",
    "audioFiles",
    "createRequest",
    "mintReadSas",
    "description",
    "displayName",
    "promptAudioSha256",
    # Not sent to the service: the voice speaks through it (the SSML's <voice name>).
    "baseModel",
    # Not sent either: the account whose key reaches the endpoint (provider.accounts.keys).
    "speechAccountId",
)
# How a voice is created: the spec's PUT (or its multipart POST, for `audioFiles`), or the
# seed document's POST with the id in the body, which no published spec has.
SPEC_CREATE = "spec"
SEED_DOCUMENT_POST = "seed-document-post"
# The version the seed document shows that form with.
SEED_API_VERSION = "2023-12-01-preview"
CREATE_REQUESTS = (SPEC_CREATE, SEED_DOCUMENT_POST)
SERVICE_OUTPUT_KEYS = ("speakerProfileId", "status", "createdDateTime", "lastActionDateTime", "failureReason")


def normalise(news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The inputs as they will be stored, and every problem with them."""
    inputs = {key: news.get(key) for key in INPUT_KEYS if news.get(key) is not None}
    problems = check_endpoint("endpoint", inputs.get("endpoint"))
    for field in ("voiceId", "projectId", "consentId"):
        problems += check_id(field, inputs.get(field))
    for field in ("description", "displayName", "promptAudioSha256"):
        problems += check_optional_text(field, inputs.get(field))
    problems += check_one_of("apiVersion", inputs.get("apiVersion"), API_VERSIONS)
    problems += check_base_model("baseModel", inputs.get("baseModel"))

    problems += _check_create_request(inputs.get("createRequest"), inputs)
    problems += _check_mint_read_sas(inputs)
    if "audioFiles" in inputs:
        return inputs, problems + _audio_files(inputs)
    return inputs, problems + _audios(inputs)


def _audios(inputs: dict[str, Any]) -> list[Problem]:
    """Prompt audio in a container: `audios` as the service takes it, extensions normalised."""
    audios = inputs.get("audios")
    if not isinstance(audios, dict):
        return [Problem("audios", "is required: {containerUrl, prefix?, extensions}, or audioFiles")]
    audios = {key: audios[key] for key in ("containerUrl", "prefix", "extensions") if audios.get(key) is not None}
    problems = check_url("audios.containerUrl", audios.get("containerUrl"), allow_query=True)
    problems += check_optional_text("audios.prefix", audios.get("prefix"))
    extensions = audios.get("extensions")
    extension_problems = check_extensions("audios.extensions", extensions)
    problems += extension_problems
    if not extension_problems and isinstance(extensions, list) and not any(is_unknown(e) for e in extensions):
        audios["extensions"] = sorted({normalise_extension(e) for e in extensions})
    inputs["audios"] = audios
    return problems


def _audio_files(inputs: dict[str, Any]) -> list[Problem]:
    """Prompt audio sent with the create: the files, and the digest of their content (derived
    here, never taken as given), so a new recording replaces the voice."""
    problems = [Problem("audios", "give audios or audioFiles, not both")] if "audios" in inputs else []
    files = inputs["audioFiles"]
    found = check_prompt_files("audioFiles", files)
    if not judged(found, inputs) and not any_unknown(files):
        inputs["promptAudioSha256"] = content_sha256(files)
    return problems + found


def _check_mint_read_sas(inputs: dict[str, Any]) -> list[Problem]:
    mint = inputs.get("mintReadSas")
    if mint is None:
        return []
    if not isinstance(mint, bool):
        return [Problem("mintReadSas", "must be true or false")]
    if mint and "audioFiles" in inputs:
        return [Problem("mintReadSas", "is for audios in a container, not audioFiles")]
    if mint and "?" in str(lookup(inputs, "audios.containerUrl") or ""):
        return [Problem("audios.containerUrl", "with mintReadSas, give the container URL without a SAS")]
    return []


def _check_create_request(value: Any, inputs: dict[str, Any]) -> list[Problem]:
    if value is None or value == SPEC_CREATE:
        return []
    if value != SEED_DOCUMENT_POST:
        return [Problem("createRequest", f"{value!r} is not one of {', '.join(CREATE_REQUESTS)}")]
    if "audioFiles" in inputs:
        return [Problem("createRequest", f"{SEED_DOCUMENT_POST} takes audios (a container), not audioFiles")]
    return []


def request_body(inputs: dict[str, Any]) -> dict[str, Any]:
    """The PersonalVoices_Create body (without the id, which the client places); without
    `audios`, the text fields of PersonalVoices_Post."""
    body: dict[str, Any] = {"projectId": inputs["projectId"], "consentId": inputs["consentId"]}
    if "audios" in inputs:
        body["audios"] = dict(inputs["audios"])
    for key in ("description", "displayName"):
        if inputs.get(key) is not None:
            body[key] = inputs[key]
    return body


def container_url_without_sas(inputs: dict[str, Any]) -> str:
    return strip_query(str(lookup(inputs, "audios.containerUrl") or ""))


def extension_set(value: Any) -> Any:
    """Extensions as the service compares them: '*.wav' and '.wav' are one."""
    if is_unknown(value) or not isinstance(value, list):
        return value
    return sorted({normalise_extension(str(e)) for e in value})
