"""PersonalVoice inputs: validation, normalisation, the request body, and comparisons.

Input names mirror the Custom Voice request body, except the voice id: Pulumi reserves
`id`, so the input is `voiceId` (sent to the API as `id`).
"""

from typing import Any

from pulumi.runtime import rpc

from provider.redaction import query_of, strip_query
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
)
SERVICE_OUTPUT_KEYS = ("speakerProfileId", "status", "createdDateTime", "lastActionDateTime", "failureReason")
# Changing any of these means a different voice: the service cannot edit a voice in place.
REPLACING_KEYS = (
    "endpoint",
    "voiceId",
    "projectId",
    "consentId",
    "description",
    "displayName",
    "audios.containerUrl",
    "audios.prefix",
    "audios.extensions",
)
# The SAS token in audios.containerUrl, and the API version, are how we reach things,
# not what the voice is: changing them updates state only.


def is_unknown(value: Any) -> bool:
    return value is rpc.UNKNOWN or (isinstance(value, str) and value == rpc.UNKNOWN)


def normalise(news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The inputs as they will be stored, and every problem with them."""
    inputs = {key: news.get(key) for key in INPUT_KEYS if news.get(key) is not None}
    problems: list[Problem] = []

    def check(field: str, found: list[Problem]) -> None:
        if not is_unknown(_lookup(inputs, field)):
            problems.extend(found)

    check("endpoint", check_endpoint("endpoint", inputs.get("endpoint")))
    for field in ("voiceId", "projectId", "consentId"):
        check(field, check_id(field, inputs.get(field)))
    for field in ("description", "displayName", "apiVersion"):
        check(field, check_optional_text(field, inputs.get(field)))

    audios = inputs.get("audios")
    if is_unknown(audios):
        return inputs, problems
    if not isinstance(audios, dict):
        problems.append(Problem("audios", "is required: {containerUrl, prefix?, extensions}"))
        return inputs, problems
    audios = {key: audios[key] for key in ("containerUrl", "prefix", "extensions") if audios.get(key) is not None}
    check("audios.containerUrl", check_url("audios.containerUrl", audios.get("containerUrl"), allow_query=True))
    check("audios.prefix", check_optional_text("audios.prefix", audios.get("prefix")))
    extensions = audios.get("extensions")
    if not is_unknown(extensions):
        extension_problems = check_extensions("audios.extensions", extensions)
        problems.extend(extension_problems)
        if not extension_problems and isinstance(extensions, list):
            audios["extensions"] = sorted({normalise_extension(e) for e in extensions if not is_unknown(e)})
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
    return strip_query(str(_lookup(inputs, "audios.containerUrl") or ""))


def replacing_changes(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """The replacing properties whose value differs (an unknown value counts as different)."""
    changed = []
    for field in REPLACING_KEYS:
        old, new = _lookup(olds, field), _lookup(news, field)
        if field == "audios.containerUrl":
            old, new = _base_url(old), _base_url(new)
            if is_unknown(new):
                # A SAS still being computed: the base URL is probably unchanged, and the
                # engine diffs again with the real value before it acts.
                continue
        elif field == "audios.extensions":
            old, new = _extension_set(old), _extension_set(new)
        if is_unknown(new) or _blank(old) != _blank(new):
            changed.append(field)
    return changed


def in_place_changes(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    changed = []
    old_url, new_url = _lookup(olds, "audios.containerUrl"), _lookup(news, "audios.containerUrl")
    if is_unknown(new_url) or query_of(str(old_url or "")) != query_of(str(new_url or "")):
        changed.append("audios.containerUrl")
    if olds.get("apiVersion") != news.get("apiVersion"):
        changed.append("apiVersion")
    return changed


def differences_from_service(inputs: dict[str, Any], voice: dict[str, Any]) -> list[str]:
    """How an existing voice in the service differs from the inputs, one line a field."""
    wanted = {**request_body(inputs), "id": inputs["voiceId"]}
    differences = []
    for field in (
        "projectId",
        "consentId",
        "audios.containerUrl",
        "audios.prefix",
        "audios.extensions",
        "description",
        "displayName",
    ):
        want, have = _lookup(wanted, field), _lookup(voice, field)
        if field in ("description", "displayName") and want is None:
            continue
        if field == "audios.containerUrl":
            want, have = _base_url(want), _base_url(have)
        elif field == "audios.extensions":
            want, have = _extension_set(want), _extension_set(have)
        if _blank(want) != _blank(have):
            differences.append(f"{field}: declared {_show(want)}, the service has {_show(have)}")
    return differences


def _lookup(values: dict[str, Any], dotted: str) -> Any:
    current: Any = values
    for part in dotted.split("."):
        if is_unknown(current):
            return current
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _base_url(value: Any) -> Any:
    return value if is_unknown(value) or value is None else strip_query(str(value))


def _extension_set(value: Any) -> Any:
    if is_unknown(value) or not isinstance(value, list):
        return value
    return sorted({normalise_extension(str(e)) for e in value})


def _blank(value: Any) -> Any:
    """None and '' are the same to the service (an absent prefix is an empty one)."""
    return None if value == "" else value


def _show(value: Any) -> str:
    return "nothing" if value in (None, "") else repr(value)
