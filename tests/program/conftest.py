"""Each program test gets an event loop of its own: Pulumi's mocks register resources on the
current loop, and a test elsewhere that ran `asyncio.run` leaves none (so the order of tests
mattered). And a root stack of its own, made by its `set_mocks` on that loop: the deletion
guard waits for the root stack's URN, which an earlier test's loop may have closed before it
resolved."""

import asyncio
from collections.abc import Iterator

import pytest
from pulumi.runtime.settings import ROOT

PENDING_TASKS_SECONDS = 10


@pytest.fixture(autouse=True)
def event_loop_of_its_own() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    ROOT.set(None)
    yield loop
    # What the test left running (its root stack's registration, say) ends before the loop does.
    pending = asyncio.all_tasks(loop)
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=PENDING_TASKS_SECONDS))
    asyncio.set_event_loop(None)
    loop.close()
