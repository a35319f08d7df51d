"""scripts/stack-graph through the real CLI and Graphviz: the SVG of a throwaway stack's
resources names each by its name and type, draws what depends on what, and holds no secret;
a stack with nothing deployed writes nothing."""

from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.e2e.catalogs import CATALOG
from tests.e2e.conftest import KEY, SAS_SIGNATURES, Project

pytestmark = pytest.mark.e2e
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: Path) -> list[str]:
    return [element.text or "" for element in ElementTree.parse(svg).iter(f"{SVG}text")]


def test_the_graph_names_each_resource_and_its_dependencies(project: Project, tmp_path: Path) -> None:
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    out = tmp_path / "images" / "stack.svg"

    drawn = project.script("stack-graph", project.stack, str(out))

    assert drawn.returncode == 0, drawn.stderr
    shown = texts(out)
    for name in ("contoso-personal-voices", "jessica-consent", "jessica", "mark"):
        assert name in shown
    assert shown.count("customvoice:PersonalVoice") == 2
    assert {"projectId", "consentId"} <= set(shown)  # the inputs the arrows stand for
    assert not [text for text in shown if "urn:pulumi" in text or "pulumi:providers" in text]
    whole = out.read_text()
    for secret in (KEY, *SAS_SIGNATURES):
        assert secret not in whole


def test_a_stack_with_nothing_deployed_writes_no_picture(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "stack.svg"

    drawn = project.script("stack-graph", "no-such-stack", str(out))

    assert drawn.returncode != 0
    assert "no-such-stack" in drawn.stderr
    assert not out.exists()
