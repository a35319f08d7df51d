"""Key rotation of a Speech account: ARM's regenerateKey of key1 or key2, through the official
azure-mgmt-cognitiveservices client, signed in as the provider host signs in
(`AccountSettings`: the stack's armEndpoint, armCaBundle and entraClientId).

No key is printed, returned or written anywhere: the provider host reads an account's key from
ARM at call time (`provider.accounts.keys`) and reads it again when the old one is refused, so a
rotation replaces nothing in the stack and leaves no old key in its config or state.
"""

from collections.abc import Mapping
from typing import Any

from azure.mgmt.cognitiveservices.models import KeyName

from provider.accounts.arm_id import AccountId, parse_account_id
from provider.accounts.client import arm_errors, management_client
from provider.accounts.settings import AccountSettings
from provider.errors import ConfigError
from provider.redaction import register_secret

KEY_NAMES = {"key1": KeyName.KEY1, "key2": KeyName.KEY2}
# The SpeechAccount's type in state (provider/speech_account.py: `SpeechAccount`).
ACCOUNT_TYPE = "pulumi-python:dynamic/cognitiveservices:SpeechAccount"


def regenerate(settings: AccountSettings, account_id: str, key_name: str) -> AccountId:
    """Regenerates `key_name` (key1 or key2) of the account `account_id` (its ARM id); the
    account, for the caller to name."""
    account = parse_account_id("account id", account_id)
    chosen = KEY_NAMES.get(key_name.lower())
    if chosen is None:
        raise ConfigError(f"key name: {key_name!r} is not one of {', '.join(KEY_NAMES)}")
    with (
        management_client(settings, account.subscription_id) as client,
        arm_errors(f"Regenerating {key_name.lower()} of {account.label()}"),
    ):
        keys = client.accounts.regenerate_key(account.resource_group, account.name, chosen)
    for key in (keys.key1, keys.key2):
        register_secret(key)
    return account


def account_id_in_state(deployment: Mapping[str, Any], account_name: str) -> str:
    """The ARM id (output `armId`) of the SpeechAccount resource named `account_name` in a
    stack's state (`pulumi stack export`)."""
    accounts = {
        str(resource.get("urn", "")).rsplit("::", 1)[-1]: resource
        for resource in (deployment.get("deployment") or {}).get("resources") or []
        if resource.get("type") == ACCOUNT_TYPE
    }
    found = accounts.get(account_name)
    arm_id = (found.get("outputs") or {}).get("armId") if found is not None else None
    if not isinstance(arm_id, str):
        named = ", ".join(sorted(accounts)) or "none"
        raise ConfigError(f"account: the stack has no Speech account named {account_name!r} (it has: {named})")
    return arm_id
