"""Two accounts of one `python -m emulator --arm` are two Speech resources: each account's endpoint
is a Custom Voice API of its own (its listener, its projects, its request quota, its keys), made
and ended through ARM with the official azure-mgmt-cognitiveservices client over HTTPS."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import requests
from azure.identity import ManagedIdentityCredential
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import Account, AccountProperties

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.account_servers import arm_server
from emulator.arm import AccountsService
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, MANAGEMENT_AUDIENCE, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.quota import Quota
from emulator.tls import LoopbackCertificate
from tests.emulator.arm_support import GROUP, management_client, speech_account
from tests.emulator.conftest import KEY, Api

QUOTA = Quota(3, 600.0)  # small enough to exhaust, long enough not to refill during a test
THREAD_NAME = "custom-voice-emulator"  # every EmulatorServer's serving thread


class Stack(NamedTuple):
    backend: CustomVoiceBackend  # the main endpoint's, with the --key keys
    main_url: str
    arm: EmulatorServer
    accounts: AccountsService
    client: CognitiveServicesManagementClient


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    backend = CustomVoiceBackend(keys=[KEY], quota=QUOTA)
    identity_header = backend.enable_entra(roles=(SPEECH_CONTRIBUTOR, COGNITIVE_SERVICES_CONTRIBUTOR))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    with EmulatorServer(backend) as main, arm_server(backend, certificate.server_context()) as arm:
        monkeypatch.setenv("IDENTITY_ENDPOINT", f"{main.url}{TOKEN_PATH}")
        monkeypatch.setenv("IDENTITY_HEADER", identity_header)
        client = management_client(ManagedIdentityCredential(), base_url=arm.url, connection_verify=str(ca_file))
        assert arm.accounts is not None
        yield Stack(backend, main.url, arm, arm.accounts, client)


class Opened(NamedTuple):
    endpoint: str
    key: str

    def api(self, key: str | None = None) -> Api:
        return Api(self.endpoint.rstrip("/"), key if key is not None else self.key)


def create(stack: Stack, name: str) -> Opened:
    account = stack.client.accounts.begin_create(GROUP, name, speech_account(subdomain=f"contoso-{name}")).result()
    assert account.properties is not None and account.properties.endpoint is not None
    return Opened(account.properties.endpoint, stack.client.accounts.list_keys(GROUP, name).key1 or "")


def refuses_connections(endpoint: str) -> bool:
    try:
        requests.get(endpoint, timeout=5)
    except requests.ConnectionError:
        return True
    return False


def serving_threads() -> int:
    return sum(thread.name == THREAD_NAME for thread in threading.enumerate())


def test_two_accounts_have_two_endpoints_each_with_its_own_projects(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")

    assert a.endpoint.startswith("http://127.0.0.1:") and b.endpoint.startswith("http://127.0.0.1:")
    assert len({a.endpoint, b.endpoint, f"{stack.main_url}/"}) == 3
    assert a.api().create_project("only-in-a").status_code == 201
    assert a.api().call("GET", "projects/only-in-a").status_code == 200
    assert b.api().call("GET", "projects/only-in-a").status_code == 404
    assert Api(stack.main_url).call("GET", "projects/only-in-a").status_code == 404


def test_an_accounts_key_opens_its_own_endpoint_only(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")

    assert a.api().call("GET", "projects").status_code == 200
    assert b.api(a.key).call("GET", "projects").status_code == 401
    assert Api(stack.main_url, a.key).call("GET", "projects").status_code == 401
    assert a.api(KEY).call("GET", "projects").status_code == 401  # the main endpoint's --key
    assert Api(stack.main_url, KEY).call("GET", "projects").status_code == 200


def test_an_entra_token_for_speech_opens_an_account_endpoint_and_a_management_token_does_not(stack: Stack):
    a = create(stack, "voices-a")
    speech = stack.backend.mint_token(roles=(SPEECH_CONTRIBUTOR,))
    management = stack.backend.mint_token(roles=(SPEECH_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE)

    def status(token: str) -> int:
        without_key = Api(a.endpoint.rstrip("/"), key=None)
        return without_key.call("GET", "projects", headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(speech) == 200
    assert status(management) == 401


def test_a_disabled_local_auth_account_refuses_its_keys(stack: Stack):
    a = create(stack, "voices-a")
    assert a.api().call("GET", "projects").status_code == 200

    stack.client.accounts.begin_update(
        GROUP, "voices-a", Account(properties=AccountProperties(disable_local_auth=True))
    ).result()

    assert a.api().call("GET", "projects").status_code == 401


def test_an_account_still_creating_refuses_its_keys_at_its_endpoint(stack: Stack):
    ready = create(stack, "voices-a")
    stack.accounts.provisioning_seconds = 600.0
    stack.client.accounts.begin_create(GROUP, "voices-b", speech_account(subdomain="contoso-b"), polling=False)
    creating = stack.client.accounts.get(GROUP, "voices-b")
    assert creating.properties is not None and creating.properties.provisioning_state == "Creating"
    key = stack.client.accounts.list_keys(GROUP, "voices-b").key1 or ""

    assert Opened(creating.properties.endpoint or "", key).api().call("GET", "projects").status_code == 401
    assert ready.api().call("GET", "projects").status_code == 200


def test_one_accounts_quota_exhausted_does_not_throttle_another(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")

    for _ in range(QUOTA.requests):
        assert a.api().call("GET", "projects").status_code == 200
    throttled = a.api().call("GET", "projects")

    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert b.api().call("GET", "projects").status_code == 200
    assert Api(stack.main_url).call("GET", "projects").status_code == 200


def test_a_soft_deleted_account_keeps_its_endpoint_and_data_for_a_restore(stack: Stack):
    a = create(stack, "voices-a")
    assert a.api().create_project("kept").status_code == 201

    stack.client.accounts.begin_delete(GROUP, "voices-a").result()
    assert a.api().call("GET", "projects/kept").status_code == 401  # listening, refusing the keys
    restored = stack.client.accounts.begin_create(
        GROUP, "voices-a", speech_account(subdomain="contoso-voices-a", restore=True)
    ).result()

    assert restored.properties is not None and restored.properties.endpoint == a.endpoint
    assert a.api().call("GET", "projects/kept").status_code == 200


def test_a_purge_closes_the_accounts_listener_and_a_new_account_of_that_name_starts_empty(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")
    assert a.api().create_project("gone").status_code == 201
    stack.client.accounts.begin_delete(GROUP, "voices-a").result()
    assert not refuses_connections(a.endpoint)

    stack.client.deleted_accounts.begin_purge("eastus", GROUP, "voices-a").result()

    assert refuses_connections(a.endpoint)
    assert b.api().call("GET", "projects").status_code == 200
    again = create(stack, "voices-a")
    assert again.endpoint != a.endpoint
    assert again.api().call("GET", "projects/gone").status_code == 404


def test_a_purge_when_the_retention_ends_closes_the_listener_too(stack: Stack):
    a = create(stack, "voices-a")
    stack.accounts.soft_delete_seconds = 0.0
    stack.client.accounts.begin_delete(GROUP, "voices-a").result()

    assert list(stack.client.deleted_accounts.list()) == []  # the lazy purge, at the next request
    assert refuses_connections(a.endpoint)


def test_the_emulators_reset_forgets_accounts_and_closes_their_listeners(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")
    stack.client.accounts.begin_delete(GROUP, "voices-b").result()
    assert [account.name for account in stack.client.accounts.list()] == ["voices-a"]

    assert requests.post(f"{stack.main_url}/_emulator/reset", timeout=5).status_code == 204

    assert list(stack.client.accounts.list()) == []
    assert list(stack.client.deleted_accounts.list()) == []
    assert refuses_connections(a.endpoint) and refuses_connections(b.endpoint)
    assert create(stack, "voices-b").api().call("GET", "projects").status_code == 200  # no FlagMustBeSetForRestore


def test_an_account_endpoints_reset_forgets_only_that_account(stack: Stack):
    a, b = create(stack, "voices-a"), create(stack, "voices-b")
    a.api().create_project("in-a")
    b.api().create_project("in-b")

    assert requests.post(f"{a.endpoint}_emulator/reset", timeout=5).status_code == 204

    assert a.api().call("GET", "projects/in-a").status_code == 404
    assert b.api().call("GET", "projects/in-b").status_code == 200
    assert [account.name for account in stack.client.accounts.list()] == ["voices-a", "voices-b"]


def test_stopping_the_arm_server_closes_every_accounts_listener(stack: Stack):
    before = serving_threads()
    a, b = create(stack, "voices-a"), create(stack, "voices-b")
    stack.client.accounts.begin_delete(GROUP, "voices-b").result()  # soft-deleted: still listening
    assert serving_threads() == before + 2
    assert not refuses_connections(a.endpoint) and not refuses_connections(b.endpoint)

    stack.arm.stop()

    assert refuses_connections(a.endpoint) and refuses_connections(b.endpoint)
    assert serving_threads() == before - 1  # the ARM server's own thread is gone too
