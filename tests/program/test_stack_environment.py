"""The stack's environment read from its config (each mistake named by its config key), the SAS
token joined to URLs the stack does not manage, and the deletion guard's refusal."""

import contextvars
import threading
from collections.abc import Iterator

import pulumi
import pytest

from catalog.deletion_guard import ACCOUNT_TYPE, READ_STACK_STATE, VOICE_TYPE, deletion_refusal, guard_deletions
from catalog.environment import Environment, config_sas, speech_config_problems
from provider.errors import ConfigError
from tests.program.recording import RecordingMonitor

ENDPOINT = "http://127.0.0.1:8765"


class Mocks(pulumi.runtime.Mocks):
    """The stack's state holds the voices `held` (voice id by resource name) and the resources
    `more` (by URN, as the engine answers them); `answer`, when set, is what the engine answers
    instead (an exception is raised)."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}
        self.more: dict[str, dict] = {}
        self.answer: object = None
        self.calls: list[tuple[str, dict]] = []
        self.events: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return [args.name, dict(args.inputs)]

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, dict(args.args)))
        self.events.append("state read")
        if isinstance(self.answer, Exception):
            raise self.answer
        if self.answer is not None:
            return self.answer
        voices = {
            f"urn:pulumi:dev::personal-voice::{VOICE_TYPE}::{name}": {"type": VOICE_TYPE, "outputs": {"voiceId": id_}}
            for name, id_ in self.held.items()
        }
        return {"name": args.args["stackName"], "outputs": {**voices, **self.more}}


@pytest.fixture
def stack() -> Iterator[tuple[Mocks, RecordingMonitor]]:
    stack_mocks = Mocks()
    recording = RecordingMonitor(stack_mocks)
    pulumi.runtime.set_mocks(
        stack_mocks, project="personal-voice", stack="dev", preview=False, monitor=recording, organization="contoso"
    )
    yield stack_mocks, recording
    pulumi.runtime.set_all_config({}, [])


def configure(config: dict[str, str], secret: list[str] | None = None) -> None:
    """`config` with a Speech key (tests/program/test_missing_keys.py: without one)."""
    config = {"speechKey": "c3BlZWNoLWtleQ==", **config}
    pulumi.runtime.set_all_config({f"personal-voice:{key}": value for key, value in config.items()}, secret)


def environment_of(config: dict[str, str], environ: dict[str, str] | None = None) -> Environment:
    configure(config)
    return Environment.from_config(pulumi.Config(), environ or {})


@pulumi.runtime.test
def test_the_defaults_of_a_stack_that_sets_only_its_endpoint(stack):
    environment = environment_of({"speechEndpoint": ENDPOINT})
    assert (
        environment.endpoint,
        environment.api_version,
        environment.max_delete_share,
        environment.deletes_allowed,
        environment.base_model,
        environment.protect_voices,
    ) == (ENDPOINT, "2026-01-01", 0.5, False, "DragonLatestNeural", False)


@pulumi.runtime.test
def test_every_setting_a_stack_may_change(stack):
    environment = environment_of(
        {
            "speechEndpoint": ENDPOINT,
            "apiVersion": "2024-02-01-preview",
            "baseModel": "PhoenixV2Neural",
            "maxVoiceDeleteShare": "0.25",
            "protectVoices": "true",
        }
    )
    assert (
        environment.api_version,
        environment.base_model,
        environment.max_delete_share,
        environment.protect_voices,
    ) == ("2024-02-01-preview", "PhoenixV2Neural", 0.25, True)


@pytest.mark.parametrize(("value", "allowed"), [("1", True), ("yes", True), ("0", False), ("", False)])
@pulumi.runtime.test
def test_deletes_are_allowed_for_one_run_by_the_environment(stack, value, allowed):
    environment = environment_of({"speechEndpoint": ENDPOINT}, {"PV_ALLOW_VOICE_DELETES": value})
    assert environment.deletes_allowed is allowed


@pulumi.runtime.test
def test_the_real_environment_is_read_by_default(stack, monkeypatch):
    monkeypatch.setenv("PV_ALLOW_VOICE_DELETES", "1")
    configure({"speechEndpoint": ENDPOINT})
    assert Environment.from_config(pulumi.Config()).deletes_allowed is True


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"speechEndpoint": "http://speech.example.com"},
            "config speechEndpoint: must use https (plain http is allowed only for loopback addresses)",
        ),
        (
            {"speechEndpoint": ENDPOINT, "apiVersion": "2020-01-01", "baseModel": "a b"},
            (
                "config apiVersion: '2020-01-01' is not one of 2023-12-01-preview, 2024-02-01-preview, 2026-01-01\n"
                "config baseModel: 'a b' is not a base model name (letters and digits, e.g. DragonLatestNeural)"
            ),
        ),
        ({"speechEndpoint": ENDPOINT, "maxVoiceDeleteShare": "2"}, "config maxVoiceDeleteShare: '2' must be at most 1"),
        (
            {"speechEndpoint": ENDPOINT, "maxVoiceDeleteShare": "-1"},
            "config maxVoiceDeleteShare: '-1' must be at least 0",
        ),
        ({"speechEndpoint": ENDPOINT, "protectVoices": "maybe"}, "config protectVoices: 'maybe' must be true or false"),
    ],
)
@pulumi.runtime.test
def test_a_config_mistake_stops_the_program_naming_its_key(stack, config, message):
    with pytest.raises(ConfigError) as caught:
        environment_of(config)
    assert str(caught.value) == message


@pulumi.runtime.test
def test_entra_id_needs_a_custom_subdomain_endpoint(stack):
    regional = "https://westeurope.api.cognitive.microsoft.com"
    with pytest.raises(
        ConfigError, match="^config speechEndpoint: 'https://westeurope.api.*accepts only the Speech key$"
    ):
        environment_of({"speechEndpoint": regional, "authentication": "entra"})
    assert environment_of({"speechEndpoint": regional}).endpoint == regional
    custom = "https://contoso.cognitiveservices.azure.com"
    assert environment_of({"speechEndpoint": custom, "authentication": "entra"}).endpoint == custom


def test_with_entra_id_an_endpoint_that_is_no_url_at_all_is_still_named():
    assert [str(p) for p in speech_config_problems("http://speech.example.com", "2026-01-01", None, "entra")] == [
        "speechEndpoint: must use https (plain http is allowed only for loopback addresses)"
    ]


def test_speech_config_problems_name_each_key():
    assert [str(p) for p in speech_config_problems("https://a.cognitiveservices.azure.com/x", None, None, "key")] == [
        "speechEndpoint: must be the Speech resource's base URL, without a path (the client adds /customvoice)"
    ]


@pulumi.runtime.test
def test_a_sas_token_needs_the_container_it_was_issued_for(stack):
    configure({"speechEndpoint": ENDPOINT, "sasToken": "?sv=1&sig=abc"}, ["personal-voice:sasToken"])
    with pytest.raises(ConfigError) as raised:
        Environment.from_config(pulumi.Config(), {})
    assert str(raised.value) == (
        "config sasContainer is required when config sasToken (or PV_SAS_TOKEN) is set: the URL of the one container "
        "the token was issued for, such as https://{account}.blob.core.windows.net/{container}"
    )
    configure(
        {
            "speechEndpoint": ENDPOINT,
            "sasToken": "?sv=1&sig=abc",
            "sasContainer": "https://a.blob.core.windows.net/c",
        },
        ["personal-voice:sasToken"],
    )
    # Both given: the stack config is whole (config_sas() gives the catalog loader the pair).
    assert Environment.from_config(pulumi.Config(), {}).endpoint == ENDPOINT


@pulumi.runtime.test
def test_the_catalogs_urls_are_checked_against_the_token_the_stack_config_or_environment_gives(stack):
    """What the program reads before the catalog (`config_sas`): config first, then PV_SAS_TOKEN."""
    container = "https://a.blob.core.windows.net/c"
    configure({"speechEndpoint": ENDPOINT, "sasToken": "?sv=1&sig=abc", "sasContainer": container})
    from_config = config_sas({})
    assert (from_config.token, from_config.container) == ("sv=1&sig=abc", container)
    configure({"speechEndpoint": ENDPOINT, "sasContainer": container})
    assert config_sas({"PV_SAS_TOKEN": "sv=2&sig=def"}).token == "sv=2&sig=def"
    assert config_sas({}).token is None


@pytest.mark.parametrize(
    ("stack", "voice", "protected"),
    [(False, None, False), (True, None, True), (True, False, False), (False, True, True)],
)
def test_a_voice_says_whether_it_is_protected_or_takes_the_stacks_default(stack, voice, protected):
    assert Environment(endpoint=ENDPOINT, protect_voices=stack).protects(voice) is protected


# -- the deletion guard ----------------------------------------------------------------------


def test_a_refusal_above_the_share_names_the_share_and_the_voices():
    refusal = deletion_refusal({"a", "b", "c", "d"}, {"d"}, Environment(endpoint=ENDPOINT, max_delete_share=0.4))
    assert refusal == (
        "this run would delete 3 of the stack's 4 voices (more than 40% of them): a, b, c. Their speakerProfileIds "
        "would end for good. If that is meant, run it once with PV_ALLOW_VOICE_DELETES=1, or raise config "
        "maxVoiceDeleteShare"
    )


def test_deleting_exactly_the_share_is_allowed_but_one_more_is_not():
    environment = Environment(endpoint=ENDPOINT, max_delete_share=0.5)
    held = {"a", "b", "c", "d", "e", "f"}
    assert deletion_refusal(held, {"a", "b", "c"}, environment) is None
    assert deletion_refusal(held, {"a", "b"}, environment) is not None
    assert deletion_refusal({"a"}, set(), Environment(endpoint=ENDPOINT, max_delete_share=1.0)) is not None


def test_new_voices_do_not_count_as_deletes():
    environment = Environment(endpoint=ENDPOINT, max_delete_share=0.0)
    assert deletion_refusal({"a"}, {"a", "b", "c"}, environment) is None


def test_the_guard_reads_the_voices_in_the_stacks_own_state(stack):
    stack_mocks = stack[0]
    stack_mocks.held = {"jessica": "JessicaVoice", "mark": "MarkVoice"}
    guard_deletions("stacks/dev.yaml", iter(["JessicaVoice", "MarkVoice"]), Environment(endpoint=ENDPOINT))
    assert stack_mocks.calls == [(READ_STACK_STATE, {"stackName": "contoso/personal-voice/dev"})]
    assert [r.type for r in stack[1].requests if r.type != "pulumi:pulumi:Stack"] == []  # it declares nothing


def test_a_stack_holding_no_voices_deletes_nothing(stack):
    guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT))
    assert len(stack[0].calls) == 1


@pytest.mark.parametrize(
    ("declared", "refusal"),
    [
        (["a"], "would delete 2 of the stack's 3 voices (more than 50% of them): b, c."),
        ([], "would delete 3 of the stack's 3 voices (all of them): a, b, c."),
    ],
)
def test_the_guard_stops_a_run_that_deletes_too_many(stack, declared, refusal):
    stack[0].held = {"a": "a", "b": "b", "c": "c"}
    with pytest.raises(pulumi.RunError) as caught:
        guard_deletions("stacks/dev.yaml", declared, Environment(endpoint=ENDPOINT))
    assert str(caught.value).startswith(f"stacks/dev.yaml: voices: this run {refusal}")


def test_a_run_allowed_to_delete_reads_nothing(stack):
    stack[0].held = {"a": "a", "b": "b", "c": "c"}
    guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT, deletes_allowed=True))
    assert stack[0].calls == []


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            Exception("backend unreachable\n  at the engine\n  at its backend"),
            "(backend unreachable); ",
        ),
        ({"name": "contoso/personal-voice/dev"}, "pulumi:pulumi:readStackResourceOutputs gave no resources"),
    ],
)
def test_a_state_that_cannot_be_read_stops_the_run(stack, answer, reason):
    """In one line, with what the engine said first."""
    stack[0].answer = answer
    with pytest.raises(pulumi.RunError) as caught:
        guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT))
    message = str(caught.value)
    assert message.startswith("stacks/dev.yaml: voices: the stack's state could not be read")
    assert reason in message and "PV_ALLOW_VOICE_DELETES=1" in message
    assert "\n" not in message


class StackRegisteredLate(RecordingMonitor):
    """Holds the stack's own registration until `release` is set."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.events = mocks.events
        self.release = threading.Event()

    def RegisterResource(self, request):
        if request.type != "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        self.release.wait(timeout=30)
        registered = super().RegisterResource(request)
        self.events.append("stack registered")
        return registered


