"""The authentication configuration of the emulated instance (seed 000; API-MAP 3.9 to 3.12).

Identity providers, the SSO configuration, basic-authentication blocking, TOTP enrollments and the
record of which users just-in-time provisioning created. ``State.reset()`` makes a fresh one; like the
rest of the state it is only touched under the application's lock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone

# seed 000 getConfig: the fields of SsoConfigEntity. Out of the box the login form is shown, for users
# and for JSM customers, and no fallback is needed. The refresh cron is Quartz-style, as Atlassian's
# scheduler takes it (seconds first): every day at 01:00.
DEFAULT_SSO = {
    "show-login-form": True,
    "show-login-form-for-jsm": True,
    "enable-authentication-fallback": False,
    "discovery-refresh-cron": "0 0 1 * * ?",
}
# seed 000 get (basicauth): BasicAuthConfigEntity. Nothing is blocked until an administrator says so.
DEFAULT_BASIC_AUTH = {
    "block-requests": False,
    "show-warning-message": False,
    "allowed-users": [],
    "allowed-paths": [],
}


def iso_timestamp(epoch_ms):
    """``last-updated`` and ``enabledAt``: the spec's string(date-time), in UTC with milliseconds."""
    moment = datetime.fromtimestamp(epoch_ms / 1000.0, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def fresh(defaults):
    """A copy of a default configuration whose lists are not shared with it."""
    return {key: (list(value) if isinstance(value, list) else value) for key, value in defaults.items()}


@dataclass
class Idp:
    """One IdP: its IdpConfigEntity fields (kebab-case, as the API names them) and its secret's hash."""

    id: int
    fields: dict
    secret_hash: str | None = None
    last_updated: int = 0


@dataclass
class TotpEnrollment:
    secret: str
    enabled_at: int


@dataclass
class AuthState:
    idps: dict = field(default_factory=dict)            # id -> Idp
    sso: dict = field(default_factory=lambda: dict(DEFAULT_SSO))
    sso_last_updated: int | None = None
    basic_auth: dict = field(default_factory=lambda: fresh(DEFAULT_BASIC_AUTH))
    totp: dict = field(default_factory=dict)            # user id -> TotpEnrollment
    jit_users: dict = field(default_factory=dict)       # user id -> id of the IdP that provisioned the user
    next_idp_id: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(6238))

    def add_idp(self, fields, secret_hash, now_ms):
        idp = Idp(id=self.next_idp_id, fields=fields, secret_hash=secret_hash, last_updated=now_ms)
        self.next_idp_id += 1
        self.idps[idp.id] = idp
        return idp

    def sorted_idps(self):
        return [self.idps[key] for key in sorted(self.idps)]

    def dump(self, users):
        """JSON-ready view for GET /_emulator/state; the IdP secrets only as SHA-256 hashes."""
        names = {user.id: user.name for user in users.values()}
        return {
            "idps": [
                dict(idp.fields, id=idp.id, client_secret_sha256=idp.secret_hash, last_updated=idp.last_updated)
                for idp in self.sorted_idps()
            ],
            "sso": dict(self.sso, last_updated=self.sso_last_updated),
            "basic_auth": dict(self.basic_auth),
            "totp_enrolled": sorted(names[user_id] for user_id in self.totp if user_id in names),
            "jit_users": sorted(names[user_id] for user_id in self.jit_users if user_id in names),
        }
