"""The program's wait for its outputs, in time linear in their number instead of quadratic.

`pulumi.runtime.stack.wait_for_rpcs` (3.260.0, the same in 3.272.0) waits for every output the
program has made (each property of each resource, each `apply`) with
`asyncio.wait(all_pending, return_when=FIRST_COMPLETED)` in a loop: each turn hangs a callback
on every pending output, takes them all off again, and puts the unfinished ones back. During an
`up`, outputs finish a resource at a time as the engine creates them, so a program of n
resources makes about n turns over about n x (outputs per resource) pending outputs: an `up` of
1000 voices spent over 100 s of the program's CPU there, a core the engine needed.

`install()` puts in its place a wait that keeps the SDK's order (its own RPC phase, then the
outputs, again while either brings more) and its rules (a faulted output raises, one whose
resource failed to register does not, outputs made while waiting are waited for too), and
hangs one callback on each output once. Install it before the program's first resource.
"""

import asyncio
from typing import Any

from pulumi.runtime import stack
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

# The SDK's own, as found before `install`.
sdk_wait_for_rpcs = stack.wait_for_rpcs


async def wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """The SDK's `wait_for_rpcs`, with the outputs waited for by `wait_for_outputs`."""
    while True:
        await sdk_wait_for_rpcs(await_all_outstanding_tasks=False)
        if await_all_outstanding_tasks:
            await wait_for_outputs()
        if not _get_rpc_manager().rpcs:
            return


async def wait_for_outputs() -> None:
    """Until no output the program has made is pending; re-raises the first that faulted, other
    than for a resource whose registration failed (which the SDK leaves to `Output.recover`)."""
    finished: list[asyncio.Future[Any]] = []
    woken = asyncio.Event()
    watched = 0

    def on_done(output: asyncio.Future[Any]) -> None:
        finished.append(output)
        woken.set()

    while True:
        with SETTINGS.lock:
            fresh = list(SETTINGS.outputs)
            SETTINGS.outputs.clear()
        for output in fresh:
            output.add_done_callback(on_done)
        watched += len(fresh)
        if not watched:
            return
        if not finished:
            await woken.wait()
        woken.clear()
        done = finished[:]
        finished.clear()
        watched -= len(done)
        for output in done:
            try:
                await output
            except stack.ResourceRegistrationFailed:
                pass


def install() -> None:
    """From now on, the program's run ends with this module's wait instead of the SDK's."""
    stack.wait_for_rpcs = wait_for_rpcs