def test_the_read_waits_for_the_stacks_own_registration():
    """A file backend's checkpoint write (the stack's, at a first `up`) beside the read can make
    it fail: the read comes after it, however late it is. (In a context of its own, so that
    `set_mocks` registers a new root stack.)"""
    mocks = Mocks()
    monitor = StackRegisteredLate(mocks)

    def run() -> None:
        pulumi.runtime.set_mocks(mocks, project="personal-voice", stack="dev", preview=False, monitor=monitor)
        guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT))

    releasing = threading.Timer(0.2, monitor.release.set)
    releasing.start()
    try:
        contextvars.Context().run(run)
    finally:
        releasing.cancel()
        monitor.release.set()
    assert mocks.events == ["stack registered", "state read"]


# -- the deletion guard and the stack's Speech accounts ------------------------------------

ARM_ID = (
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/voices-rg/providers/"
    "Microsoft.CognitiveServices/accounts/contoso-voices"
)
DECLARED_ACCOUNT = {
    "subscriptionId": "00000000-1111-2222-3333-444444444444",
    "resourceGroupName": "voices-rg",
    "accountName": "contoso-voices",
    "location": "westeurope",
}


def hold_an_account_with_two_voices(stack_mocks: Mocks) -> None:
    prefix = "urn:pulumi:dev::personal-voice::"
    stack_mocks.more = {
        f"{prefix}{ACCOUNT_TYPE}::main": {
            "type": ACCOUNT_TYPE,
            "outputs": {
                **DECLARED_ACCOUNT,
                "armId": ARM_ID,
                "kind": "SpeechServices",
                "customSubDomainName": "contoso-voices",
                "existing": False,
            },
        },
        **{
            f"{prefix}{VOICE_TYPE}::{name}": {
                "type": VOICE_TYPE,
                "outputs": {"voiceId": voice_id, "speechAccountId": ARM_ID},
            }
            for name, voice_id in (("jessica", "JessicaVoice"), ("mark", "MarkVoice"))
        },
    }


