"""Blocking basic authentication (API-MAP 3.11; seed 000 and spec ``get``/``put`` of ``/basicauth/latest/config``).

``GET`` answers the configuration; ``PUT`` "stores a new configuration" whole, so a key left out is
reset to its default, and answers 204 with no body; 409 ("another update is currently being performed")
is documented but only happens here when a test injects it. Errors use ErrorEntity (API-MAP 1.4); a body
of the wrong types is answered 400 as the REST framework answers a body it cannot read (the document lists
no 400; the contract's ``unreadable-body-400`` entry). The path patterns are stored as given: their syntax
is not documented (API-MAP 3.11 VERIFY).

The configuration is enforced: :func:`refusal` is called by the application's authentication for every
Basic-authenticated request (the emulator's ``app.py``), and Bearer tokens are never blocked.
"""

from __future__ import annotations

import re

from ..auth_state import DEFAULT_BASIC_AUTH
from ..errors import AUTHORISATION_EXCEPTION, ApiError
from ..web import Route, empty
from .authconfig import entity_object, message_error, require_sys_admin

CONFIG = "/basicauth/latest/config"
BLOCKED_MESSAGE = (
    "Basic authentication is blocked for {user} on {path}. Authenticate with a personal access token "
    "(Authorization: Bearer) instead."
)


def _pattern(text):
    # API-MAP 3.11: allowed-paths are "URL path patterns" (format VERIFY). The emulator's reading: '*'
    # stands for any run of characters, '/' included, and a pattern must match the whole path.
    return re.compile("".join(".*" if char == "*" else re.escape(char) for char in text) + r"\Z")


def allowed(config, user, path):
    """Whether a Basic-authenticated request of ``user`` to ``path`` passes the configuration."""
    if not config["block-requests"]:
        return True
    # API-MAP 3.11: allowed-users are usernames, compared as Bitbucket compares usernames (no case).
    if any(user.name.lower() == name.lower() for name in config["allowed-users"]):
        return True
    return any(_pattern(pattern).match(path) for pattern in config["allowed-paths"])


def refusal(state, user, path):
    """The answer to a blocked Basic request, or None when it may go on.

    API-MAP 1.2 and 3.11: once block-requests is on, basic authentication is rejected unless the user or
    the path is allowed; like every authentication failure it is a 401 in the core error body (1.6).
    """
    if allowed(state.auth.basic_auth, user, path):
        return None
    return ApiError(401, BLOCKED_MESSAGE.format(user=user.name, path=path), AUTHORISATION_EXCEPTION,
                    headers={"WWW-Authenticate": 'Bearer realm="Atlassian Bitbucket"'})


def get_config(ctx):
    require_sys_admin(ctx)
    config = ctx.state.auth.basic_auth
    return 200, {key: (list(value) if isinstance(value, list) else value) for key, value in config.items()}


def put_config(ctx):
    require_sys_admin(ctx)
    body = entity_object(ctx)
    config = {}
    for name, default in DEFAULT_BASIC_AUTH.items():
        value = body.get(name)
        if value is None:
            # seed 000 put: "Store a new configuration" - what is not sent is not kept.
            config[name] = list(default) if isinstance(default, list) else default
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise message_error(400, f"{name} must be true or false.")
            config[name] = value
        else:
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                raise message_error(400, f"{name} must be a list of non-empty strings.")
            config[name] = list(dict.fromkeys(value))
    ctx.state.auth.basic_auth = config
    return empty(204)  # spec put: 204, no body


ROUTES = [
    Route("GET", CONFIG, get_config),
    Route("PUT", CONFIG, put_config),
]
