"""The review's Mermaid flowchart of the cascade (review/diagram.py): what it draws for the real
previews of `data/preview/` and the account previews built on them, how it stays readable when
the change is large, that hostile names cannot break it nor a secret show in it, and that
Mermaid's own parser (tools/mermaid-check) accepts every diagram the review tests meet."""

import copy
from pathlib import Path
from typing import Any

import pytest

from review.diagram import CLASSES, MAX_NODES
from tests.mermaid_check import mermaid_check
from tests.review_tables import diagram_of, drawn, first_line, rows
from tests.unit.test_review import DATA, PROJECT, changed, preview, profile, reviewed
from tests.unit.test_review_accounts import members_replaced, with_account

NO_CHANGE = ("no-change", "sas-rotated", "catalog-mistake", "account-unchanged")


def styles(review: str) -> dict[str, str]:
    return dict(drawn(review)[0].values())


def the_previews() -> dict[str, dict[str, Any]]:
    """Every preview the review's tests read: each file of data/preview/ and the account changes."""
    documents = {path.stem: preview(path.stem) for path in sorted(DATA.glob("*.json"))}
    documents |= {
        "account-replaced": members_replaced(with_account("no-change", "replace", location="eastus")),
        "account-replaced-with-replacement-steps": members_replaced(
            with_account("no-change", "replace-steps", customSubDomainName="contoso")
        ),
        "account-replaced-members-without-steps": with_account("no-change", "replace", location="eastus"),
        "account-deleted": with_account("no-change", "delete"),
        "account-deleted-with-its-project": with_account("project-deleted", "delete"),
        "account-updated": with_account("no-change", "update", tags={"team": "voices"}),
        "account-unchanged": with_account("no-change", "same"),
        "voice-imported": changed("mark", "import"),
    }
    return documents


def test_a_replaced_project_takes_its_consent_and_the_consent_its_voices_each_naming_the_profile_that_ends():
    nodes, edges = drawn(reviewed(preview("project-description-changed"))[1])
    project, consent = f"project {PROJECT} / replace", "consent jessica-consent / replace"
    voices = [
        f"voice {voice} / replace / ends speakerProfileId {profile('project-description-changed', voice)}"
        for voice in ("JessicaVoice", "LisaVoice", "MarkVoice")
    ]
    assert [label for label, _ in nodes.values()] == [project, consent, *voices]
    assert {style for _, style in nodes.values()} == {"replace"}
    assert edges == {(project, "==>", consent)} | {(consent, "==>", voice) for voice in voices}


def test_an_account_replaced_takes_its_projects_consents_and_voices_along():
    text = reviewed(members_replaced(with_account("no-change", "replace", location="eastus")))[1]
    nodes, edges = drawn(text)
    account = "Speech account contoso-voices (protected) / replace"
    project, consent = f"project {PROJECT} / replace", "consent jessica-consent / replace"
    assert {(account, "==>", project), (project, "==>", consent)} <= edges
    profiles = {label for label, _ in nodes.values() if "ends speakerProfileId" in label}
    assert profiles == {
        f"voice {v} / replace / ends speakerProfileId {profile('no-change', v)}"
        for v in ("JessicaVoice", "LisaVoice", "MarkVoice")
    }


