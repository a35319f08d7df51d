"""The review of real `pulumi preview --json` output of the pinned CLI (3.260.0), one file per kind
of change: `data/preview/*.json`, saved by the end-to-end walkthrough
(`PV_SAVE_PREVIEWS=tests/unit/data/preview pytest tests/e2e/test_review_cli.py`; see its
docstring). The stack: a project, a consent from a URL, JessicaVoice with prompt audio in the
stack's container, MarkVoice and LisaVoice in a container of their own (SAS from `sasToken`)."""

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from review.fields import UNKNOWN
from tests.review_tables import first_line, rows

DATA = Path(__file__).parent / "data" / "preview"
PROJECT = "contoso-personal-voices"
CHANGES_OF_EVERY_VOICE = ("JessicaVoice", "LisaVoice", "MarkVoice")
URN = "urn:pulumi:e2e::personal-voice::pulumi-python:dynamic/customvoice:PersonalVoice::mark"


def preview(kind: str) -> dict[str, Any]:
    return json.loads((DATA / f"{kind}.json").read_text())


def reviewed(document: dict[str, Any], *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), io.StringIO(json.dumps(document)), out, err)
    return status, out.getvalue(), err.getvalue()


def review(kind: str, *args: str) -> str:
    return reviewed(preview(kind), *args)[1]


def profile(kind: str, voice_id: str) -> str:
    """The voice's speakerProfileId, as the stack's outputs in that preview hold it."""
    stack = next(s for s in preview(kind)["steps"] if s["urn"].endswith("::pulumi:pulumi:Stack::personal-voice-e2e"))
    return stack["oldState"]["outputs"]["voices"][voice_id]["speakerProfileId"]


def ends(kind: str, voice_id: str) -> str:
    return f"ends speakerProfileId `{profile(kind, voice_id)}`; SSML and apps using it stop working"


FIRST_LINES = {
    "no-change": "no change to any voice; nothing else changes",
    "voice-created": "1 voice created: new speakerProfileId; nothing else changes",
    "prefix-changed": "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place",
    "id-case-changed": "1 voice replaced: new speakerProfileId; nothing else changes",
    # Config the provider host joins at create: no resource changes.
    "sas-rotated": "no change to any voice; nothing else changes",
    "host-changed": "3 voices replaced: new speakerProfileIds; 1 consent replaced",
    "api-version-changed": (
        "3 voices updated in place: same speakerProfileIds; 1 consent updated in place, 1 project updated in place; "
        "nothing changes in the service"
    ),
    "voice-removed": "1 voice deleted: its speakerProfileId ends; nothing else changes",
    "project-description-changed": "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced",
    "project-description-changed-with-replacement-steps": (
        "3 voices replaced: new speakerProfileIds; 1 consent replaced, 1 project replaced"
    ),
    "consent-replaced": "3 voices replaced: new speakerProfileIds; 1 consent replaced",
    "mixed": (
        "1 voice replaced: new speakerProfileId; 1 voice deleted: its speakerProfileId ends; "
        "1 voice updated in place: same speakerProfileId; 1 prompt audio updated in place"
    ),
    "drift": (
        "1 voice replaced: new speakerProfileId; 1 voice made again (gone from the service): new speakerProfileId; "
        "nothing else changes"
    ),
    "protected-voice-replaced": "blocked: protected voice JessicaVoice would be replaced, so `pulumi up` fails",
    "protected-voice-with-its-project": (
        f"blocked: protected voice JessicaVoice (with project {PROJECT}) would be replaced, so `pulumi up` fails"
    ),
    "protection-lifted": "1 voice replaced: new speakerProfileId; 1 prompt audio updated in place",
    "project-deleted": (
        "3 voices deleted: their speakerProfileIds end; 1 consent deleted, 1 project deleted, 1 prompt audio deleted"
    ),
}

CHANGES = {
    "no-change": {},
    "voice-created": {"Voices": {"NewVoice": "create"}},
    "prefix-changed": {"Voices": {"JessicaVoice": "replace"}, "Storage": {"prompt-audio/jessica/": "update"}},
    "id-case-changed": {"Voices": {"MarkVoice": "replace"}},
    "sas-rotated": {},
    "host-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
    },
    "api-version-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "update"),
        "Consents": {"jessica-consent": "update"},
        "Projects": {PROJECT: "update"},
    },
    "voice-removed": {"Voices": {"LisaVoice": "delete"}},
    "project-description-changed": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
        "Projects": {PROJECT: "replace"},
    },
    "consent-replaced": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "replace"),
        "Consents": {"jessica-consent": "replace"},
    },
    "mixed": {
        "Voices": {"JessicaVoice": "replace", "LisaVoice": "delete", "MarkVoice": "update"},
        "Storage": {"prompt-audio/jessica/": "update"},
    },
    "drift": {"Voices": {"MarkVoice": "replace", "LisaVoice": "create (again)"}},
    # The engine goes on after refusing the protected voice: the rest of the change is shown.
    "protected-voice-replaced": {
        "Voices": {"JessicaVoice": "**blocked** replace"},
        "Storage": {"prompt-audio/jessica/": "update"},
    },
    # Here it stops at once: only the refusal says what was attempted.
    "protected-voice-with-its-project": {"Voices": {"JessicaVoice": "**blocked** replace"}},
    # The catalog lifts the protection in the same change: the engine goes by the catalog.
    "protection-lifted": {"Voices": {"JessicaVoice": "replace"}, "Storage": {"prompt-audio/jessica/": "update"}},
    "project-deleted": {
        "Voices": dict.fromkeys(CHANGES_OF_EVERY_VOICE, "delete"),
        "Consents": {"jessica-consent": "delete"},
        "Projects": {PROJECT: "delete"},
        "Storage": {"prompt-audio/jessica/": "delete"},
    },
}
CHANGES["project-description-changed-with-replacement-steps"] = CHANGES["project-description-changed"]


