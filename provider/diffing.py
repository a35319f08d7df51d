"""What a change of inputs means for a resource: replace it, update it in place, or nothing.

Each resource declares its rules; `DiffRules.diff` is the one diff of every provider. For the
Custom Voice resources every field of the request body replaces (the service cannot edit
them), and only how a resource is reached (the SAS token of a URL, the API version, the local
path of a file whose content hash is an input) changes in place. For storage, a new account or
container replaces, and the content (files, a token due for renewal) is updated in place.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import DiffResult

from provider.inputs import base_url, blank_as_none, is_unknown, lookup, top_level
from provider.redaction import query_of


@dataclass(frozen=True)
class DiffRules:
    replacing: tuple[str, ...]
    in_place: tuple[str, ...] = ()
    # Fields holding a URL that may carry a SAS: its base replaces, its query is in place.
    sas_urls: tuple[str, ...] = ()
    # Per field, how to compare values that may be spelled differently: used by the diff for
    # replacing fields, and when adopting (where a SAS URL is compared by its base).
    comparable: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Outputs that keep their value unless the resource is replaced or one of the in-place
    # changes in `rewrites_outputs` happens (so the engine can show them at preview).
    stable_outputs: tuple[str, ...] = ()
    rewrites_outputs: tuple[str, ...] = ()

    def diff(
        self,
        olds: dict[str, Any],
        news: dict[str, Any],
        *,
        identity: Sequence[str] = (),
        also_in_place: Sequence[str] = (),
        also_replacing: Sequence[str] = (),
    ) -> DiffResult:
        """`identity`: the fields that name the resource in its service. While they stay the
        same, a replacement deletes the old resource before it creates the new one: two cannot
        share a name, and a create would adopt the old one, whose delete would then remove it.
        `also_in_place`, `also_replacing`: changes a provider finds itself (a token due for
        renewal, a resource the service has failed since)."""
        replacing = [*self.replacing_changes(olds, news), *also_replacing]
        in_place = [*self.in_place_changes(olds, news), *also_in_place]
        same_identity = all(lookup(olds, name) == lookup(news, name) for name in identity)
        rewritten = bool(replacing) or any(change in self.rewrites_outputs for change in in_place)
        return DiffResult(
            changes=bool(replacing or in_place),
            replaces=top_level(replacing),
            stables=[] if rewritten else list(self.stable_outputs),
            # None, not False, for resources without an identity: the engine decides, as for any resource.
            delete_before_replace=bool(replacing) and same_identity if identity else None,
        )

    def replacing_changes(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        """The replacing fields whose value differs (an unknown value counts as different)."""
        changed = []
        for name in (*self.replacing, *self.sas_urls):
            old, new = lookup(olds, name), lookup(news, name)
            if name in self.sas_urls:
                if is_unknown(new):
                    # A SAS still being computed: the base URL is probably unchanged, and the
                    # engine diffs again with the real value before it acts.
                    continue
                old, new = base_url(old), base_url(new)
            elif name in self.comparable and not is_unknown(new):
                old, new = self.comparable[name](old), self.comparable[name](new)
            if is_unknown(new) or blank_as_none(old) != blank_as_none(new):
                changed.append(name)
        return changed

    def in_place_changes(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        changed = []
        for name in self.sas_urls:
            old, new = lookup(olds, name), lookup(news, name)
            if is_unknown(new) or query_of(str(old or "")) != query_of(str(new or "")):
                changed.append(name)
        for name in self.in_place:
            if is_unknown(lookup(news, name)) or lookup(olds, name) != lookup(news, name):
                changed.append(name)
        return changed
