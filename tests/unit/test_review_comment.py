"""scripts/review_comment.py: the one pull request comment holding every stack's review."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.review_comment import CUT_NOTE, MARKER, MAX_CHARACTERS, StackReview, body, cut, shares

ROOT = Path(__file__).resolve().parents[2]
RUN = "https://github.com/contoso/voices/actions/runs/42"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def review(stack: str, text: str | None, exit_status: int | None = 0, environment: str = "non-production"):
    return StackReview(stack, environment, text, exit_status)


def test_the_body_starts_with_the_marker_and_holds_each_review_under_its_stack():
    text = body(
        [
            review(
                "prod",
                "**prod**: 1 to replace\n\n| voice | change |\n|---|---|\n| jessica | replace |\n",
                0,
                "production",
            ),
            review("staging", "**staging**: no changes\n"),
        ],
        COMMIT,
        RUN,
    )
    assert text.splitlines()[0] == MARKER
    assert f"Commit `{COMMIT[:12]}` ([workflow run]({RUN}))" in text
    prod, staging = text.index("### `prod` (production)"), text.index("### `staging` (non-production)")
    assert prod < text.index("| jessica | replace |") < staging < text.index("**staging**: no changes")


def test_a_failed_preview_and_a_missing_review_say_so():
    text = body([review("prod", "error: catalog line 3: bad\n", 3), review("staging", None, None)], COMMIT, RUN)
    assert "### `prod` (non-production)\n\n**The preview failed** (exit 3); what it reported:\n\nerror: catalog" in text
    assert "### `staging` (non-production)\n\n**No review**: the job stopped before its preview" in text


def test_a_review_refused_by_fail_on_says_so():
    # 4: scripts/preview-review's (review.cli's) status for a change of a kind --fail-on names
    text = body([review("prod", "**prod**: 1 to delete\n", 4)], COMMIT, RUN)
    assert "**Refused**: it has changes of a kind the variable PREVIEW_FAIL_ON names.\n\n**prod**: 1 to delete" in text


@pytest.mark.parametrize("status", [1, 255])
def test_an_unexpected_failure_is_no_refusal(status):
    """1 is what fails unexpectedly (a traceback, a failed setup): the job failed, nothing refused."""
    text = body([review("prod", "scripts/preview-review printed no review\n", status)], COMMIT, RUN)
    assert f"### `prod` (non-production)\n\n**The preview job failed** (exit {status}); the run's log says why." in text
    assert "Refused" not in text and "what it reported" not in text


def test_refused_arguments_point_at_the_fail_on_variable():
    text = body([review("prod", "scripts/preview-review printed no review (exit 2)\n", 2)], COMMIT, RUN)
    assert "**No review** (exit 2): the review refused its arguments (is the variable PREVIEW_FAIL_ON" in text
    assert "Refused" not in text


def test_no_stack_touched_says_nothing_to_preview():
    text = body([], COMMIT, RUN)
    assert text.startswith(MARKER + "\n")
    assert "No stack is touched by this commit: nothing to preview." in text


def test_long_reviews_are_cut_to_fit_one_comment_and_short_ones_kept_whole():
    short = "**small**: no changes\n"
    huge = "".join(f"| voice{i} | replace |\n" for i in range(20_000))
    text = body([review("a", huge), review("b", short), review("c", huge)], COMMIT, RUN)
    assert len(text) <= MAX_CHARACTERS
    assert short in text
    assert text.count("*Cut here: the review is longer than its share of this comment.") == 2
    # each long one got about half of the room
    a, c = text.index("### `a`"), text.index("### `c`")
    assert abs((text.index("### `b`") - a) - (len(text) - c)) < 1_000


def test_a_cut_never_leaves_a_code_block_open():
    text = "summary\n```diff\n" + "".join(f"- line {i}\n" for i in range(1000)) + "```\nafter\n"
    kept = cut(text, 500)
    assert len(kept) <= 500
    assert sum(1 for line in kept.splitlines() if line.startswith("```")) % 2 == 0
    assert cut("short\n", 500) == "short\n"


def test_a_cut_in_a_diagram_leaves_it_out_rather_than_half_drawn():
    text = "summary\n\n```mermaid\nflowchart LR\n" + "".join(f'  n{i}["voice {i}"]\n' for i in range(100)) + "```\n"
    kept = cut(text, 500)
    assert kept == "summary" + CUT_NOTE


def test_shares_give_short_texts_all_they_need_and_split_the_rest():
    assert shares([10, 1000, 1000], 1010) == [10, 500, 500]
    assert shares([10, 20], 1000) == [10, 20]
    assert sum(shares([7, 9000, 123, 5000], 4000)) <= 4000


def run_script(*args: object) -> subprocess.CompletedProcess[str]:
    """As the comment job runs it: from the repository root, with the standard library alone
    (`-S`: no site-packages, so no third-party package and not the virtualenv's install)."""
    return subprocess.run(
        [sys.executable, "-S", "-m", "scripts.review_comment", *map(str, args)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_script_reads_the_reviews_the_jobs_uploaded(tmp_path):
    (tmp_path / "prod.md").write_text("**prod**: 2 to create\n")
    (tmp_path / "prod.exit").write_text("0\n")
    (tmp_path / "staging.md").write_text("error: preview failed\n")
    (tmp_path / "staging.exit").write_text("3\n")
    (tmp_path / "eu.md").write_text("**eu**: 1 to replace\n")
    (tmp_path / "eu.exit").write_text("4\n")
    matrix = {
        "include": [
            {"stack": "prod", "environment": "production"},
            {"stack": "staging", "environment": "non-production"},
            {"stack": "qa", "environment": "non-production"},
            {"stack": "eu", "environment": "non-production"},
        ]
    }
    done = run_script("--matrix", json.dumps(matrix), "--reviews", tmp_path, "--commit", COMMIT, "--run-url", RUN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(MARKER)
    assert "### `prod` (production)\n\n**prod**: 2 to create" in done.stdout
    assert "**The preview failed** (exit 3); what it reported:\n\nerror: preview failed" in done.stdout
    assert "### `qa` (non-production)\n\n**No review**" in done.stdout
    assert "### `eu` (non-production)\n\n**Refused**" in done.stdout


def test_the_script_refuses_a_matrix_that_is_not_json(tmp_path):
    done = run_script("--matrix", "{", "--reviews", tmp_path, "--commit", COMMIT, "--run-url", RUN)
    assert done.returncode == 2
    assert "--matrix is not JSON" in done.stderr
