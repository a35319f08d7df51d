"""Find the locks of a stack on a file backend, and remove those whose pulumi is gone.

    python scripts/stale_locks.py BACKEND_URL PROJECT STACK

A `pulumi up` that is killed leaves its lock behind, and every later command on the stack is
refused. A lock names the host and pid of the pulumi that took it: on this host, a lock whose
pid no longer runs pulumi is stale and removed; one whose pulumi still runs is refused (a
second run beside it would lose one run's changes). A lock taken on another host cannot be
checked from here, so it is refused too. Exit status: 0 when no live lock is left, 2 when one
is. Backends other than file:// keep their locks elsewhere: nothing is done for them.
"""

import json
import socket
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit


def describe(lock: dict[str, object]) -> str:
    return f"pid {lock.get('pid')} of {lock.get('username')} on {lock.get('hostname')}, since {lock.get('timestamp')}"


def pulumi_runs_as(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"pulumi" in command


def main(backend_url: str, project: str, stack: str) -> int:
    parts = urlsplit(backend_url)
    if parts.scheme != "file":
        print(f"recover: {backend_url}: only a file:// backend keeps its locks as files; not checked", file=sys.stderr)
        return 0
    lock_dir = Path(unquote(parts.path)) / ".pulumi" / "locks" / "organization" / project / stack
    live = 0
    for path in sorted(lock_dir.glob("*.json")):
        try:
            lock = json.loads(path.read_text())
        except (OSError, ValueError):
            lock = {}
        here = lock.get("hostname") == socket.gethostname()
        pid = lock.get("pid")
        if here and isinstance(pid, int) and pulumi_runs_as(pid):
            print(
                f"recover: stack {stack} is locked by a pulumi that is still running ({describe(lock)}): "
                "let it finish, or stop it, then run this again",
                file=sys.stderr,
            )
            live += 1
        elif not here:
            print(
                f"recover: stack {stack} is locked from another host ({describe(lock)}), which this host "
                f"cannot check: if that run is gone, delete {path} and run this again",
                file=sys.stderr,
            )
            live += 1
        else:
            path.unlink(missing_ok=True)
            print(f"recover: removed the stale lock of {describe(lock)}", file=sys.stderr)
    return 2 if live else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
