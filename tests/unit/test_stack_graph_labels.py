"""scripts/stack_graph.py: the DOT `pulumi stack graph` writes (as the pinned CLI wrote it for a
stack of the e2e catalog), each resource named by its name and type, the stack and its default
providers left out with their edges."""

import pytest

from scripts.stack_graph import readable, urn_parts

URN = "urn:pulumi:e2e::personal-voice::"
DOT = f"""strict digraph {{
    Resource0 [label="{URN}pulumi-python:dynamic/customvoice:Consent::jessica-consent"];
    Resource0 -> Resource1 [color = "#AA6639"];
    Resource0 -> Resource2 [color = "#246C60", label = "consentId"];
    Resource2 [label="{URN}pulumi-python:dynamic/customvoice:PersonalVoice::jessica"];
    Resource5 [label="{URN}pulumi:providers:pulumi-python::default"];
    Resource1 [label="{URN}pulumi:pulumi:Stack::personal-voice-e2e"];
}}
"""


def test_each_resource_is_named_by_its_name_and_type() -> None:
    assert readable(DOT) == (
        "strict digraph {\n"
        '    Resource0 [label="jessica-consent\\ncustomvoice:Consent"];\n'
        '    Resource0 -> Resource2 [color = "#246C60", label = "consentId"];\n'
        '    Resource2 [label="jessica\\ncustomvoice:PersonalVoice"];\n'
        "}\n"
    )


def test_a_child_resource_is_named_by_its_own_type() -> None:
    assert urn_parts(f"{URN}pulumi:pulumi:Stack$pulumi-python:dynamic/storage:PromptAudio::jessica-prompt-audio") == (
        "pulumi-python:dynamic/storage:PromptAudio",
        "jessica-prompt-audio",
    )


def test_a_name_holding_colons_stays_whole() -> None:
    dot = f'    Resource0 [label="{URN}pulumi-python:dynamic/customvoice:Project::a::b"];'
    assert readable(dot) == '    Resource0 [label="a::b\\ncustomvoice:Project"];\n'


def test_what_is_not_a_urn_is_refused() -> None:
    with pytest.raises(ValueError, match="not a resource URN"):
        urn_parts("urn:pulumi:e2e::personal-voice")
