"""What a change of inputs means for a Custom Voice resource: replace it, or update state.

The service cannot edit these resources in place, so every field of the request body
replaces. Only how the resource is reached (the SAS token of a URL, the API version, the
local path of a file whose content hash is an input) changes in place.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from provider.inputs import base_url, blank_as_none, is_unknown, lookup
from provider.redaction import query_of


@dataclass(frozen=True)
class DiffRules:
    replacing: tuple[str, ...]
    # Fields holding a URL that may carry a SAS: its base replaces, its query is in place.
    sas_urls: tuple[str, ...] = ()
    in_place: tuple[str, ...] = ("apiVersion",)
    # Per field, how to compare values that may be spelled differently: used by the diff for
    # replacing fields, and when adopting (where a SAS URL is compared by its base).
    comparable: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

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
            if is_unknown(news.get(name)) or olds.get(name) != news.get(name):
                changed.append(name)
        return changed
