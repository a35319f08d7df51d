"""Microsoft Entra ID in the emulator: bearer token rules and the managed identity endpoint."""

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from emulator import CustomVoiceBackend, mock_custom_voice
from emulator.identity import AUDIENCE, SPEECH_CONTRIBUTOR, SPEECH_USER, STORAGE_AUDIENCE, TOKEN_PATH
from tests.emulator.conftest import KEY, Api, voice_body, wait_for_port
from tests.emulator.test_emulator_server import REPOSITORY, STOP_TIMEOUT_SECONDS

CUSTOM_ENDPOINT = "https://contoso-speech.cognitiveservices.azure.com"
READER_CLIENT_ID = "0f0f0f0f-1111-2222-3333-444444444444"


@pytest.fixture
def entra() -> Iterator[CustomVoiceBackend]:
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    backend.enable_entra(user_assigned={READER_CLIENT_ID: [SPEECH_USER]})
    with mock_custom_voice(CUSTOM_ENDPOINT, backend=backend):
        yield backend


class BearerApi(Api):
    """The API caller, authenticated with a bearer token instead of the key."""

    def __init__(self, token: str, base: str = CUSTOM_ENDPOINT) -> None:
        super().__init__(base=base, key=None)
        self.token = token

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **(kwargs.pop("headers", None) or {})}
        return super().call(method, path, headers=headers, **kwargs)


def token_request(header: str | None, base: str = CUSTOM_ENDPOINT, method: str = "GET", **query: str):
    params = {"api-version": "2019-08-01", "resource": AUDIENCE, **query}
    headers = {"X-IDENTITY-HEADER": header} if header is not None else {}
    return requests.request(method, f"{base}{TOKEN_PATH}", params=params, headers=headers, timeout=5)


def error_of(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# Bearer tokens on the API


def test_a_contributor_reads_and_writes(entra):
    api = BearerApi(entra.mint_token(roles=[SPEECH_CONTRIBUTOR]))
    assert api.create_voice("Voice1").status_code == 201
    assert api.call("GET", "personalvoices/Voice1").status_code == 200
    assert api.call("DELETE", "personalvoices/Voice1").status_code == 204


def test_a_speech_user_reads_only(entra):
    entra.create_personal_voice("Voice1", voice_body())
    api = BearerApi(entra.mint_token(roles=[SPEECH_USER]))
    assert api.call("GET", "personalvoices/Voice1").status_code == 200
    assert api.call("GET", "personalvoices").status_code == 200
    for method, path in (("PUT", "personalvoices/Voice2"), ("DELETE", "personalvoices/Voice1"), ("POST", "consents/c")):
        response = api.call(method, path, json=voice_body())
        assert error_of(response) == (403, "Forbidden")
        assert response.headers["x-ms-error-code"] == "Forbidden"
    assert "allows reads only" in response.json()["error"]["message"]
    assert entra.get_personal_voice("Voice1")["id"] == "Voice1"


def test_a_token_with_no_speech_role_is_forbidden(entra):
    response = BearerApi(entra.mint_token(roles=["Reader"])).call("GET", "personalvoices")
    assert error_of(response) == (403, "Forbidden")
    assert "no Speech role" in response.json()["error"]["message"]


def _claims(backend: CustomVoiceBackend) -> dict[str, Any]:
    return jwt.decode(backend.mint_token(), options={"verify_signature": False})


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (lambda b: b.mint_token(expires_in=-1), "The access token has expired."),
        (lambda b: b.mint_token(audience="https://management.azure.com"), "its audience must be"),
        (lambda b: _other_tenant().mint_token(), "signature does not verify"),
        (lambda b: jwt.encode(_claims(b), "a-guessed-secret-of-32-bytes-or-more", algorithm="HS256"), "signature"),
        (lambda b: jwt.encode(_claims(b), "", algorithm="none"), "alg value is not allowed"),
        (lambda b: "not-a-jwt", "malformed"),
    ],
)
def test_a_bad_token_is_401(entra, token, message):
    sent = token(entra)
    response = BearerApi(sent).call("GET", "personalvoices")
    assert error_of(response) == (401, "Unauthorized")
    assert message in response.json()["error"]["message"]
    assert sent not in response.text


def _other_tenant() -> CustomVoiceBackend:
    backend = CustomVoiceBackend()
    backend.enable_entra()
    return backend


def test_the_token_names_its_tenant_identity_and_roles(entra):
    claims = _claims(entra)
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == f"https://sts.windows.net/{claims['tid']}/"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["roles"] == [SPEECH_CONTRIBUTOR] and claims["oid"]


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   "])
def test_an_authorization_that_is_not_a_bearer_token_is_401(entra, authorization):
    response = Api(base=CUSTOM_ENDPOINT, key=None).call("GET", "projects", headers={"Authorization": authorization})
    assert error_of(response) == (401, "Unauthorized")


def test_a_key_when_sent_decides_alone(entra):
    token = entra.mint_token()
    with_key = Api(base=CUSTOM_ENDPOINT, key="wrong").call(
        "GET", "projects", headers={"Authorization": f"Bearer {token}"}
    )
    assert error_of(with_key) == (401, "401")
    assert Api(base=CUSTOM_ENDPOINT).call("GET", "projects").status_code == 200


