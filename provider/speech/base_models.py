"""The base models a personal voice can speak through, as the service lists them
(BaseModels_List), asked at most once per Speech resource and API version in a provider host's
life (one `pulumi up`), and only when a voice is created or given another base model: never at
preview."""

import threading

from provider.errors import Refused
from provider.speech.client import CustomVoiceClient

_listed: dict[tuple[str, str], tuple[str, ...]] = {}
_lock = threading.Lock()


class UnknownBaseModel(Refused):
    """A voice names a base model the service does not list."""


def check_base_model_listed(client: CustomVoiceClient, voice_id: str, base_model: str) -> None:
    names = listed_base_models(client)
    if base_model not in names:
        raise UnknownBaseModel(
            f"Personal voice {voice_id!r}: baseModel {base_model!r} is not one the service lists at "
            f"{client.endpoint}; use one of {', '.join(names)}"
        )


def listed_base_models(client: CustomVoiceClient) -> tuple[str, ...]:
    key = (client.endpoint.lower(), client.api_version)
    with _lock:
        if key not in _listed:
            _listed[key] = tuple(sorted(client.list_base_models()))
        return _listed[key]