@pytest.mark.parametrize("kind", sorted(FIRST_LINES))
def test_each_kind_of_change_has_its_first_line_and_one_row_per_changed_resource(kind):
    text = review(kind)
    assert first_line(text) == FIRST_LINES[kind]
    assert {group: {i: row.change for i, row in found.items()} for group, found in rows(text).items()} == CHANGES[kind]


def test_every_data_file_is_reviewed_here():
    assert {path.stem for path in DATA.glob("*.json")} == set(FIRST_LINES) | {"catalog-mistake"}
    assert set(FIRST_LINES) == set(CHANGES)


def test_a_replaced_voice_names_the_field_and_the_speaker_profile_id_that_ends():
    jessica = rows(review("prefix-changed"))["Voices"]["JessicaVoice"]
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == f"{ends('prefix-changed', 'JessicaVoice')}; the new voice gets a new speakerProfileId"
    storage = rows(review("prefix-changed"))["Storage"]["prompt-audio/jessica/"]
    assert storage.what == "`prefix`: `jessica/` -> `jessica-v2/`"
    assert storage.consequence == (
        "uploads `prompt-audio/jessica-v2/jessica-prompt.wav`; deletes `prompt-audio/jessica/jessica-prompt.wav`"
    )


def test_an_id_whose_case_changes_is_a_replacement_named_by_its_old_id():
    mark = rows(review("id-case-changed"))["Voices"]["MarkVoice"]
    assert mark.what == "`voiceId`: `MarkVoice` -> `markVoice`"
    assert mark.consequence.startswith(ends("id-case-changed", "MarkVoice"))


def test_a_change_of_host_shows_both_hosts():
    found = rows(review("host-changed"))
    old, new = "http://127.0.0.1:10000/devstoreaccount1/voices", "https://contoso.blob.core.windows.net/voices"
    assert found["Voices"]["MarkVoice"].what == f"`audios.containerUrl`: `{old}` -> `{new}`"
    assert found["Consents"]["jessica-consent"].what == (
        f"`audioUrl`: `{old}/consents/jessica.wav` -> `{new}/consents/jessica.wav`"
    )


def test_an_api_version_change_changes_nothing_in_the_service():
    for found in rows(review("api-version-changed")).values():
        for row in found.values():
            assert row.what == "`apiVersion`: `2026-01-01` -> `2024-02-01-preview`"
            assert row.consequence.startswith("no change in the service")


def test_a_removed_voice_ends_its_speaker_profile_id():
    lisa = rows(review("voice-removed"))["Voices"]["LisaVoice"]
    assert (lisa.what, lisa.consequence) == ("no longer in the catalog", ends("voice-removed", "LisaVoice"))


