"""The stack config of a catalog that declares its Speech accounts: no endpoint and no key in
config (each would name another resource, or sit there unused), ARM's settings checked at
preview, each mistake naming its config key."""

from typing import Any

import pulumi
import pytest

from catalog.environment import Environment
from provider.errors import ConfigError
from provider.validation import DEFAULT_BASE_MODEL
from tests.program.test_resource_declarations import Mocks


@pytest.fixture(autouse=True)
def stack() -> Any:
    pulumi.runtime.set_mocks(Mocks(), project="personal-voice", stack="dev", preview=False)
    yield
    pulumi.runtime.set_all_config({}, [])


def environment_of(config: dict[str, str]) -> Environment:
    pulumi.runtime.set_all_config({f"personal-voice:{key}": value for key, value in config.items()}, [])
    return Environment.from_config(pulumi.Config(), {}, speech_accounts=True)


def test_with_accounts_neither_endpoint_nor_key_is_asked_for() -> None:
    environment = environment_of({})

    assert environment.endpoint is None


def test_with_accounts_a_config_endpoint_or_key_is_refused_naming_each() -> None:
    with pytest.raises(ConfigError) as caught:
        environment_of({"speechEndpoint": "https://contoso.cognitiveservices.azure.com", "speechKey": "abc"})

    assert str(caught.value) == (
        "config speechEndpoint: is not used when the catalog declares speechAccounts (each project's account gives "
        "its endpoint); remove it\n"
        "config speechKey: is not used when the catalog declares speechAccounts (the keys are read from Azure "
        "Resource Manager at each run); remove it"
    )
    assert "abc" not in str(caught.value)


def test_with_accounts_the_arm_endpoint_is_checked_at_preview() -> None:
    with pytest.raises(ConfigError, match="^config armEndpoint: "):
        environment_of({"armEndpoint": "http://127.0.0.1:8443"})


def test_with_accounts_the_other_keys_keep_their_rules() -> None:
    with pytest.raises(ConfigError) as caught:
        environment_of({"apiVersion": "2020-01-01"})

    assert str(caught.value).startswith("config apiVersion: '2020-01-01' is not one of")


def test_without_accounts_the_endpoint_is_still_required() -> None:
    pulumi.runtime.set_all_config({"personal-voice:speechKey": "abc"}, [])

    with pytest.raises(pulumi.ConfigMissingError):
        Environment.from_config(pulumi.Config(), {})


def test_with_accounts_the_base_model_is_checked_naming_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        environment_of({"baseModel": "not a model"})

    assert str(caught.value) == (
        f"config baseModel: 'not a model' is not a base model name (letters and digits, e.g. {DEFAULT_BASE_MODEL})"
    )
