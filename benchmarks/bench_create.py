"""How close do creates come to the service's own provisioning time, and at what request cost?

Creates N personal voices through the provider against the emulator's HTTP server, with the
provider host's concurrency (4 threads), and prints:
- wall time as a ratio to the lower bound ceil(N / 4) * provisioning time (nothing can be
  faster: each voice takes that long in the service, four at a time);
- requests per voice (the look-up before create, the create, the status polls).

    .venv/bin/python benchmarks/bench_create.py [--voices 16] [--provisioning 1.0] [--poll 1.0]
"""

import argparse
import math
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from pulumi.dynamic import Config, ConfigureRequest

from emulator import CustomVoiceBackend, EmulatorServer
from provider.personal_voice import PersonalVoiceProvider

KEY = "benchmark-key"
HOST_THREADS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voices", type=int, default=16)
    parser.add_argument("--provisioning", type=float, default=1.0, help="seconds the emulator takes per voice")
    parser.add_argument("--poll", type=float, default=1.0, help="pollIntervalSeconds (the default config)")
    args = parser.parse_args()

    backend = CustomVoiceBackend(keys=[KEY], provisioning_seconds=args.provisioning)
    backend.add_project("proj")
    backend.add_consent("consent", "proj")
    provider = PersonalVoiceProvider()
    config = {"personal-voice:speechKey": KEY, "personal-voice:pollIntervalSeconds": str(args.poll)}
    provider.configure(ConfigureRequest(Config(config, "personal-voice")))

    with EmulatorServer(backend) as server:

        def create(index: int) -> None:
            provider.create(
                {
                    "endpoint": server.url,
                    "voiceId": f"voice-{index:04d}",
                    "projectId": "proj",
                    "consentId": "consent",
                    "audios": {"containerUrl": "https://contoso.blob.core.windows.net/v", "extensions": [".wav"]},
                }
            )

        started = time.perf_counter()
        with ThreadPoolExecutor(HOST_THREADS) as pool:
            list(pool.map(create, range(args.voices)))
        elapsed = time.perf_counter() - started

    lower_bound = math.ceil(args.voices / HOST_THREADS) * args.provisioning
    counts = Counter(request.method for request in backend.requests)
    print(f"voices: {args.voices}, provisioning: {args.provisioning:g} s, first poll interval: {args.poll:g} s")
    print(f"wall time: {elapsed:.2f} s; lower bound {lower_bound:.2f} s; ratio {elapsed / lower_bound:.2f}")
    print(
        f"requests per voice: {len(backend.requests) / args.voices:.2f} "
        + " ".join(f"{method}={count / args.voices:.2f}" for method, count in sorted(counts.items()))
    )


if __name__ == "__main__":
    main()
