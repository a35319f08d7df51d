"""A key the provider host would ask for at the first request is asked for by the program,
at preview, in the very words the provider host uses (one rule: `key_problems`)."""

import pulumi
import pytest

from catalog.environment import Environment
from provider.config import ConfigSource
from provider.errors import ConfigError
from provider.speech.settings import SpeechSettings

ENDPOINT = "http://127.0.0.1:8765"
CUSTOM = "https://contoso.cognitiveservices.azure.com"
SPEECH_KEY_MISSING = (
    "config speechKey: is required when authentication is key (set it with "
    "`pulumi config set --secret speechKey <key>`, or set AZURE_SPEECH_KEY)"
)
STORAGE_KEY_MISSING = (
    "config storageAccountKey: is required when authentication is key and the catalog has storage (set it with "
    "`pulumi config set --secret storageAccountKey <key>`, or set AZURE_STORAGE_KEY)"
)


def program_error(config: dict[str, str], environ: dict[str, str], *, managed_storage: bool) -> str | None:
    """The program's refusal of this config and environment, or None."""
    pulumi.runtime.set_all_config({f"personal-voice:{key}": value for key, value in config.items()}, [])
    try:
        Environment.from_config(pulumi.Config("personal-voice"), environ, managed_storage=managed_storage)
    except ConfigError as error:
        return str(error)
    finally:
        pulumi.runtime.set_all_config({}, [])
    return None


def provider_host_error(config: dict[str, str], environ: dict[str, str], *, storage: bool) -> str | None:
    """What the provider host says at its first request with the same config and environment."""
    source: ConfigSource = {f"personal-voice:{key}": value for key, value in config.items()}
    settings = SpeechSettings.load(source, environ)
    try:
        settings.auth()
        if storage and not settings.storage.entra:
            settings.storage.require_key()
    except ConfigError as error:
        return str(error)
    return None


@pytest.mark.parametrize("managed_storage", [False, True])
def test_no_speech_key_stops_the_program_naming_the_config_key_and_the_variable(managed_storage):
    environ = {"AZURE_STORAGE_KEY": "c3RvcmFnZS1rZXk="}
    error = program_error({"speechEndpoint": ENDPOINT}, environ, managed_storage=managed_storage)
    assert error == SPEECH_KEY_MISSING
    assert error == provider_host_error({"speechEndpoint": ENDPOINT}, environ, storage=managed_storage)


def test_no_storage_key_stops_a_program_with_storage_only():
    config = {"speechEndpoint": ENDPOINT, "speechKey": "c3BlZWNoLWtleQ=="}
    assert program_error(config, {}, managed_storage=True) == STORAGE_KEY_MISSING
    assert provider_host_error(config, {}, storage=True) == STORAGE_KEY_MISSING
    assert program_error(config, {}, managed_storage=False) is None


def test_both_keys_missing_are_both_named_one_line_each():
    error = program_error({"speechEndpoint": ENDPOINT}, {}, managed_storage=True)
    assert error == f"{SPEECH_KEY_MISSING}\n{STORAGE_KEY_MISSING}"


@pytest.mark.parametrize(
    ("config", "environ"),
    [
        ({"speechKey": "c3BlZWNoLWtleQ==", "storageAccountKey": "c3RvcmFnZS1rZXk="}, {}),
        ({}, {"AZURE_SPEECH_KEY": "c3BlZWNoLWtleQ==", "AZURE_STORAGE_KEY": "c3RvcmFnZS1rZXk="}),
        ({"speechKey": "c3BlZWNoLWtleQ=="}, {"AZURE_STORAGE_KEY": "c3RvcmFnZS1rZXk="}),
    ],
)
def test_a_key_from_config_or_the_environment_passes(config, environ):
    full = {"speechEndpoint": ENDPOINT, **config}
    assert program_error(full, environ, managed_storage=True) is None
    assert provider_host_error(full, environ, storage=True) is None


def test_an_empty_key_is_no_key():
    environ = {"AZURE_SPEECH_KEY": ""}
    assert program_error({"speechEndpoint": ENDPOINT, "speechKey": ""}, environ, managed_storage=False) == (
        SPEECH_KEY_MISSING
    )


def test_entra_id_needs_neither_key():
    config = {"speechEndpoint": CUSTOM, "authentication": "entra"}
    assert program_error(config, {}, managed_storage=True) is None
    assert SpeechSettings.load({f"personal-voice:{k}": v for k, v in config.items()}, {}).key_problems() == []
