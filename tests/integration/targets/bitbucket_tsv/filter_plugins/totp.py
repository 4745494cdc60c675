# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test support: the RFC 6238 one-time code of a base32 secret at an instant, as an authenticator app shows it.

The emulator gives the TOTP secrets of the accounts the test enrolls (``/_emulator/tsv``); the test
computes the codes itself, with the standard library only, so it shares no code with the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import struct


def totp_code(secret, at_ms, digits=6, step=30):
    """``secret`` (base32) -> the code of the 30-second step that holds ``at_ms`` (epoch milliseconds)."""
    text = str(secret).strip().upper()
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    counter = (int(at_ms) // 1000) // step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = bytearray(digest)[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % (10 ** digits)).zfill(digits)


class FilterModule(object):
    def filters(self):
        return {"totp_code": totp_code}