def test_an_account_updated_in_place_keeps_its_projects_and_one_deleted_takes_everything_in_it():
    text = reviewed(with_account("no-change", "update", tags={"team": "voices"}))[1]
    nodes, edges = drawn(text)
    account = "Speech account contoso-voices (protected) / update in place"
    assert [label for label, _ in nodes.values()] == [account, "1 project unchanged"]
    assert edges == {(account, "-.->", "1 project unchanged")}
    deleted = styles(reviewed(with_account("no-change", "delete"))[1])
    assert set(deleted.values()) == {"delete"} and len(deleted) == 6


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "voice-created",
            {
                f"project {PROJECT} / unchanged": "unchanged",
                "consent jessica-consent / unchanged": "unchanged",
                "voice NewVoice / create / speakerProfileId comes with pulumi up": "create",
                "3 voices unchanged": "unchanged",
            },
        ),
        (
            "mixed",
            {
                f"project {PROJECT} / unchanged": "unchanged",
                "consent jessica-consent / unchanged": "unchanged",
                "voice LisaVoice / delete / ends speakerProfileId {LisaVoice}": "delete",
                "voice JessicaVoice / replace / ends speakerProfileId {JessicaVoice}": "replace",
                "voice MarkVoice / update in place / same speakerProfileId": "update",
                "prompt audio prompt-audio/jessica/ / update in place": "update",
            },
        ),
        (
            "drift",
            {
                f"project {PROJECT} / unchanged": "unchanged",
                "consent jessica-consent / unchanged": "unchanged",
                "voice MarkVoice / replace / ends speakerProfileId {MarkVoice}": "replace",
                "voice LisaVoice / create again / speakerProfileId {LisaVoice} ended outside the stack": "create",
                "1 voice unchanged": "unchanged",
            },
        ),
        (
            "protected-voice-replaced",
            {
                f"project {PROJECT} / unchanged": "unchanged",
                "consent jessica-consent / unchanged": "unchanged",
                "voice JessicaVoice (protected) / replace blocked: protected / speakerProfileId {JessicaVoice} stays": (
                    "blocked"
                ),
                "2 voices unchanged": "unchanged",
                "prompt audio prompt-audio/jessica/ / update in place": "update",
            },
        ),
        (
            "protected-voice-with-its-project",
            {
                f"project {PROJECT} / replace refused: it would take protected resources along": "blocked",
                "consent jessica-consent / unchanged": "unchanged",
                "voice JessicaVoice (protected) / replace blocked: protected / speakerProfileId {JessicaVoice} stays": (
                    "blocked"
                ),
                "2 voices unchanged": "unchanged",
            },
        ),
    ],
)
def test_each_kind_of_change_has_its_class(kind, expected):
    profiles = {voice: profile(kind, voice) for voice in ("JessicaVoice", "LisaVoice", "MarkVoice")}
    assert styles(reviewed(preview(kind))[1]) == {label.format(**profiles): style for label, style in expected.items()}


def test_an_op_the_review_has_no_words_for_is_named_as_the_cli_names_it():
    nodes = drawn(reviewed(changed("mark", "import"))[1])[0]
    assert (
        "voice MarkVoice / import / speakerProfileId " + profile("no-change", "MarkVoice"),
        "other",
    ) in nodes.values()


def test_the_unchanged_siblings_of_a_change_are_one_node_per_kind():
    nodes, edges = drawn(reviewed(preview("voice-removed"))[1])
    assert ("consent jessica-consent / unchanged", "-.->", "2 voices unchanged") in edges
    assert [label for label, _ in nodes.values()].count("2 voices unchanged") == 1


@pytest.mark.parametrize("kind", NO_CHANGE)
def test_no_diagram_when_nothing_changes(kind):
    assert "```mermaid" not in reviewed(the_previews()[kind])[1]


def test_the_diagram_comes_right_under_the_first_line_and_the_tables_after_it():
    text = reviewed(preview("project-description-changed"))[1]
    assert text.split("\n\n")[1].startswith("```mermaid\nflowchart LR\n")
    assert text.index("```\n\n### Voices") > text.index("```mermaid")
    assert first_line(text).startswith("3 voices replaced") and set(rows(text)) == {"Voices", "Consents", "Projects"}


def many_voices(count: int, replaced: int) -> dict[str, Any]:
    """project-description-changed with `count` voices more under the consent, the first
    `replaced` of them replaced with it, the others unchanged."""
    document = preview("consent-replaced")
    steps = document["steps"]
    template = [s for s in steps if s["urn"].endswith("::mark")]
    stack = next(s for s in steps if s["urn"].endswith("Stack::personal-voice-e2e") and s["oldState"])
    for index in range(count):
        voice_id = f"Voice{index:04d}"
        for step in copy.deepcopy(template):
            step["urn"] = step["urn"].replace("::mark", f"::voice-{index:04d}")
            if index >= replaced and step["op"] == "replace":
                step["op"] = "same"
            for state in (step.get("oldState"), step.get("newState")):
                if state:
                    state["inputs"]["voiceId"] = voice_id
                    (state.get("outputs") or {}).pop("speakerProfileId", None)
            steps.append(step)
        stack["oldState"]["outputs"]["voices"][voice_id] = {"speakerProfileId": f"profile-{index:04d}"}
    return document


def test_a_large_change_caps_the_nodes_and_says_how_many_more_changes_the_tables_hold():
    text = reviewed(many_voices(200, replaced=150))[1]
    nodes, _ = drawn(text)
    assert len(nodes) == MAX_NODES
    # 1 consent and 153 voices change: the nodes hold the project they hang from, the consent, the voices that
    # fit and "more", which counts the voices not drawn and the 50 unchanged ones (one node, not drawn either).
    voices_drawn = MAX_NODES - 3
    assert nodes["more"] == (
        f"{153 - voices_drawn} more changes and 50 more unchanged not drawn / the tables list every change",
        "unchanged",
    )
    assert sum(1 for label, _ in nodes.values() if "ends speakerProfileId" in label) == voices_drawn
    assert len(rows(text)["Voices"]) == 153


