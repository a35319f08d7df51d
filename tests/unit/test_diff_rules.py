"""DiffRules, the one diff of every provider, on its own: which change replaces, which is in
place, what an unknown value (at preview) counts as, and when outputs stay stable."""

from pulumi.output import Unknown
from pulumi.runtime import rpc

from provider.diffing import DiffRules

UNKNOWN = rpc.UNKNOWN
RULES = DiffRules(
    replacing=("name", "kind"),
    in_place=("apiVersion", "content"),
    sas_urls=("firstUrl", "secondUrl"),
    comparable={"kind": str.lower},
    stable_outputs=("createdDateTime",),
    rewrites_outputs=("content",),
)
OLDS = {
    "name": "a",
    "kind": "Voice",
    "apiVersion": "v1",
    "content": "x",
    "firstUrl": "https://host/c1?sig=one",
    "secondUrl": "https://host/c2?sig=one",
}


def changed(**news):
    return {**OLDS, **news}


def test_a_replacing_field_replaces_and_its_outputs_are_not_stable():
    result = RULES.diff(OLDS, changed(name="b"))
    assert (result.changes, result.replaces, result.stables) == (True, ["name"], [])


def test_an_in_place_change_keeps_outputs_stable_unless_it_rewrites_them():
    kept = RULES.diff(OLDS, changed(apiVersion="v2"))
    assert (kept.changes, kept.replaces, kept.stables) == (True, [], ["createdDateTime"])
    rewritten = RULES.diff(OLDS, changed(content="y"))
    assert (rewritten.changes, rewritten.replaces, rewritten.stables) == (True, [], [])
    assert RULES.in_place_changes(OLDS, changed(apiVersion="v2", content="y")) == ["apiVersion", "content"]


def test_a_comparable_field_spelled_differently_is_no_change_and_an_unknown_one_is_a_change():
    assert RULES.replacing_changes(OLDS, changed(kind="voice")) == []
    assert RULES.replacing_changes(OLDS, changed(kind=UNKNOWN)) == ["kind"]
    # As the provider host hands it over: not text, so not for the comparison either.
    assert RULES.replacing_changes(OLDS, changed(kind=Unknown())) == ["kind"]
    assert RULES.replacing_changes(OLDS, changed(name=UNKNOWN)) == ["name"]


def test_a_sas_url_replaces_by_its_base_and_updates_in_place_by_its_query():
    rotated = changed(firstUrl="https://host/c1?sig=two")
    assert RULES.replacing_changes(OLDS, rotated) == []
    assert RULES.in_place_changes(OLDS, rotated) == ["firstUrl"]
    moved = changed(secondUrl="https://host/elsewhere?sig=one")
    assert RULES.replacing_changes(OLDS, moved) == ["secondUrl"]
    assert RULES.in_place_changes(OLDS, changed(firstUrl=None)) == ["firstUrl"]


def test_an_unknown_sas_url_is_in_place_and_does_not_hide_the_next_field():
    news = changed(firstUrl=UNKNOWN, secondUrl="https://host/elsewhere?sig=one")
    assert RULES.replacing_changes(OLDS, news) == ["secondUrl"]
    assert RULES.in_place_changes(OLDS, news) == ["firstUrl"]
    assert RULES.in_place_changes(OLDS, changed(apiVersion=UNKNOWN)) == ["apiVersion"]
    # A URL with no SAS yet, whose SAS is being computed: its query will change.
    assert RULES.in_place_changes(changed(firstUrl="https://host/c1"), changed(firstUrl=UNKNOWN)) == ["firstUrl"]


def test_no_change_is_no_change():
    result = RULES.diff(OLDS, dict(OLDS))
    assert (result.changes, result.replaces, result.stables) == (False, [], ["createdDateTime"])
