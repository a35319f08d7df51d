"""ContainerSas: the inputs check takes, and the tokens it signs, renews and keeps, checked
against the session's Azurite (a token must read and list the container, and nothing more)."""

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import ContainerClient
from pulumi.dynamic import Config, ConfigureRequest, CreateResult, ReadResult, UpdateResult

from provider.container_sas import ContainerSasProvider, renewal_due
from tests.storage_fixtures import ACCOUNT_KEY, Azurite

ACCOUNT_URL = "https://contoso.blob.core.windows.net"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def configured() -> ContainerSasProvider:
    provider = ContainerSasProvider()
    provider.configure(ConfigureRequest(Config({"personal-voice:storageAccountKey": ACCOUNT_KEY}, "personal-voice")))
    return provider


def outs(result: CreateResult | UpdateResult | ReadResult) -> dict[str, Any]:
    assert result.outs is not None
    return result.outs


def failures(**inputs: Any) -> dict[str, str]:
    result = ContainerSasProvider().check({}, {"accountUrl": ACCOUNT_URL, "containerName": "voices", **inputs})
    return {f.property: f.reason for f in result.failures}


@pytest.fixture
def container(azurite: Azurite) -> Iterator[ContainerClient]:
    container = azurite.new_container()
    container.upload_blob("jessica/a.wav", b"a recording")
    yield container
    container.delete_container()


def inputs_for(container: ContainerClient, **changes: Any) -> dict[str, Any]:
    news = {"accountUrl": container.url.rsplit("/", 1)[0], "containerName": container.container_name, **changes}
    return ContainerSasProvider().check({}, news).inputs


def expiry_seconds_from_now(expires_on: str) -> float:
    return (datetime.strptime(expires_on, FORMAT).replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()


# check


def test_the_shortest_lifetime_and_no_renewal_window_are_allowed():
    assert failures(lifetimeDays=1, renewWithinDays=0) == {}


def test_a_renewal_window_as_long_as_the_lifetime_is_refused_with_the_reason():
    assert failures(lifetimeDays=7, renewWithinDays=7) == {
        "renewWithinDays": "must be less than lifetimeDays (7), or every run renews"
    }


@pytest.mark.parametrize("lifetime", ["30", 2.5])
def test_a_lifetime_that_is_no_whole_number_is_the_only_problem_named(lifetime: Any):
    assert failures(lifetimeDays=lifetime) == {
        "lifetimeDays": f"must be a whole number of at least 1, got {lifetime!r}"
    }


def test_renewal_is_due_when_the_window_is_not_a_number():
    assert renewal_due("2030-01-10T00:00:00Z", None, NOW) is True
    assert renewal_due("2030-01-10T00:00:00Z", "7", NOW) is True


# signing


def test_create_signs_a_token_that_reads_and_lists_the_container_and_nothing_more(container: ContainerClient):
    created = configured().create(inputs_for(container, lifetimeDays=3, renewWithinDays=1))
    assert created.id.startswith("sas-") and uuid.UUID(created.id.removeprefix("sas-"))
    outputs = outs(created)
    assert set(outputs) == {
        "accountUrl",
        "containerName",
        "lifetimeDays",
        "renewWithinDays",
        "permissions",
        "token",
        "expiresOn",
    }
    assert (outputs["lifetimeDays"], outputs["renewWithinDays"], outputs["permissions"]) == (3, 1, "rl")
    assert abs(expiry_seconds_from_now(outputs["expiresOn"]) - 3 * 86400) < 60
    query = parse_qs(outputs["token"])
    assert (query["sp"], query["sr"], query["se"]) == (["rl"], ["c"], [outputs["expiresOn"]])
    signed = ContainerClient.from_container_url(f"{container.url}?{outputs['token']}")
    assert [b.name for b in signed.list_blobs()] == ["jessica/a.wav"]
    assert signed.download_blob("jessica/a.wav").readall() == b"a recording"
    with pytest.raises(HttpResponseError) as refused:
        signed.upload_blob("jessica/b.wav", b"more")
    assert refused.value.status_code == 403


def test_each_create_is_a_new_resource_id(container: ContainerClient):
    provider = configured()
    assert provider.create(inputs_for(container)).id != provider.create(inputs_for(container)).id


def test_expires_on_is_utc_whatever_the_machines_time_zone(container: ContainerClient, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    time.tzset()
    try:
        outputs = outs(configured().create(inputs_for(container, lifetimeDays=2, renewWithinDays=1)))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert abs(expiry_seconds_from_now(outputs["expiresOn"]) - 2 * 86400) < 60


def test_an_update_when_renewal_is_due_signs_a_new_token_for_the_new_lifetime(container: ContainerClient):
    provider = configured()
    olds = {**outs(provider.create(inputs_for(container))), "expiresOn": "2000-01-01T00:00:00Z", "token": "old"}
    renewed = outs(provider.update("id", olds, inputs_for(container, lifetimeDays=5)))
    assert renewed["token"] != "old" and renewed["permissions"] == "rl"
    assert abs(expiry_seconds_from_now(renewed["expiresOn"]) - 5 * 86400) < 60
    assert renewed["lifetimeDays"] == 5
    signed = ContainerClient.from_container_url(f"{container.url}?{renewed['token']}")
    assert [b.name for b in signed.list_blobs()] == ["jessica/a.wav"]


def test_an_update_before_renewal_keeps_the_token_its_permissions_and_expiry(container: ContainerClient):
    provider = configured()
    olds = outs(provider.create(inputs_for(container)))
    kept = outs(provider.update("id", olds, inputs_for(container, renewWithinDays=3)))
    assert kept == {**olds, "renewWithinDays": 3}


def test_read_keeps_the_token_as_it_is():
    props = {
        "accountUrl": ACCOUNT_URL,
        "containerName": "voices",
        "lifetimeDays": 30,
        "renewWithinDays": 7,
        "permissions": "rl",
        "token": "sv=x&sig=y",
        "expiresOn": "2030-01-01T00:00:00Z",
    }
    read = ContainerSasProvider().read("sas-1", props)
    assert (read.id, read.outs) == ("sas-1", props)


def test_a_fresh_token_needs_no_new_one_and_an_old_one_does():
    provider = ContainerSasProvider()
    fresh = (datetime.now(UTC) + timedelta(days=20)).strftime(FORMAT)
    olds = {"lifetimeDays": 30, "renewWithinDays": 7, "permissions": "rl", "expiresOn": fresh}
    assert provider.computed_changes(olds, {"lifetimeDays": 30, "renewWithinDays": 7}) == []
    assert provider.computed_changes({**olds, "expiresOn": "2000-01-01T00:00:00Z"}, olds) == ["token"]
