"""HTTP routing of the emulated ARM front onto an `AccountsService`, as plain values in and out
like `emulator.routes.dispatch`. Order of handling: the request is logged in the Custom Voice
backend's request log (method, path, query; nothing secret), an injected fault that matches is
the answer, then the bearer token (ARM's 401 and 403, `emulator.identity`), the api-version
(ARM's `MissingApiVersionParameter` and `InvalidApiVersionParameter`), the route and the
handler. Errors are ARM's body, `{"error": {"code", "message"}}`, with `x-ms-error-code`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from emulator.arm.models import CREATING, PROVIDER, AccountKey
from emulator.arm.service import AccountsService
from emulator.backend import CustomVoiceBackend
from emulator.errors import ErrorResponse
from emulator.routes import RawResponse

API_VERSIONS = ("2025-09-01",)
ARM_PATH_PREFIX = "/subscriptions/"
_JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class ArmRequest:
    base_url: str
    path: str
    api_version: str
    body: bytes
    params: Mapping[str, str]  # the route's named path segments

    def account(self) -> AccountKey:
        return AccountKey(self.params["subscription"], self.params["group"], self.params["name"])

    def json(self) -> dict[str, Any]:
        try:
            payload = json.loads(self.body or b"null")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ErrorResponse(400, "BadRequest", "The request body must be a JSON object.")
        return payload


Reply = tuple[int, Any, Mapping[str, str]]
Handler = Callable[[AccountsService, ArmRequest], Reply]


def is_arm_path(url_or_path: str) -> bool:
    return unquote(urlsplit(url_or_path).path).lower().startswith(ARM_PATH_PREFIX)


def dispatch_arm(
    accounts: AccountsService,
    custom_voice: CustomVoiceBackend,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
) -> RawResponse:
    method = method.upper()
    parts = urlsplit(url)
    path = unquote(parts.path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        custom_voice.record_request(method, path, query)
        fault = custom_voice.take_fault(method, path)
        if fault is not None:
            return _encode(fault.status, fault.json_body, fault.headers)
        authorization = {name.lower(): value for name, value in headers.items()}.get("authorization")
        custom_voice.authorize_management(method, path, authorization)
        api_version = _api_version(query)
        handler, params = _resolve(method, path)
        request = ArmRequest(f"{parts.scheme}://{parts.netloc}", path, api_version, body, params)
        return _encode(*handler(accounts, request))
    except ErrorResponse as error:
        return _encode(error.status, error.to_json(), {**error.headers, "x-ms-error-code": error.code})


def _api_version(query: Mapping[str, str]) -> str:
    version = query.get("api-version")
    if not version:
        raise ErrorResponse(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if version not in API_VERSIONS:
        raise ErrorResponse(
            400,
            "InvalidApiVersionParameter",
            f"The api-version '{version}' is invalid. The supported versions are '{', '.join(API_VERSIONS)}'.",
        )
    return version


def _encode(status: int, body: Any, headers: Mapping[str, str]) -> RawResponse:
    sent = dict(headers)
    if body is None:
        return status, sent, b""
    sent.setdefault("Content-Type", _JSON)
    return status, sent, json.dumps(body).encode()


def _resolve(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    for pattern, handlers in _ROUTES:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        handler = handlers.get(method)
        if handler is None:
            raise ErrorResponse(
                405, "MethodNotAllowed", f"{method} is not supported on {path}; use {', '.join(handlers)}."
            )
        return handler, match.groupdict()
    raise ErrorResponse(404, "NotFound", f"There is no resource at {path} in this emulator.")


# Handlers


def _create(accounts: AccountsService, request: ArmRequest) -> Reply:
    created = accounts.put(request.account(), request.json())
    if created.operation is None:
        return created.status, created.account, {}
    operation_url = (
        f"{request.base_url}/subscriptions/{request.params['subscription']}/providers/{PROVIDER}/locations/"
        f"{created.operation.location}/operationResults/{created.operation.id}?api-version={request.api_version}"
    )
    headers = {
        "Azure-AsyncOperation": operation_url,
        "Location": operation_url,
        "Retry-After": str(created.retry_after),
    }
    return created.status, created.account, headers


def _get(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.get(request.account()), {}


def _update(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.update(request.account(), request.json()), {}


def _delete(accounts: AccountsService, request: ArmRequest) -> Reply:
    return (200 if accounts.delete(request.account()) else 204), None, {}


def _list_in_group(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, {"value": accounts.list_accounts(request.params["subscription"], request.params["group"])}, {}


def _list_in_subscription(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, {"value": accounts.list_accounts(request.params["subscription"])}, {}


def _list_keys(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.list_keys(request.account()), {}


def _regenerate_key(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.regenerate_key(request.account(), request.json()), {}


def _get_deleted(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.get_deleted(request.account(), request.params["location"]), {}


def _purge(accounts: AccountsService, request: ArmRequest) -> Reply:
    return (200 if accounts.purge(request.account(), request.params["location"]) else 204), None, {}


def _list_deleted(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, {"value": accounts.list_deleted(request.params["subscription"])}, {}


def _check_domain_availability(accounts: AccountsService, request: ArmRequest) -> Reply:
    return 200, accounts.check_domain_availability(request.json()), {}


def _operation_status(accounts: AccountsService, request: ArmRequest) -> Reply:
    params = request.params
    status = accounts.operation_status(params["subscription"], params["location"], params["operation"])
    headers = {"Retry-After": str(accounts.seconds_left(params["operation"]))} if status["status"] == CREATING else {}
    return 200, status, headers


_SEGMENT = r"[^/]+"
_SUBSCRIPTION = rf"/subscriptions/(?P<subscription>{_SEGMENT})"
_PROVIDER = r"/providers/Microsoft\.CognitiveServices"
_ACCOUNT = rf"{_SUBSCRIPTION}/resourceGroups/(?P<group>{_SEGMENT}){_PROVIDER}/accounts/(?P<name>{_SEGMENT})"
_LOCATION = rf"{_SUBSCRIPTION}{_PROVIDER}/locations/(?P<location>{_SEGMENT})"
_ROUTES: tuple[tuple[re.Pattern[str], Mapping[str, Handler]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), handlers)
    for pattern, handlers in (
        (_ACCOUNT, {"PUT": _create, "GET": _get, "PATCH": _update, "DELETE": _delete}),
        (rf"{_ACCOUNT}/listKeys", {"POST": _list_keys}),
        (rf"{_ACCOUNT}/regenerateKey", {"POST": _regenerate_key}),
        (rf"{_SUBSCRIPTION}/resourceGroups/(?P<group>{_SEGMENT}){_PROVIDER}/accounts", {"GET": _list_in_group}),
        (rf"{_SUBSCRIPTION}{_PROVIDER}/accounts", {"GET": _list_in_subscription}),
        (
            rf"{_LOCATION}/resourceGroups/(?P<group>{_SEGMENT})/deletedAccounts/(?P<name>{_SEGMENT})",
            {"GET": _get_deleted, "DELETE": _purge},
        ),
        (rf"{_SUBSCRIPTION}{_PROVIDER}/deletedAccounts", {"GET": _list_deleted}),
        (rf"{_SUBSCRIPTION}{_PROVIDER}/checkDomainAvailability", {"POST": _check_domain_availability}),
        (rf"{_LOCATION}/operationResults/(?P<operation>{_SEGMENT})", {"GET": _operation_status}),
    )
)
