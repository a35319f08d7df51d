"""What `declare` registers for a catalog with `speechAccounts:` (pulumi.runtime.set_mocks): each
account protected unless the catalog says otherwise, every project, consent and voice on its
account's endpoint with the account's ARM id (the provider host reads the keys with it; no key is
an input), and each voice's outputs naming its account and region."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from catalog.environment import Environment
from catalog.specs import Catalog, ConsentSpec, ProjectSpec, SpeechAccountSpec, VoiceSpec
from catalog.stack import declare, stack_outputs
from tests.program.recording import RecordingMonitor
from tests.program.test_stack_wiring import CONSENT, PROJECT, VOICE, inputs_of, pick

ACCOUNT = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"


def arm_id(name: str) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.CognitiveServices/accounts/{name}"
    )


class Mocks(pulumi.runtime.Mocks):
    """An account answers as ARM would: its id, its subdomain endpoint and its region."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        if args.typ == ACCOUNT:
            name = outputs["accountName"]
            outputs.update(
                armId=arm_id(name), endpoint=f"https://{name}.cognitiveservices.azure.com/", region=outputs["location"]
            )
        elif args.typ == VOICE:
            outputs.update(speakerProfileId=f"profile-of-{outputs['voiceId']}", status="Succeeded")
        elif args.typ == CONSENT:
            outputs["status"] = "Succeeded"
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        return {}


@pytest.fixture
def monitor() -> Iterator[RecordingMonitor]:
    recording = RecordingMonitor(Mocks())
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording


def account(name: str, location: str, **more: Any) -> SpeechAccountSpec:
    inputs = {
        "subscriptionId": SUBSCRIPTION,
        "resourceGroupName": "voices-rg",
        "accountName": f"contoso-{name}",
        "location": location,
        **more,
    }
    return SpeechAccountSpec(name, inputs)


ACCOUNTS = (account("us", "eastus"), SpeechAccountSpec("eu", account("eu", "westeurope").inputs, protect=False))
PROJECTS = (ProjectSpec(id="us-voices", account="us"), ProjectSpec(id="eu-voices", account="eu"))
CONSENTS = tuple(
    ConsentSpec(
        id=f"{place}-consent",
        project_id=f"{place}-voices",
        voice_talent_name="Jessica Smith",
        company_name="Contoso",
        locale="en-US",
        audio_url="https://a.blob.core.windows.net/consents/jessica.wav",
    )
    for place in ("us", "eu")
)
VOICES = tuple(
    VoiceSpec(
        id=f"{place}Voice",
        project_id=f"{place}-voices",
        consent_id=f"{place}-consent",
        extensions=(".wav",),
        container_url="https://a.blob.core.windows.net/voices",
    )
    for place in ("us", "eu")
)
CATALOG = Catalog(PROJECTS, CONSENTS, VOICES, accounts=ACCOUNTS)


@pulumi.runtime.test
def test_each_account_is_declared_and_protected_unless_the_catalog_says_not(monitor, tmp_path: Path):
    resources = declare(CATALOG, Environment(endpoint=None), tmp_path)

    def check(_: Any) -> None:
        declared = monitor.of_type(ACCOUNT)
        assert set(declared) == {"us", "eu"}
        assert (declared["us"].protect, declared["eu"].protect) == (True, False)
        assert pick(inputs_of(declared["eu"]), ("accountName", "location", "existing", "restore")) == {
            "accountName": "contoso-eu",
            "location": "westeurope",
            "existing": False,
            "restore": False,
        }

    return pulumi.Output.all(*(a.armId for a in resources.accounts.values())).apply(check)


@pulumi.runtime.test
def test_everything_in_a_project_is_on_its_accounts_endpoint_with_its_arm_id_and_no_key(monitor, tmp_path: Path):
    resources = declare(CATALOG, Environment(endpoint=None), tmp_path)

    def check(_: Any) -> None:
        for kind, names in ((PROJECT, ("us-voices", "eu-voices")), (CONSENT, ("us-consent", "eu-consent"))):
            for name in names:
                place = name.split("-")[0]
                inputs = inputs_of(monitor.of_type(kind)[name])
                assert pick(inputs, ("endpoint", "speechAccountId")) == {
                    "endpoint": f"https://contoso-{place}.cognitiveservices.azure.com/",
                    "speechAccountId": arm_id(f"contoso-{place}"),
                }
        voice = inputs_of(monitor.of_type(VOICE)["euVoice"])
        assert (voice["endpoint"], voice["speechAccountId"]) == (
            "https://contoso-eu.cognitiveservices.azure.com/",
            arm_id("contoso-eu"),
        )
        assert not any("key" in name.lower() for name in voice)
        account_urn = monitor.urn_of(ACCOUNT, "eu")
        project = monitor.of_type(PROJECT)["eu-voices"]
        assert account_urn in project.propertyDependencies["endpoint"].urns

    return pulumi.Output.all(*(v.speakerProfileId for v in resources.voices.values())).apply(check)


@pulumi.runtime.test
def test_each_voices_outputs_name_its_account_and_region(monitor, tmp_path: Path):
    outputs = stack_outputs(declare(CATALOG, Environment(endpoint=None), tmp_path))

    def check(voices: dict[str, Any]) -> None:
        assert pick(voices["euVoice"], ("account", "accountId", "region", "endpoint")) == {
            "account": "eu",
            "accountId": arm_id("contoso-eu"),
            "region": "westeurope",
            "endpoint": "https://contoso-eu.cognitiveservices.azure.com/",
        }
        assert voices["usVoice"]["region"] == "eastus"

    return pulumi.Output.from_input(outputs["voices"]).apply(check)


@pulumi.runtime.test
def test_a_catalog_without_accounts_declares_none_and_its_outputs_stay_as_they_were(monitor, tmp_path: Path):
    catalog = Catalog((ProjectSpec(id="us-voices"),), CONSENTS[:1], VOICES[:1])
    resources = declare(catalog, Environment(endpoint="https://contoso.cognitiveservices.azure.com"), tmp_path)
    outputs = stack_outputs(resources)

    def check(voices: dict[str, Any]) -> None:
        assert monitor.of_type(ACCOUNT) == {}
        assert not {"account", "accountId", "region"} & set(voices["usVoice"])
        assert inputs_of(monitor.of_type(PROJECT)["us-voices"]).get("speechAccountId") is None

    return pulumi.Output.from_input(outputs["voices"]).apply(check)
