"""The SpeechAccount provider's settings: each config key read as written, the ARM base URL and
CA bundle used by this client alone (the emulator's ARM front over real HTTPS, in-process),
retries, and a bad value refused naming its key."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pulumi.dynamic import Config

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from provider.accounts.client import ArmError
from provider.accounts.settings import PUBLIC_ARM_ENDPOINT, AccountSettings
from provider.errors import ConfigError
from tests.identity import refuse_all_but_loopback, use_managed_identity
from tests.unit.test_speech_account import GROUP, NAME, SUBSCRIPTION, checked, configured, declared

KEY = AccountKey(SUBSCRIPTION, GROUP, NAME)


def load(**config: str) -> AccountSettings:
    return AccountSettings.load(Config({f"personal-voice:{k}": v for k, v in config.items()}, "personal-voice"))


def test_each_key_is_read_as_written(tmp_path: Path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("pem")
    settings = load(
        armEndpoint="https://127.0.0.1:8766/",
        armCaBundle=str(bundle),
        entraClientId="client-id",
        accountTimeoutSeconds="90",
        pollIntervalSeconds="2.5",
        httpRetries="7",
        retryBackoffSeconds="1.5",
    )
    assert settings == AccountSettings(
        arm_endpoint="https://127.0.0.1:8766",
        ca_bundle=str(bundle),
        entra_client_id="client-id",
        timeout_seconds=90.0,
        poll_interval_seconds=2.5,
        retries=7,
        backoff_factor=1.5,
    )


def test_without_config_azure_itself_with_the_systems_trust():
    assert AccountSettings.load(None) == AccountSettings()
    assert (AccountSettings().arm_endpoint, AccountSettings().ca_bundle) == (PUBLIC_ARM_ENDPOINT, None)
    assert (AccountSettings().timeout_seconds, AccountSettings().retries) == (1800.0, 4)


def test_an_arm_endpoint_keeps_its_own_spelling_without_the_trailing_slash():
    assert load(armEndpoint="https://ARM.SANDBOX/").arm_endpoint == "https://ARM.SANDBOX"


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"armEndpoint": "http://127.0.0.1:8766"}, "config armEndpoint: 'http://127.0.0.1:8766' must be an https://"),
        ({"armEndpoint": "https://management.azure.com/x"}, "config armEndpoint"),
        ({"armEndpoint": "https://management.azure.com?a=b"}, "config armEndpoint"),
        ({"armEndpoint": "https://management.azure.com/X"}, "config armEndpoint"),
        ({"armEndpoint": "https:///"}, "config armEndpoint"),
        ({"armCaBundle": "/nonexistent/arm-ca.pem"}, "config armCaBundle: '/nonexistent/arm-ca.pem' is not a file"),
        ({"accountTimeoutSeconds": "0"}, "config accountTimeoutSeconds"),
        ({"pollIntervalSeconds": "0"}, "config pollIntervalSeconds"),
        ({"httpRetries": "21"}, "config httpRetries"),
        ({"httpRetries": "-1"}, "config httpRetries"),
        ({"retryBackoffSeconds": "-1"}, "config retryBackoffSeconds"),
        ({"retryBackoffSeconds": "61"}, "config retryBackoffSeconds"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(config, reason):
    with pytest.raises(ConfigError) as refused:
        load(**config)
    assert str(refused.value).startswith(reason)


class Https(NamedTuple):
    accounts: AccountsService
    backend: CustomVoiceBackend
    url: str
    ca_file: Path


@pytest.fixture
def https_arm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Https]:
    backend = CustomVoiceBackend()
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    refuse_all_but_loopback(monkeypatch)
    with EmulatorServer(backend) as custom_voice:
        accounts = AccountsService(Endpoints.single(custom_voice.url))
        with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as server:
            use_managed_identity(monkeypatch, f"{custom_voice.url}{TOKEN_PATH}", header)
            monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
            monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
            yield Https(accounts, backend, server.url, ca_file)


def test_the_arm_endpoint_and_its_ca_bundle_reach_the_emulator_over_https(https_arm: Https):
    provider = configured(armEndpoint=https_arm.url, armCaBundle=str(https_arm.ca_file))
    outputs = provider.create(checked(provider, declared())).outs or {}
    assert outputs["armId"] == https_arm.accounts.get(KEY)["id"]


def test_without_the_ca_bundle_the_certificate_is_refused(https_arm: Https):
    provider = configured(armEndpoint=https_arm.url, httpRetries="0")
    with pytest.raises(ArmError, match="CERTIFICATE_VERIFY_FAILED"):
        provider.create(checked(provider, declared()))
    assert https_arm.accounts.list_accounts(SUBSCRIPTION) == []


def test_a_passing_failure_is_retried_as_many_times_as_configured(https_arm: Https):
    answers: list[tuple[int, dict[str, str], Any]] = [
        (503, {}, {"error": {"code": "ServiceUnavailable", "message": "Busy."}})
    ] * 2
    settings = {"armEndpoint": https_arm.url, "armCaBundle": str(https_arm.ca_file)}
    https_arm.backend.inject_faults("GET", r"/subscriptions/.*/accounts/[^/]+", answers)
    provider = configured(**settings, httpRetries="1")
    with pytest.raises(ArmError, match=r"Busy\. \(HTTP 503, code ServiceUnavailable\)"):
        provider.create(checked(provider, declared()))

    https_arm.backend.inject_faults("GET", r"/subscriptions/.*/accounts/[^/]+", answers)
    provider = configured(**settings, httpRetries="2")
    assert (provider.create(checked(provider, declared())).outs or {})["provisioningState"] == "Succeeded"
