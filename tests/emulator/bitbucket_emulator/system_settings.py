"""The instance-wide settings of seed 003's system administration pages, as state.

``State.reset()`` gives every fresh instance the defaults below; ``State.dump()`` adds
:func:`dump` as its ``"system"`` section. Routes in ``routes/banner.py``, ``licenses.py``,
``mail_server.py``, ``rate_limits.py``, ``default_branch.py``, ``repository_policies.py`` and
``loggers.py`` read and change them; ``rate_limiting.py`` applies the rate limits to requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The server id of the emulated instance: licences name the server they were issued for, and the
# licence answer shows both (seed 003 GET license: "serverId" and "status.serverId").
SERVER_ID = "BEMU-2026-0000-0001"

# Rate limiting (seed 003 example values): a bucket of 60 requests, refilled at 5 a second. Off on a
# fresh instance (a choice: the docs do not say; an instance starts without limits until configured).
DEFAULT_RATE_LIMIT_CAPACITY = 60
DEFAULT_RATE_LIMIT_FILL_RATE = 5

# API-MAP 3.18: repositories are deleted by REPO_ADMIN by default (the repository delete docs); the
# archive default is not documented (VERIFY) and is taken to be the same.
DEFAULT_REPOSITORY_POLICIES = {"delete": "REPO_ADMIN", "archive": "REPO_ADMIN"}

# Logback's default for Bitbucket's root logger (a choice; seed 003 documents no default).
DEFAULT_ROOT_LEVEL = "WARN"
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR")


@dataclass
class Banner:
    message: str
    enabled: bool
    audience: str

    def to_rest(self):
        """RestAnnouncementBanner (spec schema, seed 003 example)."""
        return {"enabled": self.enabled, "message": self.message, "audience": self.audience}


@dataclass
class License:
    """The installed licence: the encoded text as given (whitespace dropped) and what it declares.

    ``maximum_number_of_users`` is the licence's user limit, ``None`` for unlimited: the one attribute
    that says how many users may be licensed.
    """

    text: str
    maximum_number_of_users: int | None
    creation_date: int | None = None
    purchase_date: int | None = None
    expiry_date: int | None = None
    maintenance_expiry_date: int | None = None
    server_id: str | None = None
    support_entitlement_number: str | None = None


@dataclass
class MailServer:
    """RestMailConfiguration fields (spec, seed 003); the sender address is kept beside it on the settings."""

    hostname: str
    port: int
    protocol: str
    use_start_tls: bool = False
    require_start_tls: bool = False
    username: str | None = None
    password: str | None = None


@dataclass
class UserRateLimit:
    """A per-user override (seed 003): whitelisted, or its own capacity and fill rate, never both."""

    whitelisted: bool = False
    capacity: int | None = None
    fill_rate: int | None = None


@dataclass
class RejectCounter:
    count: int = 0
    last_reject_time: int = 0


@dataclass
class RateLimits:
    enabled: bool = False
    capacity: int = DEFAULT_RATE_LIMIT_CAPACITY
    fill_rate: int = DEFAULT_RATE_LIMIT_FILL_RATE
    overrides: dict = field(default_factory=dict)   # user id -> UserRateLimit
    buckets: dict = field(default_factory=dict)     # user id -> (tokens, at epoch ms)
    history: dict = field(default_factory=dict)     # user id -> RejectCounter


def licensed_users(state):
    """Users counted against the licence (seed 003 licence status): licensing.py counts them, one rule for all."""
    from .licensing import licensed_user_count  # here, not at the top: licensing imports state, which imports this

    return licensed_user_count(state)


def dump(state):
    """The ``"system"`` section of ``GET /_emulator/state`` (the mail password only as a SHA-256 hash)."""
    from .state import hash_secret

    users = {user.id: user.name for user in state.users.values()}
    licensed = licensed_users(state)
    licence = state.license
    mail = state.mail_server
    rate = state.rate_limits
    return {
        "server_id": SERVER_ID,
        "banner": state.banner.to_rest() if state.banner else None,
        "license": None if licence is None else {
            "maximum_number_of_users": licence.maximum_number_of_users,
            "expiry_date": licence.expiry_date,
            "server_id": licence.server_id,
            "support_entitlement_number": licence.support_entitlement_number,
            "text_sha256": hash_secret(licence.text),
        },
        "licensed_users": licensed,
        # Seed 003 POST license: with more licensed users than the licence allows, "pushing will be
        # disabled until the licensed user count is brought into compliance".
        "pushing_disabled": licence is not None and licence.maximum_number_of_users is not None and licensed > licence.maximum_number_of_users,
        "mail_server": None if mail is None else {
            "hostname": mail.hostname, "port": mail.port, "protocol": mail.protocol, "use_start_tls": mail.use_start_tls,
            "require_start_tls": mail.require_start_tls, "username": mail.username,
            "password_sha256": hash_secret(mail.password) if mail.password else None,
        },
        "sender_address": state.sender_address,
        "rate_limits": {
            "enabled": rate.enabled, "capacity": rate.capacity, "fill_rate": rate.fill_rate,
            "overrides": {users.get(uid, str(uid)): vars(override) for uid, override in sorted(rate.overrides.items())},
            "history": {users.get(uid, str(uid)): vars(counter) for uid, counter in sorted(rate.history.items())},
        },
        "default_branch": state.default_branch,
        "repository_policies": dict(state.repository_policies),
        "log_levels": dict(sorted(state.log_levels.items())),
        "root_log_level": state.root_log_level,
    }
