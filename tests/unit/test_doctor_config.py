"""scripts/doctor's reading of a stack: its config by the program's own rules, its catalog as
the program loads it, and lines that show no secret."""

from pathlib import Path

from doctor.catalog_check import check_catalog
from doctor.results import CheckResult, Status
from doctor.service_config import check_service_config
from provider.redaction import register_secret


def checked(**config: str):
    return check_service_config({f"personal-voice:{k}": v for k, v in config.items()}, {}, "mine")


def test_a_good_config_describes_its_endpoint():
    result = checked(speechEndpoint="https://contoso-speech.cognitiveservices.azure.com", authentication="entra")

    assert [line.line() for line in result.results] == [
        (
            "ok    endpoint form: https://contoso-speech.cognitiveservices.azure.com is a custom subdomain, which "
            "takes the key and Entra ID tokens"
        ),
        "ok    stack config: authentication entra, apiVersion 2026-01-01, baseModel DragonLatestNeural",
    ]
    assert result.service is not None and result.service.settings.authentication == "entra"


def test_a_regional_endpoint_takes_the_key():
    result = checked(speechEndpoint="https://eastus.api.cognitive.microsoft.com", speechKey="k" * 32)

    assert result.results[0].found == (
        "https://eastus.api.cognitive.microsoft.com is the regional endpoint of eastus, which takes the key only"
    )


def test_a_missing_endpoint_and_every_other_problem_at_once():
    result = checked(apiVersion="2025-01-01", authentication="oauth", pollIntervalSeconds="0")

    form, config = result.results
    assert (form.status, form.found) == (Status.FAIL, "speechEndpoint: is required")
    assert form.todo.endswith("`pulumi config set speechEndpoint <url> --stack mine`")
    assert config.status is Status.FAIL
    assert "config apiVersion: '2025-01-01' is not one of 2023-12-01-preview, 2024-02-01-preview, 2026-01-01" in (
        config.found
    )
    assert "config authentication is 'oauth'; use 'key'" in config.found
    assert result.service is None and result.endpoint is None


def test_a_line_shows_no_registered_secret_and_stays_one_line():
    register_secret("s3cr3t-value-of-a-test")

    line = CheckResult.fail("credential", "refused\n  s3cr3t-value-of-a-test", "set it\nagain").line()

    assert line == "FAIL  credential: refused *** -> set it again"


def test_a_missing_catalog_points_to_new_stack(tmp_path: Path):
    result, catalog = check_catalog("mine", tmp_path)

    assert catalog is None
    assert result.line() == (
        f"FAIL  catalog: {tmp_path}/stacks/mine.yaml:1: (file): no such catalog file -> write stacks/mine.yaml "
        "(scripts/new-stack writes a starter one)"
    )


def test_a_broken_catalog_names_its_first_problem_and_counts_the_rest(tmp_path: Path):
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "mine.yaml").write_text("projects:\n  - id: x\nvoices:\n  - id: y\n")

    result, catalog = check_catalog("mine", tmp_path)

    assert catalog is None and result.status is Status.FAIL
    assert result.found.startswith(f"{tmp_path}/stacks/mine.yaml:2: projects[0].id: 'x' is not a valid id")
    assert result.found.endswith(" more)")
    assert result.todo == "fix stacks/mine.yaml; `pulumi preview --stack mine` lists every problem"
