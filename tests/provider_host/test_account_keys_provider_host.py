"""A project created through the real provider host over gRPC with the Speech key ARM's listKeys
gives (`speechAccountId`), no speechKey in config or environment: ARM over HTTPS (its CA bundle
from stack config), the account's endpoint the emulator's Custom Voice API, and the identity
without any Speech role, so only the account's key opens it."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from emulator import CustomVoiceBackend, EmulatorServer
from emulator.arm import AccountsService, Endpoints
from emulator.arm.models import AccountKey
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, TOKEN_PATH
from emulator.tls import LoopbackCertificate
from provider.consent import ConsentProvider
from provider.project import ProjectProvider
from tests.identity import use_managed_identity
from tests.provider_host.test_provider_host import TIMEOUT, from_struct, running_host, to_struct

PROJECT_URN = "urn:pulumi:dev::personal-voice::pulumi-python:dynamic/customvoice:Project::voices"
CONSENT_URN = "urn:pulumi:dev::personal-voice::pulumi-python:dynamic/customvoice:Consent::jessica"
KEY = AccountKey("00000000-1111-2222-3333-444444444444", "voices-rg", "contoso-voices")


class Emulators(NamedTuple):
    backend: CustomVoiceBackend
    accounts: AccountsService
    custom_voice_url: str
    arm_url: str
    ca_file: Path


@pytest.fixture
def emulators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulators]:
    backend = CustomVoiceBackend()
    header = backend.enable_entra(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,))
    certificate = LoopbackCertificate("127.0.0.1")
    ca_file = tmp_path / "arm-ca.pem"
    ca_file.write_bytes(certificate.pem)
    with EmulatorServer(backend) as custom_voice:
        accounts = AccountsService(Endpoints.single(custom_voice.url))
        backend.accept_keys_from(accounts.is_current_key)
        with EmulatorServer(backend, accounts=accounts, tls=certificate.server_context()) as server:
            use_managed_identity(monkeypatch, f"{custom_voice.url}{TOKEN_PATH}", header)
            for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "AZURE_SPEECH_KEY"):
                monkeypatch.delenv(name, raising=False)
            yield Emulators(backend, accounts, custom_voice.url, server.url, ca_file)


def test_a_project_and_its_consent_are_created_with_the_key_arm_gives(emulators: Emulators, tmp_path: Path):
    account = emulators.accounts.put(
        KEY, {"location": "eastus", "kind": "SpeechServices", "sku": {"name": "S0"}, "properties": {}}
    ).account
    emulators.backend.clear_requests()
    with running_host(tmp_path) as host:
        config = {
            "personal-voice:armEndpoint": emulators.arm_url,
            "personal-voice:armCaBundle": str(emulators.ca_file),
            "personal-voice:pollIntervalSeconds": "0.05",
        }
        host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)

        project = create(
            host,
            PROJECT_URN,
            ProjectProvider(),
            {"endpoint": emulators.custom_voice_url, "projectId": "voices", "speechAccountId": account["id"]},
        )
        consent = create(
            host,
            CONSENT_URN,
            ConsentProvider(),
            {
                "endpoint": emulators.custom_voice_url,
                "consentId": "jessica",
                "projectId": "voices",
                "voiceTalentName": "Jessica Smith",
                "companyName": "Contoso",
                "locale": "en-US",
                "audioUrl": "https://contoso.blob.core.windows.net/consents/jessica.wav",
                "speechAccountId": account["id"],
            },
        )

    assert emulators.backend.get_project("voices")["id"] == "voices"
    assert (project["speechAccountId"], consent["speechAccountId"]) == (account["id"], account["id"])
    assert consent["status"] == "Succeeded"
    arm_calls = [
        (r.method, r.path.rsplit("/", 1)[-1]) for r in emulators.backend.requests if "/subscriptions/" in r.path
    ]
    assert arm_calls == [("GET", KEY.name), ("POST", "listKeys")]
    keys = emulators.accounts.list_keys(KEY).values()
    assert not any(key in str(outputs) for key in keys for outputs in (project, consent))


def create(host: Any, urn: str, provider: Any, news: dict[str, Any]) -> dict[str, Any]:
    request = provider_pb2.CheckRequest(
        urn=urn, olds=to_struct({}), news=to_struct({**news, "__provider": serialize_provider(provider)})
    )
    checked = host.Check(request, timeout=TIMEOUT)
    assert list(checked.failures) == []
    created = host.Create(provider_pb2.CreateRequest(urn=urn, properties=checked.inputs), timeout=TIMEOUT)
    return from_struct(created.properties)
