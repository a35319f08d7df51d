"""The pull request comment that holds the preview reviews of every stack a pull request touches.

    python -m scripts.review_comment --matrix JSON --reviews DIR --commit SHA --run-url URL > body.md

Run from the repository root (it reads scripts/preview-review's exit statuses from review.cli,
which needs the standard library only).

`--matrix` is the preview jobs' matrix (scripts/changed-stacks); DIR holds, for each of its
stacks, `<stack>.md` (the review, scripts/preview-review's Markdown) and `<stack>.exit` (its exit
status), as the preview jobs upload them. The body's first line is the marker the workflow finds
the comment by, so that every push edits the one comment instead of adding another. A comment
holds at most 65,536 characters: a review too long for its share is cut at a line, and says so.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from review.cli import EXIT_FAIL_ON, EXIT_PREVIEW_FAILED, EXIT_USAGE

MARKER = "<!-- personal-voice-review -->"
MAX_CHARACTERS = 65_536
# Room kept for what is written around the reviews (headings, notes), whatever their number.
MARGIN = 2_000
CUT_NOTE = "\n\n*Cut here: the review is longer than its share of this comment. The run's job summary has all of it.*\n"


@dataclass(frozen=True)
class StackReview:
    stack: str
    environment: str
    text: str | None  # None: the job uploaded no review
    exit_status: int | None


def read_reviews(matrix: dict[str, list[dict[str, str]]], folder: Path) -> list[StackReview]:
    reviews = []
    for entry in matrix.get("include", []):
        stack = entry["stack"]
        review, status = folder / f"{stack}.md", folder / f"{stack}.exit"
        reviews.append(
            StackReview(
                stack,
                entry.get("environment", ""),
                review.read_text(encoding="utf-8", errors="replace") if review.is_file() else None,
                int(status.read_text().strip()) if status.is_file() and status.read_text().strip().isdigit() else None,
            )
        )
    return reviews


def shares(lengths: list[int], budget: int) -> list[int]:
    """How many characters each text may keep: all of a short one, and the rest split evenly."""
    allowed = [0] * len(lengths)
    left, remaining = budget, len(lengths)
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        allowed[index] = min(lengths[index], left // remaining)
        left -= allowed[index]
        remaining -= 1
    return allowed


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    kept = text[: max(0, limit - len(CUT_NOTE) - 4)]
    kept = kept[: kept.rfind("\n") + 1] if "\n" in kept else ""
    # A code block left open would swallow everything after it; half a diagram would not draw.
    fences = [line for line in kept.splitlines(keepends=True) if line.lstrip().startswith("```")]
    if len(fences) % 2 and fences[-1].strip() == "```mermaid":
        kept = kept[: kept.rindex(fences[-1])]
    elif len(fences) % 2:
        kept += "```\n"
    return kept.rstrip("\n") + CUT_NOTE


def heading(review: StackReview) -> str:
    title = f"### `{review.stack}` ({review.environment})" if review.environment else f"### `{review.stack}`"
    if review.text is None:
        return f"{title}\n\n**No review**: the job stopped before its preview; the run's log says why.\n"
    if review.exit_status == EXIT_FAIL_ON:
        return f"{title}\n\n**Refused**: it has changes of a kind the variable PREVIEW_FAIL_ON names.\n"
    if review.exit_status == EXIT_PREVIEW_FAILED:
        return f"{title}\n\n**The preview failed** (exit {review.exit_status}); what it reported:\n"
    if review.exit_status == EXIT_USAGE:
        return (
            f"{title}\n\n**No review** (exit {review.exit_status}): the review refused its arguments "
            "(is the variable PREVIEW_FAIL_ON a list of create, update, replace, delete?) or its input; "
            "the run's log says which.\n"
        )
    if review.exit_status:
        return f"{title}\n\n**The preview job failed** (exit {review.exit_status}); the run's log says why.\n"
    return title + "\n"


def body(reviews: list[StackReview], commit: str, run_url: str) -> str:
    lines = [MARKER, "## Pulumi preview", ""]
    lines.append(f"Commit `{commit[:12]}` ([workflow run]({run_url})). This comment is updated on every push.")
    if not reviews:
        lines += ["", "No stack is touched by this commit: nothing to preview."]
        return "\n".join(lines) + "\n"
    texts = [review.text or "" for review in reviews]
    fixed = sum(len(line) + 1 for line in lines) + sum(len(heading(review)) + 2 for review in reviews)
    allowed = shares([len(text) for text in texts], MAX_CHARACTERS - MARGIN - fixed)
    for review, text, limit in zip(reviews, texts, allowed, strict=True):
        lines += ["", heading(review)]
        if text:
            lines.append(cut(text, limit).rstrip("\n"))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="review_comment", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--matrix", required=True, help="the preview jobs' matrix, as JSON")
    parser.add_argument("--reviews", required=True, type=Path, help="the folder of <stack>.md and <stack>.exit files")
    parser.add_argument("--commit", required=True)
    parser.add_argument("--run-url", required=True)
    args = parser.parse_args(argv)
    try:
        matrix = json.loads(args.matrix)
    except json.JSONDecodeError as error:
        print(f"review_comment: --matrix is not JSON: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(body(read_reviews(matrix, args.reviews), args.commit, args.run_url))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
