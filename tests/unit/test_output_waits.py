"""The program's wait for its outputs (catalog/output_waits.py): the SDK's rules, each output
watched once, where the SDK's own loop watches each pending output again on every turn."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from pulumi.runtime import stack
from pulumi.runtime.settings import SETTINGS

from catalog import output_waits


class CountedFuture(asyncio.Future[Any]):
    """A future that counts the callbacks hung on it: what a wait costs per output."""

    callbacks = 0

    def add_done_callback(self, fn: Callable[..., object], *, context: Any = None) -> None:
        CountedFuture.callbacks += 1
        super().add_done_callback(fn, context=context)


@pytest.fixture(autouse=True)
def no_outputs_left() -> Iterator[None]:
    SETTINGS.outputs.clear()
    CountedFuture.callbacks = 0
    yield
    SETTINGS.outputs.clear()


def tracked(future: asyncio.Future[Any]) -> asyncio.Future[Any]:
    """Tracked as an Output's data is (`Output._track`): in SETTINGS.outputs, and out of it once
    it finishes well."""
    SETTINGS.outputs.add(future)

    def cleanup(done: asyncio.Future[Any]) -> None:
        if not done.cancelled() and done.exception() is None:
            SETTINGS.outputs.discard(done)

    asyncio.Future.add_done_callback(future, cleanup)
    return future


def finish_one_per_turn(outputs: list[asyncio.Future[Any]]) -> None:
    """As an `up` finishes its resources: one output after another, a loop turn apart."""
    loop = asyncio.get_running_loop()

    def finish(index: int) -> None:
        outputs[index].set_result(index)
        if index + 1 < len(outputs):
            loop.call_soon(finish, index + 1)

    loop.call_soon(finish, 0)


def run_wait(wait: Callable[[], Awaitable[None]], outputs: int) -> list[asyncio.Future[Any]]:
    async def main() -> list[asyncio.Future[Any]]:
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Any]] = [tracked(CountedFuture(loop=loop)) for _ in range(outputs)]
        finish_one_per_turn(futures)
        await asyncio.wait_for(wait(), timeout=60)
        return futures

    return asyncio.run(main())


def test_each_output_is_watched_once() -> None:
    futures = run_wait(output_waits.wait_for_outputs, 400)
    assert all(future.done() for future in futures)
    assert CountedFuture.callbacks == 400
    assert not SETTINGS.outputs


def test_the_sdks_own_wait_watches_every_pending_output_on_every_turn() -> None:
    # When this fails, the SDK waits in linear time itself and catalog/output_waits.py can go.
    # (The SDK's own as found on import: a program test run earlier in this process installs ours.)
    futures = run_wait(output_waits.sdk_wait_for_rpcs, 400)
    assert all(future.done() for future in futures)
    assert CountedFuture.callbacks > 400 * 400 // 8  # about n²/4 measured; linear would be 400


def test_outputs_made_while_waiting_are_waited_for() -> None:
    made_later: list[asyncio.Future[Any]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        first = tracked(loop.create_future())

        def finish_first_and_make_another() -> None:
            first.set_result("first")
            later = tracked(loop.create_future())
            made_later.append(later)
            loop.call_later(0.05, later.set_result, "later")

        loop.call_soon(finish_first_and_make_another)
        await asyncio.wait_for(output_waits.wait_for_outputs(), timeout=10)

    asyncio.run(main())
    assert made_later and made_later[0].result() == "later"


def test_a_faulted_output_is_raised() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        failing = tracked(loop.create_future())
        pending = tracked(loop.create_future())
        loop.call_soon(failing.set_exception, ValueError("an apply failed"))
        loop.call_later(0.05, pending.set_result, None)
        await asyncio.wait_for(output_waits.wait_for_outputs(), timeout=10)

    with pytest.raises(ValueError, match="an apply failed"):
        asyncio.run(main())


def test_an_output_of_a_resource_that_failed_to_register_is_not_raised() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        failed = tracked(loop.create_future())
        loop.call_soon(failed.set_exception, stack.ResourceRegistrationFailed("voice-0001"))
        await asyncio.wait_for(output_waits.wait_for_outputs(), timeout=10)

    asyncio.run(main())


def test_nothing_pending_returns_at_once() -> None:
    asyncio.run(asyncio.wait_for(output_waits.wait_for_rpcs(), timeout=10))


def test_install_puts_it_where_the_sdks_run_looks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack, "wait_for_rpcs", stack.wait_for_rpcs)
    output_waits.install()
    assert stack.wait_for_rpcs is output_waits.wait_for_rpcs
