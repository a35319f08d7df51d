"""`python -m review [--fail-on KINDS] < preview.json > review.md`

Reads `pulumi preview --json` on stdin and writes the review as Markdown on stdout.

Exit status: 0, the review is written; 4, a change of a kind named by `--fail-on` is present;
3, the preview failed (a protected resource blocked a change, or an error: the review says
which), whatever `--fail-on` says, since `pulumi up` would fail too; 2, the input is not
preview JSON or the arguments are wrong (one line on stderr, no review).
"""

import argparse
from collections import Counter
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import TextIO

from review.changes import Op, review_of
from review.markdown import render
from review.preview import PreviewFormatError, read_preview
from review.summary import first_line

# Exit statuses; 1 is left to what fails unexpectedly (a traceback, a failed setup), so it is
# never read as "--fail-on matched". scripts/review_comment.py reads these.
EXIT_USAGE = 2
EXIT_PREVIEW_FAILED = 3
EXIT_FAIL_ON = 4
FAIL_ON_KINDS = {op.value: op for op in (Op.CREATE, Op.UPDATE, Op.REPLACE, Op.DELETE)}


def fail_on_kinds(text: str) -> frozenset[Op]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in FAIL_ON_KINDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{', '.join(unknown) or 'nothing'}: give one or more of {', '.join(FAIL_ON_KINDS)}, comma-separated"
        )
    return frozenset(FAIL_ON_KINDS[name] for name in names)


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="python -m review", description="Review `pulumi preview --json` (stdin) as Markdown (stdout)."
    )
    made.add_argument(
        "--fail-on",
        type=fail_on_kinds,
        default=frozenset(),
        metavar="KINDS",
        help="exit 4 when a change of these kinds is present: create, update, replace, delete (comma-separated)",
    )
    return made


def main(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            args = parser().parse_args(argv)
    except SystemExit as stopped:
        return EXIT_USAGE if stopped.code else 0
    try:
        review = review_of(read_preview(stdin.read()))
    except PreviewFormatError as error:
        print(f"review: the input is not `pulumi preview --json` output: {error}", file=stderr)
        return EXIT_USAGE
    stdout.write(render(review))
    if review.failed:
        print(f"review: {first_line(review)}", file=stderr)
        return EXIT_PREVIEW_FAILED
    present = Counter(change.op for change in review.changes)
    failing = {op: present[op] for op in sorted(args.fail_on, key=list(Op).index) if present[op]}
    if failing:
        counts = ", ".join(f"{count} {op.value}" for op, count in failing.items())
        print(f"review: {counts} present, and --fail-on names it", file=stderr)
        return EXIT_FAIL_ON
    return 0
