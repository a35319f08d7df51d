"""Each program test gets an event loop of its own: Pulumi's mocks register resources on the
current loop, and a test elsewhere that ran `asyncio.run` leaves none (so the order of tests
mattered)."""

import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def event_loop_of_its_own() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()
