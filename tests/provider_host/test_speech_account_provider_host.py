"""The SpeechAccount provider through the real provider host over gRPC, against the emulator's
ARM front over HTTPS: the host signs in with DefaultAzureCredential through the emulated managed
identity, trusts the emulator's certificate from stack config only (no REQUESTS_CA_BUNDLE), and
no key reaches the engine."""

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import grpc
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from provider.speech_account import SpeechAccountProvider
from tests.identity import use_managed_identity
from tests.provider_host.test_provider_host import TIMEOUT, from_struct, running_host, to_struct

URN = "urn:pulumi:dev::personal-voice::pulumi-python:dynamic/cognitiveservices:SpeechAccount::voices"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
KEY = AccountKey(SUBSCRIPTION, "voices-rg", "contoso-voices")


class Arm(NamedTuple):
    accounts: AccountsService
    custom_voice_url: str
    arm_url: str
    ca_file: Path


@pytest.fixture
def arm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Arm]:
    backend = CustomVoiceBackend()
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    with EmulatorServer(backend) as custom_voice:
        accounts = AccountsService(Endpoints.single(custom_voice.url), provisioning_seconds=1.0)
        backend.accept_keys_from(accounts.is_current_key)
        with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as server:
            use_managed_identity(monkeypatch, f"{custom_voice.url}{TOKEN_PATH}", header)
            monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
            monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
            yield Arm(accounts, custom_voice.url, server.url, ca_file)


def test_an_account_created_and_deleted_over_grpc_and_https_with_no_key_in_its_outputs(arm: Arm, tmp_path: Path):
    with running_host(tmp_path) as host:
        config = {
            "personal-voice:armEndpoint": arm.arm_url,
            "personal-voice:armCaBundle": str(arm.ca_file),
            "personal-voice:pollIntervalSeconds": "0.05",
        }
        host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)
        news = {
            "subscriptionId": SUBSCRIPTION,
            "resourceGroupName": KEY.resource_group,
            "accountName": KEY.name,
            "location": "West Europe",
            "__provider": serialize_provider(SpeechAccountProvider()),
        }
        checked = host.Check(
            provider_pb2.CheckRequest(urn=URN, olds=to_struct({}), news=to_struct(news)), timeout=TIMEOUT
        )
        assert list(checked.failures) == []

        created = host.Create(provider_pb2.CreateRequest(urn=URN, properties=checked.inputs), timeout=TIMEOUT)

        outputs = from_struct(created.properties)
        assert created.id == arm.accounts.get(KEY)["id"] == outputs["armId"]
        assert (outputs["region"], outputs["provisioningState"]) == ("westeurope", "Succeeded")
        assert outputs["endpoint"] == f"{arm.custom_voice_url}/"
        keys = arm.accounts.list_keys(KEY).values()
        assert not any(key in str(outputs) for key in keys)

        host.Delete(provider_pb2.DeleteRequest(id=created.id, urn=URN, properties=created.properties), timeout=TIMEOUT)

    assert [account["name"] for account in arm.accounts.list_deleted(SUBSCRIPTION)] == [KEY.name]


def test_without_the_ca_bundle_the_emulators_certificate_is_refused_in_one_line(arm: Arm, tmp_path: Path):
    with running_host(tmp_path) as host:
        config = {"personal-voice:armEndpoint": arm.arm_url, "personal-voice:httpRetries": "0"}
        host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)
        news = {
            "subscriptionId": SUBSCRIPTION,
            "resourceGroupName": KEY.resource_group,
            "accountName": KEY.name,
            "location": "eastus",
            "__provider": serialize_provider(SpeechAccountProvider()),
        }
        checked = host.Check(
            provider_pb2.CheckRequest(urn=URN, olds=to_struct({}), news=to_struct(news)), timeout=TIMEOUT
        )

        with pytest.raises(grpc.RpcError) as failed:
            host.Create(provider_pb2.CreateRequest(urn=URN, properties=checked.inputs), timeout=TIMEOUT)

    details = failed.value.details()
    assert details.startswith(f"Reading speech account {KEY.name!r} (resource group {KEY.resource_group!r}) failed: ")
    assert "CERTIFICATE_VERIFY_FAILED" in details and "\n" not in details.strip()
    assert arm.accounts.list_accounts(SUBSCRIPTION) == []
