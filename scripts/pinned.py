"""The pin pyproject.toml gives a package, for the workflows (which install some packages alone):

python scripts/pinned.py PyYAML              # PyYAML==6.0.4
python scripts/pinned.py --version pulumi    # 3.260.0
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;,]+)\s*$")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_of(package: str, pyproject: Path = PYPROJECT) -> tuple[str, str]:
    """The (name, version) pyproject.toml pins `package` at, among the dependencies and extras."""
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    for requirement in requirements:
        found = PIN.match(requirement)
        if found and normalised(found.group(1)) == normalised(package):
            return found.group(1), found.group(2)
    raise LookupError(f"{pyproject.name} pins no {package} (with ==)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="pinned", description="The pin pyproject.toml gives a package.")
    parser.add_argument("--version", action="store_true", help="print the version alone")
    parser.add_argument("package")
    args = parser.parse_args(argv)
    try:
        name, version = pin_of(args.package)
    except LookupError as error:
        print(f"pinned: {error}", file=sys.stderr)
        return 1
    print(version if args.version else f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
