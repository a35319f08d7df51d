"""The real HTTP front: a threaded loopback server in front of a `CustomVoiceBackend` (and, given
an `AccountsService`, of the ARM front too), over HTTPS when given a TLS context."""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from emulator.arm.routes import dispatch_arm, is_arm_path
from emulator.arm.service import AccountsService
from emulator.backend import CustomVoiceBackend
from emulator.errors import ErrorResponse
from emulator.routes import dispatch, render_error

logger = logging.getLogger(__name__)
_STOP_TIMEOUT_SECONDS = 5.0
_SHUTDOWN_POLL_SECONDS = 0.05  # how soon serve_forever notices stop(); http.server's default is 0.5


class EmulatorServer:
    """Serves `backend` on http://host:port (port 0 picks a free one) from a background thread;
    with `accounts`, ARM's `/subscriptions/...` paths are that service's, and `stop` closes its
    accounts' endpoints too; with `tls`, it serves https://host:port instead."""

    def __init__(
        self,
        backend: CustomVoiceBackend,
        host: str = "127.0.0.1",
        port: int = 0,
        accounts: AccountsService | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.backend = backend
        self.accounts = accounts
        self._tls = tls
        self.host = host
        self._family = _loopback_family(host)
        self._requested_port = port
        self._httpd: _BackendHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if self._family == socket.AF_INET6 else self.host
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("the emulator server is already started")
        self._httpd = _BackendHTTPServer((self.host, self._requested_port), self.backend, self._family, self.accounts)
        if self._tls is not None:
            # The handshake happens in the request's thread, on first read, not in the accepting one.
            self._httpd.socket = self._tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            self._httpd.scheme = "https"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(_SHUTDOWN_POLL_SECONDS,), name="custom-voice-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT_SECONDS)
        self._httpd = None
        self._thread = None
        if self.accounts is not None:
            self.accounts.close_endpoints()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _loopback_family(host: str) -> socket.AddressFamily:
    if host == "localhost":
        return socket.AF_INET
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"the emulator only listens on loopback; {host!r} is not a loopback address") from None
    if not address.is_loopback:
        raise ValueError(f"the emulator only listens on loopback; {host!r} is not a loopback address")
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


class _BackendHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        backend: CustomVoiceBackend,
        family: socket.AddressFamily,
        accounts: AccountsService | None,
    ) -> None:
        self.address_family = family
        self.backend = backend
        self.accounts = accounts
        self.scheme = "http"
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        """A client that refuses the TLS handshake (it does not trust the certificate) is its own
        business: logged, not printed to stderr as a failure of the emulator."""
        if isinstance(sys.exc_info()[1], ssl.SSLError | ConnectionError):
            logger.debug("a TLS client from %s went away: %s", client_address, sys.exc_info()[1])
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _BackendHTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or f"{self.server.server_name}:{self.server.server_port}"
        url = f"{self.server.scheme}://{host}{self.path}"
        try:
            if self.server.accounts is not None and is_arm_path(self.path):
                status, headers, payload = dispatch_arm(
                    self.server.accounts, self.server.backend, self.command, url, dict(self.headers.items()), body
                )
            else:
                status, headers, payload = dispatch(
                    self.server.backend, self.command, url, dict(self.headers.items()), body
                )
        except Exception:
            logger.exception("emulator failed on %s %s", self.command, urlsplit(self.path).path)
            status, headers, payload = render_error(
                ErrorResponse(500, "InternalServerError", "The emulator failed; see its log.")
            )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only: the query may carry a credential, and headers are never logged.
        logger.debug("%s %s -> %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: object) -> None:
        """Silence http.server's stderr access log."""