def test_tokens_are_refused_on_a_regional_endpoint():
    backend = CustomVoiceBackend()
    backend.enable_entra()
    regional = "https://westeurope.api.cognitive.microsoft.com"
    with mock_custom_voice(regional, backend=backend):
        response = BearerApi(backend.mint_token(), base=regional).call("GET", "projects")
    assert error_of(response) == (401, "Unauthorized")
    assert "custom subdomain" in response.json()["error"]["message"]


def test_without_entra_a_bearer_token_is_401():
    minted_elsewhere = _other_tenant().mint_token()
    with mock_custom_voice(CUSTOM_ENDPOINT, backend=CustomVoiceBackend()) as backend:
        assert error_of(BearerApi(minted_elsewhere).call("GET", "projects")) == (401, "401")
        with pytest.raises(RuntimeError, match="enable_entra"):
            backend.mint_token()


def test_enabling_again_makes_a_new_tenant(entra):
    token = entra.mint_token()
    entra.enable_entra()
    assert error_of(BearerApi(token).call("GET", "projects")) == (401, "Unauthorized")


# The managed identity endpoint


def test_the_managed_identity_endpoint_issues_tokens_the_api_accepts(entra):
    header = entra.enable_entra()
    response = token_request(header)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_on", "resource", "token_type", "client_id"}
    assert (body["resource"], body["token_type"]) == (AUDIENCE, "Bearer")
    assert int(body["expires_on"]) == pytest.approx(time.time() + 3600, abs=5)
    assert BearerApi(body["access_token"]).create_voice("Voice1").status_code == 201
    assert entra.requests[-1].path == "/customvoice/personalvoices/Voice1"
    assert all(TOKEN_PATH not in recorded.path for recorded in entra.requests)


def test_a_client_id_selects_a_user_assigned_identity(entra):
    header = entra.enable_entra(user_assigned={READER_CLIENT_ID: [SPEECH_USER]})
    body = token_request(header, client_id=READER_CLIENT_ID).json()
    assert body["client_id"] == READER_CLIENT_ID
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["appid"], claims["roles"]) == (READER_CLIENT_ID, [SPEECH_USER])
    assert error_of(BearerApi(body["access_token"]).create_voice("Voice1")) == (403, "Forbidden")


RIGHT_HEADER = object()


@pytest.mark.parametrize(
    ("header", "method", "query", "status", "message"),
    [
        (None, "GET", {}, 401, "X-IDENTITY-HEADER"),
        ("wrong", "GET", {}, 401, "X-IDENTITY-HEADER"),
        (RIGHT_HEADER, "POST", {}, 405, "GET only"),
        (RIGHT_HEADER, "GET", {"api-version": "2018-02-01"}, 400, "2019-08-01"),
        (RIGHT_HEADER, "GET", {"resource": "https://vault.azure.net"}, 400, AUDIENCE),
        (RIGHT_HEADER, "GET", {"client_id": "unknown"}, 400, "unknown"),
        (RIGHT_HEADER, "GET", {"object_id": "00000000-0000-0000-0000-000000000000"}, 400, "client_id"),
    ],
)
def test_the_managed_identity_endpoint_refuses(entra, header, method, query, status, message):
    sent = entra.enable_entra() if header is RIGHT_HEADER else header
    response = token_request(sent, method=method, **query)
    assert response.status_code == status
    assert response.json()["statusCode"] == status and message in response.json()["message"]


def test_a_resource_with_a_trailing_slash_is_the_same_resource(entra):
    response = token_request(entra.enable_entra(), resource=f"{AUDIENCE}/")
    assert response.status_code == 200 and response.json()["resource"] == f"{AUDIENCE}/"


def test_a_storage_token_is_for_storage_and_the_speech_resource_refuses_it(entra):
    response = token_request(entra.enable_entra(), resource=STORAGE_AUDIENCE)
    assert response.status_code == 200 and response.json()["resource"] == STORAGE_AUDIENCE
    token = response.json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == STORAGE_AUDIENCE
    refused = BearerApi(token).call("GET", "personalvoices")
    assert refused.status_code == 401 and "another resource" in refused.json()["error"]["message"]


def test_the_managed_identity_endpoint_is_404_without_entra():
    with mock_custom_voice(CUSTOM_ENDPOINT, backend=CustomVoiceBackend()):
        response = token_request("anything")
    assert response.status_code == 404 and "--entra" in response.json()["message"]


# python -m emulator --entra


def test_the_module_writes_the_identity_header_to_a_private_file(tmp_path: Path):
    port_file, header_file = tmp_path / "port", tmp_path / "identity-header"
    command = [sys.executable, "-m", "emulator", "--port", "0", "--port-file", str(port_file)]
    command += ["--identity-header-file", str(header_file)]
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    process = subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        port = wait_for_port(port_file, process)
        header = header_file.read_text(encoding="utf-8").strip()
        assert stat.S_IMODE(header_file.stat().st_mode) == 0o600
        token = token_request(header, base=f"http://127.0.0.1:{port}").json()["access_token"]
        assert BearerApi(token, base=f"http://127.0.0.1:{port}").call("GET", "projects").status_code == 200
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=STOP_TIMEOUT_SECONDS)
    assert process.returncode == 0, stderr
    assert stdout.splitlines() == [
        f"emulator listening on http://127.0.0.1:{port}",
        f"IDENTITY_ENDPOINT=http://127.0.0.1:{port}{TOKEN_PATH}",
    ]
    assert header not in stdout and not header_file.exists()
