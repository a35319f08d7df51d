"""The stack outputs apps read, from the real CLI: the contract's schema, the SSML, and a base
model checked against the service's list at `up`, never at preview."""

import json
from xml.etree import ElementTree

import jsonschema
import pytest

from tests.e2e.catalogs import CATALOG, edited, profile_ids
from tests.e2e.conftest import ROOT, Project

pytestmark = pytest.mark.e2e

SCHEMA = json.loads((ROOT / "schemas" / "stack-outputs.schema.json").read_text())


def base_model_lists(project: Project) -> int:
    return sum(1 for request in project.backend.requests if request.path == "/customvoice/basemodels")


def test_real_outputs_keep_the_contract_and_base_models_are_checked_at_up(project: Project) -> None:
    project.write_catalog(edited(lambda c: c["voices"][1].update(baseModel="PhoenixV2Neural")))
    project.pulumi("preview")
    assert base_model_lists(project) == 0

    project.pulumi("up", "--yes")
    outputs = project.outputs()
    jsonschema.validate(outputs, SCHEMA)
    assert base_model_lists(project) == 1  # two voices, one list
    jessica, mark = outputs["voices"]["JessicaVoice"], outputs["voices"]["MarkVoice"]
    assert (jessica["baseModel"], mark["baseModel"]) == ("DragonLatestNeural", "PhoenixV2Neural")
    assert (mark["consentId"], mark["locale"]) == ("jessica-consent", CATALOG["consents"][0]["locale"])
    spoken = ElementTree.fromstring(mark["ssml"].replace("{text}", "Hello &amp; welcome"))
    assert "".join(spoken.itertext()) == "Hello & welcome"

    project.write_catalog(edited(lambda c: c["voices"][1].update(baseModel="NoSuchNeural")))
    failed = project.pulumi("up", "--yes", check=False)
    printed = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "baseModel 'NoSuchNeural' is not one the service lists" in printed
    assert "use one of DragonLatestNeural, PhoenixLatestNeural, PhoenixV2Neural" in printed
    assert "Traceback" not in printed
    assert profile_ids(project) == {"JessicaVoice": jessica["speakerProfileId"], "MarkVoice": mark["speakerProfileId"]}
