"""Fixture generators for the secret-file controls: binary key stores.

A PKCS#12 bundle or a Java keystore is binary, so its fixtures are written here rather than
committed. The bytes only have to look like what the check judges (the file name and a size a
real store has); they hold no key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path


def _filler(label: bytes, size: int) -> bytes:
    """Return ``size`` deterministic bytes derived from ``label`` (stands in for key material)."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(label + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:size]


def pkcs12_and_jks(target: Path) -> None:
    """Write DER-framed PKCS#12 bundles and Java keystores (magic 0xFEEDFEED) of real sizes.

    Each store name a project uses gets one file: ``.p12`` and Windows' ``.pfx`` for PKCS#12,
    ``.keystore`` (the Android default) and ``.jks`` (Flutter's upload key) for Java stores.
    """
    body = _filler(b"pkcs12", 1400)
    der = b"\x30\x82" + len(body).to_bytes(2, "big") + body
    jks = b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + _filler(b"jks", 900)
    stores = {
        "deploy/signing.p12": der,
        "deploy/client-auth.pfx": der,
        "android/release.keystore": jks,
        "android/app/upload-keystore.jks": jks,
    }
    for name, data in stores.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


GENERATORS: dict[str, Callable[[Path], None]] = {
    "keystores-pkcs12-jks": pkcs12_and_jks,
}
"""The generators of this module, by the name ``expected.yaml`` uses."""
