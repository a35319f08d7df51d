"""How `provider.storage.sas` signs the read+list SAS a voice's create hands to the Speech
service, and how `provider.storage.client` reaches Blob Storage and reports its failures: no
real storage involved (the account's answers come from `responses`)."""

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ServiceRequestError

from provider.storage import client as storage_client
from provider.storage.client import StorageError, error_code, storage_errors
from provider.storage.sas import read_list_sas, short_lived_container_url, split_container_url
from provider.storage.settings import StorageSettings

ACCOUNT_URL = "https://contoso.blob.core.windows.net"
LOCAL_ACCOUNT_URL = "http://127.0.0.1:10000/devstoreaccount1"
KEY = base64.b64encode(b"k" * 64).decode()
DELEGATION_KEY = f"""<?xml version="1.0" encoding="utf-8"?>
<UserDelegationKey><SignedOid>oid-1</SignedOid><SignedTid>tid-1</SignedTid>
<SignedStart>2030-01-01T00:00:00Z</SignedStart><SignedExpiry>2030-01-02T00:00:00Z</SignedExpiry>
<SignedService>b</SignedService><SignedVersion>2024-11-04</SignedVersion>
<Value>{base64.b64encode(b"d" * 32).decode()}</Value></UserDelegationKey>"""


def timeout_of(call: Any) -> Any:
    """The (connect, read) timeout the request was sent with."""
    return call.request.req_kwargs["timeout"]


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Kolkata"])
def host_timezone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The provider host's local timezone: a SAS is valid from a UTC moment whatever it is."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def fields(token: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(token).items()}


