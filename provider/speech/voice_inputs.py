"""PersonalVoice inputs: validation, normalisation and the request body.

Input names mirror the Custom Voice request body, except the voice id: Pulumi reserves
`id`, so the input is `voiceId` (sent to the API as `id`).
"""

from typing import Any

from provider.inputs import is_unknown, lookup
from provider.redaction import strip_query
from provider.validation import (
    Problem,
    check_endpoint,
    check_extensions,
    check_id,
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
    "description",
    "displayName",
    "promptAudioSha256",
)
SERVICE_OUTPUT_KEYS = ("speakerProfileId", "status", "createdDateTime", "lastActionDateTime", "failureReason")


def normalise(news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The inputs as they will be stored, and every problem with them."""
    inputs = {key: news.get(key) for key in INPUT_KEYS if news.get(key) is not None}
    problems = check_endpoint("endpoint", inputs.get("endpoint"))
    for field in ("voiceId", "projectId", "consentId"):
        problems += check_id(field, inputs.get(field))
    for field in ("description", "displayName", "apiVersion", "promptAudioSha256"):
        problems += check_optional_text(field, inputs.get(field))

    audios = inputs.get("audios")
    if not isinstance(audios, dict):
        problems.append(Problem("audios", "is required: {containerUrl, prefix?, extensions}"))
        return inputs, problems
    audios = {key: audios[key] for key in ("containerUrl", "prefix", "extensions") if audios.get(key) is not None}
    problems += check_url("audios.containerUrl", audios.get("containerUrl"), allow_query=True)
    problems += check_optional_text("audios.prefix", audios.get("prefix"))
    extensions = audios.get("extensions")
    extension_problems = check_extensions("audios.extensions", extensions)
    problems += extension_problems
    if not extension_problems and isinstance(extensions, list) and not any(is_unknown(e) for e in extensions):
        audios["extensions"] = sorted({normalise_extension(e) for e in extensions})
    inputs["audios"] = audios
    return inputs, problems


def request_body(inputs: dict[str, Any]) -> dict[str, Any]:
    """The PersonalVoices_Create body (without the id, which the client places)."""
    body: dict[str, Any] = {
        "projectId": inputs["projectId"],
        "consentId": inputs["consentId"],
        "audios": dict(inputs["audios"]),
    }
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
