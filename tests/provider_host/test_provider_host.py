"""The real dynamic provider host (this project's `python -m provider.host`, Pulumi's host with
one-line errors and an engine watch) driven over gRPC, against the emulator's HTTP server:
proves that the by-reference pickle of the provider resolves in a separate process, that
configure() receives the key from stack config, that errors raised on purpose arrive as their
message alone, and that the host exits once its engine is gone."""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import provider
from emulator import CustomVoiceBackend, EmulatorServer
from emulator.quota import NO_QUOTA
from provider.host import ENGINE_CHECK_INTERVAL_SECONDS, workers
from provider.personal_voice import PersonalVoiceProvider
from tests.conftest import KEY, voice_inputs
from tests.emulator.conftest import FakeClock

URN = "urn:pulumi:dev::personal-voice::pulumi-python:dynamic/customvoice:PersonalVoice::jessica"
TIMEOUT = 30


def to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    return asyncio.run(rpc.serialize_properties(values, {}))


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return rpc.deserialize_properties(struct)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    backend = CustomVoiceBackend(keys=[KEY])
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with EmulatorServer(backend) as running:
        yield running


@pytest.fixture
def host(tmp_path) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    with running_host(tmp_path) as stub:
        yield stub


@contextmanager
def running_host(tmp_path: Path) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    process = start_host(tmp_path)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)


