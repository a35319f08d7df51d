"""A self-signed certificate for a loopback address, so the emulator can serve HTTPS: the Azure
SDKs send a bearer token over https only (azure-core's BearerTokenCredentialPolicy refuses a
plain http URL), and a client trusts the emulator by trusting this certificate's PEM."""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_VALID_FOR = timedelta(days=7)


class LoopbackCertificate:
    """A new key and certificate for `host` (an IP address or localhost), made in memory."""

    def __init__(self, host: str) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + _VALID_FOR)
            .add_extension(x509.SubjectAlternativeName([_subject_name(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        self.pem = certificate.public_bytes(serialization.Encoding.PEM)
        self._key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def write(self, directory: Path) -> tuple[Path, Path]:
        """The certificate and its key as PEM files in `directory`, the key readable by its owner only."""
        cert_path, key_path = directory / "cert.pem", directory / "key.pem"
        cert_path.write_bytes(self.pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(self._key_pem)
        return cert_path, key_path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        # ssl loads a chain from files only; they live just long enough to be read.
        with tempfile.TemporaryDirectory() as directory:
            context.load_cert_chain(*self.write(Path(directory)))
        return context


def _subject_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
