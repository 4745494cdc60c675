"""A stateful emulator of the Bitbucket Data Center REST API, for tests and offline demos.

``create_app()`` returns a WSGI application; ``python -m bitbucket_emulator`` serves one on loopback.
"""

from __future__ import annotations

from .app import EmulatorApp, create_app

__all__ = ["EmulatorApp", "create_app"]
