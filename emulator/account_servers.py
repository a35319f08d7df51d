"""Each ARM account's own Custom Voice API for the HTTP server (`python -m emulator --arm`): a
listener of its own on loopback and a backend of its own, so two accounts are two Speech
resources, each with its projects, consents, voices, request quota and keys, as in Azure."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable

from emulator.arm.models import Account, AccountKey
from emulator.arm.service import SOFT_DELETE_SECONDS, AccountsService
from emulator.backend import CustomVoiceBackend
from emulator.server import EmulatorServer


class AccountServers:
    """`emulator.arm.service.AccountEndpoints` on real listeners: an account's endpoint is
    `http://{host}:{port}/`, the port chosen by the OS, served by a backend made by
    `template.for_account` (the template's settings and Entra ID tenant, only the account's keys)."""

    def __init__(self, template: CustomVoiceBackend, host: str = "127.0.0.1") -> None:
        self._template = template
        self._host = host
        self._lock = threading.Lock()
        self._servers: dict[AccountKey, EmulatorServer] = {}  # by folded account key
        self._backends: dict[str, CustomVoiceBackend] = {}  # by endpoint: every one opened, closed ones too

    def open(self, account: Account, takes_key: Callable[[str], bool]) -> str:
        backend = self._template.for_account(takes_key)
        server = EmulatorServer(backend, host=self._host).start()
        endpoint = f"{server.url}/"
        with self._lock:
            self._servers[account.key.folded()] = server
            self._backends[endpoint] = backend
        return endpoint

    def backends(self) -> list[CustomVoiceBackend]:
        """Test hook: the backend of every account endpoint ever opened (their request logs)."""
        with self._lock:
            return list(self._backends.values())

    def backend_at(self, endpoint: str) -> CustomVoiceBackend:
        """Test hook: the backend serving an account's `endpoint` (as ARM gives it)."""
        with self._lock:
            return self._backends[endpoint]

    def close(self, account: Account) -> None:
        with self._lock:
            server = self._servers.pop(account.key.folded(), None)
        if server is not None:
            server.stop()


def arm_server(
    backend: CustomVoiceBackend,
    tls: ssl.SSLContext,
    host: str = "127.0.0.1",
    port: int = 0,
    provisioning_seconds: float = 0.0,
    soft_delete_seconds: float = SOFT_DELETE_SECONDS,
) -> EmulatorServer:
    """The ARM front as `python -m emulator --arm` serves it (not started yet): its accounts'
    endpoints `AccountServers` made from `backend`, and `backend.reset()` forgets the accounts."""
    accounts = AccountsService(
        AccountServers(backend, host),
        provisioning_seconds=provisioning_seconds,
        soft_delete_seconds=soft_delete_seconds,
    )
    backend.on_reset(accounts.reset)
    return EmulatorServer(backend, host=host, port=port, accounts=accounts, tls=tls)
