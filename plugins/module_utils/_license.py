# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The instance licence: reading it without its text, comparing texts, and what a licence declares.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_license and bitbucket_license_info (API-MAP 3.14).

A licence text is secret: :func:`public_view` is the only form in which a licence leaves a module.
:func:`declared` reads what a licence text says about itself (its user limit, expiry, support
entitlement number) from the framing of Atlassian's version-2 licences: base64 of a length-prefixed,
zlib-compressed properties text, followed by ``X02`` and the length of the base64 part in base 31.
The signature is not checked (only Bitbucket can); a text that does not decode gives ``None``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import calendar
import re
import struct
import time
import zlib

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path

LICENSE_PATH = rest_path("api", "admin", "license")

# Fields of the licence answer that are never returned or diffed: the encoded licence itself.
SECRET_FIELDS = ("license",)

_LICENSE_PREFIX = b"\x0d\x0e\x0c\x0a\x0f"
_SEPARATOR = "X"
_LENGTH_BASE = 31
# Bitbucket licences keep the product key of Stash, Bitbucket Server's former name.
_PRODUCT = "stash"


def normalise(text):
    """A licence text without whitespace: a pasted licence's line breaks are not part of it (API-MAP 3.14)."""
    return re.sub(r"\s+", "", text or "")


def public_view(licence):
    """The licence answer without the licence text: dates, users, status."""
    if licence is None:
        return None
    return {key: value for key, value in licence.items() if key not in SECRET_FIELDS}


def read(client):
    """``GET /admin/license``; ``None`` when no licence is installed (404, API-MAP 1.6)."""
    return client.get(LICENSE_PATH, missing_ok=True)


def _properties(text):
    properties = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        match = re.match(r"((?:\\.|[^=:\\])*)\s*[=:]\s*(.*)$", line)
        key, value = (match.group(1).strip(), match.group(2)) if match else (line, "")
        properties[re.sub(r"\\(.)", r"\1", key)] = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)
    return properties


def decode(text):
    """The properties a licence text carries, or ``None`` when it is not in the version-2 framing."""
    compact = normalise(text)
    position = compact.rfind(_SEPARATOR)
    if position < 0 or position + 3 >= len(compact) or compact[position + 1:position + 3] not in ("01", "02"):
        return None
    try:
        if int(compact[position + 3:], _LENGTH_BASE) != position:
            return None
        payload = base64.b64decode(compact[:position].encode("ascii"))
        (size,) = struct.unpack(">I", payload[:4])
        data = payload[4:4 + size]
        if len(data) != size or not data.startswith(_LICENSE_PREFIX):
            return None
        return _properties(zlib.decompress(data[len(_LICENSE_PREFIX):]).decode("utf-8"))
    except (ValueError, TypeError, binascii.Error, struct.error, zlib.error, UnicodeError):
        return None


def _date_ms(value):
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    try:
        return calendar.timegm(time.strptime(value[:10], "%Y-%m-%d")) * 1000
    except ValueError:
        return None


def declared(text):
    """What a licence text declares, in the names of Bitbucket's licence answer; ``None`` when it does not decode.

    ``maximumNumberOfUsers`` is ``None`` when the licence names no user count, and -1 with
    ``unlimitedNumberOfUsers`` for an unlimited licence.
    """
    properties = decode(text)
    if properties is None:
        return None
    users = properties.get("%s.NumberOfUsers" % _PRODUCT, properties.get("NumberOfUsers"))
    try:
        users = int(users) if users is not None else None
    except ValueError:
        users = None
    view = {
        "maximumNumberOfUsers": -1 if users is not None and users < 0 else users,
        "unlimitedNumberOfUsers": users is not None and users < 0,
    }
    for name, key in (("creationDate", "CreationDate"), ("purchaseDate", "PurchaseDate"), ("expiryDate", "LicenseExpiryDate"),
                      ("maintenanceExpiryDate", "MaintenanceExpiryDate")):
        if _date_ms(properties.get(key)) is not None:
            view[name] = _date_ms(properties.get(key))
    for name, key in (("serverId", "ServerID"), ("supportEntitlementNumber", "SEN")):
        if properties.get(key):
            view[name] = properties[key]
    return view


def licensed_users(client, current):
    """How many users the instance licenses now (API-MAP 3.14 guard).

    The licence answer's ``status.currentNumberOfUsers`` ("the current number of users applied toward the
    license limit", seed 003) when a licence is installed; without one, the user directory filtered on the
    LICENSED_USER global permission (seed 003 ``GET /users?permission=LICENSED_USER``), counted exactly.
    """
    status = (current or {}).get("status") or {}
    if isinstance(status.get("currentNumberOfUsers"), int):
        return status["currentNumberOfUsers"]
    return len(client.get_paged(rest_path("api", "users"), params=[("permission", "LICENSED_USER")]))
