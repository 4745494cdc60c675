# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSH public keys: parsing, identity, fingerprints, and where a key is already used.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_ssh_key, bitbucket_access_key and their _info modules (API-MAP 3.7, 3.8).

A key is identified by its type and its base64 blob: the comment and the label never identify it
(API-MAP 3.7 "Identity"). The identity used throughout is the SHA-256 fingerprint of the decoded
blob, as Bitbucket shows it: unpadded base64, without the ``SHA256:`` prefix that ``ssh-keygen -lf``
prints. A key Bitbucket lists is identified from its ``text`` when it parses, else from its
``fingerprint``, so that either form of the server's answer matches.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re
import struct

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

# Key type names are lower-case words joined by '-', with an optional '@domain' (RFC 4253 6.6, 4251 6).
_KEY_TYPE = re.compile(r"^[a-z0-9][a-z0-9.-]*(@[a-z0-9.-]+)?$")
SHA256_PREFIX = "SHA256:"

# The most requests spent looking for where a conflicting key is used, so that a failure on a
# large instance stays a failure and does not turn into a crawl.
LOCATE_BUDGET = 200


class PublicKey:
    """One parsed public key line: ``type``, ``blob`` (canonical base64), ``comment``, ``fingerprint``."""

    def __init__(self, key_type, blob, comment, fingerprint):
        self.type = key_type
        self.blob = blob
        self.comment = comment
        self.fingerprint = fingerprint

    @property
    def line(self):
        """The key as one normalised line: type, blob and comment separated by single spaces."""
        return " ".join(part for part in (self.type, self.blob, self.comment) if part)

    @property
    def ssh_keygen_fingerprint(self):
        return SHA256_PREFIX + self.fingerprint


def check_key_id(key_id, option="key_id"):
    """Key ids are positive numbers (RestSshKey.id, int32): any other cannot name a key."""
    if key_id is not None and not 0 < key_id < 2 ** 31:
        raise invalid_option(option, "%s is not a key id: key ids are positive numbers below 2^31" % key_id)


def fingerprint_of_blob(raw):
    """Bitbucket's fingerprint of a decoded key blob: base64 of its SHA-256, without padding."""
    return base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")


def normalise_fingerprint(value):
    """A fingerprint as Bitbucket shows it, whether given with ``SHA256:`` and padding or not."""
    value = str(value).strip()
    if value.upper().startswith(SHA256_PREFIX.upper()):
        value = value[len(SHA256_PREFIX):]
    return value.rstrip("=")


