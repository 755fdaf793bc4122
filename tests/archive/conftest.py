"""Fixtures for the archive toolkit tests: an HTTPS hostile server with a throwaway CA for the
TLS tests (the plain one is ``hostile_server``/``web`` in tests/conftest.py)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.hostile_server import HOSTS, HostileServer


@dataclass(frozen=True)
class TLSContexts:
    """A throwaway CA, and a server certificate it signed for ``TLS_NAME`` only."""

    client: ssl.SSLContext  # trusts the CA and nothing else
    server: ssl.SSLContext


TLS_NAME = "secure.test"


@pytest.fixture(scope="session")
def tls_contexts(tmp_path_factory: pytest.TempPathFactory) -> TLSContexts:
    now = datetime.now(UTC)

    def certificate(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: Any, ca: bool
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "claimdesk test CA")])
    ca_cert = certificate("claimdesk test CA", ca_key, ca_name, ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = certificate(TLS_NAME, leaf_key, ca_name, ca_key, ca=False)

    folder = tmp_path_factory.mktemp("tls")
    (folder / "leaf.pem").write_bytes(
        leaf_cert.public_bytes(serialization.Encoding.PEM)
        + leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "leaf.pem")
    client = ssl.create_default_context(
        cadata=ca_cert.public_bytes(serialization.Encoding.PEM).decode()
    )
    return TLSContexts(client=client, server=server)


@pytest.fixture(scope="session")
def tls_server(tls_contexts: TLSContexts) -> Iterator[HostileServer]:
    with HostileServer(hosts=HOSTS[:1], tls=tls_contexts.server) as server:
        yield server