def test_a_project_replaced_takes_its_consents_and_voices_along_and_each_says_why():
    found = rows(review("project-description-changed"))
    assert found["Projects"][PROJECT].what == "`description`: `(none)` -> `Personal voices, second edition`"
    assert found["Projects"][PROJECT].consequence == (
        "takes every consent and voice in it along, replaced too: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    assert found["Consents"]["jessica-consent"].what == f"no change of its own: replaced with project {PROJECT}"
    for voice_id, row in found["Voices"].items():
        assert row.what == f"no change of its own: replaced with project {PROJECT} and consent jessica-consent"
        assert row.consequence.startswith(ends("project-description-changed", voice_id))


def test_replacement_steps_listed_or_not_give_the_same_review():
    with_steps = preview("project-description-changed-with-replacement-steps")
    ops = [step["op"] for step in with_steps["steps"]]
    assert ops.count("replace") == ops.count("create-replacement") == ops.count("delete-replaced") == 5
    assert review("project-description-changed-with-replacement-steps") == review("project-description-changed")


def test_a_deleted_project_lists_the_consents_and_voices_it_takes_along():
    found = rows(review("project-deleted"))
    assert found["Projects"][PROJECT].what == "no longer in the catalog"
    assert found["Projects"][PROJECT].consequence == (
        "deleted in the service with everything in it: consents `jessica-consent`; "
        "voices `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )
    assert found["Consents"]["jessica-consent"].consequence == "deleted in the service"
    for voice_id, row in found["Voices"].items():
        assert (row.what, row.consequence) == ("no longer in the catalog", ends("project-deleted", voice_id))


def test_a_protection_lifted_in_the_same_change_is_said_beside_the_id():
    jessica = rows(review("protection-lifted"))["Voices"]["JessicaVoice"]
    assert jessica.id_cell == "`JessicaVoice` (protection lifted)"
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == (
        f"{ends('protection-lifted', 'JessicaVoice')}; the new voice gets a new speakerProfileId"
    )
    assert "**Blocked.**" not in review("protection-lifted")


def test_a_consent_replaced_replaces_its_voices():
    found = rows(review("consent-replaced"))
    assert found["Consents"]["jessica-consent"].what == "`voiceTalentName`: `Jessica Smith` -> `Jessica Smith-Jones`"
    assert found["Consents"]["jessica-consent"].consequence == (
        "replaces its voices: `JessicaVoice`, `LisaVoice`, `MarkVoice`"
    )


def test_what_the_refresh_found_is_said_a_disabled_voice_and_a_voice_gone_from_the_service():
    found = rows(review("drift"))["Voices"]
    assert found["MarkVoice"].what == "status is Disabled in the service (found by the refresh)"
    assert found["MarkVoice"].consequence.startswith(
        f"the service has it Disabled already; {ends('drift', 'MarkVoice')}"
    )
    assert found["LisaVoice"].what == "gone from the service (found by the refresh): made again"
    assert found["LisaVoice"].consequence == (
        f"speakerProfileId `{profile('drift', 'LisaVoice')}` ended outside the stack; "
        "the voice made again gets a new one"
    )


def test_a_blocked_voice_says_what_was_attempted_and_that_its_speaker_profile_id_stays():
    jessica = rows(review("protected-voice-replaced"))["Voices"]["JessicaVoice"]
    assert jessica.id_cell == "`JessicaVoice` (protected)"
    assert jessica.what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert jessica.consequence == (
        "refused: it is protected, so `pulumi up` fails; "
        f"speakerProfileId `{profile('protected-voice-replaced', 'JessicaVoice')}` stays"
    )
    along = rows(review("protected-voice-with-its-project"))["Voices"]["JessicaVoice"]
    assert along.what == f"replaced as part of replacing project {PROJECT}"
    for kind in ("protected-voice-replaced", "protected-voice-with-its-project"):
        text = review(kind)
        assert "**Blocked.**" in text and "**The preview failed:**" not in text


def test_unchanged_resources_are_counted_by_kind_or_all_together_without_show_sames():
    assert "Unchanged (not listed): 3 voices, 1 consent, 1 project, 1 blob container, 1 prompt audio." in review(
        "no-change"
    )
    assert "Unchanged (not listed): 1 consent, 1 project, 1 blob container." in review("mixed")
    plain = preview("no-change")
    plain["steps"] = [
        s for s in plain["steps"] if s["op"] != "same" or s["urn"].endswith("::pulumi:pulumi:Stack::personal-voice-e2e")
    ]
    assert "Unchanged (not listed): 7 resources." in reviewed(plain)[1]


@pytest.mark.parametrize(
    ("kind", "fail_on", "status"),
    [
        ("no-change", "replace,delete", 0),
        ("voice-created", "replace,delete", 0),
        ("voice-created", "create", 4),
        ("drift", "create", 4),  # made again: a create
        ("sas-rotated", "replace,delete", 0),
        ("sas-rotated", "update,replace,delete", 0),
        ("mixed", "update", 4),
        ("prefix-changed", "replace,delete", 4),
        ("voice-removed", "replace,delete", 4),
        ("voice-removed", "replace", 0),
        ("mixed", "delete", 4),
        ("protected-voice-replaced", "create", 3),  # a blocked change fails the preview: 3 whatever --fail-on says
        ("protected-voice-replaced", "replace", 3),
    ],
)
def test_fail_on_exits_4_when_such_a_change_is_present_and_a_failed_preview_exits_3(kind, fail_on, status):
    assert reviewed(preview(kind), "--fail-on", fail_on)[0] == status


def test_what_fails_is_said_on_stderr_in_one_line():
    _, _, err = reviewed(preview("mixed"), "--fail-on", "replace,delete")
    assert err == "review: 1 delete, 1 replace present, and --fail-on names it\n"
    _, _, err = reviewed(preview("protected-voice-replaced"))
    assert err == f"review: {FIRST_LINES['protected-voice-replaced']}\n"


def test_a_preview_that_failed_for_another_reason_says_why_first():
    status, text, err = reviewed(preview("catalog-mistake"), "--fail-on", "replace")
    assert status == 3
    problem = "voices[1].consentId: consent 'nobody-consent' is not declared in consents"
    assert first_line(text).startswith("preview failed: invalid catalog: /") and first_line(text).endswith(problem)
    assert err == f"review: {first_line(text)}\n"
    assert rows(text) == {}
    assert "**The preview failed:**\n\n```text\ninvalid catalog:\n  /" in text and f"{problem}\n```" in text
    # The engine's wrap-up ("Program exited with non-zero exit code") adds nothing.
    assert "Program exited" not in text


def test_a_changed_field_of_hostile_text_stays_in_its_cell():
    hostile = preview("project-description-changed")
    step = next(s for s in hostile["steps"] if s["op"] == "replace" and s["urn"].endswith(f"Project::{PROJECT}"))
    step["newState"]["inputs"]["description"] = "a | b `c`\n<script>alert(1)</script>"
    project = rows(reviewed(hostile)[1])["Projects"][PROJECT]
    assert project.what == "`description`: `(none)` -> ``a \\| b `c` <script>alert(1)</script>``"


def test_a_sas_or_a_signature_never_shows_even_outside_secret_fields():
    leaky = preview("prefix-changed")
    step = next(s for s in leaky["steps"] if s["op"] == "replace")
    step["newState"]["inputs"]["endpoint"] = "https://speech.example/?sv=2024&sig=TopSecretSignature%3D"
    leaky["diagnostics"] = [
        {"message": "error: GET https://a.example/c?sig=OtherSignature failed\n", "severity": "error"}
    ]
    _, text, err = reviewed(leaky)
    assert "https://speech.example/?[secret]" in text
    assert "TopSecretSignature" not in text + err and "OtherSignature" not in text + err


def test_a_resource_of_another_type_is_listed_with_plain_words():
    other = preview("voice-created")
    step = next(s for s in other["steps"] if s["op"] == "create")
    step["urn"] = step["urn"].replace(
        "pulumi-python:dynamic/customvoice:PersonalVoice", "random:index/randomId:RandomId"
    )
    step["newState"]["type"] = "random:index/randomId:RandomId"
    text = review_of_document(other)
    assert first_line(text) == "no change to any voice; 1 other resource created"
    assert rows(text) == {"Other resources": {"new": rows(text)["Other resources"]["new"]}}
    assert rows(text)["Other resources"]["new"].consequence == "created"


def review_of_document(document: dict[str, Any]) -> str:
    return reviewed(document)[1]


def test_a_container_sas_says_a_token_outlives_its_resource():
    sas_urn = "urn:pulumi:e2e::personal-voice::pulumi-python:dynamic/storage:ContainerSas::prompt-audio-read"
    state = {
        "urn": sas_urn,
        "type": "pulumi-python:dynamic/storage:ContainerSas",
        "inputs": {"accountUrl": "http://127.0.0.1:10000/devstoreaccount1", "containerName": "prompt-audio"},
        "outputs": {"token": "[secret]"},
    }
    document = copy.deepcopy(preview("no-change"))
    document["steps"] += [{"op": "delete", "urn": sas_urn, "oldState": state, "newState": None}]
    row = rows(review_of_document(document))["Storage"]["prompt-audio"]
    assert (row.change, row.consequence) == (
        "delete",
        "revokes nothing: the token stays valid until it expires (rotating the account key revokes it)",
    )


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        ("", "not JSON"),
        ("Previewing update (dev):\n", "not JSON"),
        ('{"steps": [{"op": "create"}]}', "steps[0]: no op or URN"),
        (
            '{"steps": [{"op": "create", "urn": "urn:pulumi:a::b::c::d", "newState": {"inputs": {}}}]}',
            "steps[0].newState: not a resource state",
        ),
        ("[]", "no `steps` list: not the output of `pulumi preview --json`"),
        ('{"steps": ["create"]}', "steps[0]: not an object"),
        ('{"steps": [{"op": "create", "urn": "a::b"}]}', "steps[0]: no op or URN"),
        ('{"steps": [], "changeSummary": {"same": "1"}}', "changeSummary: not a count per op"),
        ('{"steps": [], "changeSummary": "x"}', "changeSummary: not a count per op"),
        (
            f'{{"steps": [{{"op": "same", "urn": "{URN}", "oldState": {{"type": "t", "inputs": [1]}}}}]}}',
            "steps[0].oldState: inputs and outputs must be objects",
        ),
        (
            f'{{"steps": [{{"op": "same", "urn": "{URN}", "oldState": {{"type": "t", "outputs": "x"}}}}]}}',
            "steps[0].oldState: inputs and outputs must be objects",
        ),
        (
            f'{{"steps": [{{"op": "same", "urn": "{URN}", "oldState": {{"type": "t", "dependencies": "x"}}}}]}}',
            "steps[0].oldState.dependencies: not a list of names",
        ),
        (
            f'{{"steps": [{{"op": "same", "urn": "{URN}", "replaceReasons": [1]}}]}}',
            "steps[0].replaceReasons: not a list of names",
        ),
        ('{"steps": [], "diagnostics": [{"severity": "error"}]}', "diagnostics[0]: no message"),
        ('{"steps": [], "diagnostics": ["error"]}', "diagnostics[0]: no message"),
    ],
)
def test_input_that_is_not_preview_json_is_refused_in_one_line(stdin, problem):
    out, err = io.StringIO(), io.StringIO()
    assert main([], io.StringIO(stdin), out, err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("review: the input is not `pulumi preview --json` output: ")
    assert problem in err.getvalue() and err.getvalue().count("\n") == 1
    if not problem.startswith("not JSON"):
        assert err.getvalue() == f"review: the input is not `pulumi preview --json` output: {problem}\n"


def test_an_unknown_fail_on_kind_is_refused_naming_the_kinds():
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fail-on", "replace,remove"], io.StringIO("{}"), out, err) == 2
    assert "remove: give one or more of create, update, replace, delete, comma-separated" in err.getvalue()


# Changes no walkthrough makes, made from the real no-change preview: one resource's `same` step
# turned into another op, its states edited as the engine would print them.
STACK_URN = "urn:pulumi:e2e::personal-voice::pulumi:pulumi:Stack::personal-voice-e2e"


def changed(name: str, op: str, base: str = "no-change", edit=None) -> dict[str, Any]:
    """The preview with the resource named `name` (the URN's last part) under `op`."""
    document = preview(base)
    step = next(s for s in document["steps"] if s["op"] == "same" and s["urn"].endswith(f"::{name}"))
    step["op"] = op
    if op == "create":  # new to the stack: no state, no refresh
        step["oldState"] = None
        document["steps"] = [s for s in document["steps"] if not (s["op"] == "refresh" and s["urn"] == step["urn"])]
    if op == "delete":
        step["newState"] = None
    if edit:
        edit(step)
    return document


def row_of(document: dict[str, Any], group: str, resource_id: str):
    return rows(reviewed(document)[1])[group][resource_id]


def without_profiles(document: dict[str, Any]) -> dict[str, Any]:
    """Neither the voices' states nor the stack's outputs say a speakerProfileId."""
    for step in document["steps"]:
        for state in (step.get("oldState"), step.get("newState")):
            if state and "speakerProfileId" in (state.get("outputs") or {}):
                state["outputs"]["speakerProfileId"] = "[secret]"
            if state and step["urn"] == STACK_URN:
                (state.get("outputs") or {}).pop("voices", None)
    return document


@pytest.mark.parametrize(
    ("op", "created_by_stack", "said"),
    [
        ("create", None, "a new container in the storage account"),
        ("delete", True, "the container and every blob in it are deleted"),
        ("replace", True, "the container and every blob in it are deleted; a new one is made"),
        ("delete", False, "the container stays (the stack adopted it, did not create it)"),
        ("replace", False, "the container stays (the stack adopted it, did not create it); a new one is made"),
    ],
)
def test_a_blob_container_says_whether_its_blobs_go_with_it(op, created_by_stack, said):
    def adopted(step):
        if step["oldState"] is not None:
            step["oldState"]["outputs"]["createdByStack"] = created_by_stack

    row = row_of(changed("prompt-audio", op, edit=adopted), "Storage", "prompt-audio")
    assert (row.change, row.consequence) == (op, said)


def container_sas_step(op: str) -> dict[str, Any]:
    inputs: dict[str, Any] = {"accountUrl": "http://127.0.0.1:10000/devstoreaccount1", "containerName": "prompt-audio"}
    state: dict[str, Any] = {
        "urn": "urn:pulumi:e2e::personal-voice::pulumi-python:dynamic/storage:ContainerSas::prompt-audio-read",
        "type": "pulumi-python:dynamic/storage:ContainerSas",
        "inputs": inputs,
        "outputs": {"token": "[secret]"},
    }
    old = None if op == "create" else state
    new = None if op == "delete" else {**state, "inputs": {**inputs, "expiresInDays": 2}}
    return {"op": op, "urn": state["urn"], "oldState": old, "newState": new}


@pytest.mark.parametrize(
    ("op", "said"),
    [
        ("create", "signs a read+list token"),
        ("update", "signs a new token; the old one stays valid until it expires"),
        ("delete", "revokes nothing: the token stays valid until it expires (rotating the account key revokes it)"),
    ],
)
def test_a_container_sas_says_what_happens_to_its_tokens(op, said):
    document = preview("no-change")
    document["steps"].append(container_sas_step(op))
    assert row_of(document, "Storage", "prompt-audio").consequence == said


@pytest.mark.parametrize(
    ("op", "said"),
    [("update", "updated in place"), ("replace", "made again (a new resource)"), ("delete", "deleted")],
)
def test_a_resource_of_another_type_says_the_op_in_plain_words(op, said):
    def other(step):
        step["urn"] = step["urn"].replace("pulumi-python:dynamic/customvoice:Project", "random:index/randomId:RandomId")
        for state in (step["oldState"], step["newState"]):
            if state:
                state["type"] = "random:index/randomId:RandomId"
        if step["newState"]:
            step["newState"]["inputs"]["description"] = "changed"

    text = reviewed(changed(PROJECT, op, edit=other))[1]
    verb = {"update": "updated in place", "replace": "replaced", "delete": "deleted"}[op]
    assert first_line(text) == f"no change to any voice; 1 other resource {verb}"
    assert rows(text)["Other resources"][PROJECT].consequence == said


def test_a_new_voice_consent_and_project_each_say_what_up_makes():
    voice = row_of(changed("jessica", "create"), "Voices", "JessicaVoice")
    assert (voice.what, voice.consequence) == (
        "new in the catalog",
        "a new voice: its speakerProfileId comes with `pulumi up`",
    )
    assert row_of(changed("jessica-consent", "create"), "Consents", "jessica-consent").consequence == (
        "a new consent in the service"
    )
    assert row_of(changed(PROJECT, "create"), "Projects", PROJECT).consequence == "a new project in the service"


def test_a_speaker_profile_id_comes_from_the_voice_state_else_from_the_stack_outputs():
    state_only = preview("voice-removed")
    for step in state_only["steps"]:
        if step["urn"] == STACK_URN and step["oldState"]:
            step["oldState"]["outputs"].pop("voices")
    assert row_of(state_only, "Voices", "LisaVoice").consequence == ends("voice-removed", "LisaVoice")
    outputs_only = preview("voice-removed")
    for step in outputs_only["steps"]:
        if step["urn"].endswith("::lisa") and step["oldState"]:
            step["oldState"]["outputs"]["speakerProfileId"] = "[secret]"
    assert row_of(outputs_only, "Voices", "LisaVoice").consequence == ends("voice-removed", "LisaVoice")
    for hidden in ("", None, 123):
        empty = preview("voice-removed")
        for step in empty["steps"]:
            if step["urn"].endswith("::lisa") and step["oldState"]:
                step["oldState"]["outputs"]["speakerProfileId"] = hidden
        assert row_of(empty, "Voices", "LisaVoice").consequence == ends("voice-removed", "LisaVoice")
    not_a_text = without_profiles(preview("voice-removed"))
    for step in not_a_text["steps"]:
        if step["urn"] == STACK_URN and step["oldState"]:
            step["oldState"]["outputs"]["voices"] = {"LisaVoice": {"speakerProfileId": 123}}
    assert row_of(not_a_text, "Voices", "LisaVoice").consequence.startswith("ends its speakerProfileId;")


def test_a_voice_whose_speaker_profile_id_is_not_known_is_still_said_to_end():
    lisa = row_of(without_profiles(preview("voice-removed")), "Voices", "LisaVoice")
    assert lisa.consequence == "ends its speakerProfileId; SSML and apps using it stop working"
    again = row_of(without_profiles(preview("drift")), "Voices", "LisaVoice")
    assert again.consequence == "its speakerProfileId ended outside the stack; the voice made again gets a new one"
    blocked = row_of(without_profiles(preview("protected-voice-replaced")), "Voices", "JessicaVoice")
    assert blocked.consequence == "refused: it is protected, so `pulumi up` fails; the voice stays"


def test_a_new_base_model_in_place_names_what_the_ssml_output_now_speaks_through():
    def new_base_model(step):
        step["newState"]["inputs"]["baseModel"] = "PhoenixLatestNeural"

    mark = row_of(changed("mark", "update", edit=new_base_model), "Voices", "MarkVoice")
    assert mark.what == "`baseModel`: `DragonLatestNeural` -> `PhoenixLatestNeural`"
    assert mark.consequence == (
        "no change in the service; same speakerProfileId; its `ssml` output names `PhoenixLatestNeural`: "
        "apps reading it speak through that base model"
    )


def test_an_update_with_a_value_known_only_at_up_may_still_be_a_replacement():
    def unknown_prefix(step):
        step["newState"]["inputs"]["audios"]["prefix"] = UNKNOWN

    mark = row_of(changed("mark", "update", edit=unknown_prefix), "Voices", "MarkVoice")
    assert mark.what == "`audios.prefix`: `mark/` -> `[known at up]`"
    assert mark.consequence == (
        "no change in the service; same speakerProfileId; a value known only at `pulumi up` may still make it a "
        "replacement"
    )


def test_an_op_the_review_has_no_words_for_is_named_as_the_cli_names_it():
    text = reviewed(changed("mark", "import"))[1]
    assert first_line(text) == "1 voice with other steps; nothing else changes"
    mark = rows(text)["Voices"]["MarkVoice"]
    assert (mark.change, mark.consequence) == ("`import`", "`import`: see `pulumi preview --diff`")
    consent = rows(reviewed(changed("jessica-consent", "import"))[1])["Consents"]["jessica-consent"]
    assert consent.change == "`import`"
    assert first_line(reviewed(changed("jessica-consent", "import"))[1]) == (
        "no change to any voice; 1 consent with other steps"
    )


def protection_refusal(name: str, op: str) -> dict[str, str]:
    urn = next(s["urn"] for s in preview("no-change")["steps"] if s["urn"].endswith(f"::{name}"))
    said = {
        "delete": f'resource "{urn}" cannot be deleted\nbecause it is protected',
        "replace": f'unable to replace resource "{urn}"\nas it is currently marked for protection',
    }[op]
    return {"message": f"error: {said}\n", "severity": "error"}


def test_protected_resources_of_several_kinds_and_ops_are_all_named_in_the_first_line():
    document = preview("voice-removed")
    document["diagnostics"] = [
        protection_refusal("lisa", "delete"),
        protection_refusal("mark", "replace"),
        protection_refusal("jessica-consent", "replace"),
    ]
    status, text, _ = reviewed(document)
    assert status == 3
    assert first_line(text) == (
        "blocked: protected resources jessica-consent, MarkVoice would be replaced "
        "and protected voice LisaVoice would be deleted, so `pulumi up` fails"
    )
    assert rows(text)["Voices"]["LisaVoice"].change == "**blocked** delete"
    two_voices = preview("voice-removed")
    two_voices["diagnostics"] = [protection_refusal("mark", "replace"), protection_refusal("jessica", "replace")]
    # In the order of the preview's steps.
    assert first_line(reviewed(two_voices)[1]) == (
        "blocked: protected voices MarkVoice, JessicaVoice would be replaced, so `pulumi up` fails"
    )


def test_a_blocked_change_says_how_to_go_on():
    text = review("protected-voice-replaced")
    assert (
        "**Blocked.** A protected resource (catalog `protect: true`, or config `protectVoices`) is neither replaced "
        "nor deleted: `pulumi up` fails on it and its speakerProfileId stays. Undo the change, or lift the "
        "protection first in a change of its own."
    ) in text
    assert text.endswith(
        "A failed preview can stop before it reaches every resource: the rows above may not be all of the change.\n"
    )


def test_a_long_reason_is_cut_in_the_first_line_and_given_whole_below():
    document = preview("catalog-mistake")
    long_reason = "x" * 400
    document["diagnostics"] = [{"message": f"error: {long_reason}\n", "severity": "error"}]
    text = reviewed(document)[1]
    assert first_line(text) == f"preview failed: {'x' * 299}…"
    assert long_reason in text
    exact = preview("catalog-mistake")
    exact["diagnostics"] = [{"message": f"error: {'y' * 300}\n", "severity": "error"}]
    assert first_line(reviewed(exact)[1]) == f"preview failed: {'y' * 300}"
    said_nothing = preview("catalog-mistake")
    said_nothing["diagnostics"] = [{"message": " \n", "severity": "error"}]
    assert first_line(reviewed(said_nothing)[1]) == "preview failed"


def test_several_reasons_are_each_given_and_the_first_leads():
    document = preview("catalog-mistake")
    document["diagnostics"] = [
        {"message": "error: Preview failed: first reason\n", "severity": "error"},
        {"message": "error: second reason\n", "severity": "error"},
    ]
    text = reviewed(document)[1]
    assert first_line(text) == "preview failed: first reason"
    assert "**The preview failed:**\n\n```text\nfirst reason\n\nsecond reason\n```" in text


def test_help_says_how_to_call_it():
    out, err = io.StringIO(), io.StringIO()
    assert main(["--help"], io.StringIO(""), out, err) == 0
    assert " ".join(out.getvalue().split()) == (
        "usage: python -m review [-h] [--fail-on KINDS] "
        "Review `pulumi preview --json` (stdin) as Markdown (stdout). "
        "options: -h, --help show this help message and exit "
        "--fail-on KINDS exit 4 when a change of these kinds is present: create, update, replace, delete "
        "(comma-separated)"
    )
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fail-on", " , "], io.StringIO("{}"), out, err) == 2
    assert "nothing: give one or more of create, update, replace, delete, comma-separated" in err.getvalue()
    assert main(["--fail-on", "remove,drop"], io.StringIO("{}"), out, err) == 2
    assert "remove, drop: give one or more" in err.getvalue()
    assert out.getvalue() == ""


def test_a_protected_resource_the_engine_stopped_at_is_reviewed_even_without_a_step_of_its_own():
    # Without the refresh (a stack whose Pulumi.yaml does not refresh), the voice has no step at all.
    document = preview("protected-voice-with-its-project")
    document["steps"] = [s for s in document["steps"] if not s["urn"].endswith("::jessica")]
    text = reviewed(document)[1]
    # With no state, the voice is named by its resource name.
    assert first_line(text) == (
        f"blocked: protected voice jessica (with project {PROJECT}) would be replaced, so `pulumi up` fails"
    )
    jessica = rows(text)["Voices"]["jessica"]
    assert (jessica.change, jessica.id_cell, jessica.what) == (
        "**blocked** replace",
        "`jessica`",
        f"replaced as part of replacing project {PROJECT}",
    )
    # The engine's own resources are never rows, blocked or not.
    stack_refused = preview("no-change")
    stack_refused["diagnostics"] = [
        {"message": f'error: resource "{STACK_URN}" cannot be deleted\nbecause it is protected\n', "severity": "error"}
    ]
    assert rows(reviewed(stack_refused)[1]) == {}


def test_a_step_without_states_is_known_by_the_type_in_its_urn():
    document = preview("no-change")
    for step in document["steps"]:
        if step["urn"].endswith("::mark"):
            step["oldState"] = step["newState"] = None
    assert (
        "Unchanged (not listed): 3 voices, 1 consent, 1 project, 1 blob container, 1 prompt audio."
        in reviewed(document)[1]
    )


def test_unchanged_resources_the_preview_did_not_count_are_none():
    document = preview("voice-created")
    document["steps"] = [s for s in document["steps"] if s["op"] == "create"]
    document.pop("changeSummary")
    assert "Unchanged (not listed): none." in reviewed(document)[1]
    one = preview("no-change")
    one["steps"] = [s for s in one["steps"] if s["op"] != "same" or s["urn"] == STACK_URN]
    one["changeSummary"] = {"same": 2}  # the stack and one resource
    assert "Unchanged (not listed): 1 resource." in reviewed(one)[1]
    listed_and_more = preview("no-change")
    listed_and_more["changeSummary"] = {"same": 10}
    assert (
        "Unchanged (not listed): 3 voices, 1 consent, 1 project, 1 blob container, 1 prompt audio, 2 more."
        in (reviewed(listed_and_more)[1])
    )


def test_a_replacement_for_a_secret_field_names_it_beside_the_other_reasons():
    def replaced_for_two_reasons(step):
        step["newState"]["inputs"]["apiVersion"] = "2024-02-01-preview"
        for state in ("oldState", "newState"):  # a URL a program made secret (this one's are plain)
            step[state]["inputs"]["audios"]["containerUrl"] = "[secret]"
        step["replaceReasons"] = ["apiVersion", "audios"]

    mark = row_of(changed("mark", "replace", edit=replaced_for_two_reasons), "Voices", "MarkVoice")
    assert mark.what == (
        "`apiVersion`: `2026-01-01` -> `2024-02-01-preview`<br>`audios.containerUrl`: `[secret]` -> `[secret]`"
    )


def test_a_project_deleted_alone_takes_none_of_the_stacks_consents_or_voices():
    row = row_of(changed(PROJECT, "delete"), "Projects", PROJECT)
    assert row.consequence == (
        "deleted in the service with everything in it: consents none of the stack's; voices none of the stack's"
    )


def test_prompt_audio_in_place_uploads_what_is_new_or_changed_and_keeps_the_rest():
    def one_more_and_one_changed(step):
        files = step["newState"]["inputs"]["files"]
        files.append({"name": "b.wav", "path": "stacks/dev-audio/b.wav", "sha256": "1" * 64})
        files.append({"name": "a.wav", "path": "stacks/dev-audio/a.wav", "sha256": "2" * 64})
        files.append("not a file")
        step["oldState"]["inputs"]["files"].append({"name": "a.wav", "path": "a.wav", "sha256": "3" * 64})

    storage = row_of(
        changed("jessica-prompt-audio", "update", edit=one_more_and_one_changed), "Storage", "prompt-audio/jessica/"
    )
    assert storage.consequence == "uploads `prompt-audio/jessica/a.wav`, `prompt-audio/jessica/b.wav`"

    def moved_account(step):
        step["newState"]["inputs"]["accountUrl"] = "http://127.0.0.1:1/devstoreaccount1"

    unmoved = row_of(changed("jessica-prompt-audio", "update", edit=moved_account), "Storage", "prompt-audio/jessica/")
    assert unmoved.consequence == "no blob changes"

    def no_prefix(step):
        del step["oldState"]["inputs"]["prefix"]

    gone = row_of(changed("jessica-prompt-audio", "delete", edit=no_prefix), "Storage", "jessica-prompt-audio")
    assert gone.consequence == "deletes `prompt-audio/jessica-prompt.wav`"


def test_a_resource_replaced_with_others_names_them_outermost_first_whatever_the_step_order():
    document = preview("project-description-changed")
    steps = document["steps"]
    for step in steps:
        if step["op"] == "same" and step["urn"].endswith("::jessica-prompt-audio"):
            step["op"] = "replace"
    project_steps = [s for s in steps if s["urn"].endswith(f"::{PROJECT}")]
    document["steps"] = [s for s in steps if s not in project_steps] + project_steps  # the project after all in it
    jessica = row_of(document, "Voices", "JessicaVoice")
    assert jessica.what == (
        f"no change of its own: replaced with project {PROJECT} and consent jessica-consent "
        "and prompt audio prompt-audio/jessica/"
    )


def test_when_the_engine_says_only_that_the_preview_failed_the_review_says_that():
    document = preview("catalog-mistake")
    document["diagnostics"] = [{"message": "error: preview failed\n", "severity": "error"}]
    text = reviewed(document)[1]
    assert first_line(text) == "preview failed: preview failed"
    assert "**The preview failed:**\n\n```text\npreview failed\n```" in text


def test_a_replaced_secret_shown_whole_on_one_side_keeps_the_path_the_engine_compared():
    def secret_as_a_whole_before(step):
        step["oldState"]["inputs"]["audios"] = "[secret]"
        step["newState"]["inputs"]["audios"]["containerUrl"] = "[secret]"
        step["replaceReasons"] = ["audios"]

    mark = row_of(changed("mark", "replace", edit=secret_as_a_whole_before), "Voices", "MarkVoice")
    assert mark.what == "`audios`: `[secret]` -> `[secret]`"


def test_a_resource_with_a_change_of_its_own_or_a_new_one_is_not_said_to_be_replaced_along():
    document = preview("project-description-changed")
    jessica = next(s for s in document["steps"] if s["op"] == "replace" and s["urn"].endswith("::jessica"))
    jessica["newState"]["inputs"]["audios"]["prefix"] = "jessica-v2/"
    new_voice = copy.deepcopy(jessica)
    new_voice.update(op="create", urn=jessica["urn"].replace("::jessica", "::new"), oldState=None)
    new_voice["newState"]["inputs"]["voiceId"] = "NewVoice"
    document["steps"].append(new_voice)
    found = rows(reviewed(document)[1])["Voices"]
    assert found["JessicaVoice"].what == "`audios.prefix`: `jessica/` -> `jessica-v2/`"
    assert (found["NewVoice"].change, found["NewVoice"].what) == ("create", "new in the catalog")


def test_a_resource_replaced_along_with_one_not_in_the_preview_is_named_by_its_urn():
    project_urn = next(s["urn"] for s in preview("no-change")["steps"] if s["urn"].endswith(f"::{PROJECT}"))
    jessica_urn = next(s["urn"] for s in preview("no-change")["steps"] if s["urn"].endswith("::jessica"))
    for cause, named in (
        (project_urn.replace(PROJECT, "elsewhere"), "project elsewhere"),
        (STACK_URN, "personal-voice-e2e"),
    ):
        document = preview("no-change")
        said = f'unable to replace resource "{jessica_urn}"\nas part of replacing "{cause}"\nas it is currently marked for protection'
        document["diagnostics"] = [{"message": f"error: {said}\n", "severity": "error"}]
        assert row_of(document, "Voices", "JessicaVoice").what == f"replaced as part of replacing {named}"


def test_a_deleted_project_lists_the_voices_that_depend_on_it_only_through_their_consent():
    document = preview("project-deleted")
    project_urn = next(s["urn"] for s in document["steps"] if s["urn"].endswith(f"::{PROJECT}"))
    for step in document["steps"]:
        if "PersonalVoice" in step["urn"] and step["oldState"]:
            step["oldState"]["dependencies"] = [d for d in step["oldState"]["dependencies"] if d != project_urn]
    assert row_of(document, "Projects", PROJECT).consequence.endswith("voices `JessicaVoice`, `LisaVoice`, `MarkVoice`")


def test_new_prompt_audio_uploads_every_file():
    storage = row_of(changed("jessica-prompt-audio", "create"), "Storage", "prompt-audio/jessica/")
    assert (storage.change, storage.consequence) == ("create", "uploads `prompt-audio/jessica/jessica-prompt.wav`")


def test_a_replacement_that_shows_no_change_leaves_what_changed_empty():
    assert row_of(changed("mark", "replace"), "Voices", "MarkVoice").what == ""


def test_a_protected_resource_deleted_alone_is_named_in_the_first_line():
    document = preview("voice-removed")
    document["diagnostics"] = [protection_refusal("lisa", "delete")]
    assert first_line(reviewed(document)[1]) == (
        "blocked: protected voice LisaVoice would be deleted, so `pulumi up` fails"
    )


def test_other_changes_are_counted_by_kind_in_a_fixed_order():
    document = changed("jessica-prompt-audio", "create")
    blob = next(s for s in document["steps"] if s["op"] == "same" and s["urn"].endswith("::prompt-audio"))
    blob["op"] = "update"
    blob["newState"]["inputs"]["accountUrl"] = "http://127.0.0.1:1/devstoreaccount1"
    assert first_line(reviewed(document)[1]) == (
        "no change to any voice; 1 blob container updated in place, 1 prompt audio created"
    )
