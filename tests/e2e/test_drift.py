"""What happens to a voice outside the stack is repaired by the next plain `pulumi up` (every
run reads the service first: Pulumi.yaml `refresh: always`); a throttled service ends a run
within its deadline, saying so."""

import re
import time

import pytest

from tests.e2e.catalogs import CATALOG, profile_ids
from tests.e2e.conftest import Project

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("status", ["Failed", "Disabled"])
def test_a_voice_failed_or_disabled_in_the_service_is_replaced_by_the_next_up(project: Project, status: str):
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    before = profile_ids(project)
    project.backend.set_status("personalvoices", "JessicaVoice", status, "Internal" if status == "Failed" else None)

    preview = project.pulumi("preview", "--diff").stdout
    assert "+-pulumi-python:dynamic/customvoice:PersonalVoice: (replace)" in preview
    # The refresh shows why: the status the service has now.
    assert re.search(rf'status\s*: "Succeeded" => "{status}"', preview)
    project.pulumi("up", "--yes")
    after = profile_ids(project)
    assert after["JessicaVoice"] != before["JessicaVoice"] and after["MarkVoice"] == before["MarkVoice"]
    assert project.voices_in_service()["JessicaVoice"]["status"] == "Succeeded"
    project.pulumi("up", "--yes", "--expect-no-changes")


def test_a_voice_deleted_outside_the_stack_is_made_again_by_a_plain_up(project: Project):
    project.write_catalog(CATALOG)
    project.pulumi("up", "--yes")
    project.backend.delete_personal_voice("MarkVoice")
    project.pulumi("up", "--yes")
    assert set(project.voices_in_service()) == {"JessicaVoice", "MarkVoice"}
    assert set(profile_ids(project)) == {"JessicaVoice", "MarkVoice"}


def test_a_429_storm_with_a_long_retry_after_ends_within_the_deadline_saying_so(project: Project):
    project.pulumi("config", "set", "createTimeoutSeconds", "5")
    project.write_catalog(CATALOG)
    throttled = (429, {"Retry-After": "90"}, {"error": {"code": "TooManyRequests", "message": "Too many requests"}})
    project.backend.inject_faults("PUT", r"/customvoice/personalvoices/.*", [throttled] * 10)
    started = time.monotonic()
    failed = project.pulumi("up", "--yes", check=False)
    elapsed = time.monotonic() - started
    assert failed.returncode != 0
    assert "throttled: the service asked to wait 90 s more, past the 5 s this operation may take" in failed.stdout
    # No retry waited for it: one attempt per voice, and the run took nothing like 90 s.
    puts = [r for r in project.backend.requests if r.method == "PUT" and "/personalvoices/" in r.path]
    assert len(puts) == 2
    print(f"throttled up ended after {elapsed:.1f} s against a 5 s deadline and Retry-After: 90")
