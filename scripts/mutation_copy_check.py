"""Whether the tests that start `python -m provider.host` run the code of mutmut's copy
(mutants/), not the checkout the editable install maps: in a copy of that copy, a host test is
run as mutmut runs it (from the copy, the copy first on sys.path, MUTANT_UNDER_TEST set), once as
it is and once with the copy's `python -m provider.host` entry broken (what only the host's own
process meets). The first must pass and the second fail; exit status 1 otherwise.

scripts/mutation runs it after mutmut, when the copy exists: a score is only worth reading if
this holds. Argument: the copy (default mutants/).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST_TEST = "tests/provider_host/test_provider_host.py::test_full_lifecycle_over_grpc"
ENTRY = 'if __name__ == "__main__":\n'
BROKEN = f'{ENTRY}    raise SystemExit("provider.host broken on purpose by scripts/mutation_copy_check.py")\n'
# As mutmut's pytest runner: the copy first on sys.path, then its own arguments and the project's.
PYTEST_AS_MUTMUT = "import os, sys; sys.path.insert(0, os.getcwd()); import pytest; sys.exit(pytest.main(sys.argv[1:]))"
TIMEOUT_SECONDS = 300


def host_test_passes(copy: Path) -> bool:
    # An empty MUTANT_UNDER_TEST is mutmut's "no mutant": every function runs as written.
    env = {**os.environ, "MUTANT_UNDER_TEST": ""}
    arguments = ["--rootdir=.", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", HOST_TEST]
    result = subprocess.run(
        [sys.executable, "-c", PYTEST_AS_MUTMUT, *arguments],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return result.returncode == 0


def main(mutants: Path) -> int:
    if not (mutants / "provider" / "host.py").is_file():
        print(f"mutation_copy_check: no mutmut copy at {mutants}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="pv-mutation-copy-") as scratch:
        copy = Path(scratch) / "mutants"
        shutil.copytree(mutants, copy, symlinks=True)
        if not host_test_passes(copy):
            print(f"mutation_copy_check: {HOST_TEST} fails in the copy as it is", file=sys.stderr)
            return 1
        host = copy / "provider" / "host.py"
        source = host.read_text()
        if source.count(ENTRY) != 1:
            print(f"mutation_copy_check: no single `{ENTRY.strip()}` in {host}", file=sys.stderr)
            return 1
        host.write_text(source.replace(ENTRY, BROKEN))
        if host_test_passes(copy):
            print(
                f"mutation_copy_check: {HOST_TEST} passes with the copy's provider.host broken: "
                "the host runs code from outside the copy, so mutants there go unmeasured",
                file=sys.stderr,
            )
            return 1
    print(f"mutation_copy_check: {HOST_TEST} runs the copy's provider.host (fails when it is broken)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "mutants"))
