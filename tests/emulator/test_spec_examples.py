"""Every spec example that concerns projects, consents, personal voices, base models and
operations, replayed against the emulator's HTTP server: the status, the headers the example
shows, and the body's keys with the type of each value must be the example's."""

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from emulator import CustomVoiceBackend, EmulatorServer
from tests.audio import wav_bytes
from tests.emulator.spec_examples import EXAMPLES, V2026, Example

KEY = "spec-example-key"
TIMEOUT = 10
JSON_TYPES = {str: "str", list: "list", dict: "dict", int: "int", float: "float", bool: "bool"}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(CustomVoiceBackend(keys=[KEY])) as running:
        yield running


def given(backend: CustomVoiceBackend, example: Example) -> dict[str, str]:
    """Make what the example presumes; returns what its path refers to."""
    names: dict[str, str] = {}
    count = 3 if "three" in example.given else 1
    suffixes = [""] + [f"-{n}" for n in range(2, count + 1)]
    if "project" in example.given or "three" in example.given:
        locale = {"locale": "en-US"} if example.version == V2026 else {}
        for suffix in suffixes:
            backend.add_project(
                f"Jessica{suffix}", "ProfessionalVoice", description="Project for Jessica Voice", **locale
            )
    if {"consent", "voice", "three"} & set(example.given):
        backend.add_project("PersonalVoice", description="Project for personal voice")
        for suffix in suffixes:
            backend.add_consent(f"Jessica{suffix}", "PersonalVoice", description="Consent for Jessica voice")
    if {"voice", "three"} & set(example.given):
        for suffix in suffixes:
            body = {
                "projectId": "PersonalVoice",
                "consentId": f"Jessica{suffix}",
                "audios": {"containerUrl": "https://contoso.blob.core.windows.net/c", "extensions": [".wav"]},
            }
            names["operation"] = backend.create_personal_voice(f"Jessica-PersonalVoice{suffix}", body).operation_id
    return names


def send(server: EmulatorServer, example: Example, names: dict[str, str]) -> requests.Response:
    headers = {"Ocp-Apim-Subscription-Key": KEY}
    if example.operation_id:
        headers["Operation-Id"] = example.operation_id
    files = [("audiodata", ("jessica.wav", wav_bytes(6), "audio/wav"))] if example.form is not None else None
    return requests.request(
        example.method,
        f"{server.url}/customvoice/{example.path.format(**names)}",
        params={**example.query, "api-version": example.version},
        headers=headers,
        json=example.json,
        data=example.form,
        files=files,
        timeout=TIMEOUT,
    )


def shape(value: dict[str, Any]) -> dict[str, str]:
    return {key: JSON_TYPES.get(type(item), type(item).__name__) for key, item in value.items()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_the_emulator_answers_as_the_spec_example_shows(server: EmulatorServer, example: Example):
    server.backend.reset()
    response = send(server, example, given(server.backend, example))
    assert response.status_code == example.status, response.text
    assert {name.lower() for name in example.headers} <= {name.lower() for name in response.headers}
    if not example.keys:
        assert response.content == b""
        return
    body = response.json()
    assert shape(body) == example.keys
    if example.item_keys:
        assert body["value"], "the example's list is not empty"
        expected = {**example.item_keys, **{key: "str" for key in example.schema_adds}}
        assert all(shape(item) == expected for item in body["value"])
