"""The ``/_emulator/ssh`` test control: the instance's SSH settings, which Bitbucket sets in its
configuration files rather than through the REST API.

``GET`` shows them; ``POST`` with any of ``{"enabled": bool, "access_keys_enabled": bool, "port": int,
"base_url": str|null}`` changes them until the next reset. ``access_keys_enabled: false`` is the
instance-wide switch behind ``accessKeysEnabled`` in ``GET /rest/ssh/latest/settings`` (API-MAP 3.8).
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from .web import parse_json

_FIELDS = {"enabled": bool, "access_keys_enabled": bool, "port": int, "base_url": (str, type(None))}


def _reply(status, body):
    return Response(json.dumps(body), status=status, content_type="application/json")


def _view(settings):
    return {"enabled": settings.enabled, "access_keys_enabled": settings.access_keys_enabled, "port": settings.port, "base_url": settings.base_url}


def handle(app, request, method, rest):
    if rest:
        return _reply(404, {"error": "unknown control endpoint"})
    if method not in ("GET", "POST"):
        return _reply(405, {"error": "use GET or POST /_emulator/ssh"})
    with app.lock:
        settings = app.state.ssh.settings
        if method == "GET":
            return _reply(200, _view(settings))
        try:
            body = parse_json(request.get_data(cache=True))
        except (ValueError, UnicodeDecodeError) as exc:
            return _reply(400, {"error": f"invalid JSON: {exc}"})
        if not isinstance(body, dict) or not body or set(body) - set(_FIELDS):
            return _reply(400, {"error": f"the body may only hold {', '.join(sorted(_FIELDS))}"})
        for name, value in body.items():
            if isinstance(value, bool) is not (_FIELDS[name] is bool) or not isinstance(value, _FIELDS[name]):
                return _reply(400, {"error": f"{name} has the wrong type"})
            if name == "port" and not 0 < value < 65536:
                return _reply(400, {"error": "port must be between 1 and 65535"})
        for name, value in body.items():
            setattr(settings, name, value)
        return _reply(200, _view(settings))
