"""How many of the stack's voices one run may delete, and which voices the stack's state holds
(as the engine's `pulumi:pulumi:readStackResourceOutputs` answers)."""

import pytest

from catalog.deletion_guard import VOICE_TYPE, StateUnreadable, deletion_refusal, voices_in_state
from catalog.environment import Environment

HELD = {"a", "b", "c", "d"}
STACK = "urn:pulumi:dev::personal-voice"


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


def test_a_new_stack_deletes_freely():
    assert deletion_refusal(set(), set(), environment()) is None


def voice(name: str, **outputs) -> tuple[str, dict]:
    return f"{STACK}::{VOICE_TYPE}::{name}", {"type": VOICE_TYPE, "outputs": outputs}


def answer(*resources: tuple[str, dict]) -> dict:
    return {"name": "organization/personal-voice/dev", "outputs": dict(resources)}


def test_the_voices_in_state_are_known_by_their_voice_id_whatever_their_resource_name():
    held = answer(
        voice("jessica", voiceId="JessicaVoice", audios={"containerUrl": "https://a/c?sig=secret"}),
        voice("MarkVoice", voiceId="MarkVoice"),
        (f"{STACK}::pulumi-python:dynamic/customvoice:Consent::MarkVoice", {"type": "x", "outputs": {}}),
        (
            f"{STACK}::pulumi-python:dynamic/customvoice:Consent::jessica-consent",
            {"type": "pulumi-python:dynamic/customvoice:Consent", "outputs": {"consentId": "jessica-consent"}},
        ),
        (f"{STACK}::pulumi:pulumi:Stack::personal-voice-dev", {"type": "pulumi:pulumi:Stack", "outputs": {}}),
    )
    assert voices_in_state(held) == {"JessicaVoice", "MarkVoice"}


@pytest.mark.parametrize("outputs", [{}, {"voiceId": ""}, {"voiceId": 7}])
def test_a_voice_without_a_voice_id_output_counts_by_its_resource_name(outputs):
    assert voices_in_state(answer(voice("jessica", **outputs))) == {"jessica"}


@pytest.mark.parametrize("outputs", [None, [], "JessicaVoice"])
def test_a_voice_whose_outputs_are_not_a_map_counts_by_its_resource_name(outputs):
    urn = f"{STACK}::{VOICE_TYPE}::jessica"
    assert voices_in_state(answer((urn, {"type": VOICE_TYPE, "outputs": outputs}))) == {"jessica"}


def test_a_resource_name_is_all_of_the_urn_after_the_type():
    assert voices_in_state(answer(voice("team::jessica"))) == {"team::jessica"}


def test_a_stack_that_never_ran_holds_no_voices():
    assert voices_in_state({"name": "organization/personal-voice/dev", "outputs": {}}) == set()


@pytest.mark.parametrize("malformed", [None, {}, {"outputs": None}, {"outputs": []}, [], "outputs"])
def test_an_answer_that_does_not_say_what_the_stack_holds_is_unreadable(malformed):
    with pytest.raises(StateUnreadable, match="readStackResourceOutputs gave no resources"):
        voices_in_state(malformed)
