"""A moto-style emulator of the Azure AI Speech Custom Voice API (personal voice subset)."""

from emulator.backend import CustomVoiceBackend
from emulator.mock import mock_custom_voice
from emulator.server import EmulatorServer

__all__ = ["CustomVoiceBackend", "EmulatorServer", "mock_custom_voice"]
