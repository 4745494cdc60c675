"""Instance-wide read-only resources."""

from __future__ import annotations

from ..web import Route

# What this emulator claims to be (API-MAP 1.7: clients gate features on it).
VERSION = "9.4.0"
BUILD_NUMBER = "9004000"
BUILD_DATE = "1705449600000"  # epoch ms, a string as in the seed 003 example
DISPLAY_NAME = "Bitbucket"


def application_properties(ctx):
    # seed 003 / spec getApplicationProperties: "No authentication is required to call this resource."
    return 200, {"version": VERSION, "buildNumber": BUILD_NUMBER, "buildDate": BUILD_DATE, "displayName": DISPLAY_NAME}


ROUTES = [
    Route("GET", "/api/latest/application-properties", application_properties, public=True),
]
