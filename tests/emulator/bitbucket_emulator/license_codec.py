"""Test licences: encode and decode the licence text the emulator accepts (docs/emulator.md "Licences").

No licence text is committed anywhere: the tests, the integration targets (through
``POST /_emulator/licenses``) and the demo generate theirs. The framing is the one Atlassian's
version-2 licences use, so that the collection reads a test licence and a real one the same way:

    licence text = base64(payload) + "X02" + len(base64(payload)) written in base 31
    payload      = 4-byte big-endian length N, N bytes of licence data, then the signature
    licence data = the bytes 0D 0E 0C 0A 0F, then the zlib-compressed Java properties text

The emulator never checks the signature (it cannot: real ones are Atlassian's); the test licences
carry a SHA-1 of the licence data in its place. Whitespace anywhere in the text is ignored, as
Bitbucket ignores the line breaks of a pasted licence.

Properties read (any other is kept and ignored):

    stash.active=true            the licence is for Bitbucket (Bitbucket licences keep Stash's product key)
    stash.NumberOfUsers=<n>      licensed users, -1 for unlimited
    CreationDate, PurchaseDate, LicenseExpiryDate, MaintenanceExpiryDate
                                 yyyy-mm-dd (midnight UTC) or epoch milliseconds
    ServerID, SEN                the server id the licence was issued for, its support entitlement number
"""

from __future__ import annotations

import base64
import binascii
import calendar
import datetime
import hashlib
import re
import struct
import zlib

LICENSE_PREFIX = bytes((13, 14, 12, 10, 15))
SEPARATOR = "X"
VERSION = "02"
LENGTH_BASE = 31
LINE_LENGTH = 76
PRODUCT = "stash"
DAY_MS = 24 * 60 * 60 * 1000
DATE_KEYS = ("CreationDate", "PurchaseDate", "LicenseExpiryDate", "MaintenanceExpiryDate")
_DIGITS = "0123456789abcdefghijklmnopqrstu"


class LicenseDecodeError(ValueError):
    """The text is not a licence this emulator can read."""


def _base31(number):
    text = ""
    while True:
        number, digit = divmod(number, LENGTH_BASE)
        text = _DIGITS[digit] + text
        if number == 0:
            return text


def _escape(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:")


def encode(properties):
    """The licence text for ``properties`` (a dict, written in order), wrapped at 76 columns."""
    text = "\n".join("%s=%s" % (key, _escape(value)) for key, value in properties.items()) + "\n"
    data = LICENSE_PREFIX + zlib.compress(text.encode("utf-8"), 9)
    signature = hashlib.sha1(data).digest()  # stands in for Atlassian's signature, never checked
    encoded = base64.b64encode(struct.pack(">I", len(data)) + data + signature).decode("ascii")
    whole = encoded + SEPARATOR + VERSION + _base31(len(encoded))
    return "\n".join(whole[start:start + LINE_LENGTH] for start in range(0, len(whole), LINE_LENGTH))


def make_license(users=10, expiry="2099-12-31", maintenance_expiry=None, created="2026-01-01", purchased=None,
                 server_id=None, sen="SEN-L0000001", product=PRODUCT, **extra):
    """A Bitbucket Data Center test licence; ``users=-1`` is unlimited, ``expiry=None`` never expires."""
    properties = {"Description": "Bitbucket Data Center test licence (emulator)", "licenseVersion": "2"}
    properties["CreationDate"] = created
    properties["PurchaseDate"] = purchased or created
    if expiry is not None:
        properties["LicenseExpiryDate"] = expiry
    properties["MaintenanceExpiryDate"] = maintenance_expiry or expiry or "2099-12-31"
    if server_id is not None:
        properties["ServerID"] = server_id
    if sen is not None:
        properties["SEN"] = sen
    properties["%s.active" % product] = "true"
    properties["%s.DataCenter" % product] = "true"
    properties["%s.NumberOfUsers" % product] = str(users)
    properties.update({key: str(value) for key, value in extra.items()})
    return encode(properties)


def normalise(text):
    """The licence text without any whitespace: how Bitbucket and the collection compare it."""
    return re.sub(r"\s+", "", text or "")


def decode(text):
    """The properties of a licence as a dict of strings; :class:`LicenseDecodeError` when it is not one."""
    compact = normalise(text)
    position = compact.rfind(SEPARATOR)
    if position < 0 or position + 3 >= len(compact):
        raise LicenseDecodeError("the text does not end in a licence version and length")
    if compact[position + 1:position + 3] not in ("01", "02"):
        raise LicenseDecodeError("unknown licence version %r" % compact[position + 1:position + 3])
    try:
        length = int(compact[position + 3:], LENGTH_BASE)
    except ValueError:
        raise LicenseDecodeError("the licence length is not a base-31 number") from None
    if length != position:
        raise LicenseDecodeError("the licence length does not match its text")
    try:
        payload = base64.b64decode(compact[:position], validate=True)
    except (binascii.Error, ValueError):
        raise LicenseDecodeError("the licence is not base64") from None
    if len(payload) < 4:
        raise LicenseDecodeError("the licence is truncated")
    (size,) = struct.unpack(">I", payload[:4])
    data = payload[4:4 + size]
    if len(data) != size or not data.startswith(LICENSE_PREFIX):
        raise LicenseDecodeError("the licence data is truncated or has no licence header")
    try:
        text = zlib.decompress(data[len(LICENSE_PREFIX):]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        raise LicenseDecodeError("the licence data does not decompress") from None
    return parse_properties(text)


def parse_properties(text):
    """Java properties (``key=value`` or ``key: value`` lines, ``#``/``!`` comments, backslash escapes)."""
    properties = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        match = re.match(r"((?:\\.|[^=:\\])*)\s*[=:]\s*(.*)$", line)
        if not match:
            properties[_unescape(line)] = ""
            continue
        properties[_unescape(match.group(1).strip())] = _unescape(match.group(2))
    return properties


def _unescape(value):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def parse_date(value):
    """A licence date as epoch milliseconds (yyyy-mm-dd is midnight UTC); None when absent or unreadable."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if value.isdigit():
        return int(value)
    try:
        day = datetime.datetime.strptime(value[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return calendar.timegm(day.timetuple()) * 1000
