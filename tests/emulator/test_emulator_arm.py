"""The ARM front (Microsoft.CognitiveServices accounts) through the `responses` front: the official
azure-mgmt-cognitiveservices client where it can show the behaviour, raw requests for the wire
details (headers, error bodies) and the hostile cases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import Account as AccountModel
from azure.mgmt.cognitiveservices.models import AccountProperties

from emulator import CustomVoiceBackend
from emulator.arm import AccountsService, Endpoints, mock_arm
from emulator.arm.mock import MANAGEMENT_URL
from emulator.identity import AUDIENCE, COGNITIVE_SERVICES_CONTRIBUTOR, MANAGEMENT_AUDIENCE, READER, SPEECH_CONTRIBUTOR
from tests.emulator.arm_support import (
    API_VERSION,
    GROUP,
    SUBSCRIPTION,
    MintedCredential,
    account_body,
    account_path,
    management_client,
    speech_account,
)
from tests.emulator.conftest import FakeClock

PROVISIONING_SECONDS = 30.0
SOFT_DELETE_SECONDS = 600.0


@pytest.fixture
def arm(clock: FakeClock) -> Iterator[tuple[AccountsService, CustomVoiceBackend]]:
    accounts = AccountsService(
        Endpoints.azure(), provisioning_seconds=0.0, soft_delete_seconds=SOFT_DELETE_SECONDS, clock=clock
    )
    with mock_arm(accounts) as services:
        yield services


@pytest.fixture
def client(arm: tuple[AccountsService, CustomVoiceBackend]) -> CognitiveServicesManagementClient:
    return management_client(MintedCredential(arm[1]))


def call(
    backend: CustomVoiceBackend,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    api_version: str | None = API_VERSION,
) -> requests.Response:
    bearer = (
        token
        if token is not None
        else backend.mint_token(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE)
    )
    params = {"api-version": api_version} if api_version is not None else {}
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return requests.request(method, f"{MANAGEMENT_URL}{path}", json=body, params=params, headers=headers, timeout=5)


def custom_voice_status(endpoint: str, key: str) -> int:
    url = f"{endpoint}customvoice/projects"
    return requests.get(
        url, params={"api-version": "2026-01-01"}, headers={"Ocp-Apim-Subscription-Key": key}, timeout=5
    ).status_code


def test_a_create_is_201_creating_with_its_async_operation_until_the_provisioning_time_is_up(arm, clock):
    accounts, backend = arm
    accounts.provisioning_seconds = PROVISIONING_SECONDS

    created = call(backend, "PUT", account_path("voices"), account_body())

    assert created.status_code == 201
    body = created.json()
    assert body["properties"]["provisioningState"] == "Creating"
    assert body["id"] == account_path("voices")
    assert body["properties"]["endpoint"] == "https://contoso-voices.cognitiveservices.azure.com/"
    operation_url = created.headers["Azure-AsyncOperation"]
    assert created.headers["Location"] == operation_url
    assert operation_url.startswith(
        f"{MANAGEMENT_URL}/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/eastus/operationResults/"
    )
    assert created.headers["Retry-After"] == "30"
    token = backend.mint_token(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE)
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(operation_url, headers=auth, timeout=5).json()["status"] == "Creating"
    assert call(backend, "GET", account_path("voices")).json()["properties"]["provisioningState"] == "Creating"

    clock.advance(PROVISIONING_SECONDS)

    assert requests.get(operation_url, headers=auth, timeout=5).json()["status"] == "Succeeded"
    assert call(backend, "GET", account_path("voices")).json()["properties"]["provisioningState"] == "Succeeded"


def test_the_sdk_creates_reads_and_updates_an_account(client):
    account = client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    assert account.properties.provisioning_state == "Succeeded"
    assert (account.kind, account.sku.name, account.location) == ("SpeechServices", "S0", "eastus")
    assert account.properties.custom_sub_domain_name == "contoso-voices"
    assert (account.properties.public_network_access, account.properties.disable_local_auth) == ("Enabled", False)

    patch = AccountModel(
        tags={"team": "speech"}, properties=AccountProperties(public_network_access="Disabled", disable_local_auth=True)
    )
    updated = client.accounts.begin_update(GROUP, "voices", patch).result()

    assert updated.tags == {"team": "speech"}
    assert (updated.properties.public_network_access, updated.properties.disable_local_auth) == ("Disabled", True)
    assert updated.etag != account.etag
    read = client.accounts.get(GROUP, "voices")
    assert (read.tags, read.properties.disable_local_auth) == ({"team": "speech"}, True)


def test_a_put_of_a_live_account_updates_it_in_place(arm):
    backend = arm[1]
    first = call(backend, "PUT", account_path("voices"), {**account_body(), "identity": {"type": "SystemAssigned"}})

    again = call(
        backend,
        "PUT",
        account_path("voices"),
        {**account_body(disableLocalAuth=True), "tags": {"env": "prod"}, "identity": {"type": "SystemAssigned"}},
    )

    assert again.status_code == 200 and "Azure-AsyncOperation" not in again.headers
    body = again.json()
    assert (body["tags"], body["properties"]["disableLocalAuth"]) == ({"env": "prod"}, True)
    assert body["properties"]["internalId"] == first.json()["properties"]["internalId"]
    assert body["identity"]["principalId"] == first.json()["identity"]["principalId"]


def test_what_azure_does_not_change_in_place_is_refused(client, arm):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    backend = arm[1]

    moved = call(backend, "PUT", account_path("voices"), account_body(location="westeurope"))
    renamed = call(backend, "PATCH", account_path("voices"), {"properties": {"customSubDomainName": "other"}})
    rekinded = call(backend, "PATCH", account_path("voices"), {"kind": "AIServices"})

    assert (moved.status_code, moved.json()["error"]["code"]) == (409, "InvalidResourceLocation")
    assert (renamed.status_code, rekinded.status_code) == (409, 409)
    assert client.accounts.get(GROUP, "voices").properties.custom_sub_domain_name == "contoso-voices"


def test_the_keys_open_the_accounts_endpoint_and_a_regenerated_key_stops_the_old_one(client):
    account = client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    endpoint = account.properties.endpoint
    keys = client.accounts.list_keys(GROUP, "voices")
    assert keys.key1 != keys.key2
    assert custom_voice_status(endpoint, keys.key1) == custom_voice_status(endpoint, keys.key2) == 200

    regenerated = client.accounts.regenerate_key(GROUP, "voices", "Key1")

    assert regenerated.key1 != keys.key1 and regenerated.key2 == keys.key2
    assert custom_voice_status(endpoint, keys.key1) == 401
    assert custom_voice_status(endpoint, regenerated.key1) == 200
    assert client.accounts.list_keys(GROUP, "voices").key1 == regenerated.key1
    assert custom_voice_status(endpoint, "not-a-key") == 401


def test_text_to_speech_on_the_accounts_endpoint_takes_its_current_key_only(client):
    account = client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    old = client.accounts.list_keys(GROUP, "voices").key2
    new = client.accounts.regenerate_key(GROUP, "voices", "Key2").key2
    url = f"{account.properties.endpoint}tts/cognitiveservices/v1"

    def speak(key: str) -> int:
        headers = {"Ocp-Apim-Subscription-Key": key, "Content-Type": "application/ssml+xml"}
        return requests.post(url, data=b"<speak/>", headers=headers, timeout=5).status_code

    assert speak(old) == 401
    assert speak(new) == 400  # past the key: the SSML itself is what is refused


def test_local_auth_disabled_refuses_the_keys_and_their_listing(client, arm):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    keys = client.accounts.list_keys(GROUP, "voices")
    endpoint = client.accounts.get(GROUP, "voices").properties.endpoint

    client.accounts.begin_update(
        GROUP, "voices", AccountModel(properties=AccountProperties(disable_local_auth=True))
    ).result()

    assert custom_voice_status(endpoint, keys.key1) == 401
    listed = call(arm[1], "POST", account_path("voices") + "/listKeys")
    assert (listed.status_code, listed.json()["error"]["code"]) == (400, "BadRequest")
    assert "disableLocalAuth" in listed.json()["error"]["message"]


def test_a_key_works_only_once_the_account_has_succeeded(arm, clock):
    accounts, backend = arm
    accounts.provisioning_seconds = PROVISIONING_SECONDS
    endpoint = call(backend, "PUT", account_path("voices"), account_body()).json()["properties"]["endpoint"]
    key = call(backend, "POST", account_path("voices") + "/listKeys").json()["key1"]
    assert custom_voice_status(endpoint, key) == 401
    clock.advance(PROVISIONING_SECONDS)
    assert custom_voice_status(endpoint, key) == 200


def test_a_deleted_account_is_soft_deleted_and_a_create_of_its_name_must_restore_it(client, arm):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    keys = client.accounts.list_keys(GROUP, "voices")
    endpoint = client.accounts.get(GROUP, "voices").properties.endpoint

    client.accounts.begin_delete(GROUP, "voices").result()

    with pytest.raises(ResourceNotFoundError):
        client.accounts.get(GROUP, "voices")
    assert custom_voice_status(endpoint, keys.key1) == 401
    deleted = client.deleted_accounts.get("eastus", GROUP, "voices")
    assert deleted.id == (
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/eastus"
        f"/resourceGroups/{GROUP}/deletedAccounts/voices"
    )
    assert deleted.properties.deletion_date and deleted.properties.scheduled_purge_date
    assert [account.name for account in client.deleted_accounts.list()] == ["voices"]

    with pytest.raises(ResourceExistsError) as refused:
        client.accounts.begin_create(GROUP, "voices", speech_account())
    error = refused.value.error
    assert error is not None and error.code == "FlagMustBeSetForRestore"
    assert f"An existing resource with ID '{account_path('voices')}' has been soft-deleted" in str(error.message)
    assert "specify 'restore' to be 'true'" in str(error.message)

    restored = client.accounts.begin_create(GROUP, "voices", speech_account(restore=True)).result()

    assert restored.properties.provisioning_state == "Succeeded"
    assert client.accounts.list_keys(GROUP, "voices").key1 == keys.key1
    assert custom_voice_status(endpoint, keys.key1) == 200
    assert list(client.deleted_accounts.list()) == []


def test_a_purged_account_is_gone_and_its_name_makes_a_new_account(client):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    old_key = client.accounts.list_keys(GROUP, "voices").key1
    client.accounts.begin_delete(GROUP, "voices").result()

    client.deleted_accounts.begin_purge("eastus", GROUP, "voices").result()

    with pytest.raises(ResourceNotFoundError):
        client.deleted_accounts.get("eastus", GROUP, "voices")
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    assert client.accounts.list_keys(GROUP, "voices").key1 != old_key


def test_a_soft_deleted_account_is_purged_when_its_retention_ends(client, clock):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    client.accounts.begin_delete(GROUP, "voices").result()
    clock.advance(SOFT_DELETE_SECONDS - 1)
    assert [account.name for account in client.deleted_accounts.list()] == ["voices"]

    clock.advance(1)

    assert list(client.deleted_accounts.list()) == []
    assert client.accounts.begin_create(GROUP, "voices", speech_account()).result().name == "voices"


def test_deletes_and_purges_of_nothing_are_204_and_a_missing_account_is_arms_404(arm):
    backend = arm[1]
    deleted_path = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/eastus/resourceGroups/{GROUP}/deletedAccounts/none"
    assert call(backend, "DELETE", account_path("none")).status_code == 204
    assert call(backend, "DELETE", deleted_path).status_code == 204
    missing = call(backend, "GET", account_path("none"))
    assert missing.status_code == 404
    assert missing.headers["x-ms-error-code"] == "ResourceNotFound"
    assert set(missing.json()) == {"error"} and set(missing.json()["error"]) == {"code", "message"}
    assert "Microsoft.CognitiveServices/accounts/none" in missing.json()["error"]["message"]


def test_accounts_are_listed_by_resource_group_and_by_subscription(client, arm):
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    client.accounts.begin_create("other-rg", "more", speech_account(location="westeurope", subdomain="more")).result()
    call(
        arm[1],
        "PUT",
        account_path("elsewhere", subscription="99999999-0000-0000-0000-000000000000"),
        account_body(subdomain=None),
    )

    assert [a.name for a in client.accounts.list_by_resource_group(GROUP)] == ["voices"]
    assert sorted(a.name for a in client.accounts.list()) == ["more", "voices"]


def test_an_account_without_a_subdomain_gets_its_regions_endpoint(client):
    account = client.accounts.begin_create(
        GROUP, "plain", speech_account(location="West Europe", subdomain=None)
    ).result()
    assert account.properties.endpoint == "https://westeurope.api.cognitive.microsoft.com/"
    key = client.accounts.list_keys(GROUP, "plain").key1
    assert custom_voice_status(account.properties.endpoint, key) == 200


def test_subdomains_are_global_and_checked_for_availability(client, arm):
    def available(name: str) -> tuple[bool, str | None]:
        answer = client.check_domain_availability(name, "Microsoft.CognitiveServices/accounts")
        return answer.is_subdomain_available, answer.reason

    assert available("contoso-voices") == (True, None)
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    assert available("Contoso-Voices")[0] is False
    assert available("-bad-")[1] == "Sub domain name '-bad-' is not valid"

    taken = call(arm[1], "PUT", account_path("copy", group="other-rg"), account_body())
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "CustomDomainInUse")

    client.accounts.begin_delete(GROUP, "voices").result()
    assert available("contoso-voices")[0] is False  # a soft-deleted account still holds it
    client.deleted_accounts.begin_purge("eastus", GROUP, "voices").result()
    assert available("contoso-voices") == (True, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "SpeechServices", "sku": {"name": "S0"}}, "location"),
        ({"location": "eastus", "sku": {"name": "S0"}}, "kind"),
        ({"location": "eastus", "kind": "SpeechServices"}, "sku"),
        (account_body(subdomain="-dash-"), "customSubDomainName"),
        (account_body(publicNetworkAccess="Sometimes"), "publicNetworkAccess"),
        (account_body(disableLocalAuth="yes"), "disableLocalAuth"),
        (account_body(restore="true"), "restore"),
        ({**account_body(), "tags": {"n": 1}}, "tags"),
        ([1, 2], "JSON object"),
        ({**account_body(), "identity": {"type": "UserAssigned"}}, "identity"),
    ],
)
def test_a_bad_create_is_400_naming_the_field_and_creates_nothing(arm, body, field):
    refused = call(arm[1], "PUT", account_path("voices"), body)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "BadRequest")
    assert field in refused.json()["error"]["message"]
    assert call(arm[1], "GET", account_path("voices")).status_code == 404


def test_a_bad_account_name_or_key_name_is_400(client, arm):
    assert call(arm[1], "PUT", account_path("-x"), account_body()).status_code == 400
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    with pytest.raises(HttpResponseError) as refused:
        client.accounts.regenerate_key(GROUP, "voices", "Key3")
    assert refused.value.status_code == 400


@pytest.mark.parametrize(
    ("api_version", "code"),
    [(None, "MissingApiVersionParameter"), ("2023-05-01", "InvalidApiVersionParameter")],
)
def test_the_api_version_is_checked(arm, api_version, code):
    refused = call(arm[1], "GET", account_path("voices"), api_version=api_version)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, code)


def test_tokens_of_another_audience_tenant_or_time_are_401_with_arms_codes(arm):
    backend = arm[1]
    other_tenant = CustomVoiceBackend()
    other_tenant.enable_entra()
    cases = {
        "": "AuthenticationFailed",
        backend.mint_token(
            roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=AUDIENCE
        ): "InvalidAuthenticationTokenAudience",
        backend.mint_token(
            roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE, expires_in=-60
        ): "ExpiredAuthenticationToken",
        other_tenant.mint_token(
            roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE
        ): "InvalidAuthenticationToken",
        "not.a.jwt": "InvalidAuthenticationToken",
    }
    for token, code in cases.items():
        refused = call(
            backend, "GET", f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/accounts", token=token
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, code), token


def test_the_management_audience_with_a_trailing_slash_is_accepted(arm):
    backend = arm[1]
    token = backend.mint_token(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=f"{MANAGEMENT_AUDIENCE}/")
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == f"{MANAGEMENT_AUDIENCE}/"
    assert call(backend, "GET", account_path("voices"), token=token).status_code == 404


def test_a_reader_reads_and_a_speech_role_alone_does_nothing_through_arm(client, arm):
    backend = arm[1]
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    reader = backend.mint_token(roles=(READER,), audience=MANAGEMENT_AUDIENCE)
    speech_only = backend.mint_token(roles=(SPEECH_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE)

    assert call(backend, "GET", account_path("voices"), token=reader).status_code == 200
    for method, path in (("POST", account_path("voices") + "/listKeys"), ("DELETE", account_path("voices"))):
        refused = call(backend, method, path, token=reader)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "AuthorizationFailed")
    assert call(backend, "GET", account_path("voices"), token=speech_only).status_code == 403
    assert client.accounts.get(GROUP, "voices").name == "voices"  # nothing was deleted


def test_arm_requests_are_logged_without_secrets_and_faults_can_be_injected(client, arm):
    backend = arm[1]
    backend.inject_faults(
        "PUT",
        r"/subscriptions/.*/accounts/voices",
        [(500, {}, {"error": {"code": "InternalServerError", "message": "boom"}})],
    )

    with pytest.raises(HttpResponseError) as failed:
        client.accounts.begin_create(GROUP, "voices", speech_account(), polling_interval=0, retry_total=0).result()
    assert failed.value.status_code == 500
    client.accounts.begin_create(GROUP, "voices", speech_account()).result()
    client.accounts.list_keys(GROUP, "voices")

    logged = [(request.method, request.path) for request in backend.requests]
    assert ("POST", account_path("voices") + "/listKeys") in logged
    assert ("PUT", account_path("voices")) in logged
