"""The ARM front over real HTTPS: the official azure-mgmt-cognitiveservices client, a token from the
emulated managed identity (azure-identity), and the accounts' keys on the Custom Voice API's
real HTTP server; `python -m emulator --arm`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import requests
from azure.core.exceptions import (
    ClientAuthenticationError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceRequestError,
)
from azure.identity import DefaultAzureCredential, ManagedIdentityCredential
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import Account, AccountProperties

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.account_servers import arm_server
from emulator.identity import AUDIENCE, COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from tests.emulator.arm_support import GROUP, SUBSCRIPTION, MintedCredential, management_client, speech_account
from tests.emulator.conftest import wait_for_port

REPOSITORY = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_SECONDS = 10


class Running(NamedTuple):
    backend: CustomVoiceBackend
    custom_voice_url: str
    arm_url: str
    ca_file: Path


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    """The Custom Voice API on http, ARM on https (its certificate in `ca_file`), and the managed
    identity endpoint in the environment, as azure-identity reads it."""
    backend = CustomVoiceBackend()
    identity_header = backend.enable_entra(roles=(SPEECH_CONTRIBUTOR, COGNITIVE_SERVICES_CONTRIBUTOR))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    with (
        EmulatorServer(backend) as custom_voice,
        arm_server(backend, certificate.server_context(), provisioning_seconds=1.0) as arm,
    ):
        monkeypatch.setenv("IDENTITY_ENDPOINT", f"{custom_voice.url}{TOKEN_PATH}")
        monkeypatch.setenv("IDENTITY_HEADER", identity_header)
        yield Running(backend, custom_voice.url, arm.url, ca_file)


def client_of(running: Running, credential: object | None = None) -> CognitiveServicesManagementClient:
    return management_client(
        credential or ManagedIdentityCredential(), base_url=running.arm_url, connection_verify=str(running.ca_file)
    )


def custom_voice_status(endpoint: str | None, key: str | None) -> int:
    assert endpoint is not None and key is not None
    response = requests.get(
        f"{endpoint}customvoice/projects",
        params={"api-version": "2026-01-01"},
        headers={"Ocp-Apim-Subscription-Key": key},
        timeout=5,
    )
    return response.status_code


def properties(account: Account) -> AccountProperties:
    assert account.properties is not None
    return account.properties


def test_an_accounts_whole_life_through_the_official_client_over_tls(running):
    client = client_of(running)

    poller = client.accounts.begin_create(GROUP, "voices", speech_account())
    assert poller.status() != "Succeeded"  # 201 Creating: the poller has to wait for it
    account = poller.result()
    assert properties(account).provisioning_state == "Succeeded"
    endpoint = properties(account).endpoint
    assert endpoint is not None and endpoint.startswith("http://127.0.0.1:")
    assert endpoint != f"{running.custom_voice_url}/"  # an endpoint of its own (test_emulator_account_endpoints)
    assert properties(client.accounts.get(GROUP, "voices")).custom_sub_domain_name == "contoso-voices"

    updated = client.accounts.begin_update(
        GROUP, "voices", Account(tags={"env": "prod"}, properties=AccountProperties(public_network_access="Disabled"))
    ).result()
    assert (updated.tags, properties(updated).public_network_access) == ({"env": "prod"}, "Disabled")

    keys = client.accounts.list_keys(GROUP, "voices")
    assert custom_voice_status(endpoint, keys.key1) == 200
    rotated = client.accounts.regenerate_key(GROUP, "voices", "Key1")
    assert custom_voice_status(endpoint, keys.key1) == 401
    assert custom_voice_status(endpoint, rotated.key1) == 200

    client.accounts.begin_delete(GROUP, "voices").result()
    with pytest.raises(ResourceNotFoundError):
        client.accounts.get(GROUP, "voices")
    assert custom_voice_status(endpoint, rotated.key1) == 401
    assert (
        client.check_domain_availability(
            "contoso-voices", "Microsoft.CognitiveServices/accounts"
        ).is_subdomain_available
        is False
    )
    with pytest.raises(ResourceExistsError) as refused:
        client.accounts.begin_create(GROUP, "voices", speech_account())
    assert refused.value.error is not None and refused.value.error.code == "FlagMustBeSetForRestore"

    restored = client.accounts.begin_create(GROUP, "voices", speech_account(restore=True)).result()
    assert properties(restored).provisioning_state == "Succeeded"
    assert custom_voice_status(endpoint, rotated.key1) == 200

    client.accounts.begin_delete(GROUP, "voices").result()
    client.deleted_accounts.begin_purge("eastus", GROUP, "voices").result()
    assert list(client.deleted_accounts.list()) == []
    assert (
        client.check_domain_availability(
            "contoso-voices", "Microsoft.CognitiveServices/accounts"
        ).is_subdomain_available
        is True
    )


def test_the_sdk_sends_no_token_to_a_plain_http_url(running):
    """Why the ARM front is HTTPS: azure-core's BearerTokenCredentialPolicy refuses http."""
    client = management_client(ManagedIdentityCredential(), base_url=running.custom_voice_url)

    with pytest.raises(ServiceRequestError, match="non-TLS"):
        client.accounts.get(GROUP, "voices")
    assert not [request for request in running.backend.requests if request.path.startswith("/subscriptions/")]


