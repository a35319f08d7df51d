"""The storage resources' input rules (`provider.storage.inputs`) and the storage settings:
what each accepts and the exact problem a user reads, naming the field."""

import math
from typing import Any

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from pulumi.runtime import rpc

from provider import redaction
from provider.errors import ConfigError
from provider.storage.inputs import check_account_url, check_container_name, normalise_account_url, whole_number
from provider.storage.settings import StorageSettings
from provider.validation import Problem


def shown(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.blob.core.windows.net",
        "https://contoso.blob.core.windows.net/",
        "http://127.0.0.1:10000/devstoreaccount1",
        "http://localhost:10000/devstoreaccount1/",
    ],
)
def test_account_urls_that_pass(url: str):
    assert check_account_url("accountUrl", url) == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://contoso.blob.core.windows.net/voices", "must be the account's blob endpoint, without a path"),
        ("http://127.0.0.1:10000", "a local emulator's account URL is http://127.0.0.1:<port>/<account>"),
        ("http://127.0.0.1:10000/acct/voices", "a local emulator's account URL is http://127.0.0.1:<port>/<account>"),
        ("http://contoso.blob.core.windows.net", "must use https (plain http is allowed only for loopback addresses)"),
        ("https://contoso.blob.core.windows.net?sv=1", "must not carry a query string"),
        (None, "is required"),
    ],
)
def test_account_urls_refused_say_why(url: Any, problem: str):
    assert shown(check_account_url("accountUrl", url)) == [f"accountUrl: {problem}"]


@pytest.mark.parametrize("name", ["abc", "prompt-audio", "a1-b2-c3", "x" * 63])
def test_container_names_that_pass(name: str):
    assert check_container_name("containerName", name) == []


@pytest.mark.parametrize("name", ["ab", "x" * 64, "Prompt", "a--b", "-ab", "ab-", "a_b", None, 3])
def test_a_bad_container_name_is_shown_with_the_rule(name: Any):
    assert shown(check_container_name("containerName", name)) == [
        (
            f"containerName: {name!r} is not a container name (3 to 63 lower-case letters, digits and single "
            "hyphens, starting and ending with a letter or digit)"
        )
    ]


@pytest.mark.parametrize(("value", "expected"), [(30, 30), (30.0, 30), (1, 1), (1.0, 1)])
def test_a_whole_number_of_at_least_the_minimum_is_an_int(value: Any, expected: int):
    number, problems = whole_number("lifetimeHours", value, 1)
    assert (number, problems) == (expected, [])
    assert type(number) is int


@pytest.mark.parametrize("value", [0, 0.5, 1.5, -3, True, "2", None, math.inf, math.nan])
def test_anything_else_is_kept_as_given_with_the_rule(value: Any):
    number, problems = whole_number("lifetimeHours", value, 1)
    assert number is value
    assert shown(problems) == [f"lifetimeHours: must be a whole number of at least 1, got {value!r}"]


def test_an_account_url_is_stored_without_its_trailing_slashes():
    assert normalise_account_url("https://contoso.blob.core.windows.net//") == "https://contoso.blob.core.windows.net"
    assert (
        normalise_account_url("http://127.0.0.1:10000/devstoreaccountX/") == "http://127.0.0.1:10000/devstoreaccountX"
    )
    assert normalise_account_url(rpc.UNKNOWN) == rpc.UNKNOWN
    assert normalise_account_url(None) is None


@pytest.fixture
def no_secrets_known_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction, "_known_secrets", set())


def test_the_key_from_config_wins_over_the_environment_and_is_redacted(no_secrets_known_yet: None):
    settings = StorageSettings.load(
        {"personal-voice:storageAccountKey": "config-key-1234"}, {"AZURE_STORAGE_KEY": "environment-key"}
    )
    assert settings.require_key() == "config-key-1234"
    assert (settings.entra, settings.entra_client_id) == (False, None)
    assert redaction.redact("config-key-1234") == "***"
    assert "config-key-1234" not in repr(settings)


def test_the_key_comes_from_the_environment_when_config_has_none(no_secrets_known_yet: None):
    settings = StorageSettings.load({"personal-voice:storageAccountKey": ""}, {"AZURE_STORAGE_KEY": "environment-key"})
    assert settings.require_key() == "environment-key"
    assert redaction.redact("environment-key") == "***"


def test_no_key_anywhere_is_a_config_error_saying_where_to_set_one():
    settings = StorageSettings.load(None, {"AZURE_STORAGE_KEY": ""})
    assert settings.account_key is None
    with pytest.raises(ConfigError) as raised:
        settings.require_key()
    assert str(raised.value) == (
        "config storageAccountKey: is required when authentication is key and the catalog has storage (set it "
        "with `pulumi config set --secret storageAccountKey <key>`, or set AZURE_STORAGE_KEY)"
    )


def test_the_key_credential_is_named_for_the_account():
    credential = StorageSettings(account_key="k" * 8).credential("https://contoso.blob.core.windows.net")
    assert isinstance(credential, AzureNamedKeyCredential)
    assert (credential.named_key.name, credential.named_key.key) == ("contoso", "k" * 8)


def test_entra_settings_use_one_credential_for_the_identity_chosen(monkeypatch: pytest.MonkeyPatch):
    made: list[Any] = []

    def entra_credential(client_id: str | None) -> object:
        made.append(client_id)
        return object()

    monkeypatch.setattr("provider.storage.settings.entra_credential", entra_credential)
    settings = StorageSettings.load(
        {"personal-voice:authentication": "entra", "personal-voice:entraClientId": "client-1"}, {}
    )
    assert (settings.entra, settings.entra_client_id) == (True, "client-1")
    first = settings.credential("https://contoso.blob.core.windows.net")
    assert settings.credential("https://other.blob.core.windows.net") is first
    assert made == ["client-1"]
