"""Where the stack's resources live and how far a run may go, from the stack's config: every
value checked before any resource is declared, each problem naming its config key."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from provider.authentication import ENTRA_AUTHENTICATION
from provider.config import ENDPOINT_CONFIG, StackConfig
from provider.errors import ConfigError
from provider.speech.client import API_VERSIONS, DEFAULT_API_VERSION
from provider.speech.settings import KEY_CONFIG, SpeechSettings
from provider.storage.config_sas import ConfigSas
from provider.validation import (
    DEFAULT_BASE_MODEL,
    Problem,
    check_base_model,
    check_endpoint,
    check_entra_endpoint,
    check_one_of,
)

API_VERSION_CONFIG = "apiVersion"
MAX_DELETE_SHARE_CONFIG = "maxVoiceDeleteShare"
BASE_MODEL_CONFIG = "baseModel"
PROTECT_VOICES_CONFIG = "protectVoices"
# Set for one run (`PV_ALLOW_VOICE_DELETES=1 pulumi up`), it lets that run delete more.
ALLOW_DELETES_ENVIRONMENT_VARIABLE = "PV_ALLOW_VOICE_DELETES"


class _ProgramConfig:
    """The stack config as the program sees it, in the shape the provider host gets it."""

    def get(self, key: str) -> Any:
        return pulumi.runtime.get_config(key)


@dataclass(frozen=True)
class Environment:
    # Config speechEndpoint: the Speech resource of a catalog without speechAccounts (None with them).
    endpoint: str | None
    api_version: str = DEFAULT_API_VERSION
    # The share of the stack's voices one run may delete (all of them never, unless allowed).
    max_delete_share: float = 0.5
    deletes_allowed: bool = False
    # The base model of every voice that does not name its own.
    base_model: str = DEFAULT_BASE_MODEL
    # Pulumi's `protect` for every voice whose catalog entry does not say.
    protect_voices: bool = False

    def protects(self, voice_protect: bool | None) -> bool:
        return self.protect_voices if voice_protect is None else voice_protect

    @classmethod
    def from_config(
        cls,
        config: pulumi.Config,
        environ: Mapping[str, str] = os.environ,
        *,
        managed_storage: bool = False,
        speech_accounts: bool = False,
    ) -> "Environment":
        """`speech_accounts`: the catalog declares its Speech resources, so their endpoints and
        keys come from Azure Resource Manager, not from config."""
        api_version = config.get(API_VERSION_CONFIG) or DEFAULT_API_VERSION
        # The provider host reads these again; read here, a mistake stops the preview at once.
        settings = SpeechSettings.load(_ProgramConfig(), environ)
        base_model = config.get(BASE_MODEL_CONFIG) or DEFAULT_BASE_MODEL
        if speech_accounts:
            endpoint = None
            problems = account_config_problems(StackConfig(_ProgramConfig()), api_version, base_model)
        else:
            endpoint = config.require(ENDPOINT_CONFIG)
            problems = speech_config_problems(endpoint, api_version, base_model, settings.authentication)
        # The key the provider host would ask for at the first request (same settings, same environment).
        problems += settings.key_problems(uses_accounts=speech_accounts)
        problems += settings.storage.key_problems() if managed_storage else []
        sas_problems = settings.sas.config_problems()
        if problems or sas_problems:
            raise ConfigError("\n".join([*(f"config {problem}" for problem in problems), *sas_problems]))
        stack_config = StackConfig(_ProgramConfig())
        share = stack_config.number(MAX_DELETE_SHARE_CONFIG, 0.5, at_least=0, at_most=1)
        return cls(
            endpoint=endpoint,
            api_version=api_version,
            max_delete_share=share,
            deletes_allowed=environ.get(ALLOW_DELETES_ENVIRONMENT_VARIABLE, "") not in ("", "0"),
            base_model=base_model,
            protect_voices=stack_config.flag(PROTECT_VOICES_CONFIG, False),
        )


def config_sas(environ: Mapping[str, str] = os.environ) -> ConfigSas:
    """Config sasToken and its container, for the catalog's URLs to be checked against (before
    `Environment.from_config`, which needs to know whether the catalog has storage, names any
    mistake of these two keys)."""
    return ConfigSas.load(_ProgramConfig(), environ)


def account_config_problems(config: StackConfig, api_version: object, base_model: object) -> list[Problem]:
    """The config of a stack whose catalog declares its Speech resources: no endpoint and no key,
    which would name another resource, or sit unused in config."""
    problems = [
        Problem(key, f"is not used when the catalog declares speechAccounts ({why}); remove it")
        for key, why in (
            (ENDPOINT_CONFIG, "each project's account gives its endpoint"),
            (KEY_CONFIG, "the keys are read from Azure Resource Manager at each run"),
        )
        if config.get(key) is not None
    ]
    problems += check_one_of(API_VERSION_CONFIG, api_version, API_VERSIONS)
    return problems + check_base_model(BASE_MODEL_CONFIG, base_model)


def speech_config_problems(
    endpoint: object, api_version: object, base_model: object, authentication: str
) -> list[Problem]:
    """The config every run calls the Speech resource with, against its rules (also `scripts/doctor`'s)."""
    problems = check_endpoint(ENDPOINT_CONFIG, endpoint)
    if authentication == ENTRA_AUTHENTICATION:
        problems += check_entra_endpoint(ENDPOINT_CONFIG, endpoint)
    problems += check_one_of(API_VERSION_CONFIG, api_version, API_VERSIONS)
    problems += check_base_model(BASE_MODEL_CONFIG, base_model)
    return problems
