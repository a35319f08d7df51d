"""How a stack config value is read (`provider.config.StackConfig`): the namespace, blank
values, numbers with their bounds, flags and choices, and the one-line errors users read."""

from typing import Any

import pytest

from provider.config import CONFIG_NAMESPACE, StackConfig
from provider.errors import ConfigError


def config(**values: Any) -> StackConfig:
    return StackConfig({f"{CONFIG_NAMESPACE}:{key}": value for key, value in values.items()})


def error_of(call: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        call()
    return str(raised.value)


def test_a_key_is_read_in_the_projects_namespace_only():
    source = {"personal-voice:speechKey": "abc", "speechKey": "other", "other-project:speechKey": "x"}
    assert StackConfig(source).get("speechKey") == "abc"
    assert StackConfig({"speechKey": "other"}).get("speechKey") is None


def test_blank_and_missing_values_are_unset_and_no_source_is_no_config():
    assert config(a="").get("a") is None
    assert config().get("a") is None
    assert StackConfig(None).get("a") is None
    assert StackConfig(None).number("a", 3.5) == 3.5
    assert config(a=0).get("a") == 0
    assert config(a=False).get("a") is False


def test_a_number_is_read_from_text_or_a_number_and_defaults_when_unset():
    assert config(n="2.5").number("n", 7) == 2.5
    assert config(n=4).number("n", 7) == 4.0
    assert config().number("n", 7) == 7
    assert config(n="").number("n", 7) == 7


@pytest.mark.parametrize(("value", "shown"), [("many", "'many'"), ([1], "[1]"), ({"a": 1}, "{'a': 1}")])
def test_a_value_that_is_not_a_number_is_named(value: Any, shown: str):
    assert error_of(lambda: config(n=value).number("n", 1)) == f"config n: {shown} is not a number"


def test_above_refuses_the_bound_itself_and_anything_below():
    assert config(n="0.001").number("n", 1, above=0) == 0.001
    assert error_of(lambda: config(n="0").number("n", 1, above=0)) == "config n: '0' must be greater than 0"
    assert error_of(lambda: config(n="-1").number("n", 1, above=0.5)) == "config n: '-1' must be greater than 0.5"


def test_at_least_takes_the_bound_itself():
    assert config(n="0").number("n", 1, at_least=0) == 0
    assert error_of(lambda: config(n="-0.5").number("n", 1, at_least=0)) == "config n: '-0.5' must be at least 0"
    assert error_of(lambda: config(n="1.5").number("n", 1, at_least=2.5)) == "config n: '1.5' must be at least 2.5"


def test_at_most_takes_the_bound_itself():
    assert config(n="60").number("n", 1, at_least=0, at_most=60) == 60
    assert error_of(lambda: config(n="61").number("n", 1, at_least=0, at_most=60)) == (
        "config n: '61' must be at most 60"
    )
    assert error_of(lambda: config(n="1.5").number("n", 1, at_most=1.25)) == "config n: '1.5' must be at most 1.25"


def test_no_bound_given_takes_any_number():
    assert config(n="-1e9").number("n", 1) == -1e9


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("false", False), ("TRUE", True), ("False", False)],
)
def test_a_flag_is_a_boolean_or_its_text_in_any_case(value: Any, expected: bool):
    assert config(f=value).flag("f", not expected) is expected


def test_an_unset_flag_is_its_default():
    assert config().flag("f", True) is True
    assert config(f="").flag("f", False) is False


@pytest.mark.parametrize(("value", "shown"), [("yes", "'yes'"), (1, "1"), ("always", "'always'")])
def test_a_flag_that_is_neither_true_nor_false_is_named(value: Any, shown: str):
    assert error_of(lambda: config(f=value).flag("f", False)) == f"config f: {shown} must be true or false"


MEANINGS = {"key": "the key", "entra": "Microsoft Entra ID"}


def test_a_choice_is_one_of_its_meanings_or_the_default():
    assert config(c="entra").choice("c", "key", MEANINGS) == "entra"
    assert config().choice("c", "key", MEANINGS) == "key"
    assert config(c="").choice("c", "entra", MEANINGS) == "entra"


def test_another_choice_is_refused_with_every_meaning_explained():
    assert error_of(lambda: config(c="password").choice("c", "key", MEANINGS)) == (
        "config c is 'password'; use 'key' (the key) or 'entra' (Microsoft Entra ID)"
    )