def test_a_run_ending_an_account_that_holds_voices_is_refused_whatever_the_share(stack):
    """The catalog still declares both voices, and any share may go: the account's delete
    would end them anyway."""
    hold_an_account_with_two_voices(stack[0])
    moved = {"main": {**DECLARED_ACCOUNT, "location": "eastus"}}
    with pytest.raises(pulumi.RunError) as caught:
        guard_deletions(
            "stacks/dev.yaml",
            ["JessicaVoice", "MarkVoice"],
            Environment(endpoint=ENDPOINT, max_delete_share=1.0),
            moved,
        )
    message = str(caught.value)
    assert message.startswith(
        "stacks/dev.yaml: speechAccounts: this run would end a Speech account and every project, consent and voice in "
        "it: 'main' (accountName 'contoso-voices', location 'westeurope' -> 'eastus'): voices JessicaVoice, MarkVoice."
    )
    assert "PV_ALLOW_VOICE_DELETES=1" in message and "protect" in message and "\n" not in message
    assert [r.type for r in stack[1].requests if r.type != "pulumi:pulumi:Stack"] == []  # it declares nothing


def test_an_account_declared_as_held_lets_the_voice_rules_decide(stack):
    hold_an_account_with_two_voices(stack[0])
    declared = {"main": DECLARED_ACCOUNT}
    guard_deletions("stacks/dev.yaml", ["JessicaVoice", "MarkVoice"], Environment(endpoint=ENDPOINT), declared)
    with pytest.raises(pulumi.RunError, match="^stacks/dev.yaml: voices: this run would delete 2 of the stack's 2"):
        guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT), declared)


def test_a_run_allowed_to_delete_may_end_an_account_and_reads_nothing(stack):
    hold_an_account_with_two_voices(stack[0])
    guard_deletions("stacks/dev.yaml", [], Environment(endpoint=ENDPOINT, deletes_allowed=True), {})
    assert stack[0].calls == []
