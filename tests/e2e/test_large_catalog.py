"""A catalog past the thousand resources where a program of Pulumi's SDK alone stops
(RecursionError in serialize_provider; see `provider/resource.py`), previewed by the real CLI."""

import json

import pytest

from tests.e2e.catalogs import VOICE_TYPE, edited
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e

# The SDK alone stops near 964 resources: this is past it, and kept small for CI's time.
VOICES = 1100


def with_many_voices(catalog: dict) -> None:
    [first, *_] = catalog["voices"]
    catalog["voices"] = [
        {
            "id": f"Voice{n:04d}",
            "projectId": first["projectId"],
            "consentId": first["consentId"],
            "audios": {**first["audios"], "prefix": f"voice-{n:04d}/"},
        }
        for n in range(VOICES)
    ]


def test_a_preview_of_more_than_a_thousand_voices_plans_each_and_sends_no_write(project: Project):
    project.write_catalog(edited(with_many_voices))

    preview = json.loads(project.pulumi("preview", "--json").stdout)

    creates = [step["urn"] for step in preview["steps"] if step["op"] == "create"]
    assert sum(urn.split("::")[-2] == VOICE_TYPE for urn in creates) == VOICES
    assert project.writes_seen() == []