def test_a_client_that_does_not_trust_the_certificate_is_refused(running, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    client = management_client(ManagedIdentityCredential(), base_url=running.arm_url, retry_total=0)

    with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
        client.accounts.get(GROUP, "voices")


def test_a_token_for_the_speech_resource_is_401_at_arm(running):
    client = client_of(running, MintedCredential(running.backend, audience=AUDIENCE))

    with pytest.raises(ClientAuthenticationError) as refused:
        client.accounts.get(GROUP, "voices")
    assert refused.value.status_code == 401
    assert refused.value.error is not None and refused.value.error.code == "InvalidAuthenticationTokenAudience"


def test_module_serves_arm_over_https_with_its_certificate_until_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    files = {name: tmp_path / name for name in ("port", "arm-port", "arm-ca.pem", "identity-header")}
    command = [
        sys.executable, "-m", "emulator", "--port", "0", "--port-file", str(files["port"]),
        "--arm", "--arm-port", "0", "--arm-port-file", str(files["arm-port"]),
        "--arm-ca-file", str(files["arm-ca.pem"]), "--identity-header-file", str(files["identity-header"]),
        "--account-provisioning-seconds", "1",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    process = subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        port = wait_for_port(files["port"], process)
        arm_port = wait_for_port(files["arm-port"], process)
        monkeypatch.setenv("IDENTITY_ENDPOINT", f"http://127.0.0.1:{port}{TOKEN_PATH}")
        monkeypatch.setenv("IDENTITY_HEADER", files["identity-header"].read_text().strip())
        credential = DefaultAzureCredential()
        client = CognitiveServicesManagementClient(
            credential,
            SUBSCRIPTION,
            base_url=f"https://127.0.0.1:{arm_port}",
            connection_verify=str(files["arm-ca.pem"]),
        )
        account = client.accounts.begin_create(GROUP, "voices", speech_account(), polling_interval=0.05).result()
        key = client.accounts.list_keys(GROUP, "voices").key1
        assert custom_voice_status(properties(account).endpoint, key) == 200
        assert custom_voice_status(f"http://127.0.0.1:{port}/", key) == 401  # the main endpoint: --key only

        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    assert process.returncode == 0, stderr
    assert f"ARM listening on https://127.0.0.1:{arm_port}" in stdout
    assert not any(path.exists() for path in files.values())


def test_module_refuses_arm_without_a_file_for_its_certificate():
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "0", "--arm"],
        check=False,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        capture_output=True,
        text=True,
        timeout=STOP_TIMEOUT_SECONDS,
    )
    assert result.returncode == 2
    assert "--arm needs --arm-ca-file" in result.stderr
