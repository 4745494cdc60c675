"""Time-based one-time passwords (RFC 6238) for the two-step verification the emulator models.

Bitbucket's 2SV uses TOTP authenticator apps (seed 000, ``/tsv/latest/totp/...``): HMAC-SHA1 over the
number of 30-second steps since the epoch, truncated to 6 digits (RFC 4226 section 5.3). Secrets are
base32 without padding, as authenticator apps take them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

STEP_SECONDS = 30
DIGITS = 6
# RFC 6238 section 5.2: accept a code from one step before or after, for clock drift and network delay.
WINDOW_STEPS = 1


def new_secret(rng):
    """A random 160-bit secret (RFC 4226 section 4 recommends 160 bits), base32 without padding."""
    return base64.b32encode(bytes(rng.getrandbits(8) for _byte in range(20))).decode("ascii").rstrip("=")


def _key(secret):
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def valid_secret(secret):
    try:
        return bool(_key(secret))
    except (ValueError, TypeError):
        return False


def code_at(secret, at_ms, step=STEP_SECONDS, digits=DIGITS):
    """The code for the step that holds ``at_ms`` (epoch milliseconds)."""
    counter = int(at_ms // 1000) // step
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % (10 ** digits)).zfill(digits)


def verify(secret, candidate, at_ms):
    """Whether ``candidate`` is the code of the current step or of one step either side."""
    if not isinstance(candidate, str) or not candidate.isdigit() or len(candidate) != DIGITS:
        return False
    step_ms = STEP_SECONDS * 1000
    return any(hmac.compare_digest(code_at(secret, at_ms + delta * step_ms), candidate) for delta in range(-WINDOW_STEPS, WINDOW_STEPS + 1))
