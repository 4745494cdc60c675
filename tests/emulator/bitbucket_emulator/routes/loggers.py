"""Log levels (seed 003; spec getLevel, setLevel, getRootLevel, setRootLevel; API-MAP 3.23).

Levels set through the API last until Bitbucket restarts; here, until the emulator is reset.
"""

from __future__ import annotations

from ..errors import bad_request
from ..permissions import require_global
from ..system_settings import LOG_LEVELS
from ..web import Route, empty

# Logback, which Bitbucket logs with, names the root logger ROOT and finds it by that name in any case.
ROOT_NAME = "ROOT"


def effective_level(state, name):
    """The level a logger logs at: its own, else its nearest dotted ancestor's, else the root's (API-MAP 3.23
    VERIFY: a logger without a level of its own answers its effective level)."""
    if name.upper() == ROOT_NAME:
        return state.root_log_level
    parts = name.split(".")
    while parts:
        level = state.log_levels.get(".".join(parts))
        if level is not None:
            return level
        parts.pop()
    return state.root_log_level


def _level(level_name):
    # spec setLevel: "Either TRACE, DEBUG, INFO, WARN or ERROR"; 400 "The log level was invalid". Atlassian's own
    # examples send lower case (API-MAP 3.23), so the case does not matter; levels are answered in upper case.
    level = level_name.upper()
    if level not in LOG_LEVELS:
        raise bad_request(f"'{level_name}' is not a valid log level. Valid values: {', '.join(LOG_LEVELS)}.", "levelName")
    return level


def get_level(ctx, logger_name):
    # spec getLevel: SYS_ADMIN (the seed says ADMIN; API-MAP §7 row 8: the spec's SYS_ADMIN is documented).
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    return 200, {"logLevel": effective_level(ctx.state, logger_name)}


def set_level(ctx, logger_name, level_name):
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    level = _level(level_name)
    if logger_name.upper() == ROOT_NAME:
        ctx.state.root_log_level = level
    else:
        ctx.state.log_levels[logger_name] = level
    return empty(204)


def get_root_level(ctx):
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    return 200, {"logLevel": ctx.state.root_log_level}


def set_root_level(ctx, level_name):
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    ctx.state.root_log_level = _level(level_name)
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/logs/logger/{loggerName}", get_level),
    Route("PUT", "/api/latest/logs/logger/{loggerName}/{levelName}", set_level),
    Route("GET", "/api/latest/logs/rootLogger", get_root_level),
    Route("PUT", "/api/latest/logs/rootLogger/{levelName}", set_root_level),
]
