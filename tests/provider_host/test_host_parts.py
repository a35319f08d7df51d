"""The parts `provider.host` adds to Pulumi's dynamic provider host, in process: the worker
pool, errors shown as their message, the watch on the engine, and how `main` puts them
together before handing over to `pulumi.dynamic`."""

import os
import pstats
import runpy
import subprocess
import sys
import threading
import traceback
from concurrent import futures
from typing import Any

import grpc
import pytest

from provider import host
from provider.errors import ConfigError, Refused


def test_one_worker_is_enough_and_spaces_are_ignored():
    assert host.workers({"PV_PROVIDER_WORKERS": "1"}) == 1
    assert host.workers({"PV_PROVIDER_WORKERS": " 7 "}) == 7
    assert host.workers({"PV_PROVIDER_WORKERS": "  "}) == host.DEFAULT_WORKERS


def test_a_bad_worker_count_says_what_to_give():
    with pytest.raises(SystemExit) as stopped:
        host.workers({"PV_PROVIDER_WORKERS": "0"})
    assert stopped.value.code == "PV_PROVIDER_WORKERS is '0'; give a whole number of workers, 1 or more"


def test_an_error_raised_on_purpose_is_formatted_as_its_message_alone():
    calls: list[tuple[Any, ...]] = []

    def format_exc(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return "Traceback ..."

    formatted = host.message_or_traceback(format_exc)
    try:
        raise Refused("Voice 'x' is not the stack's")
    except Refused:
        assert formatted() == "Voice 'x' is not the stack's"
    try:
        raise ConfigError("config speechKey is missing")
    except ConfigError:
        assert formatted(3, chain=False) == "config speechKey is missing"
    assert calls == []


def test_any_other_error_keeps_its_traceback_formatted_as_asked():
    calls: list[tuple[Any, ...]] = []

    def format_exc(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return "Traceback ..."

    formatted = host.message_or_traceback(format_exc)
    try:
        raise KeyError("voiceId")
    except KeyError:
        assert formatted(5, chain=False) == "Traceback ..."
    assert formatted() == "Traceback ..."
    assert calls == [((5,), {"chain": False}), ((), {})]


def test_the_server_gets_a_pool_of_the_given_size_and_the_other_arguments():
    handed: list[Any] = []

    def server(pool: futures.ThreadPoolExecutor, *args: Any, **kwargs: Any) -> str:
        handed.append((pool, args, kwargs))
        return "the server"

    given = futures.ThreadPoolExecutor(max_workers=4)
    assert host.with_workers(server, 9)(given, "a", options=[("x", 1)]) == "the server"
    [(pool, args, kwargs)] = handed
    try:
        assert pool is not given
        assert pool._max_workers == 9
        assert (args, kwargs) == (("a",), {"options": [("x", 1)]})
        with pytest.raises(RuntimeError):
            given.submit(print)  # the pool Pulumi made is shut down: its threads serve nothing
        assert pool.submit(lambda: threading.current_thread().name).result().startswith("provider-call")
    finally:
        pool.shutdown()


def test_an_engine_that_answers_is_there():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        assert host.engine_is_there(f"127.0.0.1:{port}") is True
    finally:
        server.stop(None)


def test_an_engine_that_does_not_answer_in_time_is_gone(monkeypatch: pytest.MonkeyPatch):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port("127.0.0.1:0")  # taken, then closed: nothing answers there
    monkeypatch.setattr(host, "_ENGINE_CHECK_TIMEOUT_SECONDS", 0.2)
    assert host.engine_is_there(f"127.0.0.1:{port}") is False


def test_the_host_exits_once_the_engine_is_gone_and_not_before(monkeypatch: pytest.MonkeyPatch):
    answers = iter([True, True, False])
    asked: list[str] = []
    exited = threading.Event()
    codes: list[int] = []

    def engine_is_there(address: str) -> bool:
        asked.append(address)
        return next(answers)

    def exit_(code: int) -> None:
        codes.append(code)
        exited.set()

    monkeypatch.setattr(host, "engine_is_there", engine_is_there)
    monkeypatch.setattr(os, "_exit", exit_)
    host.watch_engine("127.0.0.1:5000", interval=0.01)
    assert exited.wait(5)
    assert codes == [0]
    assert asked == ["127.0.0.1:5000"] * 3


def test_the_watch_runs_beside_the_host_as_a_daemon(monkeypatch: pytest.MonkeyPatch):
    release = threading.Event()
    monkeypatch.setattr(host, "engine_is_there", lambda address: not release.is_set())
    monkeypatch.setattr(os, "_exit", lambda code: None)
    host.watch_engine("127.0.0.1:5001", interval=0.01)
    try:
        watchers = [thread for thread in threading.enumerate() if thread.name == "engine-watch"]
        assert watchers and all(thread.daemon for thread in watchers)
    finally:
        release.set()
        for thread in watchers:
            thread.join(5)


@pytest.fixture
def main_parts(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """`main` with Pulumi's host, the engine watch and the real server replaced by recorders
    (monkeypatch puts back what `main` replaces)."""
    seen: dict[str, list[Any]] = {"run_module": [], "watch": [], "server": [], "order": []}
    monkeypatch.setattr(traceback, "format_exc", lambda *args, **kwargs: "Traceback ...")
    monkeypatch.setattr(host, "import_shared_libraries", lambda: seen["order"].append("imported"))
    monkeypatch.setattr(grpc, "server", lambda pool, *args, **kwargs: seen["server"].append(pool))

    def run_module(*args: Any, **kwargs: Any) -> None:
        seen["run_module"].append((args, kwargs))
        seen["order"].append("served")

    monkeypatch.setattr(runpy, "run_module", run_module)
    monkeypatch.setattr(host, "watch_engine", lambda address: seen["watch"].append(address))
    monkeypatch.setenv("PV_PROVIDER_WORKERS", "3")
    return seen


def test_main_serves_pulumis_host_on_its_workers_and_watches_the_engine(
    main_parts: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys, "argv", ["host", "--logtostderr", "127.0.0.1:40000", "--other"])
    host.main()
    assert main_parts["run_module"] == [(("pulumi.dynamic",), {"run_name": "__main__", "alter_sys": True})]
    assert main_parts["watch"] == ["127.0.0.1:40000"]
    grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    [pool] = main_parts["server"]
    assert pool._max_workers == 3
    pool.shutdown()
    try:
        raise Refused("kept, not deleted")
    except Refused:
        assert traceback.format_exc() == "kept, not deleted"
    try:
        raise ValueError("unexpected")
    except ValueError:
        assert traceback.format_exc() == "Traceback ..."


def test_main_imports_the_shared_libraries_before_it_serves(
    main_parts: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys, "argv", ["host"])
    host.main()
    assert main_parts["order"] == ["imported", "served"]


def test_the_shared_libraries_are_what_the_program_leaves_out():
    """What the host imports first is what a client or credential imports, and the program not."""
    statement = (
        "import sys; import catalog.stack, catalog.deletion_guard, catalog.environment; "
        "from provider import host; before = set(sys.modules); host.import_shared_libraries(); "
        "print(all(name not in before and name in sys.modules for name in host.IMPORTED_BEFORE_SERVING))"
    )
    done = subprocess.run([sys.executable, "-c", statement], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "True"


def test_the_engine_address_may_be_the_first_argument(
    main_parts: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys, "argv", ["host", "127.0.0.1:40001"])
    host.main()
    assert main_parts["watch"] == ["127.0.0.1:40001"]


def test_main_without_an_engine_address_watches_nothing(
    main_parts: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys, "argv", ["host", "--logtostderr"])
    host.main()
    assert main_parts["watch"] == []
    assert len(main_parts["run_module"]) == 1


PROFILED_HOST = """
import sys, threading
from concurrent import futures
from provider import host

def served_on_a_worker():
    return threading.current_thread().name

profile_worker = host.profiled_threads(sys.argv[1])
server = host.with_workers(lambda pool: pool, 2, profile_worker)(futures.ThreadPoolExecutor(max_workers=4))
print(server.submit(served_on_a_worker).result())
"""


def test_a_profiled_host_writes_every_threads_calls_at_exit(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", PROFILED_HOST, str(tmp_path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.startswith("provider-call")
    [written] = tmp_path.glob("host-*.prof")
    functions = {name for _, _, name in pstats.Stats(str(written)).stats}  # type: ignore[attr-defined]
    # The worker thread's call, and the main thread's.
    assert {"served_on_a_worker", "server_with_workers"} <= functions


def test_main_profiles_only_when_asked(main_parts: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch):
    folders: list[str] = []

    def profiled_threads(folder: str) -> Any:
        folders.append(folder)
        return lambda: None

    monkeypatch.setattr(host, "profiled_threads", profiled_threads)
    monkeypatch.setattr(sys, "argv", ["host"])
    monkeypatch.delenv("PV_PROVIDER_PROFILE", raising=False)
    host.main()
    assert folders == []
    monkeypatch.setenv("PV_PROVIDER_PROFILE", "/tmp/profiles")
    host.main()
    assert folders == ["/tmp/profiles"]
