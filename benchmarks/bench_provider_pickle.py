"""What pickling one more dynamic provider costs after N resources, with Pulumi's SDK alone and
with this project's fix (`provider/resource.py`).

The SDK's `serialize_provider` stacks one sorting wrapper on `pickle._Pickler._batch_setitems`
per call. Alone, it reaches Python's recursion limit near a thousand resources, so the "SDK
alone" rows run with the limit raised (`RAISED_LIMIT`): what raising the limit, instead of the
fix, would cost. With the fix the wrapper stays one deep. Two providers: this project's
`PersonalVoiceProvider` (a class pickled by reference, as stacks hold it) and a provider whose
class is defined in the program (`__main__`), pickled by value, as most programs' dynamic
providers are: its nested dicts each pass through every wrapper, so it stops at about a third
of the count. Each figure is the median time of the calls in a window ending at the N-th.

    .venv/bin/python benchmarks/bench_provider_pickle.py
"""

import statistics
import sys
import time
from collections.abc import Callable

from pulumi.dynamic import CreateResult, ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from provider.personal_voice import PersonalVoiceProvider
from provider.resource import pickler_as_found

COUNTS = (1, 500, 1000)
WINDOW = 10
RAISED_LIMIT = 20_000


def by_value_provider() -> ResourceProvider:
    class EchoProvider(ResourceProvider):
        def create(self, props: dict) -> CreateResult:
            return CreateResult("id", props)

    EchoProvider.__module__ = "__main__"  # as a program's own class: pickled by value
    return EchoProvider()


def timings(provider: Callable[[], ResourceProvider], fixed: bool) -> list[float]:
    """Seconds of each of max(COUNTS) serialize_provider calls, in order."""
    seconds = []
    with pickler_as_found():
        for _ in range(max(COUNTS)):
            start = time.perf_counter()
            if fixed:
                with pickler_as_found():
                    serialize_provider(provider())
            else:
                serialize_provider(provider())
            seconds.append(time.perf_counter() - start)
    return seconds


def pickles_before_the_wall(provider: Callable[[], ResourceProvider]) -> int:
    """How many serialize_provider calls the SDK alone makes before RecursionError, at the
    interpreter's recursion limit as it is."""
    with pickler_as_found():
        for made in range(RAISED_LIMIT):
            try:
                serialize_provider(provider())
            except RecursionError:
                return made
    return RAISED_LIMIT


def main() -> None:
    providers = {
        "PersonalVoiceProvider (by reference)": PersonalVoiceProvider,
        "a program's own (by value)": by_value_provider,
    }
    walls = {label: pickles_before_the_wall(provider) for label, provider in providers.items()}
    sys.setrecursionlimit(RAISED_LIMIT)
    print(f"per provider pickle after N resources (median of calls N-{WINDOW - 1}..N), and all N pickles")
    print(f"| provider | N | SDK alone, recursion limit {RAISED_LIMIT} | with the fix |")
    print("|---|---|---|---|")
    for label, provider in providers.items():
        timings(provider, fixed=True)  # warm: a process's first pickles import and cache
        alone, fixed = timings(provider, fixed=False), timings(provider, fixed=True)
        for n in COUNTS:
            window = slice(max(0, n - WINDOW), n)
            print(
                f"| {label} | {n} | {statistics.median(alone[window]) * 1000:.2f} ms, all {sum(alone[:n]):.2f} s "
                f"| {statistics.median(fixed[window]) * 1000:.2f} ms, all {sum(fixed[:n]):.2f} s |"
            )
    for label, made in walls.items():
        print(f"{label}: the SDK alone stops after {made} pickles (RecursionError at the default limit)")


if __name__ == "__main__":
    main()
