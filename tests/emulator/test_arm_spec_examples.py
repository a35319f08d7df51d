"""Every example of the ARM spec (2025-09-01, Microsoft.CognitiveServices) for the operations the
emulator serves, replayed against its ARM front: the example's request, one of its statuses, and
its body's keys (nested one level, as the examples show them) with the JSON type of each value.
The emulator may answer more keys than an example shows; never fewer or of another type.

The examples' requests and answers as azure-rest-api-specs holds them under
`specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2025-09-01/
examples/` (CreateAccountMin, GetAccount, ListKeys, RegenerateKey, DeleteAccount,
GetDeletedAccount, CheckDomainAvailability); preconditions (an account to read, a subdomain
taken) are this test's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from emulator import CustomVoiceBackend
from emulator.arm import AccountsService, mock_arm
from emulator.arm.mock import MANAGEMENT_URL
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, MANAGEMENT_AUDIENCE

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
ACCOUNTS = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/myResourceGroup/providers/Microsoft.CognitiveServices/accounts"
)
DELETED = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/locations/westus/resourceGroups/myResourceGroup/deletedAccounts"
MY_ACCOUNT = {
    "location": "westus",
    "kind": "Emotion",
    "sku": {"name": "F0"},
    "tags": {"Owner": "felixwa", "ExpiredDate": "2017/09/01"},
}
ACCOUNT_KEYS = {
    "id": "str",
    "name": "str",
    "type": "str",
    "location": "str",
    "sku": {"name": "str"},
    "kind": "str",
    "etag": "str",
    "properties": {"endpoint": "str", "provisioningState": "str"},
}
TAGGED_ACCOUNT_KEYS = {**ACCOUNT_KEYS, "tags": {"Owner": "str", "ExpiredDate": "str"}}
API_KEYS = {"key1": "str", "key2": "str"}
Call = tuple[str, str, Any]


@dataclass(frozen=True)
class Example:
    name: str
    method: str
    path: str
    body: Any
    statuses: frozenset[int]
    keys: dict[str, Any] | None  # None: the example's answer has no body
    before: tuple[Call, ...] = field(default_factory=tuple)


EXAMPLES = (
    Example(
        "CreateAccountMin",
        "PUT",
        f"{ACCOUNTS}/testCreate1",
        {
            "location": "West US",
            "kind": "CognitiveServices",
            "sku": {"name": "S0"},
            "properties": {},
            "identity": {"type": "SystemAssigned"},
        },
        frozenset({200, 201, 202}),
        {**ACCOUNT_KEYS, "identity": {"principalId": "str", "tenantId": "str", "type": "str"}},
    ),
    Example(
        "GetAccount",
        "GET",
        f"{ACCOUNTS}/myAccount",
        None,
        frozenset({200}),
        TAGGED_ACCOUNT_KEYS,
        (("PUT", f"{ACCOUNTS}/myAccount", MY_ACCOUNT),),
    ),
    Example(
        "ListKeys",
        "POST",
        f"{ACCOUNTS}/myAccount/listKeys",
        None,
        frozenset({200}),
        API_KEYS,
        (("PUT", f"{ACCOUNTS}/myAccount", MY_ACCOUNT),),
    ),
    Example(
        "RegenerateKey",
        "POST",
        f"{ACCOUNTS}/myAccount/regenerateKey",
        {"keyName": "Key2"},
        frozenset({200}),
        API_KEYS,
        (("PUT", f"{ACCOUNTS}/myAccount", MY_ACCOUNT),),
    ),
    Example(
        "DeleteAccount",
        "DELETE",
        f"{ACCOUNTS}/PropTest01",
        None,
        frozenset({200, 202, 204}),
        None,
        (("PUT", f"{ACCOUNTS}/PropTest01", MY_ACCOUNT),),
    ),
    Example(
        "GetDeletedAccount",
        "GET",
        f"{DELETED}/myAccount",
        None,
        frozenset({200}),
        TAGGED_ACCOUNT_KEYS,
        (("PUT", f"{ACCOUNTS}/myAccount", MY_ACCOUNT), ("DELETE", f"{ACCOUNTS}/myAccount", None)),
    ),
    Example(
        "CheckDomainAvailability",
        "POST",
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.CognitiveServices/checkDomainAvailability",
        {"subdomainName": "contosodemoapp1", "type": "Microsoft.CognitiveServices/accounts"},
        frozenset({200}),
        {"isSubdomainAvailable": "bool", "reason": "str", "subdomainName": "str", "type": "str"},
        (("PUT", f"{ACCOUNTS}/holder", {**MY_ACCOUNT, "properties": {"customSubDomainName": "contosodemoapp1"}}),),
    ),
)


@pytest.fixture
def backend() -> Iterator[CustomVoiceBackend]:
    with mock_arm(AccountsService()) as (_, custom_voice):
        yield custom_voice


def send(backend: CustomVoiceBackend, method: str, path: str, body: Any) -> requests.Response:
    token = backend.mint_token(roles=(COGNITIVE_SERVICES_CONTRIBUTOR,), audience=MANAGEMENT_AUDIENCE)
    return requests.request(
        method,
        f"{MANAGEMENT_URL}{path}",
        params={"api-version": "2025-09-01"},
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def shape(value: Any, expected: Any) -> Any:
    """`value`'s keys and types, as far as `expected` goes."""
    if isinstance(expected, dict):
        if not isinstance(value, dict):
            return type(value).__name__
        return {key: shape(value[key], expected[key]) if key in value else "<missing>" for key in expected}
    return type(value).__name__


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_the_emulator_answers_each_spec_example_in_its_shape(backend, example):
    for method, path, body in example.before:
        assert send(backend, method, path, body).status_code in (200, 201), (method, path)

    answer = send(backend, example.method, example.path, example.body)

    assert answer.status_code in example.statuses
    if example.keys is None:
        assert answer.content == b""
    else:
        assert shape(answer.json(), example.keys) == example.keys
