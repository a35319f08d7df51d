"""A program that builds a resource from another resource's outputs: at preview those values
are unknown, and the provider's check must judge only what is known."""

import pulumi
import pytest
from pulumi.runtime import rpc

from provider.inputs import is_unknown
from provider.project import Project, ProjectArgs, ProjectProvider
from tests.program.recording import RecordingMonitor

ENDPOINT = "http://127.0.0.1:8765"
PROJECT = "pulumi-python:dynamic/customvoice:Project"


class PreviewMocks(pulumi.runtime.Mocks):
    """At preview the service has computed nothing yet: outputs are the inputs alone."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return [args.name, {k: v for k, v in args.inputs.items() if k != "__provider"}]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def monitor():
    recording = RecordingMonitor(PreviewMocks())
    pulumi.runtime.set_mocks(PreviewMocks(), project="personal-voice", stack="dev", preview=True, monitor=recording)
    yield recording
    pulumi.runtime.set_all_config({}, [])


@pulumi.runtime.test
def test_a_project_built_from_another_resources_outputs_passes_check_at_preview(monitor):
    upstream = Project("upstream", ProjectArgs(endpoint=ENDPOINT))
    dependent = Project(
        "dependent",
        ProjectArgs(
            endpoint=ENDPOINT,
            description=upstream.kind.apply(lambda kind: f"beside a {kind} project"),
            force_delete=upstream.kind.apply(lambda kind: kind == "PersonalVoice"),
        ),
    )

    def check(_):
        request = next(r for r in monitor.requests if r.type == PROJECT and r.name == "dependent")
        # As the dynamic provider host hands Check its inputs (pulumi.dynamic.__main__): unknowns kept.
        news = rpc.deserialize_properties(request.object, True)
        assert is_unknown(news["description"]) and is_unknown(news["forceDelete"])
        result = ProjectProvider().check({}, news)
        assert [(f.property, f.reason) for f in result.failures or []] == []

    return dependent.urn.apply(check)


def test_known_bad_values_beside_unknown_ones_are_still_refused():
    news = {"endpoint": ENDPOINT, "projectId": "p", "description": rpc.UNKNOWN, "forceDelete": "yes"}
    failures = ProjectProvider().check({}, news).failures or []
    assert [f.property for f in failures] == ["projectId", "forceDelete"]
    assert "'p' is not a valid id" in failures[0].reason
