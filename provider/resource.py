"""The base of this project's resources: Pulumi's dynamic `Resource`, without the frame its
SDK adds to every later pickle each time one is declared.

`pulumi.dynamic.dynamic.serialize_provider` (3.260.0, the same in 3.272.0) sets
`pickle._Pickler._batch_setitems` to a sorting wrapper around whatever it finds there, and
`save_dict` to a sorting copy, and restores only `pickle.Pickler`. The wrapper it finds on the
next call is its own previous one: after n resources every dict the pure-Python pickler (dill)
writes goes through n nested calls, and near a thousand resources the next provider's pickle
raises RecursionError. Putting both attributes back as they were once each declaration is made
keeps the wrapper one deep. The SDK's own code still makes `__provider`, and sorting a sorted
list changes nothing, so its bytes are the same as without this. Once the SDK restores them
itself, this puts back what it already put back.
"""

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pulumi.dynamic import Resource as SdkResource

# What serialize_provider sets on pickle._Pickler and leaves set.
SET_BY_SERIALIZE_PROVIDER = ("_batch_setitems", "save_dict")


@contextmanager
def pickler_as_found() -> Iterator[None]:
    """Leaves pickle's pure-Python Pickler as it was found, whatever the block sets on it."""
    found = {name: vars(pickle._Pickler)[name] for name in SET_BY_SERIALIZE_PROVIDER}
    try:
        yield
    finally:
        for name, value in found.items():
            setattr(pickle._Pickler, name, value)


class _DeclaredWithPicklerAsFound(type):
    # A metaclass, not an `__init__` of the base: the SDK records as a resource's source
    # position the frame below the third `__init__` on the stack, which must stay the
    # resource's own (`provider/project.py:N`, say), as it was before this base.
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        with pickler_as_found():
            return super().__call__(*args, **kwargs)


class Resource(SdkResource, metaclass=_DeclaredWithPicklerAsFound):
    """Pulumi's dynamic Resource, declared with pickle's Pickler left as found."""
