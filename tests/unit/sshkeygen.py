"""SSH public keys for the tests, generated when the tests run: no key is committed.

``public_key("ed25519", "alice@laptop")`` returns a fresh key line (``type base64 comment``);
``rsa`` (``bits`` 2048 by default, or a too-short 1024) and ``ecdsa`` (``bits`` 256, 384 or 521) too.
``ssh_keygen_fingerprint(line)`` asks OpenSSH's own ``ssh-keygen -lf`` for the SHA-256 fingerprint,
so the tests compare the collection's and the emulator's fingerprints with an independent tool.

Stand-alone on purpose (only ``cryptography``): the unit tests, the emulator tests and the contract
tests import it.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

_CURVES = {256: ec.SECP256R1, 384: ec.SECP384R1, 521: ec.SECP521R1}


def _private_key(kind, bits):
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=bits or 2048)
    if kind == "ecdsa":
        return ec.generate_private_key(_CURVES[bits or 256]())
    raise ValueError("unknown key kind %r" % kind)


def public_key(kind="ed25519", comment="", bits=None):
    """A newly generated public key line."""
    line = _private_key(kind, bits).public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode("ascii")
    return "%s %s" % (line, comment) if comment else line


@functools.lru_cache(maxsize=None)
def cached_key(name, kind="ed25519", bits=None):
    """The same generated key line for the same ``name`` within one test run (RSA keys are slow to make)."""
    return public_key(kind, "", bits)


def ssh_keygen_fingerprint(line):
    """``SHA256:...`` as ``ssh-keygen -lf`` prints it for ``line``."""
    handle, path = tempfile.mkstemp(suffix=".pub")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(line + "\n")
        output = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    return output.split()[1]