def parse_public_key(text):
    """Parse ``type base64-blob [comment]``; a ``ValueError`` says what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("is empty; give a public key line such as the content of id_ed25519.pub")
    parts = text.strip().split(None, 2)
    key_type = parts[0]
    if not _KEY_TYPE.match(key_type):
        if "=" in key_type or "," in key_type:
            raise ValueError("starts with %r, which looks like authorized_keys options; give the public key alone" % _short(key_type))
        raise ValueError("starts with %r, which is not an SSH key type such as ssh-ed25519 or ssh-rsa" % _short(key_type))
    if len(parts) < 2:
        raise ValueError("holds a key type (%s) but no key data" % key_type)
    try:
        raw = base64.b64decode(parts[1].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise ValueError("has key data after %s that is not valid base64" % key_type) from None
    embedded = _embedded_type(raw)
    if embedded is None:
        raise ValueError("has key data after %s that is not an SSH public key" % key_type)
    if embedded != key_type:
        raise ValueError("says %s, but its key data is a %s key" % (key_type, _short(embedded)))
    comment = parts[2].strip() if len(parts) > 2 else ""
    return PublicKey(key_type, base64.b64encode(raw).decode("ascii"), comment, fingerprint_of_blob(raw))


def _embedded_type(raw):
    """The key type string that opens a public key blob (RFC 4253 6.6), or None."""
    if len(raw) < 4:
        return None
    (length,) = struct.unpack(">I", raw[:4])
    if length == 0 or length > 64 or len(raw) < 4 + length:
        return None
    try:
        return raw[4:4 + length].decode("ascii")
    except UnicodeDecodeError:
        return None


def _short(text, limit=40):
    return text if len(text) <= limit else text[:limit] + "..."


def identity_of(server_key):
    """The fingerprint that identifies a key Bitbucket lists (``RestSshKey``), or None."""
    if not isinstance(server_key, dict):
        return None
    text = server_key.get("text")
    if text:
        try:
            return parse_public_key(text).fingerprint
        except ValueError:
            pass
    if server_key.get("fingerprint"):
        return normalise_fingerprint(server_key["fingerprint"])
    return None


def public_view(server_key):
    """A key as the collection returns it: Bitbucket's fields, ``id`` as a number, and both fingerprint forms.

    ``fingerprint`` is as Bitbucket shows it (computed from the key when the server leaves it out);
    ``fingerprint_sha256`` is as ``ssh-keygen -lf`` prints it.
    """
    view = dict(server_key)
    fingerprint = identity_of(server_key)
    if fingerprint is not None:
        view["fingerprint"] = fingerprint
        view["fingerprint_sha256"] = SHA256_PREFIX + fingerprint
    if isinstance(view.get("id"), str) and view["id"].isdigit():
        view["id"] = int(view["id"])
    return view


def parse_key_items(items, option="keys"):
    """The ``keys`` option parsed: ``[(item, PublicKey)]``; bad or repeated keys fail before any request."""
    parsed = []
    seen = {}
    for position, item in enumerate(items, start=1):
        try:
            key = parse_public_key(item["key"])
        except ValueError as exc:
            raise invalid_option(option, "item %d: the key %s" % (position, exc)) from None
        if key.fingerprint in seen:
            raise invalid_option(
                option, "items %d and %d are the same key (%s); a key is identified by its type and data, not its comment"
                % (seen[key.fingerprint], position, key.ssh_keygen_fingerprint)
            )
        seen[key.fingerprint] = position
        parsed.append((item, key))
    return parsed


def describe(key):
    """A key named for messages: its label (or comment) and its fingerprint. Takes a PublicKey, a
    ``RestSshKey`` or a ``RestSshAccessKey`` (whose ``key`` is the ``RestSshKey``)."""
    if isinstance(key, dict) and isinstance(key.get("key"), dict):
        key = key["key"]
    name = key.comment if isinstance(key, PublicKey) else (key.get("label") or "")
    fingerprint = key.ssh_keygen_fingerprint if isinstance(key, PublicKey) else SHA256_PREFIX + (identity_of(key) or "?")
    return "%s (%s)" % (name, fingerprint) if name else fingerprint


# -- where is a key already used ----------------------------------------------------------------


class _Budget:
    def __init__(self, requests):
        self.left = requests


DENIED = "denied"


def _readable(client, path, budget, params=None):
    """Every item of a listing; ``[]`` when it is gone, ``DENIED`` when it may not be read or the budget is spent."""
    if budget.left <= 0:
        return DENIED
    budget.left -= 1
    try:
        items = client.get_paged(path, params=params, missing_ok=True)
    except BitbucketError as exc:
        if exc.status in (400, 401, 403):
            return DENIED
        raise
    return items if items is not None else []


def locate_key(client, fingerprint, budget=LOCATE_BUDGET):
    """Where the key with ``fingerprint`` is registered, as far as the credentials can see, or None.

    API-MAP 3.7: Bitbucket's 409 says only that "the SSH key already exists on the system". There is
    no search by key, so this reads, within ``budget`` requests: the SSH keys of every user (needs
    ADMIN), and the access keys of every project and of its repositories (needs PROJECT_ADMIN or
    REPO_ADMIN there). What the credentials may not read is skipped.
    """
    budget = _Budget(budget)
    return _locate_as_user_key(client, fingerprint, budget) or _locate_as_access_key(client, fingerprint, budget)


def _names(items, field):
    if items == DENIED:
        return []
    return [item[field] for item in items if isinstance(item, dict) and item.get(field)]


def _locate_as_user_key(client, fingerprint, budget):
    for name in _names(_readable(client, rest_path("api", "users"), budget), "name"):
        keys = _readable(client, rest_path("ssh", "keys"), budget, params={"userName": name})
        if keys == DENIED:
            # Only administrators read other users' keys (or the budget is spent): asking for the next user is no use.
            return None
        for key in keys:
            if identity_of(key) == fingerprint:
                return "it is an SSH key of user %s (key id %s)" % (name, key.get("id"))
    return None


def _access_key_in(entries, fingerprint):
    if entries == DENIED:
        return None
    for entry in entries:
        if isinstance(entry, dict) and identity_of(entry.get("key")) == fingerprint:
            return entry
    return None


def _locate_as_access_key(client, fingerprint, budget):
    for project_key in _names(_readable(client, rest_path("api", "projects"), budget), "key"):
        entry = _access_key_in(_readable(client, rest_path("keys", "projects", project_key, "ssh"), budget), fingerprint)
        if entry is not None:
            return "it is an access key of project %s (key id %s, %s)" % (project_key, entry["key"].get("id"), entry.get("permission"))
        for slug in _names(_readable(client, rest_path("api", "projects", project_key, "repos"), budget), "slug"):
            listed = _readable(client, rest_path("keys", "projects", project_key, "repos", slug, "ssh"), budget, params={"effective": "false"})
            entry = _access_key_in(listed, fingerprint)
            if entry is not None:
                return "it is an access key of repository %s/%s (key id %s, %s)" % (project_key, slug, entry["key"].get("id"), entry.get("permission"))
    return None


def explain_conflict(exc, client, key, only_if_found=False):
    """Bitbucket's "already exists" answer with where the key is used, when that can be found.

    Returns ``exc`` with the explanation appended, so a caller writes ``raise explain_conflict(...)``.
    ``only_if_found``: add nothing unless the key is found (for a 400, which may have other causes).
    """
    where = locate_key(client, key.fingerprint)
    if where:
        exc.message += " - the key %s is already registered: %s. A key can be registered once, as a user key or as an access key." % (
            key.ssh_keygen_fingerprint, where)
    elif not only_if_found:
        exc.message += (
            " - the key %s is already registered, but not as a key these credentials can read (user keys need ADMIN, access keys "
            "PROJECT_ADMIN or REPO_ADMIN). A key can be registered once, as a user key or as an access key." % key.ssh_keygen_fingerprint
        )
    return exc


# -- a list of keys per task ----------------------------------------------------------------------

KEY_ITEM_OPTIONS = dict(
    key=dict(type="str", required=True, no_log=False),
    label=dict(type="str"),
)


def plan_keys(parsed, current, identity, differs, purge=False, absent=False):
    """Desired ``[(item, PublicKey)]`` against the ``current`` entries, matched by fingerprint.

    ``identity(entry)`` gives the fingerprint of a current entry; ``differs(entry, item)`` whether a listed
    key that exists needs a change. With ``absent``, the listed keys that exist are the ones to delete.
    """
    def key(thing):
        return thing[1].fingerprint if isinstance(thing, tuple) else identity(thing)

    if absent:
        listed = {pk.fingerprint for _item, pk in parsed}
        return reconcile([], current, key=key, purge=True, keep=lambda entry: identity(entry) not in listed)
    return reconcile(parsed, current, key=key, equal=lambda entry, wanted: not differs(entry, wanted[0]), purge=purge)


def refuse_removing_every_key(plan, parsed, current, force, owner):
    """The guard against a purge with an empty list: it would take away every key of ``owner``."""
    if parsed or not plan.delete or force or len(plan.delete) < len(current):
        return
    raise ModuleFailure(
        "purge with an empty keys list would remove all %d SSH keys of %s (%s); nothing was changed. Set force: true to remove them all."
        % (len(plan.delete), owner, ", ".join(describe(entry) for entry in plan.delete)),
        invalid_option="keys",
    )


class _Gone:
    """What a re-read returns when a deleted key is no longer there: the delete landed."""


GONE = _Gone()


def create_once(create, relist, identity, fingerprint):
    """Create a key; after an answer that may have been lost, find it in a fresh listing before trying again."""
    def read():
        return next((entry for entry in relist() if identity(entry) == fingerprint), None)

    return guarded_write(create, read, landed=lambda _entry: True)


def delete_once(delete, relist, identity, fingerprint):
    """Delete a key; after an answer that may have been lost, a fresh listing tells whether it is gone."""
    def read():
        return GONE if all(identity(entry) != fingerprint for entry in relist()) else None

    guarded_write(delete, read, landed=lambda _marker: True)
