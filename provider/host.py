"""The dynamic provider host of this project: Pulumi's own (`python -m pulumi.dynamic`), with three
things added.

- It serves many calls at once: Pulumi's host has 4 workers, so a `pulumi up` of 50 voices
  created 4 at a time, each waiting out its provisioning. The pool here has
  `PV_PROVIDER_WORKERS` (default 1024) workers; the Speech resource's quota is kept by the
  request budget (`provider.speech.request_budget`), not by a small pool.
- Errors raised on purpose (`provider.errors.ProviderError`: API answers, refusals, config
  problems, failed or timed-out resources) reach the CLI as their message alone; anything
  unexpected keeps its traceback. Pulumi's host formats every error with
  `traceback.format_exc()`, so that is where the message is chosen.
- It exits when the engine that started it is gone (a killed `pulumi up`), as Pulumi's language
  hosts do, instead of waiting forever. The engine passes its address as the first argument.
- It imports the HTTP library and Azure's core before it serves any call (`IMPORTED_BEFORE_SERVING`).

The launcher that scripts/install-pulumi-cli installs beside the CLI
(`pulumi-resource-pulumi-python`) runs this module when the project's virtualenv has it.
"""

import atexit
import importlib
import os
import runpy
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent import futures
from typing import Any

import grpc

from provider.errors import ProviderError

WORKERS_ENVIRONMENT_VARIABLE = "PV_PROVIDER_WORKERS"
# A folder: the host profiles itself into it (benchmarks/bench_preview.py --profile). Unset, nothing is profiled.
PROFILE_ENVIRONMENT_VARIABLE = "PV_PROVIDER_PROFILE"
# Every create waiting for its Speech resource's budget holds a worker (and a slot of the engine's
# --parallel) until it is sent: with fewer workers than waiting creates, the creates of one
# resource hold them all and another resource's wait behind them (docs/scale.md). The pool makes
# its threads only as calls come, so a small run does not pay for a large number.
DEFAULT_WORKERS = 1024
# The providers import these where they make a client or a credential, so the program never does
# (tests/unit/test_lazy_imports.py); in the host that is on whichever worker threads need one
# first, and Python's import locks deadlock when threads import one package tree at once
# (`_DeadlockError` in azure.core's modules: 25 of 30 runs of 12 threads importing its parts
# together, and 2 of 8 runs of tests/e2e/test_dev_up_twice.py). Imported once, before the first
# call, they are done when a worker asks; the SDKs built on them (storage, identity, management)
# then import without a deadlock (none in 30 runs of the same threads).
IMPORTED_BEFORE_SERVING = ("requests", "azure.core.credentials", "azure.core.exceptions", "azure.core.pipeline")
ENGINE_CHECK_INTERVAL_SECONDS = 2.0
_ENGINE_CHECK_TIMEOUT_SECONDS = 5.0


def message_or_traceback(format_exc: Callable[..., str]) -> Callable[..., str]:
    def formatted(*args: object, **kwargs: object) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, ProviderError):
            return str(error)
        return format_exc(*args, **kwargs)

    return formatted


def engine_is_there(address: str) -> bool:
    """Whether something still answers at the engine's address (any gRPC answer will do)."""
    with grpc.insecure_channel(address) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=_ENGINE_CHECK_TIMEOUT_SECONDS)
        except grpc.FutureTimeoutError:
            return False
    return True


def watch_engine(address: str, interval: float = ENGINE_CHECK_INTERVAL_SECONDS) -> None:
    def watch() -> None:
        while engine_is_there(address):
            time.sleep(interval)
        os._exit(0)  # the engine is gone: nobody will call this host again

    threading.Thread(target=watch, name="engine-watch", daemon=True).start()


def import_shared_libraries() -> None:
    for name in IMPORTED_BEFORE_SERVING:
        importlib.import_module(name)


def workers(environ: Mapping[str, str] = os.environ) -> int:
    text = environ.get(WORKERS_ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_WORKERS
    if not text.isdigit() or int(text) < 1:
        sys.exit(f"{WORKERS_ENVIRONMENT_VARIABLE} is {text!r}; give a whole number of workers, 1 or more")
    return int(text)


def with_workers(
    server: Callable[..., Any], count: int, initializer: Callable[[], None] | None = None
) -> Callable[..., Any]:
    """`grpc.server`, serving on `count` workers whatever pool it is handed."""

    def server_with_workers(thread_pool: futures.ThreadPoolExecutor, *args: Any, **kwargs: Any) -> Any:
        thread_pool.shutdown(wait=False)
        pool = futures.ThreadPoolExecutor(
            max_workers=count, thread_name_prefix="provider-call", initializer=initializer
        )
        return server(pool, *args, **kwargs)

    return server_with_workers


def profiled_threads(directory: str) -> Callable[[], None]:
    """Profiles this thread, and each thread that calls the returned function, with cProfile (one
    profiler per thread, as cProfile counts one thread's calls), and writes them together to
    DIRECTORY/host-PID.prof when the host exits (the engine ends it with SIGINT)."""
    # Only when profiling: a normal run does not pay for these imports.
    import cProfile
    import pstats

    profilers: list[cProfile.Profile] = []

    def profile_this_thread() -> None:
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    def write() -> None:
        for profiler in profilers:
            profiler.create_stats()
        stats = pstats.Stats(*profilers)
        stats.dump_stats(os.path.join(directory, f"host-{os.getpid()}.prof"))

    atexit.register(write)
    profile_this_thread()
    return profile_this_thread


def main() -> None:
    traceback.format_exc = message_or_traceback(traceback.format_exc)
    profile_directory = os.environ.get(PROFILE_ENVIRONMENT_VARIABLE)
    profile_worker = profiled_threads(profile_directory) if profile_directory else None
    import_shared_libraries()
    grpc.server = with_workers(grpc.server, workers(), profile_worker)
    engine = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if engine:
        watch_engine(engine)
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
