"""The diff rules of every provider, over generated inputs (hypothesis): a change of a replacing
field (or of a SAS URL's base) replaces, a change of an in-place field (or of a SAS URL's
query) updates in place, and a value spelled another way the service reads alike is no change.
Outputs stay stable exactly when nothing replaces and no in-place change rewrites them."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pulumi.runtime import rpc

from provider.blob_container import BlobContainerProvider
from provider.consent import ConsentProvider
from provider.container_sas import ContainerSasProvider
from provider.diffing import DiffRules
from provider.inputs import top_level
from provider.personal_voice import PersonalVoiceProvider
from provider.project import ProjectProvider
from provider.prompt_audio import PromptAudioProvider
from provider.speech_account import SpeechAccountProvider

RULES: dict[str, DiffRules] = {
    provider.__name__: provider.diff_rules
    for provider in (
        PersonalVoiceProvider,
        ConsentProvider,
        ProjectProvider,
        PromptAudioProvider,
        ContainerSasProvider,
        BlobContainerProvider,
        SpeechAccountProvider,
    )
}
RULES["SpeechAccountProvider (existing: true)"] = SpeechAccountProvider.reference_diff_rules
EXTENSIONS = (".wav", ".mp3", ".ogg", ".flac")
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=12)
extension_lists = st.lists(st.sampled_from(EXTENSIONS), min_size=1, max_size=4)


def put(values: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for parent in parents:
        values = values.setdefault(parent, {})
    values[name] = value


def get(values: dict[str, Any], path: str) -> Any:
    for name in path.split("."):
        values = values[name]
    return values


def sas_url(base: str, signature: str) -> str:
    return f"https://account.blob.core.windows.net/{base}?sv=2024-11-04&sr=c&sig={signature}"


def fields(rules: DiffRules) -> tuple[str, ...]:
    return (*rules.replacing, *rules.in_place, *rules.sas_urls)


@st.composite
def olds_of(draw: st.DrawFn, rules: DiffRules) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields(rules):
        if name in rules.sas_urls:
            put(values, name, sas_url(draw(words), draw(words)))
        elif name == "audios.extensions":
            put(values, name, draw(extension_lists))
        else:
            put(values, name, draw(words))
    return values


def other_value(rules: DiffRules, name: str, old: Any) -> Any:
    """A value of `name` that the service reads differently from `old`."""
    if name == "audios.extensions":
        return [extension for extension in EXTENSIONS if extension not in old][:1] or [".aiff"]
    return f"{old}-changed"


@st.composite
def rules_and_olds(draw: st.DrawFn) -> tuple[DiffRules, dict[str, Any]]:
    rules = RULES[draw(st.sampled_from(sorted(RULES)))]
    return rules, draw(olds_of(rules))


@given(case=rules_and_olds(), data=st.data())
def test_what_changes_decides_replace_or_in_place(case: tuple[DiffRules, dict[str, Any]], data: st.DataObject) -> None:
    rules, olds = case
    replaced = data.draw(st.sets(st.sampled_from(rules.replacing)), label="replacing fields changed")
    in_place = data.draw(st.sets(st.sampled_from(rules.in_place)) if rules.in_place else st.just(set()))
    rotated = data.draw(st.sets(st.sampled_from(rules.sas_urls)) if rules.sas_urls else st.just(set()))
    moved = data.draw(st.sets(st.sampled_from(rules.sas_urls)) if rules.sas_urls else st.just(set()))
    news: dict[str, Any] = {}
    for name in fields(rules):
        value = get(olds, name)
        if name in replaced or name in in_place:
            value = other_value(rules, name, value)
        if name in rules.sas_urls:
            base, _, query = value.partition("?")
            value = f"{base}-moved" if name in moved else base
            value += f"?{query}-rotated" if name in rotated else f"?{query}"
        put(news, name, value)

    result = rules.diff(olds, news)

    replacing = replaced | moved
    assert result.replaces == top_level(sorted(replacing))
    assert result.changes == bool(replacing or in_place or rotated)
    assert set(rules.in_place_changes(olds, news)) == in_place | rotated
    rewritten = replacing or in_place & set(rules.rewrites_outputs)
    assert result.stables == ([] if rewritten else list(rules.stable_outputs))


@given(case=rules_and_olds(), data=st.data())
def test_an_unknown_value_replaces_unless_it_is_a_sas_url(
    case: tuple[DiffRules, dict[str, Any]], data: st.DataObject
) -> None:
    rules, olds = case
    name = data.draw(st.sampled_from(fields(rules)))
    news = {**olds}
    if "." in name:  # a nested field: a copy of its parent, not the old one's
        parent = name.split(".")[0]
        news[parent] = {**olds[parent]}
    put(news, name, rpc.UNKNOWN)

    result = rules.diff(olds, news)

    assert result.changes
    if name in rules.replacing:
        assert result.replaces == top_level([name])
    else:
        assert result.replaces == []
        assert rules.in_place_changes(olds, news) == [name]


@given(case=rules_and_olds(), data=st.data())
def test_spellings_the_service_reads_alike_are_no_change(
    case: tuple[DiffRules, dict[str, Any]], data: st.DataObject
) -> None:
    rules, olds = case
    news: dict[str, Any] = {}
    for name in fields(rules):
        put(news, name, get(olds, name))
    blanked = data.draw(st.sets(st.sampled_from(rules.replacing)), label="replacing fields absent before and after")
    for name in blanked - set(rules.comparable):
        put(olds, name, None)
        put(news, name, "")
    if "audios.extensions" in rules.replacing:
        extensions = get(olds, "audios.extensions")
        respelled = data.draw(st.permutations(extensions + extensions[:1]), label="extensions reordered, repeated")
        put(news, "audios.extensions", [f"*{extension}" for extension in respelled])

    result = rules.diff(olds, news)

    assert (result.changes, result.replaces, result.stables) == (False, [], list(rules.stable_outputs))
