"""What every Custom Voice dynamic provider shares: create-or-adopt, read, update and
delete, on the shared base provider. Each resource says which inputs it has and how its create
is sent."""

from typing import Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from provider.accounts.arm_id import ACCOUNT_ID_INPUT, account_id_problems
from provider.base import DynamicProvider
from provider.inputs import blank_as_none, lookup, normalise_endpoint
from provider.redaction import register_sas
from provider.speech.adoption import create_or_adopt
from provider.speech.client import DEFAULT_API_VERSION, CreateAnswer, CustomVoiceClient, ResourceKind
from provider.speech.request_budget import budget_for
from provider.speech.settings import SpeechSettings
from provider.validation import Problem

# Statuses a consent or voice can reach in the service after it was made (the spec's Status).
UNUSABLE_STATUSES = frozenset({"Failed", "Disabling", "Disabled"})
READ_LISTING_MAX_AGE = 5.0


class CustomVoiceResourceProvider(DynamicProvider[SpeechSettings]):
    settings_type = SpeechSettings
    kind: ClassVar[ResourceKind]
    id_input: ClassVar[str]
    input_keys: ClassVar[tuple[str, ...]]
    service_output_keys: ClassVar[tuple[str, ...]]
    long_running: ClassVar[bool]
    # Fields the service echoes back, compared when adopting an existing resource.
    adoption_fields: ClassVar[tuple[str, ...]]

    # -- to be provided by each resource -----------------------------------------------

    def normalise_fields(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """`normalise`, once the endpoint has its one spelling."""
        raise NotImplementedError

    def send_create(self, client: CustomVoiceClient, props: dict[str, Any]) -> CreateAnswer:
        raise NotImplementedError

    def extra_outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {}

    def delete_params(self, props: dict[str, Any]) -> dict[str, str] | None:
        return None

    # -- the provider protocol -----------------------------------------------------------

    def normalise(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        # One spelling per endpoint, so that a change of spelling alone is no change.
        inputs, problems = self.normalise_fields({**news, "endpoint": normalise_endpoint(news.get("endpoint"))})
        return inputs, problems + account_id_problems(ACCOUNT_ID_INPUT, inputs.get(ACCOUNT_ID_INPUT))

    def settings_problems(self, inputs: dict[str, Any]) -> list[Problem]:
        return self.settings.endpoint_problems(inputs.get("endpoint"))

    def identity(self) -> tuple[str, ...]:
        # Even at an endpoint spelled otherwise, the same id may be the same resource.
        return (self.id_input,)

    def drift(self, olds: dict[str, Any]) -> list[str]:
        # A refresh found it failed or disabled in the service: only a new one works again.
        return ["status"] if olds.get("status") in UNUSABLE_STATUSES else []

    def create(self, props: dict[str, Any]) -> CreateResult:
        resource_id = props[self.id_input]
        with self.client(props) as client:
            resource = create_or_adopt(
                client,
                self.kind,
                resource_id,
                lambda: self.send_create(client, props),
                lambda existing: self.differences(props, existing),
                long_running=self.long_running,
            )
        return CreateResult(resource_id, self.outputs(props, resource))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # A refresh reads every resource at once: a listing of the last few seconds serves them.
        with self.client(props) as client:
            resource = client.get_listed(self.kind, props.get(self.id_input) or id_, max_age=READ_LISTING_MAX_AGE)
        if resource is None:
            return ReadResult("", {})
        return ReadResult(id_, self.outputs(props, resource))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only in-place changes get here (diff replaces for the rest), and none of them is sent
        to the service: they change how the resource is reached, not what it is."""
        service_fields = {key: olds[key] for key in self.service_output_keys if key in olds}
        return UpdateResult({**self.inputs_of(news), **service_fields, **self.extra_outputs(news)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self.client(props) as client:
            client.delete(self.kind, props.get(self.id_input) or id_, self.delete_params(props))

    # -- shared helpers ------------------------------------------------------------------

    def client(self, props: dict[str, Any]) -> CustomVoiceClient:
        self.register_sas_signatures(props)
        settings = self.settings
        return CustomVoiceClient(
            props["endpoint"],
            settings.auth_for(props["endpoint"], props.get(ACCOUNT_ID_INPUT)),
            api_version=props.get("apiVersion") or DEFAULT_API_VERSION,
            retries=settings.retries,
            backoff_factor=settings.backoff_factor,
            poll=settings.poll(),
            budget=budget_for(props["endpoint"], settings.requests_per_10_seconds),
        )

    def register_sas_signatures(self, props: dict[str, Any]) -> None:
        """The regex in `redact` finds `sig=` as it usually appears; this finds it in any form."""
        for name in self.diff_rules.sas_urls:
            value = lookup(props, name)
            if isinstance(value, str):
                register_sas(value)

    def inputs_of(self, props: dict[str, Any]) -> dict[str, Any]:
        return {key: props[key] for key in self.input_keys if key in props}

    def outputs(self, props: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
        outputs = self.inputs_of(props)
        for key in self.service_output_keys:
            value = (resource.get("properties") or {}).get(key) if key == "failureReason" else resource.get(key)
            if value is not None:
                outputs[key] = value
        return {**outputs, **self.extra_outputs(props)}

    def differences(self, props: dict[str, Any], existing: dict[str, Any]) -> list[str]:
        """How a resource found in the service differs from the inputs, one line a field."""
        found = []
        for name in self.adoption_fields:
            want, have = lookup(props, name), lookup(existing, name)
            optional = name in ("description", "displayName")
            # An optional field not declared, or a required one the service does not echo (its
            # spec examples leave out a voice's audios), cannot tell two resources apart.
            if (optional and want is None) or (not optional and have is None):
                continue
            comparable = self.diff_rules.comparable.get(name, _same)
            want, have = blank_as_none(comparable(want)), blank_as_none(comparable(have))
            if want != have:
                found.append(f"{name}: declared {_show(want)}, the service has {_show(have)}")
        return found


def _same(value: Any) -> Any:
    return value


def _show(value: Any) -> str:
    return "nothing" if value in (None, "") else repr(value)
