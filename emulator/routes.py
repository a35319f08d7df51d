"""HTTP routing of the emulated Custom Voice API onto a `CustomVoiceBackend`, free of any framework.

`dispatch` is all a front needs: it takes a request as plain values and answers
(status, headers, body). Order of handling: the managed identity endpoint and the other
`/_emulator/*` control paths (no key, not logged); then the request is logged; an injected
fault, if one matches, is the answer; then the subscription key (or, with Entra ID enabled,
the bearer token); text to speech (`emulator.tts`), which has no api-version; the resource's
request quota (`emulator.quota`), the route, the api-version, and the handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from emulator.backend import CustomVoiceBackend
from emulator.errors import ErrorResponse, bad_argument, bad_request, not_found
from emulator.identity import TOKEN_PATH
from emulator.multipart import parse_form
from emulator.service import Created
from emulator.tts import TTS_PATH, synthesize, voice_statuses

SUPPORTED_API_VERSIONS = ("2023-12-01-preview", "2024-02-01-preview", "2026-01-01")
# The seed document's version, with which it shows POST /personalvoices (the id in the body).
SEED_API_VERSION = "2023-12-01-preview"
# The versions whose spec declares the x-ms-error-code header on error responses.
ERROR_CODE_HEADER_VERSIONS = frozenset({"2024-02-01-preview", "2026-01-01"})
# Fields a version's schema does not have: (collection, field) -> the versions that have it.
_VERSIONED_FIELDS = {
    ("projects", "locale"): frozenset({"2026-01-01"}),
    ("consents", "properties"): frozenset({"2024-02-01-preview", "2026-01-01"}),
}
DEFAULT_PAGE_SIZE = 100
CONTROL_PREFIX = "/_emulator"
# Text to speech: the regional TTS host's path, and the custom subdomain's.
TTS_PATHS = (TTS_PATH, f"/tts{TTS_PATH}")
# The Speech front end answers a bad key itself, before the service: its code is the status.
UNAUTHORIZED_CODE = "401"
UNAUTHORIZED_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
    "for an active subscription and use a correct regional API endpoint for your resource."
)
_JSON = "application/json; charset=utf-8"

RawResponse = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class ApiRequest:
    """An authenticated request to a known route, with a supported api-version."""

    base_url: str  # scheme://host[:port] as the client addressed it
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # names in lower case, without the subscription key or Authorization
    body: bytes
    api_version: str
    resource_id: str  # the {id} path segment, "" on collection paths


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None  # a JSON value, or None for an empty body
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[CustomVoiceBackend, ApiRequest], Reply]
ControlHandler = Callable[[CustomVoiceBackend, bytes], Reply]
_AnyHandler = TypeVar("_AnyHandler")


def dispatch(
    backend: CustomVoiceBackend, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> RawResponse:
    method = method.upper()
    parts = urlsplit(url)
    path = unquote(parts.path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        if path == TOKEN_PATH:
            return _encode(Reply(*backend.managed_identity_token(method, query, headers)))
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            control_handler, _ = _resolve(_CONTROL_ROUTES, method, path)
            return _encode(control_handler(backend, body))
        backend.record_request(method, path, query)
        fault = backend.take_fault(method, path)
        if fault is not None:
            return _encode(Reply(fault.status, fault.json_body, fault.headers))
        lowered = {name.lower(): value for name, value in headers.items()}
        key = lowered.pop("ocp-apim-subscription-key", None)
        authorization = lowered.pop("authorization", None)
        if key is None and authorization is not None and backend.accepts_bearer_tokens:
            backend.authorize_bearer(method, parts.hostname or "", authorization)
        elif not backend.is_authorized(key):
            raise ErrorResponse(401, UNAUTHORIZED_CODE, UNAUTHORIZED_MESSAGE)
        if method == "POST" and path in TTS_PATHS:  # text to speech: a quota of its own
            spoken = synthesize(
                body, lowered, backend.base_model_names(), voice_statuses(backend.list_personal_voices())
            )
            return spoken.status, spoken.headers, spoken.body
        backend.request_window.admit()
        handler, resource_id = _resolve(_API_ROUTES, method, path)
        request = ApiRequest(
            base_url=f"{parts.scheme}://{parts.netloc}",
            path=path,
            query=query,
            headers=lowered,
            body=body,
            api_version=_supported_api_version(query),
            resource_id=resource_id,
        )
        return _encode(_as_version_has_it(handler(backend, request), request))
    except ErrorResponse as error:
        return render_error(error, query.get("api-version"))


def render_error(error: ErrorResponse, api_version: str | None = None) -> RawResponse:
    """The spec's ErrorResponse, with x-ms-error-code where the version's spec declares it
    (not on the front end's 401, which the service never sees)."""
    declared = api_version in ERROR_CODE_HEADER_VERSIONS and error.code != UNAUTHORIZED_CODE
    headers = {"x-ms-error-code": error.code} if declared else {}
    return _encode(Reply(error.status, error.to_json(), {**error.headers, **headers}))


def _as_version_has_it(reply: Reply, request: ApiRequest) -> Reply:
    """The reply without the fields the request's api-version does not define."""
    collection = request.path.removeprefix("/customvoice/").split("/")[0]
    dropped = {
        name
        for (kind, name), versions in _VERSIONED_FIELDS.items()
        if kind == collection and request.api_version not in versions
    }
    if not dropped or not isinstance(reply.body, dict):
        return reply
    body = dict(reply.body)
    if isinstance(body.get("value"), list):
        body["value"] = [_without(item, dropped) for item in body["value"]]
    return Reply(reply.status, _without(body, dropped), reply.headers)


def _without(item: Any, names: set[str]) -> Any:
    return {k: v for k, v in item.items() if k not in names} if isinstance(item, dict) else item


def _encode(reply: Reply) -> RawResponse:
    headers = dict(reply.headers)
    if reply.body is None:
        return reply.status, headers, b""
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = _JSON
    return reply.status, headers, json.dumps(reply.body).encode()


def _resolve(
    routes: Sequence[tuple[re.Pattern[str], Mapping[str, _AnyHandler]]], method: str, path: str
) -> tuple[_AnyHandler, str]:
    for pattern, handlers in routes:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        handler = handlers.get(method)
        if handler is None:
            raise ErrorResponse(405, "BadRequest", f"{method} is not supported on {path}; use {', '.join(handlers)}.")
        return handler, match.groupdict().get("id", "")
    raise not_found(f"There is no resource at {path}.")


def _supported_api_version(query: Mapping[str, str]) -> str:
    version = query.get("api-version")
    supported = ", ".join(SUPPORTED_API_VERSIONS)
    if not version:
        raise bad_argument(f"The api-version query parameter is required; supported: {supported}.", "api-version")
    if version not in SUPPORTED_API_VERSIONS:
        raise bad_argument(f"The api-version '{version}' is not supported; supported: {supported}.", "api-version")
    return version


# Request parts


def _json_object(request: ApiRequest) -> dict[str, Any]:
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise ErrorResponse(415, "UnsupportedMediaType", "This request takes a JSON body; multipart is for POST.")
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise bad_request("The request body must be a JSON object.")
    return payload


def _int_query(request: ApiRequest, name: str, default: int, minimum: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise bad_argument(f"The query parameter '{name}' must be an integer of at least {minimum}.", name)
    return value


def _bool_query(request: ApiRequest, name: str) -> bool:
    raw = request.query.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise bad_argument(f"The query parameter '{name}' must be true or false.", name)
    return raw == "true"


# Replies


def _page(request: ApiRequest, items: list[dict[str, Any]]) -> Reply:
    skip = _int_query(request, "skip", 0, minimum=0)
    size = _int_query(request, "maxpagesize", DEFAULT_PAGE_SIZE, minimum=1)
    body: dict[str, Any] = {"value": items[skip : skip + size]}
    if skip + size < len(items):
        params: dict[str, Any] = {"skip": skip + size, "maxpagesize": size}
        if "filter" in request.query:
            params["filter"] = request.query["filter"]
        params["api-version"] = request.api_version
        body["nextLink"] = f"{request.base_url}{request.path}?{urlencode(params, quote_via=quote)}"
    return Reply(200, body)


def _created(request: ApiRequest, created: Created) -> Reply:
    operation_url = (
        f"{request.base_url}/customvoice/operations/{created.operation_id}?api-version={request.api_version}"
    )
    headers = {"Operation-Id": created.operation_id, "Operation-Location": operation_url}
    return Reply(201, created.resource, headers)


def _operation_id(request: ApiRequest) -> str | None:
    return request.headers.get("operation-id")


# Handlers


def _list_projects(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return _page(request, backend.list_projects(request.query.get("filter")))


def _get_project(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(200, backend.get_project(request.resource_id))


def _create_project(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(201, backend.create_project(request.resource_id, _json_object(request)))


def _delete_project(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    _bool_query(request, "forceDelete")  # checked, and not needed: the delete always cascades
    backend.delete_project(request.resource_id)
    return Reply(204)


def _list_consents(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return _page(request, backend.list_consents(request.query.get("filter")))


def _get_consent(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(200, backend.get_consent(request.resource_id))


def _create_consent(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    payload = _json_object(request)
    return _created(request, backend.create_consent(request.resource_id, payload, _operation_id(request)))


def _upload_consent(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    form = parse_form(request.headers.get("content-type", ""), request.body, "audiodata")
    created = backend.upload_consent(
        request.resource_id, form.fields, form.file, form.file_field, _operation_id(request)
    )
    return _created(request, created)


def _delete_consent(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    backend.delete_consent(request.resource_id)
    return Reply(204)


def _list_personal_voices(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return _page(request, backend.list_personal_voices(request.query.get("filter")))


def _get_personal_voice(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(200, backend.get_personal_voice(request.resource_id))


def _create_personal_voice(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    payload = _json_object(request)
    return _created(request, backend.create_personal_voice(request.resource_id, payload, _operation_id(request)))


def _upload_personal_voice(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    form = parse_form(request.headers.get("content-type", ""), request.body, "audiodata")
    created = backend.upload_personal_voice(
        request.resource_id, form.fields, form.files, form.file_field, _operation_id(request)
    )
    return _created(request, created)


def _create_personal_voice_with_id_in_body(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    """The seed document's form, in no published spec: only when the emulator is told to take it."""
    if not backend.accepts_seed_create_form or request.api_version != SEED_API_VERSION:
        raise ErrorResponse(
            405,
            "BadRequest",
            "POST is not supported on /customvoice/personalvoices; use PUT /customvoice/personalvoices/{id}.",
        )
    payload = _json_object(request)
    voice_id = payload.pop("id", None)
    if not isinstance(voice_id, str):
        raise bad_argument("The property 'id' is required and must be a string.", "id")
    return _created(request, backend.create_personal_voice(voice_id, payload, _operation_id(request)))


def _delete_personal_voice(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    backend.delete_personal_voice(request.resource_id)
    return Reply(204)


def _list_base_models(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(200, {"value": backend.list_base_models()})


def _get_operation(backend: CustomVoiceBackend, request: ApiRequest) -> Reply:
    return Reply(200, backend.get_operation(request.resource_id))


def _recorded_requests(backend: CustomVoiceBackend, _body: bytes) -> Reply:
    return Reply(200, [recorded.to_json() for recorded in backend.requests])


def _clear_recorded_requests(backend: CustomVoiceBackend, _body: bytes) -> Reply:
    backend.clear_requests()
    return Reply(204)


def _queue_faults(backend: CustomVoiceBackend, body: bytes) -> Reply:
    """`inject_faults` for scripts and other processes: a JSON body {"method", "path" (a regex
    the whole path must match), "responses": [{"status", "headers"?, "body"?}, ...]}."""
    try:
        rule = json.loads(body or b"null")
        responses = [(int(r["status"]), dict(r.get("headers") or {}), r.get("body")) for r in rule["responses"]]
        backend.inject_faults(str(rule["method"]), str(rule["path"]), responses)
    except (ValueError, TypeError, KeyError, re.error) as error:
        raise bad_request(
            f'A fault is {{"method", "path", "responses": [{{"status", "headers", "body"}}]}}: {error}'
        ) from None
    return Reply(204)


def _clear_faults(backend: CustomVoiceBackend, _body: bytes) -> Reply:
    backend.clear_faults()
    return Reply(204)


def _reset(backend: CustomVoiceBackend, _body: bytes) -> Reply:
    backend.reset()
    return Reply(204)


_ID = r"(?P<id>[^/]+)"
_API_ROUTES: tuple[tuple[re.Pattern[str], Mapping[str, Handler]], ...] = (
    (re.compile(r"/customvoice/projects"), {"GET": _list_projects}),
    (
        re.compile(rf"/customvoice/projects/{_ID}"),
        {"GET": _get_project, "PUT": _create_project, "DELETE": _delete_project},
    ),
    (re.compile(r"/customvoice/consents"), {"GET": _list_consents}),
    (
        re.compile(rf"/customvoice/consents/{_ID}"),
        {"GET": _get_consent, "PUT": _create_consent, "POST": _upload_consent, "DELETE": _delete_consent},
    ),
    (
        re.compile(r"/customvoice/personalvoices"),
        {"GET": _list_personal_voices, "POST": _create_personal_voice_with_id_in_body},
    ),
    (
        re.compile(rf"/customvoice/personalvoices/{_ID}"),
        {
            "GET": _get_personal_voice,
            "PUT": _create_personal_voice,
            "POST": _upload_personal_voice,
            "DELETE": _delete_personal_voice,
        },
    ),
    (re.compile(r"/customvoice/basemodels"), {"GET": _list_base_models}),
    (re.compile(rf"/customvoice/operations/{_ID}"), {"GET": _get_operation}),
)
_CONTROL_ROUTES: tuple[tuple[re.Pattern[str], Mapping[str, ControlHandler]], ...] = (
    (re.compile(rf"{CONTROL_PREFIX}/requests"), {"GET": _recorded_requests, "DELETE": _clear_recorded_requests}),
    (re.compile(rf"{CONTROL_PREFIX}/faults"), {"POST": _queue_faults, "DELETE": _clear_faults}),
    (re.compile(rf"{CONTROL_PREFIX}/reset"), {"POST": _reset}),
)
