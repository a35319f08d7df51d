"""Every check of a stack, in order: its config, the Speech resource, its catalog, its storage;
with speechAccounts in the catalog: its config, its catalog, each account (through Azure
Resource Manager), its storage. A check that needs what a failed one provides is reported as
not checked."""

from collections.abc import Mapping
from pathlib import Path

from catalog.specs import Catalog
from doctor.account_checks import check_account_config, check_accounts
from doctor.catalog_check import check_catalog
from doctor.results import CheckResult
from doctor.service_config import STACK_CONFIG, ServiceConfig, check_service_config
from doctor.speech_checks import REGION, check_region, check_speech_resource
from doctor.stack_config import StackConfigError, read_stack_config
from doctor.storage_checks import check_storage


def diagnose(stack: str, project_dir: Path, environ: Mapping[str, str]) -> list[CheckResult]:
    try:
        config = read_stack_config(stack, project_dir)
    except StackConfigError as error:
        return [
            CheckResult.fail(
                STACK_CONFIG,
                f"pulumi could not read stack {stack}'s config: {error}",
                "log in to the stack's backend (`pulumi login`) and set PULUMI_CONFIG_PASSPHRASE "
                "(or PULUMI_CONFIG_PASSPHRASE_FILE) to its passphrase",
            )
        ]
    catalog_result, catalog = check_catalog(stack, project_dir)
    if catalog is not None and catalog.accounts:
        return _diagnose_accounts(stack, config, environ, catalog_result, catalog)
    checked = check_service_config(config, environ, stack)
    results = list(checked.results)
    if checked.endpoint is None:
        results.append(CheckResult.skip(REGION, "not checked: the endpoint is not a URL"))
    else:
        results.append(check_region(checked.endpoint))
    if checked.service is None:
        results.append(CheckResult.skip("Speech resource", "not checked until the endpoint form and stack config pass"))
    else:
        results += check_speech_resource(
            checked.service, _api_versions(checked.service, catalog), _base_models(checked.service, catalog), stack
        )
    results.append(catalog_result)
    if catalog is None:
        results.append(CheckResult.skip("storage", "not checked: the catalog does not load"))
    else:
        results += check_storage(catalog, config, environ, stack)
    return results


def _diagnose_accounts(
    stack: str, config: Mapping[str, str], environ: Mapping[str, str], catalog_result: CheckResult, catalog: Catalog
) -> list[CheckResult]:
    """A catalog with speechAccounts: each account through Azure Resource Manager, as the
    program and the provider host reach it (no endpoint or key in config)."""
    account_config = check_account_config(config, environ, stack)
    results = [account_config.result, catalog_result]
    if account_config.settings is None:
        results.append(CheckResult.skip("Speech accounts", f"not checked: {STACK_CONFIG} failed"))
    else:
        results += check_accounts(catalog.accounts, account_config.settings, account_config.authentication, stack)
    results.append(
        CheckResult.skip(
            "Speech resource",
            "the accounts' endpoints (their credential, API versions and base models) are not checked with "
            "speechAccounts, only the accounts through Azure Resource Manager",
        )
    )
    return results + check_storage(catalog, config, environ, stack)


def _api_versions(service: ServiceConfig, catalog: Catalog | None) -> list[str]:
    """The config's, then those voices name, each once."""
    named = [voice.api_version for voice in catalog.voices if voice.api_version] if catalog else []
    return list(dict.fromkeys([service.api_version, *named]))


def _base_models(service: ServiceConfig, catalog: Catalog | None) -> list[str]:
    named = [voice.base_model for voice in catalog.voices if voice.base_model] if catalog else []
    return list(dict.fromkeys([service.base_model, *named]))
