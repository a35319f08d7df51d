"""What declaring a SpeechAccount registers with the engine (pulumi.runtime.set_mocks): every
argument under its ARM name, nothing invented for what is not declared, and its provider."""

from typing import Any

import pulumi
import pytest

from provider.speech_account import SpeechAccount, SpeechAccountArgs, SpeechAccountProvider
from tests.program.recording import RecordingMonitor
from tests.program.test_resource_declarations import Mocks, provider_of, registered

ACCOUNT = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"


ARM_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/voices-rg/providers/Microsoft.CognitiveServices/accounts/contoso"
)
ANSWERED = {
    "armId": ARM_ID,
    "endpoint": "https://contoso.cognitiveservices.azure.com/",
    "region": "eastus",
    "provisioningState": "Succeeded",
}


class AccountMocks(Mocks):
    """The outputs the provider answers a create with."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name, outputs = super().new_resource(args)
        return name, {**outputs, **ANSWERED} if args.typ == ACCOUNT else outputs


@pytest.fixture
def monitor() -> Any:
    recording = RecordingMonitor(AccountMocks())
    pulumi.runtime.set_mocks(AccountMocks(), project="personal-voice", stack="dev", preview=False, monitor=recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


@pulumi.runtime.test
def test_every_argument_is_registered_under_its_arm_name(monitor: Any) -> Any:
    account = SpeechAccount(
        "voices",
        SpeechAccountArgs(
            subscription_id=SUBSCRIPTION,
            resource_group_name="voices-rg",
            account_name="contoso-voices",
            location="eastus",
            sku="S0",
            kind="AIServices",
            custom_sub_domain_name="contoso",
            disable_local_auth=True,
            public_network_access="Disabled",
            tags={"team": "voices"},
            existing=False,
            restore=True,
            purge_on_delete=True,
        ),
    )

    def check(_: Any) -> None:
        inputs, request = registered(monitor, ACCOUNT, "voices")
        assert inputs == {
            "subscriptionId": SUBSCRIPTION,
            "resourceGroupName": "voices-rg",
            "accountName": "contoso-voices",
            "location": "eastus",
            "sku": "S0",
            "kind": "AIServices",
            "customSubDomainName": "contoso",
            "disableLocalAuth": True,
            "publicNetworkAccess": "Disabled",
            "tags": {"team": "voices"},
            "existing": False,
            "restore": True,
            "purgeOnDelete": True,
        }
        assert isinstance(provider_of(request), SpeechAccountProvider)

    return account.urn.apply(check)


@pulumi.runtime.test
def test_a_reference_registers_only_what_it_declares(monitor: Any) -> Any:
    account = SpeechAccount(
        "platform",
        SpeechAccountArgs(
            subscription_id=SUBSCRIPTION, resource_group_name="platform-rg", account_name="speech", existing=True
        ),
    )

    def check(_: Any) -> None:
        inputs, _request = registered(monitor, ACCOUNT, "platform")
        assert inputs == {
            "subscriptionId": SUBSCRIPTION,
            "resourceGroupName": "platform-rg",
            "accountName": "speech",
            "existing": True,
            "restore": False,
            "purgeOnDelete": False,
        }

    return account.urn.apply(check)


@pulumi.runtime.test
def test_the_program_reads_every_output_the_provider_answers(monitor: Any) -> Any:
    account = SpeechAccount(
        "voices",
        SpeechAccountArgs(subscription_id=SUBSCRIPTION, resource_group_name="voices-rg", account_name="contoso"),
    )

    def check(values: list[Any]) -> None:
        assert dict(zip(ANSWERED, values, strict=True)) == ANSWERED

    return pulumi.Output.all(account.armId, account.endpoint, account.region, account.provisioningState).apply(check)
