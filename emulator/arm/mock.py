"""The `responses` front of the ARM emulator: requests made with the `requests` library (azure-core's
default transport, so azure-mgmt-cognitiveservices's too) reach the services in-process."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from urllib.parse import urlsplit

import requests
import responses
from requests import PreparedRequest

from emulator.arm.models import Account, AccountKey
from emulator.arm.routes import dispatch_arm
from emulator.arm.service import AccountsService, Endpoints
from emulator.backend import CustomVoiceBackend
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR
from emulator.mock import METHODS, route_custom_voice, route_custom_voice_to
from emulator.routes import RawResponse

MANAGEMENT_URL = "https://management.azure.com"
# Where `Endpoints.azure()` puts the accounts: custom subdomains and regional endpoints.
_ACCOUNT_ENDPOINTS = r"https://[A-Za-z0-9-]+\.(?:cognitiveservices\.azure\.com|api\.cognitive\.microsoft\.com)"


class AccountHosts:
    """`AccountEndpoints` for the `responses` front: an account's endpoint is the URL Azure gives
    it (`Endpoints.azure()`), served by a backend of its own that `template.for_account` makes
    (the template's settings and Entra ID tenant, only the account's keys)."""

    def __init__(self, template: CustomVoiceBackend) -> None:
        self.template = template
        self._urls = Endpoints.azure()
        self._lock = threading.Lock()
        self._backends: dict[AccountKey, tuple[str, CustomVoiceBackend]] = {}  # by folded account key

    def open(self, account: Account, takes_key: Callable[[str], bool]) -> str:
        endpoint = self._urls.url_of(account)
        with self._lock:
            self._backends[account.key.folded()] = (endpoint, self.template.for_account(takes_key))
        return endpoint

    def close(self, account: Account) -> None:
        with self._lock:
            self._backends.pop(account.key.folded(), None)

    def backend_at(self, endpoint: str, api_key: str | None = None) -> CustomVoiceBackend | None:
        """The backend of the account whose endpoint is `endpoint` (scheme://host/). A regional
        endpoint is every account's of that region without a custom subdomain: the one `api_key`
        opens answers, as Azure routes by key (else any of them, which refuses it)."""
        with self._lock:
            found = [backend for url, backend in self._backends.values() if url == endpoint]
        return next((backend for backend in found if backend.is_authorized(api_key)), found[0] if found else None)


@contextmanager
def mock_arm(
    accounts: AccountsService | None = None,
    custom_voice: CustomVoiceBackend | None = None,
    management_url: str = MANAGEMENT_URL,
) -> Iterator[tuple[AccountsService, CustomVoiceBackend]]:
    """Route `{management_url}/subscriptions/...` to `accounts` and every account endpoint of
    `Endpoints.azure()` (any custom subdomain or regional host) to the accounts' Custom Voice
    APIs; refuse every other URL. Fresh services when None: a fresh `custom_voice` has Entra ID
    enabled with an identity that is both Cognitive Services Contributor and Speech Contributor
    (mint tokens with `custom_voice.mint_token(audience=MANAGEMENT_AUDIENCE)`), and fresh
    `accounts` are `AccountsService(AccountHosts(custom_voice))`: each account's endpoint has a
    backend of its own (`accounts.endpoints.backend_at(endpoint)`), and a host no account has
    is a connection error. Given `accounts` of `Endpoints.azure()` instead, every account's
    endpoint is `custom_voice`, which takes any account's current keys."""
    if custom_voice is None:
        custom_voice = CustomVoiceBackend()
        custom_voice.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    accounts = accounts if accounts is not None else AccountsService(AccountHosts(custom_voice))
    arm_url = re.compile(re.escape(management_url.rstrip("/")) + r"/subscriptions/")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in METHODS:
            mock.add_callback(method, arm_url, callback=partial(_respond, accounts, custom_voice), content_type=None)
        hosts = accounts.endpoints
        if isinstance(hosts, AccountHosts):
            route_custom_voice_to(
                mock, _ACCOUNT_ENDPOINTS, partial(_backend_of_account, hosts), hosts.template.inspects_audio
            )
        else:
            custom_voice.accept_keys_from(accounts.is_current_key)
            route_custom_voice(mock, _ACCOUNT_ENDPOINTS, custom_voice)
        yield accounts, custom_voice


def _backend_of_account(hosts: AccountHosts, request: PreparedRequest) -> CustomVoiceBackend:
    parts = urlsplit(request.url or "")
    endpoint = f"{parts.scheme}://{parts.netloc}/"
    backend = hosts.backend_at(endpoint, request.headers.get("Ocp-Apim-Subscription-Key"))
    if backend is None:
        raise requests.ConnectionError(f"No account has the endpoint {endpoint} (its name does not resolve).")
    return backend


def _respond(accounts: AccountsService, custom_voice: CustomVoiceBackend, request: PreparedRequest) -> RawResponse:
    body = request.body
    raw = body.encode() if isinstance(body, str) else body or b""
    return dispatch_arm(accounts, custom_voice, request.method or "GET", request.url or "", dict(request.headers), raw)
