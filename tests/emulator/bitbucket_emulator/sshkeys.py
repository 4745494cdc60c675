"""SSH public keys as Bitbucket checks them, and the emulator's store of user keys and access keys.

Parsing follows the SSH wire format (RFC 4253 6.6, RFC 5656 3.1, RFC 8709 4): a key line is
``type base64-blob [comment]``, the blob opens with the type again and then holds the key's numbers.
The fingerprint is computed here from the blob, independently of the collection: SHA-256 of the
decoded blob, base64 without padding and without the ``SHA256:`` prefix (spec RestSshKey.fingerprint
example ``Cbg38r+gDCiNHqBk6Y1BKO+EvufFBqhFWIEXh8oq9MI``; API-MAP 3.7).

One key per system (brief; API-MAP 3.7 "409 is global"): a key is registered once, either as a user
key or as an access key. An access key may be granted to several projects and repositories and keeps
one id (seed 001 revokeForProject: "If the same SSH key is used as an access key for multiple projects
or repositories, only the access to the project identified in the URL will be revoked"); it goes when
its last grant goes. Grants are keyed by project id or repository id, never by key or slug, so they
follow renames and survive the repository records being rebuilt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
import struct
from dataclasses import dataclass, field

# spec addSshKey 400: "not a valid RSA/DSA/ECDSA/Ed25519 key of a supported length".
ALGORITHMS = {
    "ssh-rsa": "RSA",
    "ssh-dss": "DSA",
    "ecdsa-sha2-nistp256": "ECDSA",
    "ecdsa-sha2-nistp384": "ECDSA",
    "ecdsa-sha2-nistp521": "ECDSA",
    "ssh-ed25519": "ED25519",
}
MIN_RSA_BITS = 2048
DSA_BITS = 1024
_EC_POINT_BYTES = {"nistp256": (65, 256), "nistp384": (97, 384), "nistp521": (133, 521)}
ED25519_KEY_BYTES = 32

# Access-key permissions per scope (API-MAP 3.8): the spec's enum lists every permission name, but a
# project key takes PROJECT_READ or PROJECT_WRITE, a repository key REPO_READ or REPO_WRITE.
PROJECT_KEY_PERMISSIONS = ("PROJECT_READ", "PROJECT_WRITE")
REPO_KEY_PERMISSIONS = ("REPO_READ", "REPO_WRITE")


class KeyRejected(ValueError):
    """A key Bitbucket refuses with 400: malformed, of an unsupported type or of an unsupported length."""


@dataclass
class ParsedKey:
    key_type: str
    blob: bytes
    comment: str
    algorithm: str
    bit_length: int

    @property
    def fingerprint(self):
        return fingerprint(self.blob)

    @property
    def text(self):
        """The key line as stored: type, canonical base64 and comment."""
        parts = [self.key_type, base64.b64encode(self.blob).decode("ascii")]
        if self.comment:
            parts.append(self.comment)
        return " ".join(parts)


def fingerprint(blob):
    return base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


class _Reader:
    """Reads the length-prefixed strings and mpints of an SSH key blob."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def string(self):
        if self.offset + 4 > len(self.data):
            raise KeyRejected("The SSH key data is truncated.")
        (length,) = struct.unpack(">I", self.data[self.offset:self.offset + 4])
        start = self.offset + 4
        if start + length > len(self.data):
            raise KeyRejected("The SSH key data is truncated.")
        self.offset = start + length
        return self.data[start:self.offset]

    def mpint(self):
        raw = self.string()
        if raw and raw[0] & 0x80:
            raise KeyRejected("The SSH key holds a negative number.")
        return int.from_bytes(raw, "big")

    def finish(self):
        if self.offset != len(self.data):
            raise KeyRejected("The SSH key data has trailing bytes.")


