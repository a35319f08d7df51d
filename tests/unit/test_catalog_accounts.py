"""The catalog's `speechAccounts:`: each account checked by the SpeechAccount's own rules with
file, line and field, and every project placed in one (the one it names, or the only one)."""

from pathlib import Path

from catalog.specs import SpeechAccountSpec
from tests.unit.test_catalog_problems import CONSENT, VOICE, found, loads

SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
ACCOUNT = f"""\
speechAccounts:
  - name: main
    subscriptionId: {SUBSCRIPTION}
    resourceGroupName: voices-rg
    accountName: contoso-voices
    location: eastus
"""
SECOND = f"""\
  - name: europe
    subscriptionId: {SUBSCRIPTION}
    resourceGroupName: voices-rg
    accountName: contoso-voices-eu
    location: westeurope
"""
BODY = CONSENT + "voices:\n" + VOICE


def test_a_project_without_account_is_in_the_only_one(tmp_path: Path) -> None:
    catalog = loads(tmp_path, ACCOUNT + "projects:\n  - id: proj\n" + BODY)

    assert catalog.accounts == (
        SpeechAccountSpec(
            "main",
            {
                "subscriptionId": SUBSCRIPTION,
                "resourceGroupName": "voices-rg",
                "accountName": "contoso-voices",
                "location": "eastus",
            },
            protect=True,
        ),
    )
    assert catalog.projects[0].account == "main"


def test_without_accounts_a_project_is_in_config_speech_endpoint(tmp_path: Path) -> None:
    catalog = loads(tmp_path, "projects:\n  - id: proj\n" + BODY)

    assert catalog.accounts == ()
    assert catalog.projects[0].account is None


def test_with_two_accounts_each_project_names_its_own(tmp_path: Path) -> None:
    text = ACCOUNT + SECOND + "projects:\n  - id: proj\n    account: europe\n" + BODY

    assert loads(tmp_path, text).projects[0].account == "europe"


def test_with_two_accounts_a_project_that_names_none_is_refused(tmp_path: Path) -> None:
    assert found(tmp_path, ACCOUNT + SECOND + "projects:\n  - id: proj\n" + BODY) == [
        "13: projects[0]: name its Speech account with `account:` (one of main, europe)"
    ]


def test_a_project_naming_an_undeclared_account_is_refused(tmp_path: Path) -> None:
    assert found(tmp_path, ACCOUNT + "projects:\n  - id: proj\n    account: asia\n" + BODY) == [
        "9: projects[0].account: Speech account 'asia' is not declared in speechAccounts"
    ]


def test_a_project_naming_an_account_in_a_catalog_without_any_is_refused(tmp_path: Path) -> None:
    assert found(tmp_path, "projects:\n  - id: proj\n    account: main\n" + BODY) == [
        "3: projects[0].account: names a Speech account, but the catalog has no speechAccounts"
    ]


def test_account_fields_are_checked_by_the_account_rules_at_their_line(tmp_path: Path) -> None:
    text = ACCOUNT.replace("location: eastus", "location: mars\n    sku: F0") + "projects:\n  - id: proj\n" + BODY

    problems = found(tmp_path, text)

    assert problems[0].startswith("6: speechAccounts[0].location: 'mars' is not a region where personal voice runs")
    assert problems[1:] == ["7: speechAccounts[0].sku: F0 (free) cannot be used: personal voice needs S0"]


def test_a_missing_required_field_names_the_entry_line(tmp_path: Path) -> None:
    text = ACCOUNT.replace("    location: eastus\n", "") + "projects:\n  - id: proj\n" + BODY

    assert found(tmp_path, text) == ["2: speechAccounts[0].location: is required"]


def test_a_reference_needs_no_location(tmp_path: Path) -> None:
    text = ACCOUNT.replace("location: eastus", "existing: true") + "projects:\n  - id: proj\n" + BODY

    assert loads(tmp_path, text).accounts[0].inputs["existing"] is True


def test_unknown_fields_and_duplicate_names_are_refused(tmp_path: Path) -> None:
    twice = ACCOUNT + SECOND.replace("name: europe", "name: main").replace("sku", "x")
    text = twice.replace("location: eastus", "location: eastus\n    speechKey: abc") + "projects:\n  - id: proj\n"

    problems = found(tmp_path, text + "    account: main\n" + BODY)

    assert problems[0].startswith("7: speechAccounts[0].speechKey: unknown field (expected name, subscriptionId")
    assert problems[1] == "8: speechAccounts[1].name: duplicate name 'main' in speechAccounts"


def test_two_entries_for_one_azure_account_are_refused(tmp_path: Path) -> None:
    same = SECOND.replace("contoso-voices-eu", "Contoso-Voices").replace("westeurope", "eastus")

    assert found(tmp_path, ACCOUNT + same + "projects:\n  - id: proj\n    account: main\n" + BODY) == [
        "10: speechAccounts[1].accountName: names the same Azure account as speechAccounts entry 'main'"
    ]


def test_protect_is_true_unless_the_catalog_says_false(tmp_path: Path) -> None:
    text = ACCOUNT + "    protect: false\n" + "projects:\n  - id: proj\n" + BODY
    account = loads(tmp_path, text).accounts[0]
    assert account.protect is False
    assert "protect" not in account.inputs  # a resource option, not one of the account's inputs

    assert found(tmp_path, ACCOUNT + "    protect: maybe\n" + "projects:\n  - id: proj\n" + BODY) == [
        "7: speechAccounts[0].protect: must be true or false"
    ]


def test_a_secret_in_an_account_field_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT.replace("voices-rg", "rg?sig=abc") + "projects:\n  - id: proj\n" + BODY

    problems = found(tmp_path, text)

    assert any(
        problem.startswith("4: speechAccounts[0].resourceGroupName: carries a SAS signature") for problem in problems
    )


def test_speech_accounts_must_be_a_list(tmp_path: Path) -> None:
    assert found(tmp_path, "speechAccounts: {}\nprojects:\n  - id: proj\n" + BODY) == [
        "1: speechAccounts: must be a list"
    ]


def test_an_entry_that_is_no_mapping_does_not_hide_the_next_ones(tmp_path: Path) -> None:
    text = "speechAccounts:\n  - main\n" + ACCOUNT.removeprefix("speechAccounts:\n").replace("eastus", "mars")

    problems = found(tmp_path, text + "projects:\n  - id: proj\n" + BODY)

    assert problems[0] == "2: speechAccounts[0]: must be a mapping"
    assert problems[1].startswith("7: speechAccounts[1].location: 'mars' is not a region where personal voice runs")
    assert len(problems) == 2


def test_an_account_name_that_is_no_id_is_refused_at_its_line(tmp_path: Path) -> None:
    text = ACCOUNT.replace("name: main", "name: main account") + "projects:\n  - id: proj\n" + BODY

    assert found(tmp_path, text)[0].startswith("2: speechAccounts[0].name: 'main account' is not a valid id")
