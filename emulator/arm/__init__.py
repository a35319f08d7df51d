"""The emulator's Azure Resource Manager front: Microsoft.CognitiveServices accounts (service,
routes, the `responses` front), beside the Custom Voice API the accounts' endpoints serve."""

from emulator.arm.mock import AccountHosts, mock_arm
from emulator.arm.service import AccountsService, Endpoints

__all__ = ["AccountHosts", "AccountsService", "Endpoints", "mock_arm"]
