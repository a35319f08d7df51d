"""`python -m doctor [STACK]`, in the project's folder: every check, one line each; exit
status 0 only when none failed. `scripts/doctor` runs it with the pulumi CLI on PATH."""

import argparse
import os
import sys
from pathlib import Path

from doctor.results import Status
from doctor.run import diagnose


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/doctor",
        description="Read-only checks of a stack, before its first `pulumi up` and whenever a run fails oddly: "
        "one line per check; exit status 0 only when none failed.",
    )
    parser.add_argument("stack", nargs="?", default="dev", help="the stack to check (default: dev)")
    args = parser.parse_args()
    print(f"doctor: stack {args.stack}, project {Path.cwd()}", flush=True)
    results = diagnose(args.stack, Path.cwd(), os.environ)
    for result in results:
        print(result.line(), flush=True)
    failed = sum(result.status is Status.FAIL for result in results)
    print(f"doctor: {failed} check(s) failed" if failed else "doctor: every check passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