def start_host(directory, *engine: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "provider.host", *engine],
        cwd=directory,
        env=host_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def host_environment() -> dict[str, str]:
    """Started outside the repo with no PYTHONPATH: the provider module must be importable from
    the installed project, as it is when the pulumi engine starts the host.

    Under mutmut (scripts/mutation; it names the mutant in MUTANT_UNDER_TEST) the code under test
    is the mutated copy in mutants/ this process imported, which the editable install does not
    map: the host imports that copy and runs the same mutant. mutmut maps tests to the code they
    run in its own process only ("stats"), and a host there would look for mutmut's config in
    its working directory: there it runs the copy's code unmutated and unrecorded."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if "MUTANT_UNDER_TEST" in env:
        env["PYTHONPATH"] = str(Path(provider.__file__).resolve().parents[1])
        if env["MUTANT_UNDER_TEST"] == "stats":
            env["MUTANT_UNDER_TEST"] = ""
    return env


def configure(host, **extra: str) -> None:
    config = {"personal-voice:speechKey": KEY, "personal-voice:pollIntervalSeconds": "0.05", **extra}
    host.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False), timeout=TIMEOUT)


def test_pickled_provider_is_a_small_reference_to_the_class():
    pickled = serialize_provider(PersonalVoiceProvider())
    print(f"__provider is {len(pickled)} bytes (base64)")
    assert len(pickled) < 300


def test_full_lifecycle_over_grpc(server, host):
    configure(host)
    provider_blob = serialize_provider(PersonalVoiceProvider())
    news = {**voice_inputs(endpoint=server.url, audios_extensions=["*.wav"]), "__provider": provider_blob}

    checked = host.Check(provider_pb2.CheckRequest(urn=URN, olds=to_struct({}), news=to_struct(news)), timeout=TIMEOUT)
    assert list(checked.failures) == []
    inputs = from_struct(checked.inputs)
    assert inputs["audios"]["extensions"] == [".wav"]

    created = host.Create(provider_pb2.CreateRequest(urn=URN, properties=checked.inputs), timeout=TIMEOUT)
    outputs = from_struct(created.properties)
    assert created.id == "Jessica"
    assert outputs["status"] == "Succeeded" and outputs["speakerProfileId"]
    assert server.backend.get_personal_voice("Jessica")["speakerProfileId"] == outputs["speakerProfileId"]

    unchanged = host.Diff(
        provider_pb2.DiffRequest(id="Jessica", urn=URN, olds=created.properties, news=checked.inputs), timeout=TIMEOUT
    )
    assert unchanged.changes == provider_pb2.DiffResponse.DIFF_NONE

    moved = {**inputs, "audios": {**inputs["audios"], "prefix": "other/"}}
    replaced = host.Diff(
        provider_pb2.DiffRequest(id="Jessica", urn=URN, olds=created.properties, news=to_struct(moved)), timeout=TIMEOUT
    )
    assert replaced.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(replaced.replaces) == ["audios"] and replaced.deleteBeforeReplace

    read = host.Read(provider_pb2.ReadRequest(id="Jessica", urn=URN, properties=created.properties), timeout=TIMEOUT)
    assert read.id == "Jessica"
    assert from_struct(read.properties)["speakerProfileId"] == outputs["speakerProfileId"]

    host.Delete(provider_pb2.DeleteRequest(id="Jessica", urn=URN, properties=created.properties), timeout=TIMEOUT)
    gone = host.Read(provider_pb2.ReadRequest(id="Jessica", urn=URN, properties=created.properties), timeout=TIMEOUT)
    assert gone.id == ""


def test_the_host_serves_many_calls_at_once():
    """Pulumi's own host serves 4 calls at once. Twelve creates are sent together, and the
    service's clock stands still, so no voice finishes: every PUT arrives only if twelve
    calls are in the host at the same time."""
    clock = FakeClock()
    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=5, clock=clock, quota=NO_QUOTA)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    with EmulatorServer(backend) as server, running_host(Path(tempfile.mkdtemp())) as host:
        configure(host, **{"personal-voice:requestsPer10Seconds": "0"})
        provider_blob = serialize_provider(PersonalVoiceProvider())

        def create(voice_id: str) -> str:
            props = {**voice_inputs(endpoint=server.url, voiceId=voice_id), "__provider": provider_blob}
            request = provider_pb2.CreateRequest(urn=f"{URN}-{voice_id}", properties=to_struct(props))
            return host.Create(request, timeout=TIMEOUT).id

        with futures.ThreadPoolExecutor(max_workers=12) as calls:
            created = [calls.submit(create, f"Voice{n:02d}") for n in range(12)]
            in_service = wait_until(lambda: len(backend.list_personal_voices()) == 12)
            clock.advance(10)  # provisioning ends; every create finishes
            assert in_service, f"{len(backend.list_personal_voices())} of 12 creates reached the service"
            assert sorted(future.result(timeout=TIMEOUT) for future in created) == [f"Voice{n:02d}" for n in range(12)]


def wait_until(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("given", "expected"), [({}, 1024), ({"PV_PROVIDER_WORKERS": "300"}, 300)])
def test_the_worker_count_comes_from_the_environment(given, expected):
    assert workers(given) == expected


@pytest.mark.parametrize("given", ["0", "many", "-3"])
def test_a_bad_worker_count_stops_the_host_with_the_variable_named(given):
    with pytest.raises(SystemExit, match="PV_PROVIDER_WORKERS is"):
        workers({"PV_PROVIDER_WORKERS": given})


def test_check_failures_name_their_fields_over_grpc(server, host):
    configure(host)
    news = {**voice_inputs(endpoint=server.url, voiceId="x"), "__provider": serialize_provider(PersonalVoiceProvider())}
    checked = host.Check(provider_pb2.CheckRequest(urn=URN, olds=to_struct({}), news=to_struct(news)), timeout=TIMEOUT)
    assert [f.property for f in checked.failures] == ["voiceId"]
    assert server.backend.requests == []


def test_errors_reaching_the_engine_carry_no_key(server, host):
    configure(host, **{"personal-voice:speechKey": "ffffffffffffffffffffffffffffffff"})
    props = {**voice_inputs(endpoint=server.url), "__provider": serialize_provider(PersonalVoiceProvider())}
    with pytest.raises(grpc.RpcError) as caught:
        host.Create(provider_pb2.CreateRequest(urn=URN, properties=to_struct(props)), timeout=TIMEOUT)
    details = caught.value.details()
    assert "HTTP 401" in details
    assert "ffffffffffffffff" not in details


def test_an_error_raised_on_purpose_arrives_as_its_message_alone(server, host):
    configure(host, **{"personal-voice:speechKey": ""})
    props = {**voice_inputs(endpoint=server.url), "__provider": serialize_provider(PersonalVoiceProvider())}
    with pytest.raises(grpc.RpcError) as caught:
        host.Create(provider_pb2.CreateRequest(urn=URN, properties=to_struct(props)), timeout=TIMEOUT)
    assert caught.value.details().startswith("config speechKey: is required when authentication is key")
    assert "Traceback" not in caught.value.details()


def test_an_unexpected_error_keeps_its_traceback(server, host):
    configure(host)
    props = {"endpoint": server.url, "__provider": serialize_provider(PersonalVoiceProvider())}  # no voiceId
    with pytest.raises(grpc.RpcError) as caught:
        host.Create(provider_pb2.CreateRequest(urn=URN, properties=to_struct(props)), timeout=TIMEOUT)
    assert "Traceback" in caught.value.details() and "KeyError" in caught.value.details()


def test_the_host_exits_once_its_engine_is_gone(tmp_path):
    engine = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = engine.add_insecure_port("127.0.0.1:0")
    engine.start()
    process = start_host(tmp_path, f"127.0.0.1:{port}")
    try:
        assert process.stdout is not None and int(process.stdout.readline().decode().strip()) > 0
        time.sleep(3 * ENGINE_CHECK_INTERVAL_SECONDS)
        assert process.poll() is None  # the engine is there: it serves on
        engine.stop(0)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)
