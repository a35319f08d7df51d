"""The `responses` front with an account's own Custom Voice backend behind each account host
(`mock_arm()`'s default, `AccountHosts`): two accounts are two Speech resources in-process too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest
import requests
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient

from emulator import CustomVoiceBackend
from emulator.arm import AccountHosts, AccountsService, mock_arm
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR
from emulator.quota import Quota
from tests.emulator.arm_support import GROUP, MintedCredential, management_client, speech_account
from tests.emulator.conftest import Api

QUOTA = Quota(3, 600.0)


class Mocked(NamedTuple):
    accounts: AccountsService
    hosts: AccountHosts
    client: CognitiveServicesManagementClient


@pytest.fixture
def mocked() -> Iterator[Mocked]:
    template = CustomVoiceBackend(quota=QUOTA)
    template.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    with mock_arm(custom_voice=template) as (accounts, custom_voice):
        assert isinstance(accounts.endpoints, AccountHosts)
        yield Mocked(accounts, accounts.endpoints, management_client(MintedCredential(custom_voice)))


class Opened(NamedTuple):
    endpoint: str
    key: str

    def api(self, key: str | None = None) -> Api:
        return Api(self.endpoint.rstrip("/"), key if key is not None else self.key)


def create(mocked: Mocked, name: str, subdomain: str | None) -> Opened:
    account = mocked.client.accounts.begin_create(GROUP, name, speech_account(subdomain=subdomain)).result()
    assert account.properties is not None and account.properties.endpoint is not None
    return Opened(account.properties.endpoint, mocked.client.accounts.list_keys(GROUP, name).key1 or "")


def test_each_account_host_is_a_backend_of_its_own(mocked: Mocked):
    a, b = create(mocked, "voices-a", "contoso-a"), create(mocked, "voices-b", "contoso-b")

    assert (a.endpoint, b.endpoint) == (
        "https://contoso-a.cognitiveservices.azure.com/",
        "https://contoso-b.cognitiveservices.azure.com/",
    )
    assert a.api().create_project("only-in-a").status_code == 201
    assert b.api().call("GET", "projects/only-in-a").status_code == 404
    assert b.api(a.key).call("GET", "projects").status_code == 401
    assert a.api().call("GET", "projects/only-in-a").status_code == 200
    assert mocked.hosts.backend_at(a.endpoint) is not mocked.hosts.backend_at(b.endpoint)


def test_one_accounts_quota_exhausted_does_not_throttle_another(mocked: Mocked):
    a, b = create(mocked, "voices-a", "contoso-a"), create(mocked, "voices-b", "contoso-b")

    for _ in range(QUOTA.requests):
        assert a.api().call("GET", "projects").status_code == 200

    assert a.api().call("GET", "projects").status_code == 429
    assert b.api().call("GET", "projects").status_code == 200


def test_accounts_sharing_a_regional_endpoint_are_told_apart_by_their_keys(mocked: Mocked):
    a, b = create(mocked, "voices-a", None), create(mocked, "voices-b", None)
    assert a.endpoint == b.endpoint == "https://eastus.api.cognitive.microsoft.com/"

    assert a.api().create_project("only-in-a").status_code == 201

    assert a.api().call("GET", "projects/only-in-a").status_code == 200
    assert b.api().call("GET", "projects/only-in-a").status_code == 404
    assert a.api("not-a-key").call("GET", "projects").status_code == 401


def test_a_host_no_account_has_does_not_resolve(mocked: Mocked):
    a = create(mocked, "voices-a", "contoso-a")
    assert a.api().call("GET", "projects").status_code == 200

    mocked.client.accounts.begin_delete(GROUP, "voices-a").result()
    assert a.api().call("GET", "projects").status_code == 401  # soft-deleted: there, refusing the key
    mocked.client.deleted_accounts.begin_purge("eastus", GROUP, "voices-a").result()

    with pytest.raises(requests.ConnectionError, match="contoso-a"):
        a.api().call("GET", "projects")
    with pytest.raises(requests.ConnectionError):
        Api("https://nobody.cognitiveservices.azure.com", a.key).call("GET", "projects")
