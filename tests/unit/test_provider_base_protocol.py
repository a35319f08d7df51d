"""What `provider.base.DynamicProvider` gives every provider: settings loaded in `configure()`
and never pickled, one `check` that reports the problems of known values only, and one `diff`
that adds what a provider finds itself."""

import pickle
from dataclasses import dataclass
from typing import Any, Self

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import rpc

from provider.base import DynamicProvider
from provider.config import ConfigSource, StackConfig
from provider.diffing import DiffRules
from provider.validation import Problem


@dataclass(frozen=True)
class ToySettings:
    secret: str = "none"
    strict: bool = False

    @classmethod
    def load(cls, source: ConfigSource | None) -> Self:
        config = StackConfig(source)
        return cls(secret=config.get("secret") or "none", strict=config.flag("strict", False))


class ToyProvider(DynamicProvider[ToySettings]):
    settings_type = ToySettings
    diff_rules = DiffRules(replacing=("name",), in_place=("size",), stable_outputs=("created",))

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        inputs = {"name": news.get("name"), "size": news.get("size")}
        problems = [Problem("name", "is required")] if not inputs["name"] else []
        if inputs["size"] is not None and inputs["size"] != rpc.UNKNOWN and inputs["size"] < 0:
            problems.append(Problem("size", "must not be negative"))
        return inputs, problems


class StrictToyProvider(ToyProvider):
    def settings_problems(self, inputs: dict[str, Any]) -> list[Problem]:
        return [Problem("size", "is needed with strict: true")] if self.settings.strict and not inputs["size"] else []

    def computed_changes(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        return ["token"] if olds.get("tokenDue") else []

    def drift(self, olds: dict[str, Any]) -> list[str]:
        return ["status"] if olds.get("status") == "Failed" else []

    def identity(self) -> tuple[str, ...]:
        return ("name",)


def configured(provider: ToyProvider, **config: str) -> ToyProvider:
    provider.configure(
        ConfigureRequest(Config({f"personal-voice:{k}": v for k, v in config.items()}, "personal-voice"))
    )
    return provider


def test_configure_loads_the_settings_and_unconfigured_providers_get_the_defaults():
    assert configured(ToyProvider(), secret="s3cret").settings == ToySettings(secret="s3cret")
    assert ToyProvider().settings == ToySettings()


def test_a_configured_provider_pickles_without_its_settings():
    provider = configured(ToyProvider(), secret="s3cret")
    assert provider.__getstate__() == {}
    restored = pickle.loads(pickle.dumps(provider))
    assert restored.settings == ToySettings()
    assert b"s3cret" not in pickle.dumps(provider)


def test_check_stores_the_normalised_inputs_and_names_each_problem():
    result = ToyProvider().check({}, {"size": -1, "extra": True})
    assert result.inputs == {"name": None, "size": -1}
    assert [(failure.property, failure.reason) for failure in result.failures] == [
        ("name", "is required"),
        ("size", "must not be negative"),
    ]


def test_check_adds_what_the_settings_ask_and_drops_problems_of_unknown_values():
    strict = configured(StrictToyProvider(), strict="true")
    assert [(f.property, f.reason) for f in strict.check({}, {"name": "a"}).failures] == [
        ("size", "is needed with strict: true")
    ]
    assert strict.check({}, {"name": rpc.UNKNOWN, "size": rpc.UNKNOWN}).failures == []
    assert ToyProvider().check({}, {"name": "a"}).failures == []


def test_diff_follows_the_rules():
    provider = ToyProvider()
    olds = {"name": "a", "size": 1, "created": "t"}
    same = provider.diff("a", olds, {"name": "a", "size": 1})
    assert (same.changes, same.replaces, same.stables, same.delete_before_replace) == (False, [], ["created"], None)
    resized = provider.diff("a", olds, {"name": "a", "size": 2})
    assert (resized.changes, resized.replaces) == (True, [])
    renamed = provider.diff("a", olds, {"name": "b", "size": 1})
    assert (renamed.replaces, renamed.stables) == (["name"], [])


def test_diff_adds_the_changes_a_provider_finds_and_deletes_first_under_the_same_identity():
    provider = StrictToyProvider()
    due = provider.diff("a", {"name": "a", "size": 1, "tokenDue": True}, {"name": "a", "size": 1})
    assert (due.changes, due.replaces) == (True, [])
    failed = provider.diff("a", {"name": "a", "size": 1, "status": "Failed"}, {"name": "a", "size": 1})
    assert (failed.changes, failed.replaces, failed.delete_before_replace) == (True, ["status"], True)
    renamed = provider.diff("a", {"name": "a", "size": 1}, {"name": "b", "size": 1})
    assert renamed.delete_before_replace is False


def test_a_provider_that_does_not_say_how_to_normalise_cannot_check():
    class Unfinished(DynamicProvider[ToySettings]):
        settings_type = ToySettings
        diff_rules = DiffRules(replacing=())

    with pytest.raises(NotImplementedError):
        Unfinished().check({}, {"name": "a"})
