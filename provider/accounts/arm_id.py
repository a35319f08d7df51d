"""The ARM id of a Microsoft.CognitiveServices account, as the SpeechAccount's `armId` output gives
it (`/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{name}`):
read into its parts, or refused naming the field that holds it."""

from dataclasses import dataclass

from provider.accounts.inputs import ACCOUNT_NAME, RESOURCE_GROUP, SUBSCRIPTION_ID
from provider.errors import ConfigError
from provider.validation import Problem

# The input of a project, consent or voice naming its Speech resource's account by ARM id.
ACCOUNT_ID_INPUT = "speechAccountId"
ACCOUNT_ID_FORM = (
    "/subscriptions/{subscription id}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{name}"
)
# ARM reads its fixed segments in any letter case.
_FIXED = ("subscriptions", "resourcegroups", "providers", "microsoft.cognitiveservices", "accounts")


@dataclass(frozen=True)
class AccountId:
    subscription_id: str
    resource_group: str
    name: str

    def folded(self) -> str:
        """One spelling per account: ARM compares ids without regard to letter case."""
        return self.arm_id().lower()

    def arm_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.CognitiveServices/accounts/{self.name}"
        )

    def label(self) -> str:
        """How messages name the account (as `speech_account.label` does)."""
        return f"speech account {self.name!r} (resource group {self.resource_group!r})"


def account_id_problems(field: str, value: object) -> list[Problem]:
    """None (no account: the Speech key from config) passes. A value unknown at preview gets
    its problem here like any other, and the provider's check drops it (`judged`)."""
    if value is None:
        return []
    reason = _why_not(value)
    return [Problem(field, reason)] if reason else []


def parse_account_id(field: str, value: str) -> AccountId:
    """The parts of `value`; ConfigError naming `field` when it is not an account's ARM id."""
    reason = _why_not(value)
    if reason:
        raise ConfigError(f"{field}: {reason}")
    parts = value.split("/")
    return AccountId(subscription_id=parts[2], resource_group=parts[4], name=parts[8])


def _why_not(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string (an account's ARM id), got {type(value).__name__}"
    parts = value.split("/")
    if len(parts) != 9 or parts[0] or tuple(parts[i].lower() for i in (1, 3, 5, 6, 7)) != _FIXED:
        return f"{value!r} is not a Speech account's ARM id ({ACCOUNT_ID_FORM})"
    if not SUBSCRIPTION_ID.fullmatch(parts[2]):
        return f"{value!r} is not a Speech account's ARM id: {parts[2]!r} is not a subscription id (a GUID)"
    if not RESOURCE_GROUP.fullmatch(parts[4]):
        return f"{value!r} is not a Speech account's ARM id: {parts[4]!r} is not a resource group name"
    if not ACCOUNT_NAME.fullmatch(parts[8]):
        return f"{value!r} is not a Speech account's ARM id: {parts[8]!r} is not an account name"
    return None