def test_a_change_just_under_the_cap_draws_everything_and_no_more_node():
    # The project, the consent, its 3 voices, `extra` more replaced, and one node for the unchanged ones.
    extra = MAX_NODES - 6
    nodes, _ = drawn(reviewed(many_voices(extra + 1, replaced=extra))[1])
    assert len(nodes) == MAX_NODES and "more" not in nodes
    assert nodes[f"n{MAX_NODES - 1}"] == ("1 voice unchanged", "unchanged")


HOSTILE = 'x"] --> evil["#quot; <b>[bold]</b> {a} | `b` & c;\nclick n0 "javascript:alert(1)"'


def hostile() -> dict[str, Any]:
    """A deleted voice whose id and speakerProfileId are hostile text."""
    document = preview("voice-removed")
    step = next(s for s in document["steps"] if s["op"] == "delete")
    step["oldState"]["inputs"]["voiceId"] = HOSTILE
    step["oldState"]["outputs"]["speakerProfileId"] = 'p"1 <script>#35; ]\n[end'
    return document


def test_hostile_names_stay_inside_their_label():
    text = reviewed(hostile())[1]
    nodes, _ = drawn(text)  # every label holds only safe characters, entity codes and <br>
    assert (
        "voice " + " ".join(HOSTILE.split()) + ' / delete / ends speakerProfileId p"1 <script>#35; ] [end',
        "delete",
    ) in (nodes.values())
    assert 'click n0 "' not in diagram_of(text) and "<b>" not in diagram_of(text) and "<script>" not in diagram_of(text)


def test_a_secret_never_shows_a_sas_signature_is_cut_and_a_secret_id_gives_way_to_the_name():
    document = preview("voice-removed")
    step = next(s for s in document["steps"] if s["op"] == "delete")
    step["oldState"]["inputs"]["voiceId"] = "https://a.example/c?sv=1&sig=TopSecretSignature%3D"
    text = reviewed(document)[1]
    assert "TopSecretSignature" not in text  # nor in the tables
    assert drawn(text)[0]["n2"][0].startswith("voice https://a.example/c?[secret] / delete / ends speakerProfileId")
    step["oldState"]["inputs"]["voiceId"] = "[secret]"
    labels = [label for label, _ in drawn(reviewed(document)[1])[0].values()]
    assert "voice lisa / delete / ends speakerProfileId " + profile("voice-removed", "LisaVoice") in labels


def test_every_class_a_node_has_is_defined_and_styled_apart():
    used = set()
    for name, document in the_previews().items():
        if name not in NO_CHANGE:
            text = reviewed(document)[1]
            defined = {line.split()[1] for line in diagram_of(text).splitlines() if line.startswith("  classDef ")}
            used |= {style for _, style in drawn(text)[0].values()}
            assert used <= defined
    assert used == set(CLASSES)
    assert len(set(CLASSES.values())) == len(CLASSES)


def test_mermaid_parses_every_diagram_of_the_review_tests_and_refuses_a_broken_one(tmp_path: Path):
    """One node process: every preview the review tests read, the large change and the hostile
    names; and, so that the check can fail, the hostile diagram with its escaping undone."""
    documents = the_previews() | {"large": many_voices(200, replaced=150), "hostile": hostile()}
    files = []
    for name, document in documents.items():
        text = reviewed(document)[1]
        if name in NO_CHANGE:
            assert "```mermaid" not in text
            continue
        files.append(tmp_path / f"{name}.md")
        files[-1].write_text(text)
    unescaped = diagram_of(reviewed(hostile())[1]).replace("#34;", '"')
    (tmp_path / "broken.mmd").write_text(unescaped)
    checked = mermaid_check([*files, tmp_path / "broken.mmd"])
    assert checked.status == 1
    assert set(checked.failures) == {str(tmp_path / "broken.mmd")}
    assert "Parse error" in checked.failures[str(tmp_path / "broken.mmd")]
    assert checked.summary == f"mermaid-check: {len(files)} of {len(files) + 1} diagrams valid"
    assert len(files) == len(documents) - len(NO_CHANGE) == 24
