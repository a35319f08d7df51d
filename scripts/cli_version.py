"""Whether a pulumi CLI can run this project's program, from the version it reports:

python scripts/cli_version.py v3.274.1 3.260.0   # exit 0: at or above the SDK's version
python scripts/cli_version.py v3.250.0 3.260.0   # exit 1, and why on stderr

Pulumi's CLIs run programs of older SDKs of their major version (pulumi/actions installs the
newest CLI whatever SDK a project pins), so the rule is: the same major version, not older than
the SDK. A pre-release of the SDK's own version is older than it, as semantic versioning orders them.
"""

import re
import sys

VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?")


def why_not(cli_version: str, sdk_version: str) -> str | None:
    """Why a CLI reporting `cli_version` cannot run programs of the SDK at `sdk_version`, or None."""
    cli, sdk = VERSION.fullmatch(cli_version.strip()), VERSION.fullmatch(sdk_version.strip())
    if sdk is None:
        raise ValueError(f"{sdk_version!r} is not a version")
    needed = f"v{sdk.group(1)}.{sdk.group(2)}.{sdk.group(3)}"
    if cli is None:
        return f"it reports {cli_version.strip()!r}, not a version, and this project's SDK needs {needed} or later"
    cli_release, sdk_release = _release(cli), _release(sdk)
    if cli_release[0] != sdk_release[0]:
        return (
            f"it reports {cli_version.strip()!r}, of another major version than this project's SDK "
            f"({needed}), which it may not run"
        )
    if (cli_release, cli.group(4) is None) < (sdk_release, sdk.group(4) is None):
        return f"it reports {cli_version.strip()!r}, and this project's SDK needs {needed} or later"
    return None


def _release(found: re.Match[str]) -> tuple[int, int, int]:
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: cli_version.py CLI_VERSION SDK_VERSION", file=sys.stderr)
        return 2
    reason = why_not(argv[0], argv[1])
    if reason:
        print(reason, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
