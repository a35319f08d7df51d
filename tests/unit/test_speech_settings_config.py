"""The Speech settings a stack's config (or the environment) gives the provider host: defaults,
the bounds each number is held to, and the secrets they carry."""

import secrets

import pytest

from provider.errors import ConfigError
from provider.redaction import redact
from provider.speech.settings import SpeechSettings


def load(environ: dict[str, str] | None = None, **config: str) -> SpeechSettings:
    return SpeechSettings.load({f"personal-voice:{key}": value for key, value in config.items()}, environ or {})


def test_no_config_gives_the_documented_defaults():
    settings = load()
    assert (
        settings.create_timeout_seconds,
        settings.poll_interval_seconds,
        settings.retries,
        settings.backoff_factor,
        settings.requests_per_10_seconds,
    ) == (600.0, 1.0, 4, 0.5, 50)
    assert settings.speech_key is None and settings.storage.account_key is None


def test_each_number_is_taken_from_its_config_key():
    settings = load(
        createTimeoutSeconds="90",
        pollIntervalSeconds="2.5",
        httpRetries="20",
        retryBackoffSeconds="60",
        requestsPer10Seconds="100000",
    )
    assert (
        settings.create_timeout_seconds,
        settings.poll_interval_seconds,
        settings.retries,
        settings.backoff_factor,
        settings.requests_per_10_seconds,
    ) == (90.0, 2.5, 20, 60.0, 100_000)
    assert load(requestsPer10Seconds="0", httpRetries="0", retryBackoffSeconds="0").requests_per_10_seconds == 0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("httpRetries", "-1", "config httpRetries: '-1' must be at least 0"),
        ("httpRetries", "21", "config httpRetries: '21' must be at most 20"),
        ("retryBackoffSeconds", "-0.5", "config retryBackoffSeconds: '-0.5' must be at least 0"),
        ("requestsPer10Seconds", "-1", "config requestsPer10Seconds: '-1' must be at least 0"),
        ("requestsPer10Seconds", "100001", "config requestsPer10Seconds: '100001' must be at most 100000"),
    ],
)
def test_a_number_out_of_bounds_is_refused_naming_its_key(key, value, message):
    with pytest.raises(ConfigError) as raised:
        load(**{key: value})
    assert str(raised.value) == message


def test_the_storage_key_comes_from_the_same_config():
    assert load(storageAccountKey="c3RvcmFnZQ==").storage.account_key == "c3RvcmFnZQ=="
    assert load({"AZURE_STORAGE_KEY": "ZW52"}).storage.account_key == "ZW52"


def test_a_speech_key_from_the_environment_is_never_shown():
    key = secrets.token_hex(16)
    assert load({"AZURE_SPEECH_KEY": key}).speech_key == key
    assert key not in redact(f"an error that echoes {key}")
