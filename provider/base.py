"""What every dynamic provider of this project shares: settings from `configure()`, nothing
pickled, one `check`, one `diff`.

A provider holds no state of its own until `configure()` runs in the provider host, so what
gets pickled into state is only a reference to its class (see `provider/__init__.py`).
"""

from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider

from provider.config import ConfigSource
from provider.diffing import DiffRules
from provider.inputs import judged
from provider.validation import Problem


class Settings(Protocol):
    @classmethod
    def load(cls, source: ConfigSource | None) -> Self: ...


SettingsT = TypeVar("SettingsT", bound=Settings)


class DynamicProvider(ResourceProvider, Generic[SettingsT]):
    settings_type: ClassVar[type[Settings]]
    diff_rules: ClassVar[DiffRules]

    # -- to be provided by each resource -----------------------------------------------

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """The inputs as stored, and every problem with them. Values still unknown (at preview)
        may be judged like any other: `check` drops the problems they give."""
        raise NotImplementedError

    def settings_problems(self, inputs: dict[str, Any]) -> list[Problem]:
        """What the settings (the authentication method, say) ask of the inputs."""
        return []

    def computed_changes(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        """In-place changes that no input shows (a token due for renewal, say)."""
        return []

    def drift(self, olds: dict[str, Any]) -> list[str]:
        """Outputs whose value, as the service last answered it, means the resource must be
        made again (a resource the service has failed or disabled since, say)."""
        return []

    def identity(self) -> tuple[str, ...]:
        """The inputs that name the resource in its service (see `DiffRules.diff`)."""
        return ()

    # -- the provider protocol -----------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        self._settings = self.settings_type.load(req.config)

    def __getstate__(self) -> dict[str, Any]:
        # Settings hold credentials and belong to the host process: never pickle them.
        return {}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, problems = self.normalise(news)
        problems += self.settings_problems(inputs)
        return CheckResult(inputs, [CheckFailure(p.field, p.reason) for p in judged(problems, inputs)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return self.diff_rules.diff(
            olds,
            news,
            identity=self.identity(),
            also_in_place=self.computed_changes(olds, news),
            also_replacing=self.drift(olds),
        )

    @property
    def settings(self) -> SettingsT:
        """As `configure()` loaded them (the host configures before any other call)."""
        return cast(SettingsT, getattr(self, "_settings", None) or self.settings_type.load(None))
