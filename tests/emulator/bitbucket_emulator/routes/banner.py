"""The announcement banner (seed 003; spec getBanner, setBanner, deleteBanner; API-MAP 3.13)."""

from __future__ import annotations

from ..errors import bad_request
from ..permissions import require_global
from ..system_settings import Banner
from ..web import Route, empty

AUDIENCES = ("AUTHENTICATED", "ALL")


def get_banner(ctx):
    # spec getBanner: "Gets the announcement banner, if one exists and is available to the user"; 204 "There
    # is no banner to display". A disabled banner is displayed to nobody, so it answers 204 like no banner
    # (API-MAP 3.13 VERIFY, the documented reading); an AUTHENTICATED banner is not available anonymously.
    banner = ctx.state.banner
    if banner is None or not banner.enabled:
        return empty(204)
    if banner.audience == "AUTHENTICATED" and ctx.principal is None:
        return empty(204)
    return 200, banner.to_rest()


def set_banner(ctx):
    # spec setBanner: ADMIN; body {audience (required), enabled, message}; 204; 400 "malformed or incorrect data".
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    audience = body.get("audience")
    if audience not in AUDIENCES:
        raise bad_request(f"audience is required and must be one of {', '.join(AUDIENCES)}.", "audience")
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise bad_request("enabled must be a boolean.", "enabled")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise bad_request("message must be provided.", "message")
    ctx.state.banner = Banner(message=message, enabled=enabled, audience=audience)
    return empty(204)


def delete_banner(ctx):
    # spec deleteBanner: 204 "whether a banner was deleted or not".
    require_global(ctx.state, ctx.principal, "ADMIN")
    ctx.state.banner = None
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/admin/banner", get_banner, public=True),
    Route("PUT", "/api/latest/admin/banner", set_banner),
    Route("DELETE", "/api/latest/admin/banner", delete_banner),
]
