"""The stack config the Speech calls need, checked by the program's own rules
(`catalog.environment.speech_config_problems`, `SpeechSettings`): two results, the endpoint's
form and the rest, and what the later checks need when both pass."""

from collections.abc import Mapping
from dataclasses import dataclass

from catalog.environment import API_VERSION_CONFIG, BASE_MODEL_CONFIG, ENDPOINT_CONFIG, speech_config_problems
from doctor.results import CheckResult
from provider.config import ConfigSource, StackConfig
from provider.errors import ConfigError
from provider.regions import region_of
from provider.speech.client import DEFAULT_API_VERSION
from provider.speech.settings import KEY_CONFIG, KEY_ENVIRONMENT_VARIABLE, SpeechSettings
from provider.validation import (
    CUSTOM_SUBDOMAIN_SUFFIX,
    DEFAULT_BASE_MODEL,
    check_endpoint,
    in_zone,
    is_loopback,
    url_host,
)

ENDPOINT_FORM = "endpoint form"
STACK_CONFIG = "stack config"


@dataclass(frozen=True)
class ServiceConfig:
    endpoint: str
    api_version: str
    base_model: str
    settings: SpeechSettings
    # Where the Speech key comes from (key authentication), for messages.
    key_source: str


@dataclass(frozen=True)
class ConfigChecks:
    results: list[CheckResult]
    # Only when every result passed.
    service: ServiceConfig | None
    # The endpoint when its form (an https:// URL without a path) is right, whatever else is wrong.
    endpoint: str | None


def check_service_config(source: ConfigSource, environ: Mapping[str, str], stack: str) -> ConfigChecks:
    config = StackConfig(source)
    endpoint = config.get(ENDPOINT_CONFIG)
    api_version = config.get(API_VERSION_CONFIG) or DEFAULT_API_VERSION
    base_model = config.get(BASE_MODEL_CONFIG) or DEFAULT_BASE_MODEL
    try:
        settings: SpeechSettings | None = SpeechSettings.load(source, environ)
    except ConfigError as error:
        settings, settings_problem = None, error.message
    else:
        settings_problem = ""
    authentication = settings.authentication if settings else ""
    problems = speech_config_problems(endpoint, api_version, base_model, authentication)
    endpoint_problems = [str(p) for p in problems if p.field == ENDPOINT_CONFIG]
    other_problems = [f"config {p}" for p in problems if p.field != ENDPOINT_CONFIG]
    other_problems += [settings_problem] if settings_problem else []
    # A URL whose region can be told, even if the authentication cannot use it.
    well_formed = endpoint if not check_endpoint(ENDPOINT_CONFIG, endpoint) else None
    results = [_endpoint_form(str(endpoint or ""), endpoint_problems, stack)]
    if other_problems:
        results.append(
            CheckResult.fail(
                STACK_CONFIG,
                "; ".join(other_problems),
                f"fix it with `pulumi config set <key> <value> --stack {stack}` (docs/configuration.md)",
            )
        )
    else:
        results.append(
            CheckResult.ok(
                STACK_CONFIG,
                f"authentication {authentication}, apiVersion {api_version}, baseModel {base_model}",
            )
        )
    service = None
    if settings is not None and not problems:
        key_source = f"config {KEY_CONFIG}" if config.get(KEY_CONFIG) else KEY_ENVIRONMENT_VARIABLE
        service = ServiceConfig(str(endpoint), api_version, base_model, settings, key_source)
    return ConfigChecks(results, service, well_formed)


def _endpoint_form(endpoint: str, problems: list[str], stack: str) -> CheckResult:
    if problems:
        todo = (
            "use the resource's custom subdomain, https://{name}.cognitiveservices.azure.com (portal: Keys and "
            f"Endpoint): `pulumi config set speechEndpoint <url> --stack {stack}`"
        )
        return CheckResult.fail(ENDPOINT_FORM, "; ".join(problems), todo)
    return CheckResult.ok(ENDPOINT_FORM, f"{endpoint} is {describe_endpoint(endpoint)}")


def describe_endpoint(endpoint: str) -> str:
    host = url_host(endpoint)
    region = region_of(endpoint)
    if is_loopback(host):
        return "a local emulator"
    if in_zone(host, CUSTOM_SUBDOMAIN_SUFFIX):
        return "a custom subdomain, which takes the key and Entra ID tokens"
    if region is not None:
        return f"the regional endpoint of {region}, which takes the key only"
    return "neither a custom subdomain nor a regional endpoint (a custom domain or a proxy?)"