def parsed(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class StorageTokens:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken("storage-token", int(time.time()) + 3600)


@pytest.mark.parametrize(
    ("url", "account", "container"),
    [
        (f"{ACCOUNT_URL}/voices", ACCOUNT_URL, "voices"),
        (f"{ACCOUNT_URL}/voices/?sv=1&sig=x", ACCOUNT_URL, "voices"),
        (f"{ACCOUNT_URL}/voices?sv=1&note=a?b/c", ACCOUNT_URL, "voices"),
        (f"{LOCAL_ACCOUNT_URL}/voices", LOCAL_ACCOUNT_URL, "voices"),
    ],
)
def test_a_container_url_splits_into_account_and_container(url: str, account: str, container: str):
    assert split_container_url(url) == (account, container)


def test_a_key_signed_sas_reads_and_lists_over_https_from_a_little_before_now(host_timezone: str):
    expiry = datetime(2030, 1, 1, 12, tzinfo=UTC)
    before = datetime.now(UTC).replace(microsecond=0)
    token = fields(read_list_sas(ACCOUNT_URL, "voices", KEY, expiry))
    assert token["sp"] == "rl"
    assert token["sr"] == "c"
    assert token["spr"] == "https"
    assert parsed(token["se"]) == expiry
    assert before - timedelta(minutes=15) <= parsed(token["st"]) <= datetime.now(UTC) - timedelta(minutes=14)
    assert "skoid" not in token and token["sig"]


def test_a_local_emulator_sas_allows_plain_http_too():
    token = fields(read_list_sas(LOCAL_ACCOUNT_URL, "voices", KEY, datetime(2030, 1, 1, tzinfo=UTC)))
    assert token["spr"] == "https,http"


def test_a_key_signed_container_url_lasts_the_given_time_and_a_little_more(host_timezone: str):
    settings = StorageSettings(account_key=KEY)
    before = datetime.now(UTC).replace(microsecond=0)
    url = short_lived_container_url(f"{ACCOUNT_URL}/voices", settings, timedelta(hours=2))
    base, _, token = url.partition("?")
    assert base == f"{ACCOUNT_URL}/voices"
    signed = fields(token)
    expiry = parsed(signed["se"])
    assert before + timedelta(hours=2, minutes=15) <= expiry <= datetime.now(UTC) + timedelta(hours=2, minutes=15)
    assert (signed["sp"], signed["spr"]) == ("rl", "https")


@responses.activate
def test_with_entra_the_sas_is_signed_with_a_user_delegation_key_for_the_same_span(
    monkeypatch: pytest.MonkeyPatch, host_timezone: str
):
    tokens = StorageTokens()
    monkeypatch.setattr("provider.storage.settings.entra_credential", lambda client_id: tokens)
    responses.post(
        f"{ACCOUNT_URL}/?restype=service&comp=userdelegationkey",
        body=DELEGATION_KEY,
        status=200,
        content_type="application/xml",
    )
    before = datetime.now(UTC).replace(microsecond=0)
    url = short_lived_container_url(f"{ACCOUNT_URL}/voices", StorageSettings(entra=True), timedelta(hours=1))

    [call] = responses.calls
    assert call.request.headers["Authorization"] == "Bearer storage-token"
    assert tokens.scopes == [("https://storage.azure.com/.default",)]
    body = call.request.body.decode() if isinstance(call.request.body, bytes) else str(call.request.body)
    start = parsed(body.split("<Start>")[1].split("</Start>")[0])
    asked_expiry = parsed(body.split("<Expiry>")[1].split("</Expiry>")[0])
    assert before - timedelta(minutes=15) <= start <= datetime.now(UTC) - timedelta(minutes=14)
    assert before + timedelta(hours=1, minutes=15) <= asked_expiry <= datetime.now(UTC) + timedelta(hours=1, minutes=15)

    signed = fields(url.partition("?")[2])
    assert (signed["skoid"], signed["sktid"], signed["sks"]) == ("oid-1", "tid-1", "b")
    assert parsed(signed["se"]) == asked_expiry
    assert (signed["sp"], signed["spr"]) == ("rl", "https")


@responses.activate
def test_a_user_delegation_key_storage_refuses_is_one_line_naming_the_account(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("provider.storage.settings.entra_credential", lambda client_id: StorageTokens())
    responses.post(
        f"{ACCOUNT_URL}/?restype=service&comp=userdelegationkey",
        body="<?xml version='1.0'?><Error><Code>AuthorizationPermissionMismatch</Code><Message>Not allowed.\nRequestId:1</Message></Error>",
        status=403,
        content_type="application/xml",
        headers={"x-ms-error-code": "AuthorizationPermissionMismatch"},
    )
    with pytest.raises(StorageError) as raised:
        short_lived_container_url(f"{ACCOUNT_URL}/voices", StorageSettings(entra=True), timedelta(hours=1))
    assert str(raised.value) == (
        f"Getting a user delegation key from {ACCOUNT_URL} failed: Not allowed. "
        "(HTTP 403, code AuthorizationPermissionMismatch)"
    )


def test_without_entra_or_a_key_no_sas_is_signed():
    with pytest.raises(Exception, match="config storageAccountKey: is required"):
        short_lived_container_url(f"{ACCOUNT_URL}/voices", StorageSettings(), timedelta(hours=1))


# Errors of storage calls


def http_error(message: str | None, status: int, code: Any) -> HttpResponseError:
    error = HttpResponseError(message=message)
    error.status_code = status
    error.error_code = code  # type: ignore[attr-defined]
    return error


class Code:
    """The SDK's error codes are str-valued enums."""

    value = "ContainerBeingDeleted"


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            http_error("Gone.\nRequestId:1\nTime:2", 404, "ContainerNotFound"),
            "Gone. (HTTP 404, code ContainerNotFound)",
        ),
        (http_error("Busy", 409, Code()), "Busy (HTTP 409, code ContainerBeingDeleted)"),
        (http_error("Denied", 403, None), "Denied (HTTP 403)"),
        (http_error("\n  \n", 500, ""), "no message (HTTP 500)"),
        (http_error("\n\nFirst\nSecond", 500, None), "First (HTTP 500)"),
    ],
)
def test_an_error_answer_is_one_line_with_its_status_and_code(error: HttpResponseError, shown: str):
    with pytest.raises(StorageError) as raised, storage_errors("Creating container x"):
        raise error
    assert str(raised.value) == f"Creating container x failed: {shown}"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_storage_that_cannot_be_reached_is_one_line_with_the_error_kind():
    with pytest.raises(StorageError) as raised, storage_errors("Reading container x"):
        raise ServiceRequestError("Connection refused\nat socket")
    assert str(raised.value) == "Reading container x failed: ServiceRequestError: Connection refused"
    assert raised.value.__suppress_context__


