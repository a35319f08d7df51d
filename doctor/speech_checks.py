"""Read-only checks of the Speech resource, each through the provider's own client and
credentials (`CustomVoiceClient`, `SpeechSettings.auth()`): where it is, that it answers, that
the credential is taken, that the identity may write, and the API versions and base models.

"May write" without creating anything: a create the service is bound to refuse for its content
(`PUT /projects/{id}` with an id that breaks the id rule and a body without the required
`kind`). Azure checks the caller's role before the service reads the request, as the emulator
does (`emulator.routes`): an identity that may write gets 400 for the content, one that may
only read (Cognitive Services Speech User) 403 Forbidden. Nothing can be created either way.
"""

from collections.abc import Callable, Sequence
from typing import Any

import jwt
import requests
from azure.core.exceptions import ClientAuthenticationError

from doctor.network import network_reason
from doctor.results import CheckResult
from doctor.service_config import ServiceConfig
from doctor.sign_in import SIGN_IN_TODO, no_token_reason
from provider.authentication import ENTRA_AUTHENTICATION, entra_credential
from provider.errors import ConfigError
from provider.regions import PERSONAL_VOICE_REGIONS, region_of
from provider.speech.auth import COGNITIVE_SERVICES_SCOPE
from provider.speech.client import PROJECT, CustomVoiceClient
from provider.speech.errors import CustomVoiceApiError
from provider.validation import is_loopback, url_host

REGION = "region"
ANSWERS = "endpoint answers"
CREDENTIAL = "credential"
MAY_WRITE = "may write"
API_VERSION = "api-version"
BASE_MODELS = "base models"
# A project id no resource has: read to see how the service answers, never created.
PROBE_ID = "doctor-probe"
# Breaks the id rule (it starts and ends with '-'): no create of it can succeed.
UNCREATABLE_ID = "-doctor-write-check-"
CONTRIBUTOR = "Cognitive Services Speech Contributor"
COGNITIVE_SERVICES_AUDIENCE = COGNITIVE_SERVICES_SCOPE.removesuffix("/.default")


