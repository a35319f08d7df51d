"""The project's language host (scripts/pulumi-language-python, built by scripts/install-pulumi-cli)
stops on the SIGINT the engine sends its plugins at the end of every command, even when it was
started with SIGINT ignored, as every process a shell starts in the background is; otherwise
the CLI waits 5 s for it at the end of each command (benchmarks/bench_preview.py measured it)."""

import signal
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

STOP_SECONDS = 10.0


@pytest.mark.parametrize("ignored", [True, False])
def test_sigint_stops_the_language_host_whatever_it_inherited(pulumi_bin: str, ignored: bool) -> None:
    binary = str(Path(pulumi_bin) / "pulumi-language-python")
    # `trap "" INT` then exec: the host starts with SIGINT ignored, as a background job does.
    command = ["bash", "-c", 'trap "" INT; exec "$0"', binary] if ignored else [binary]
    host = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout is not None
        assert host.stdout.readline().strip().isdigit()  # its port: it serves
        host.send_signal(signal.SIGINT)
        host.wait(timeout=STOP_SECONDS)
    finally:
        if host.poll() is None:
            host.kill()
            host.wait(timeout=STOP_SECONDS)
            pytest.fail("the language host outlived SIGINT")