def test_other_errors_pass_through_and_nothing_happens_without_one():
    with pytest.raises(KeyError), storage_errors("Reading container x"):
        raise KeyError("x")
    with storage_errors("Reading container x"):
        pass


def test_an_error_code_is_read_from_an_enum_or_text():
    assert error_code(http_error("m", 409, Code())) == "ContainerBeingDeleted"
    assert error_code(http_error("m", 409, "ContainerAlreadyExists")) == "ContainerAlreadyExists"
    assert error_code(http_error("m", 409, None)) is None


@responses.activate
def test_clients_retry_a_busy_account_three_times_with_growing_waits(monkeypatch: pytest.MonkeyPatch):
    waits: list[float] = []
    monkeypatch.setattr(
        "azure.core.pipeline.transport.RequestsTransport.sleep", lambda self, seconds: waits.append(seconds)
    )
    responses.put(f"{ACCOUNT_URL}/voices?restype=container", status=503)
    client = storage_client.container_client(
        ACCOUNT_URL, "voices", StorageSettings(account_key=KEY).credential(ACCOUNT_URL)
    )
    with pytest.raises(HttpResponseError):
        client.create_container()
    assert len(responses.calls) == 4
    assert len(waits) == 3
    # 1 s, plus 2 s to the power of the retry, give or take 1 s
    assert 2 <= waits[0] <= 4 and 4 <= waits[1] <= 6 and 8 <= waits[2] <= 10
    assert all(timeout_of(call) == (5, 60) for call in responses.calls)


@responses.activate
def test_the_service_client_retries_the_same_way(monkeypatch: pytest.MonkeyPatch):
    waits: list[float] = []
    monkeypatch.setattr(
        "azure.core.pipeline.transport.RequestsTransport.sleep", lambda self, seconds: waits.append(seconds)
    )
    responses.post(f"{ACCOUNT_URL}/?restype=service&comp=userdelegationkey", status=503)
    client = storage_client.service_client(ACCOUNT_URL, StorageTokens())
    with pytest.raises(HttpResponseError):
        client.get_user_delegation_key(datetime.now(UTC), datetime.now(UTC) + timedelta(hours=1))
    assert len(responses.calls) == 4 and len(waits) == 3
    assert all(timeout_of(call) == (5, 60) for call in responses.calls)


def test_an_error_without_a_storage_code_or_a_message_still_reads_as_one_line():
    plain = HttpResponseError(message="Denied")  # raised by azure-core itself: no error_code at all
    plain.status_code = 403
    with pytest.raises(StorageError) as raised, storage_errors("Deleting container x"):
        raise plain
    assert str(raised.value) == "Deleting container x failed: Denied (HTTP 403)"
    assert error_code(plain) is None
    silent = http_error("unused", 500, None)
    silent.message = None  # type: ignore[assignment]
    with pytest.raises(StorageError) as raised, storage_errors("Deleting container x"):
        raise silent
    assert str(raised.value) == "Deleting container x failed: no message (HTTP 500)"


def test_the_account_of_a_local_emulator_is_the_first_path_segment():
    assert storage_client.account_name("http://127.0.0.1:10000/devstoreaccount1/voices") == "devstoreaccount1"