class _NoCredential(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


def check_region(endpoint: str) -> CheckResult:
    region = region_of(endpoint)
    regions = ", ".join(PERSONAL_VOICE_REGIONS)
    if region in PERSONAL_VOICE_REGIONS:
        return CheckResult.ok(REGION, f"{region} offers personal voice")
    if region is not None:
        return CheckResult.fail(
            REGION,
            f"{region} does not offer personal voice",
            f"create the Speech resource in one of {regions}",
        )
    if is_loopback(url_host(endpoint)):
        return CheckResult.ok(REGION, "a local emulator, in no region")
    return CheckResult.skip(
        REGION,
        "the endpoint (a custom subdomain) does not say its region",
        f"check that the resource's location (portal: Overview) is one of {regions}",
    )


def check_speech_resource(
    service: ServiceConfig, api_versions: Sequence[str], base_models: Sequence[str], stack: str
) -> list[CheckResult]:
    """The checks after `check_region`, in order; each one's failure leaves the later ones unchecked."""
    steps: list[tuple[str, Callable[[], list[CheckResult]]]] = [
        (ANSWERS, lambda: [_answers(service)]),
        (CREDENTIAL, lambda: [_credential(service, stack)]),
        (MAY_WRITE, lambda: [_may_write(service)]),
        (API_VERSION, lambda: _api_versions_and_base_models(service, api_versions, base_models, stack)),
    ]
    results: list[CheckResult] = []
    for index, (_, step) in enumerate(steps):
        found = step()
        results += found
        failed = next((result for result in found if result.failed), None)
        if failed is not None:
            results += [CheckResult.skip(name, f"not checked: {failed.check} failed") for name, _ in steps[index + 1 :]]
            break
    return results


def _client(service: ServiceConfig, auth: requests.auth.AuthBase, api_version: str | None = None) -> CustomVoiceClient:
    # One retry: the doctor should say at once that something is wrong, not wait it out.
    return CustomVoiceClient(service.endpoint, auth, api_version=api_version or service.api_version, retries=1)


def _answers(service: ServiceConfig) -> CheckResult:
    try:
        with _client(service, _NoCredential()) as client:
            client.get(PROJECT, PROBE_ID)
    except CustomVoiceApiError as error:
        if error.status is None:
            return CheckResult.fail(
                ANSWERS,
                f"{service.endpoint} cannot be reached: {network_reason(error.message)}",
                "check the URL, and that this machine's network may reach it (DNS, proxy, firewall)",
            )
        if error.status == 401:
            return CheckResult.ok(ANSWERS, "HTTP 401 to a request without a credential, as a Speech resource answers")
        if error.status == 403:
            return CheckResult.fail(
                ANSWERS,
                f"the resource refuses this network: {error.describe()}",
                "allow this machine's network in the resource's Networking settings, or run from one it allows",
            )
        return CheckResult.fail(
            ANSWERS,
            f"{error.describe()}",
            "speechEndpoint must be the Speech resource's base URL (portal: Keys and Endpoint)",
        )
    return CheckResult.fail(
        ANSWERS,
        f"{service.endpoint} answered a request without a credential: it is not a Speech resource",
        "speechEndpoint must be the Speech resource's base URL (portal: Keys and Endpoint)",
    )


def _credential(service: ServiceConfig, stack: str) -> CheckResult:
    entra = service.settings.authentication == ENTRA_AUTHENTICATION
    identity = ""
    if entra:
        token = _entra_token(service)
        if isinstance(token, CheckResult):
            return token
        identity = f"the identity {token.get('oid', '?')} (client id {token.get('appid', '?')})"
    try:
        with _client(service, service.settings.auth()) as client:
            client.get(PROJECT, PROBE_ID)
    except ConfigError as error:
        return CheckResult.fail(CREDENTIAL, error.message, "see docs/configuration.md")
    except CustomVoiceApiError as error:
        return _refused(error, entra, identity, service, stack)
    if entra:
        return CheckResult.ok(CREDENTIAL, f"a token of {identity} for {COGNITIVE_SERVICES_AUDIENCE} is accepted")
    return CheckResult.ok(CREDENTIAL, f"the Speech key ({service.key_source}) is accepted")


def _entra_token(service: ServiceConfig) -> dict[str, Any] | CheckResult:
    """The claims of a token for the Speech resource, or the failure to get one."""
    try:
        token = entra_credential(service.settings.entra_client_id).get_token(COGNITIVE_SERVICES_SCOPE).token
    except ClientAuthenticationError as error:
        return CheckResult.fail(
            CREDENTIAL,
            f"Microsoft Entra ID gave no token for {COGNITIVE_SERVICES_SCOPE}: {no_token_reason(error)}",
            SIGN_IN_TODO,
        )
    # Read, not verified: the service verifies it; the doctor only says whose it is and for what.
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    audience = str(claims.get("aud", "")).rstrip("/")
    if audience != COGNITIVE_SERVICES_AUDIENCE:
        return CheckResult.fail(
            CREDENTIAL,
            f"the token is for {audience or 'no audience'}, not {COGNITIVE_SERVICES_AUDIENCE}",
            "the credential must give tokens for the scope https://cognitiveservices.azure.com/.default",
        )
    return claims


def _refused(error: CustomVoiceApiError, entra: bool, identity: str, service: ServiceConfig, stack: str) -> CheckResult:
    if error.status is None:
        return CheckResult.fail(
            CREDENTIAL, network_reason(error.message), "check the network, then run the doctor again"
        )
    if error.status == 401 and entra:
        return CheckResult.fail(
            CREDENTIAL,
            f"the token of {identity} was refused: {error.describe()}",
            "Entra ID needs the custom subdomain endpoint, and a token of the resource's tenant",
        )
    if error.status == 401:
        return CheckResult.fail(
            CREDENTIAL,
            f"the Speech key ({service.key_source}) was refused: {error.describe()}",
            f"use Key 1 or Key 2 of this very resource (portal: Keys and Endpoint): "
            f"`pulumi config set --secret speechKey --stack {stack}` reads it from standard input",
        )
    if error.status == 403 and entra:
        return CheckResult.fail(
            CREDENTIAL,
            f"{identity} may not read this resource: {error.describe()}",
            f"assign it the role {CONTRIBUTOR} on the Speech resource",
        )
    return CheckResult.fail(CREDENTIAL, error.describe(), "see the service's message")


def _may_write(service: ServiceConfig) -> CheckResult:
    try:
        with _client(service, service.settings.auth()) as client:
            client.create(PROJECT, UNCREATABLE_ID, {})
    except CustomVoiceApiError as error:
        if error.status == 403:
            return CheckResult.fail(
                MAY_WRITE,
                f"the identity may only read: a create is refused for its role ({error.describe()})",
                f"assign it {CONTRIBUTOR} on the Speech resource (Cognitive Services Speech User reads only)",
            )
        # Only a refusal of the content shows the role check passed (a 404, 409 or 429 does not).
        if error.status == 400:
            return CheckResult.ok(
                MAY_WRITE,
                f"a create the service must refuse was refused for its content (HTTP {error.status}), not its role",
            )
        return CheckResult.fail(MAY_WRITE, error.describe(), "see the service's message")
    return CheckResult.fail(
        MAY_WRITE,
        f"the service created project {UNCREATABLE_ID!r} from a request that breaks its id rule",
        "delete that project; the doctor expected the service to refuse it",
    )


def _api_versions_and_base_models(
    service: ServiceConfig, api_versions: Sequence[str], base_models: Sequence[str], stack: str
) -> list[CheckResult]:
    results = []
    listed: tuple[str, ...] | None = None
    for version in api_versions:
        try:
            with _client(service, service.settings.auth(), version) as client:
                names = client.list_base_models()
        except CustomVoiceApiError as error:
            results.append(
                CheckResult.fail(
                    API_VERSION,
                    f"{version} is not served: {error.describe()}",
                    f"set apiVersion (config, `--stack {stack}`, or the voice's) to one the resource serves",
                )
            )
            continue
        results.append(CheckResult.ok(API_VERSION, f"{version} is served"))
        listed = names if listed is None else listed
    if listed is not None:
        results.append(_base_models(base_models, listed))
    return results


def _base_models(used: Sequence[str], listed: Sequence[str]) -> CheckResult:
    missing = [name for name in used if name not in listed]
    if missing:
        return CheckResult.fail(
            BASE_MODELS,
            f"{', '.join(missing)} not among the resource's base models ({', '.join(listed) or 'none'})",
            "set baseModel (config, or the voice's) to one it lists",
        )
    return CheckResult.ok(BASE_MODELS, f"{', '.join(used)} listed by the resource")
