"""Instance-wide read-only resources."""

from __future__ import annotations

from ..web import Route

# What this emulator claims to be (API-MAP 1.7: clients gate features on it); the version itself is
# the app's (``--version``, or the reset control), and the build number follows it.
BUILD_DATE = "1705449600000"  # epoch ms, a string as in the seed 003 example
DISPLAY_NAME = "Bitbucket"


def application_properties(ctx):
    # seed 003 / spec getApplicationProperties: "No authentication is required to call this resource."
    major, minor, patch = ctx.app.version
    build_number = f"{major}{minor:03d}{patch:03d}"  # 9.4.0 -> "9004000", as Bitbucket numbers its builds
    return 200, {"version": ctx.app.version_string, "buildNumber": build_number, "buildDate": BUILD_DATE, "displayName": DISPLAY_NAME}


ROUTES = [
    Route("GET", "/api/latest/application-properties", application_properties, public=True),
]
