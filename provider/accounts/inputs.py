"""Input rules of the SpeechAccount resource, checked before any request; each problem names
its field. And the one comparison of declared fields with an account ARM answered, used to
adopt, to check a reference, and to restore."""

import re
from typing import Any

from provider.inputs import is_unknown
from provider.regions import PERSONAL_VOICE_REGIONS
from provider.validation import Problem

# What a SpeechAccount declares of the account, as its outputs hold ARM's answer.
ACCOUNT_FIELDS = (
    "location",
    "kind",
    "sku",
    "customSubDomainName",
    "disableLocalAuth",
    "publicNetworkAccess",
    "tags",
)
NAMING_FIELDS = ("subscriptionId", "resourceGroupName", "accountName")
FLAGS = ("existing", "restore", "purgeOnDelete")
KINDS = ("SpeechServices", "AIServices")  # both serve personal voice
PERSONAL_VOICE_SKU = "S0"
NETWORK_ACCESS = ("Enabled", "Disabled")
# What an account gets when its declaration does not say (a reference, `existing`, gets none:
# only what it declares is compared).
DEFAULTS: dict[str, Any] = {
    "kind": "SpeechServices",
    "sku": PERSONAL_VOICE_SKU,
    "disableLocalAuth": False,
    "publicNetworkAccess": "Enabled",
    "tags": {},
}

SUBSCRIPTION_ID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# ARM's rules: a resource group is 1 to 90 letters, digits, '_', '-', '.', '(' and ')', not
# ending with '.'; the spec's account name pattern, 2 to 64 long; a subdomain is a DNS label.
RESOURCE_GROUP = re.compile(r"^[\w().-]{0,89}[\w()-]$")
ACCOUNT_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$")
SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])$")


def folded(value: Any) -> Any:
    """How ARM compares names and regions: letter case and spaces aside ('West Europe' is
    'westeurope'). A value unknown at preview stays as it is: its wire form, `rpc.UNKNOWN`, is
    already lower case without spaces."""
    return value.replace(" ", "").lower() if isinstance(value, str) else value


def normalise(news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    inputs = {key: news[key] for key in (*NAMING_FIELDS, *ACCOUNT_FIELDS, *FLAGS) if news.get(key) is not None}
    for flag in FLAGS:
        inputs.setdefault(flag, False)
    if not inputs["existing"]:
        for key, value in DEFAULTS.items():
            inputs.setdefault(key, value)
        inputs.setdefault("customSubDomainName", inputs.get("accountName"))  # folded below, as DNS reads it
    for key in ("location", "customSubDomainName"):
        if isinstance(inputs.get(key), str):
            inputs[key] = folded(inputs[key])
    return inputs, _problems(inputs)


def _problems(inputs: dict[str, Any]) -> list[Problem]:
    problems = _matches("subscriptionId", inputs.get("subscriptionId"), SUBSCRIPTION_ID, "a subscription id (a GUID)")
    problems += _matches(
        "resourceGroupName",
        inputs.get("resourceGroupName"),
        RESOURCE_GROUP,
        "a resource group name (1 to 90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.')",
    )
    problems += _matches(
        "accountName",
        inputs.get("accountName"),
        ACCOUNT_NAME,
        "an account name (2 to 64 letters, digits, '_', '.' and '-', starting with a letter or digit)",
    )
    problems += _check_subdomain(inputs)
    problems += _check_location(inputs.get("location"), required=not inputs["existing"])
    problems += _check_sku(inputs.get("sku"))
    problems += _one_of("kind", inputs.get("kind"), KINDS)
    problems += _one_of("publicNetworkAccess", inputs.get("publicNetworkAccess"), NETWORK_ACCESS)
    problems += _check_tags(inputs.get("tags"))
    for flag in ("disableLocalAuth", *FLAGS):
        if flag in inputs and not isinstance(inputs[flag], bool):
            problems.append(Problem(flag, f"must be true or false, got {inputs[flag]!r}"))
    if inputs["existing"] is True:
        for flag in ("restore", "purgeOnDelete"):
            if inputs[flag] is True:
                problems.append(
                    Problem(flag, "means nothing with existing: true (the stack never creates or deletes that account)")
                )
    return problems


def _matches(field: str, value: Any, pattern: re.Pattern[str], what: str) -> list[Problem]:
    if value is None:
        return [Problem(field, "is required")]
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return [Problem(field, f"{value!r} is not {what}")]
    return []


def _check_subdomain(inputs: dict[str, Any]) -> list[Problem]:
    value = inputs.get("customSubDomainName")
    if value is None or (isinstance(value, str) and SUBDOMAIN.fullmatch(value)):
        return []
    rule = "2 to 64 letters, digits and hyphens, starting and ending with a letter or digit"
    if value == folded(inputs.get("accountName")):
        if not ACCOUNT_NAME.fullmatch(str(inputs.get("accountName"))):
            return []  # the account name's own problem says it
        return [
            Problem(
                "customSubDomainName",
                f"the default, the account name {value!r}, is not a subdomain ({rule}); declare one",
            )
        ]
    return [Problem("customSubDomainName", f"{value!r} is not a subdomain ({rule})")]


def _check_location(value: Any, *, required: bool) -> list[Problem]:
    if value is None:
        return [Problem("location", "is required")] if required else []
    if value not in PERSONAL_VOICE_REGIONS:
        return [
            Problem(
                "location",
                f"{value!r} is not a region where personal voice runs; use one of {', '.join(PERSONAL_VOICE_REGIONS)}",
            )
        ]
    return []


def _check_sku(value: Any) -> list[Problem]:
    if value is None or value == PERSONAL_VOICE_SKU:
        return []
    if value == "F0":
        return [Problem("sku", "F0 (free) cannot be used: personal voice needs S0")]
    return [Problem("sku", f"{value!r} is not {PERSONAL_VOICE_SKU}, the one SKU that serves personal voice")]


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> list[Problem]:
    if value is None or value in allowed:
        return []
    return [Problem(field, f"{value!r} is not one of {', '.join(allowed)}")]


def _check_tags(value: Any) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, dict) or not all(isinstance(v, str) or is_unknown(v) for v in value.values()):
        return [Problem("tags", "must be a map of names to text values")]
    return []


def differences(declared: dict[str, Any], account: dict[str, Any]) -> list[str]:
    """How an account (as `outputs` render ARM's answer) differs from what is declared, one
    text a field; only declared fields count."""
    found = []
    for name in ACCOUNT_FIELDS:
        if name not in declared:
            continue
        want, have = folded(declared[name]), folded(account.get(name))
        if want != have:
            found.append(f"{name}: declared {want!r}, the account has {have!r}")
    return found


def unusable(account: dict[str, Any]) -> list[str]:
    """What makes an account (declared or not) unable to hold personal voices."""
    found = []
    if folded(account.get("location")) not in PERSONAL_VOICE_REGIONS:
        found.append(f"its region {account.get('location')!r} has no personal voice")
    if account.get("sku") != PERSONAL_VOICE_SKU:
        found.append(f"its SKU {account.get('sku')!r} is not {PERSONAL_VOICE_SKU}")
    if account.get("kind") not in KINDS:
        found.append(f"its kind {account.get('kind')!r} is not one of {', '.join(KINDS)}")
    return found
