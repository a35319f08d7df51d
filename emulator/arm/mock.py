"""The `responses` front of the ARM emulator: requests made with the `requests` library (azure-core's
default transport, so azure-mgmt-cognitiveservices's too) reach the services in-process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import responses
from requests import PreparedRequest

from emulator.arm.routes import dispatch_arm
from emulator.arm.service import AccountsService, Endpoints
from emulator.backend import CustomVoiceBackend
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR
from emulator.mock import METHODS, route_custom_voice
from emulator.routes import RawResponse

MANAGEMENT_URL = "https://management.azure.com"
# Where `Endpoints.azure()` puts the accounts: custom subdomains and regional endpoints.
_ACCOUNT_ENDPOINTS = r"https://[A-Za-z0-9-]+\.(?:cognitiveservices\.azure\.com|api\.cognitive\.microsoft\.com)"


@contextmanager
def mock_arm(
    accounts: AccountsService | None = None,
    custom_voice: CustomVoiceBackend | None = None,
    management_url: str = MANAGEMENT_URL,
) -> Iterator[tuple[AccountsService, CustomVoiceBackend]]:
    """Route `{management_url}/subscriptions/...` to `accounts` and every account endpoint of
    `Endpoints.azure()` (any custom subdomain or regional host) to `custom_voice`, which takes the
    accounts' keys; refuse every other URL. Fresh services when None; a fresh `custom_voice` has
    Entra ID enabled with an identity that is both Cognitive Services Contributor and Speech
    Contributor (mint tokens with `custom_voice.mint_token(audience=MANAGEMENT_AUDIENCE)`)."""
    accounts = accounts if accounts is not None else AccountsService(Endpoints.azure())
    if custom_voice is None:
        custom_voice = CustomVoiceBackend()
        custom_voice.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    custom_voice.accept_keys_from(accounts.is_current_key)
    arm_url = re.compile(re.escape(management_url.rstrip("/")) + r"/subscriptions/")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in METHODS:
            mock.add_callback(method, arm_url, callback=partial(_respond, accounts, custom_voice), content_type=None)
        route_custom_voice(mock, _ACCOUNT_ENDPOINTS, custom_voice)
        yield accounts, custom_voice


def _respond(accounts: AccountsService, custom_voice: CustomVoiceBackend, request: PreparedRequest) -> RawResponse:
    body = request.body
    raw = body.encode() if isinstance(body, str) else body or b""
    return dispatch_arm(accounts, custom_voice, request.method or "GET", request.url or "", dict(request.headers), raw)
