"""The Speech account `scripts/new-stack` declares in a new stack's catalog: one the stack creates
(`--account-subscription`, `--account-group`, `--account-name`, `--location`) or one it only
refers to by its ARM id (`--account-id`, which becomes `existing: true`). Checked by the
SpeechAccount's own input rules, each problem naming the flag that gave the value."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from provider.accounts.arm_id import ACCOUNT_ID_FORM, parse_account_id
from provider.accounts.inputs import normalise
from provider.accounts.settings import ARM_CA_BUNDLE_CONFIG, ARM_ENDPOINT_CONFIG, AccountSettings
from provider.errors import ConfigError
from provider.regions import PERSONAL_VOICE_REGIONS
from provider.validation import check_id

FLAGS = {
    "subscriptionId": "--account-subscription",
    "resourceGroupName": "--account-group",
    "accountName": "--account-name",
    "location": "--location",
}
# The catalog name of an account whose accountName is not a catalog id.
DEFAULT_NAME = "speech"


class AccountFlagError(Exception):
    """What is wrong with the account flags, in one line."""


@dataclass(frozen=True)
class StackAccount:
    # The catalog entry's `name`, which projects name it by.
    name: str
    # The SpeechAccount inputs the catalog entry declares, in their prop spelling.
    inputs: dict[str, Any]
    # Stack config for Azure Resource Manager (armEndpoint, armCaBundle), when not Azure's.
    config: dict[str, str]


def add_account_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "a Speech account in the stack (instead of --endpoint; no Speech key in config: it is read from Azure "
        "Resource Manager at each run)"
    )
    group.add_argument("--account-name", help="a Speech account the stack creates (or adopts): its name")
    group.add_argument("--account-subscription", help="with --account-name: its subscription id")
    group.add_argument("--account-group", help="with --account-name: its resource group (which must exist)")
    group.add_argument("--location", help=f"with --account-name: one of {', '.join(PERSONAL_VOICE_REGIONS)}")
    group.add_argument("--account-id", help=f"an account the stack only refers to (existing: true): {ACCOUNT_ID_FORM}")
    group.add_argument("--arm-endpoint", help="Azure Resource Manager's URL, if not https://management.azure.com")
    group.add_argument("--arm-ca-bundle", help="a PEM file of the CAs to trust at --arm-endpoint (the emulator's)")


def wants_account(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) for name in ("account_name", "account_subscription", "account_group", "account_id"))


def stack_account(args: argparse.Namespace, ask: Callable[[str | None, str, str], str]) -> StackAccount | None:
    """The account the flags declare, None without account flags; `ask(given, question, flag)`
    asks for a value no flag gave (in a terminal)."""
    config = _arm_config(args)
    if not wants_account(args):
        if config or args.location:
            given = "--location" if args.location else "--arm-endpoint and --arm-ca-bundle"
            raise AccountFlagError(f"{given} only go with an account (--account-name or --account-id)")
        return None
    if args.account_id:
        named = [FLAGS[key] for key, value in _named(args).items() if value]
        if named:
            raise AccountFlagError(f"give --account-id (an account to refer to) or {', '.join(named)}, not both")
        inputs: dict[str, Any] = {**account_id_inputs(args.account_id), "existing": True}
    else:
        inputs = {
            key: ask(value, f"Speech account's {_QUESTIONS[key]}", FLAGS[key]) for key, value in _named(args).items()
        }
    _, problems = normalise(inputs)
    if problems:
        flag = "--account-id" if args.account_id else None
        raise AccountFlagError("; ".join(f"{flag or FLAGS.get(p.field, p.field)}: {p.reason}" for p in problems))
    name = inputs["accountName"] if not check_id("name", inputs["accountName"]) else DEFAULT_NAME
    return StackAccount(name, inputs, config)


def account_id_inputs(value: str) -> dict[str, str]:
    """subscriptionId, resourceGroupName and accountName of an account's ARM id."""
    try:
        account = parse_account_id("--account-id", value)
    except ConfigError as error:
        raise AccountFlagError(str(error)) from None
    return {
        "subscriptionId": account.subscription_id,
        "resourceGroupName": account.resource_group,
        "accountName": account.name,
    }


_QUESTIONS = {
    "subscriptionId": "subscription id",
    "resourceGroupName": "resource group (it must exist)",
    "accountName": "name",
    "location": f"region ({', '.join(PERSONAL_VOICE_REGIONS)})",
}


def _named(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "subscriptionId": args.account_subscription,
        "resourceGroupName": args.account_group,
        "accountName": args.account_name,
        "location": args.location,
    }


def _arm_config(args: argparse.Namespace) -> dict[str, str]:
    """armEndpoint and armCaBundle as given, checked by the provider's own settings."""
    config = {ARM_ENDPOINT_CONFIG: args.arm_endpoint, ARM_CA_BUNDLE_CONFIG: args.arm_ca_bundle}
    given = {key: value for key, value in config.items() if value}
    try:
        AccountSettings.load({f"personal-voice:{key}": value for key, value in given.items()})
    except ConfigError as error:
        raise AccountFlagError(error.message) from None
    return given