def parse_key(text):
    """Parse and check a public key line the way Bitbucket does before storing it."""
    if not isinstance(text, str) or not text.strip():
        raise KeyRejected("The SSH key text must be provided.")
    parts = text.strip().split(None, 2)
    if len(parts) < 2:
        raise KeyRejected("The SSH key is not valid: expected '<type> <base64 key data> [comment]'.")
    key_type, data = parts[0], parts[1]
    if key_type not in ALGORITHMS:
        raise KeyRejected(f"Keys of type '{key_type[:40]}' are not supported. Supported: RSA, DSA, ECDSA and Ed25519 keys.")
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise KeyRejected("The SSH key data is not valid base64.") from None
    reader = _Reader(blob)
    if reader.string() != key_type.encode("ascii"):
        raise KeyRejected(f"The SSH key data does not hold a {key_type} key.")
    bits = _check_numbers(key_type, reader)
    reader.finish()
    comment = parts[2].strip() if len(parts) > 2 else ""
    return ParsedKey(key_type, blob, comment, ALGORITHMS[key_type], bits)


def _check_numbers(key_type, reader):
    """The key's length in bits; 400 for a length Bitbucket does not support."""
    if key_type == "ssh-rsa":
        exponent, modulus = reader.mpint(), reader.mpint()
        bits = modulus.bit_length()
        if exponent < 3 or exponent % 2 == 0:
            raise KeyRejected("The RSA key has an invalid public exponent.")
        if bits < MIN_RSA_BITS:
            raise KeyRejected(f"RSA keys must be at least {MIN_RSA_BITS} bits long; this one has {bits}.")
        return bits
    if key_type == "ssh-dss":
        p = reader.mpint()
        for _q_g_y in range(3):
            reader.mpint()
        if p.bit_length() != DSA_BITS:
            raise KeyRejected(f"DSA keys must be {DSA_BITS} bits long.")
        return DSA_BITS
    if key_type.startswith("ecdsa-sha2-"):
        curve = key_type[len("ecdsa-sha2-"):]
        if reader.string().decode("ascii", "replace") != curve:
            raise KeyRejected("The ECDSA key names another curve than its type.")
        point = reader.string()
        size, bits = _EC_POINT_BYTES[curve]
        if len(point) != size or point[0] != 0x04:
            raise KeyRejected("The ECDSA key holds an invalid point.")
        return bits
    public = reader.string()
    if len(public) != ED25519_KEY_BYTES:
        raise KeyRejected("The Ed25519 key must hold 32 bytes.")
    return 256


# -- the store -------------------------------------------------------------------------------------


@dataclass
class SshKey:
    id: int
    text: str
    label: str | None
    algorithm: str
    bit_length: int
    fingerprint: str
    created: int
    expiry_days: int | None = None
    user_id: int | None = None  # the owner of a user key; None for an access key

    def to_rest(self):
        """RestSshKey (spec schema, seed 001 example); dates are epoch ms (API-MAP 1.8)."""
        body = {"id": self.id, "text": self.text}
        if self.label:
            body["label"] = self.label
        body.update({"algorithmType": self.algorithm, "bitLength": self.bit_length, "fingerprint": self.fingerprint, "createdDate": self.created})
        if self.expiry_days is not None:
            body["expiryDays"] = self.expiry_days
        return body


@dataclass
class SshSettings:
    """GET /ssh/latest/settings (spec RestSshSettings; seed 001 example), changed through /_emulator/ssh."""

    host_key_blob: bytes
    enabled: bool = True
    access_keys_enabled: bool = True
    port: int = 7999
    base_url: str | None = None  # None: ssh://git@<request host>:<port>

    def to_rest(self, request_host):
        body = {"enabled": self.enabled, "accessKeysEnabled": self.access_keys_enabled}
        if self.enabled:
            host = request_host.rsplit(":", 1)[0] if request_host.count(":") == 1 else request_host
            body["baseUrl"] = self.base_url or f"ssh://git@{host}:{self.port}"
            body["port"] = self.port
            body["fingerprint"] = {"algorithm": "SHA256", "value": fingerprint(self.host_key_blob)}
        return body


def host_key_blob(seed):
    """The emulator serves no SSH, so its host key is only a public key: random Ed25519 bytes, never a committed key."""
    raw = random.Random(f"ssh-host-key-{seed}").randbytes(ED25519_KEY_BYTES)
    name = b"ssh-ed25519"
    return struct.pack(">I", len(name)) + name + struct.pack(">I", len(raw)) + raw


