"""Write docs/reference/ from the code, or (--check) name each page that is out of date."""

import argparse
import sys
from pathlib import Path

from reference_docs.pages import stale, write

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference_docs",
        description="Generate the resource reference (docs/reference/*.md) from the code.",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 naming each stale page")
    parser.add_argument("--directory", type=Path, default=REFERENCE, help="where the pages are (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.check:
        found = stale(args.directory)
        for name in found:
            print(f"{args.directory / name}: out of date; run `python -m reference_docs`", file=sys.stderr)
        return 1 if found else 0
    for name in write(args.directory):
        print(f"wrote {args.directory / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
