"""How many of the stack's voices one run may delete."""

import pytest

from catalog.deletion_guard import deletion_refusal
from catalog.environment import Environment

HELD = {"a", "b", "c", "d"}


def environment(**changes) -> Environment:
    return Environment(endpoint="http://127.0.0.1:8765", **changes)


@pytest.mark.parametrize(
    ("declared", "share", "refused"),
    [
        (HELD, 0.5, False),  # nothing goes
        ({"a", "b", "c"}, 0.5, False),  # 1 of 4
        ({"a", "b"}, 0.5, False),  # 2 of 4: half is allowed
        ({"a"}, 0.5, True),  # 3 of 4
        ({"a"}, 0.75, False),
        ({"x"}, 1.0, True),  # all of them go: refused whatever the share
        ({"a", "b", "c"}, 0.0, True),  # a share of 0 refuses any delete
    ],
)
def test_a_run_may_delete_up_to_the_configured_share_and_never_all(declared, share, refused):
    assert (deletion_refusal(HELD, declared, environment(max_delete_share=share)) is not None) is refused


def test_the_refusal_lists_the_voices_and_says_how_to_allow_it():
    refusal = deletion_refusal(HELD, set(), environment())
    assert refusal is not None
    assert "delete 4 of the stack's 4 voices (all of them): a, b, c, d" in refusal
    assert "PV_ALLOW_VOICE_DELETES=1" in refusal and "maxVoiceDeleteShare" in refusal


def test_an_allowed_run_or_a_new_stack_deletes_freely():
    assert deletion_refusal(HELD, set(), environment(deletes_allowed=True)) is None
    assert deletion_refusal(set(), set(), environment()) is None