@dataclass
class KeyStore:
    """Every SSH key of the instance, and the access grants of the access keys."""

    settings: SshSettings
    keys: dict = field(default_factory=dict)    # id -> SshKey
    grants: dict = field(default_factory=dict)  # (key id, "project" | "repository", project or repository id) -> permission
    next_id: int = 1

    def add(self, parsed, label, expiry_days, created, user_id=None):
        key = SshKey(
            id=self.next_id,
            text=parsed.text,
            label=label if label else (parsed.comment or None),  # API-MAP 3.7: the label defaults to the comment
            algorithm=parsed.algorithm,
            bit_length=parsed.bit_length,
            fingerprint=parsed.fingerprint,
            created=created,
            expiry_days=expiry_days,
            user_id=user_id,
        )
        self.next_id += 1
        self.keys[key.id] = key
        return key

    def find(self, fingerprint_value):
        for key in self.keys.values():
            if key.fingerprint == fingerprint_value:
                return key
        return None

    def get(self, key_id):
        try:
            return self.keys.get(int(key_id))
        except (TypeError, ValueError):
            return None

    def user_keys(self, user):
        return sorted((key for key in self.keys.values() if key.user_id == user.id), key=lambda key: key.id)

    def is_access_key(self, key):
        return key.user_id is None

    def grants_of(self, key):
        return {(kind, scope_id): permission for (key_id, kind, scope_id), permission in self.grants.items() if key_id == key.id}

    def grant(self, key, kind, scope_id, permission):
        self.grants[(key.id, kind, scope_id)] = permission

    def revoke(self, key, kind, scope_id):
        """Revoke one grant; an access key without grants left is removed from the system."""
        self.grants.pop((key.id, kind, scope_id), None)
        if not self.grants_of(key):
            self.keys.pop(key.id, None)

    def remove(self, key):
        self.keys.pop(key.id, None)
        for grant in [grant for grant in self.grants if grant[0] == key.id]:
            del self.grants[grant]

    def prune(self, state):
        """Forget what hangs off deleted users, projects and repositories (the state's own removals do not know about keys)."""
        for grant in list(self.grants):
            _key_id, kind, scope_id = grant
            gone = state.projects.get(scope_id) is None if kind == "project" else state.find_repository_by_id(scope_id)[1] is None
            if gone:
                del self.grants[grant]
        for key in list(self.keys.values()):
            orphan = key.user_id not in state.users if key.user_id is not None else not self.grants_of(key)
            if orphan:
                del self.keys[key.id]

    def dump(self, state):
        self.prune(state)
        users = {user.id: user.name for user in state.users.values()}
        projects = {project.id: project.key for project in state.projects.values()}
        keys = []
        for key in sorted(self.keys.values(), key=lambda k: k.id):
            entry = {"id": key.id, "label": key.label, "algorithm": key.algorithm, "bit_length": key.bit_length, "fingerprint": key.fingerprint,
                     "expiry_days": key.expiry_days, "user": users.get(key.user_id)}
            if key.user_id is None:
                entry["access"] = _sorted_access(state, projects, self.grants_of(key))
            keys.append(entry)
        return {
            "ssh_keys": keys,
            "ssh_settings": {"enabled": self.settings.enabled, "access_keys_enabled": self.settings.access_keys_enabled,
                             "port": self.settings.port, "base_url": self.settings.base_url},
        }


def _repo_label(state, repo_id):
    project, repo = state.find_repository_by_id(repo_id)
    return f"{project.key}/{repo.slug}" if repo is not None else None


def _sorted_access(state, projects, grants):
    access = []
    for (kind, scope_id), permission in grants.items():
        if kind == "project":
            access.append({"project": projects.get(scope_id), "permission": permission})
        else:
            access.append({"repository": _repo_label(state, scope_id), "repository_id": scope_id, "permission": permission})
    return sorted(access, key=lambda entry: (entry.get("project") or "", entry.get("repository") or ""))
