"""An LDAPS server presenting an expired certificate is refused with a reason that says so."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal.adsync import directory as ad

NAME = "dc-expired.corp.example.com"


def _expired_certificate(folder: Path) -> tuple[Path, Path, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=400)).not_valid_after(now - dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(pem)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem", pem.decode()


@pytest.fixture
def expired_server(tmp_path: Path) -> Iterator[tuple[int, str]]:
    cert, key, pem = _expired_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], pem
    stop.set()
    thread.join()
    listener.close()


def test_expired_certificate_is_refused_with_the_reason(expired_server: tuple[int, str]) -> None:
    port, pem = expired_server
    settings = ad.DirectorySettings(host="127.0.0.1", port=port, use_ldaps=True, use_starttls=False,
                                    bind_dn="CN=x,DC=corp,DC=example,DC=com", bind_password="secret",
                                    ca_certificate=pem, tls_server_name=NAME, timeout=3)
    with pytest.raises(ad.DirectoryError) as failure:
        ad.test_connection(settings)
    assert (failure.value.code, failure.value.stage) == ("AD_TLS_CERTIFICATE", "tls")
    assert "expired" in failure.value.message
    assert not failure.value.retryable
