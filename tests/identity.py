"""A managed identity for the tests: the emulator's token endpoint, and no other way to a token;
and a guard that lets a test connect to loopback only (so no cloud metadata endpoint is tried)."""

import ipaddress
import os
import socket
from typing import Any

import pytest


def managed_identity_env(env: dict[str, str], identity_endpoint: str, identity_header: str) -> dict[str, str]:
    """`env` for processes whose Entra ID token comes from the emulator's managed identity
    endpoint and from nowhere else: no other Azure identity variable, and production
    credentials only (no developer tool such as az or azd is ever started)."""
    kept = {k: v for k, v in env.items() if not k.startswith(("AZURE_", "MSI_", "IDENTITY_", "IMDS_"))}
    return {
        **kept,
        "IDENTITY_ENDPOINT": identity_endpoint,
        "IDENTITY_HEADER": identity_header,
        "AZURE_TOKEN_CREDENTIALS": "prod",
    }


def use_managed_identity(monkeypatch: pytest.MonkeyPatch, identity_endpoint: str, identity_header: str) -> None:
    """This process's environment as `managed_identity_env` makes it, for the test's length."""
    wanted = managed_identity_env(dict(os.environ), identity_endpoint, identity_header)
    for name in set(os.environ) - set(wanted):
        monkeypatch.delenv(name)
    for name, value in wanted.items():
        monkeypatch.setenv(name, value)


def refuse_all_but_loopback(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address a socket connects to, from now on; any but loopback is refused."""
    connected: list[str] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        connected.append(address[0])
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise OSError(f"the test allows loopback only, not {address[0]}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return connected
