"""Test controls under ``/_emulator/`` (DESIGN "The emulator": they live only here, and need no auth).

=======  =================================  ====================================================
Method   Path                               Effect
=======  =================================  ====================================================
POST     /_emulator/reset                   back to the seed; clears faults, probes, log, counters, clock.
                                            Optional body ``{"max_page_limit": N, "version": V}``:
                                            the page cap and the Bitbucket version to claim.
GET      /_emulator/state                   JSON dump of users, groups, projects, permissions,
                                            tokens (secrets only as SHA-256 hashes).
GET      /_emulator/requests                ``{"requests": [...]}``: every /rest request so far.
DELETE   /_emulator/requests                clears the log and the counters.
GET      /_emulator/counters                ``{"total", "by_method", "writes"}``.
GET      /_emulator/faults                  active faults.
POST     /_emulator/faults                  add faults (see faults.py for the document).
DELETE   /_emulator/faults                  remove every fault.
GET      /_emulator/clock                   ``{"now": ms, "offset_ms": ms}``.
POST     /_emulator/clock                   ``{"advance_ms": N}`` moves the clock (token expiry).
GET      /_emulator/probes                  active probes and what each one read (probes.py).
POST     /_emulator/probes                  add a probe: read a path before matching requests run.
DELETE   /_emulator/probes                  remove every probe.
=======  =================================  ====================================================
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from .faults import FaultError
from .web import parse_json, parse_version


def _reply(status, body=None):
    if body is None:
        return Response(status=status)
    return Response(json.dumps(body), status=status, content_type="application/json")


def _error(status, message):
    return _reply(status, {"error": message})


def _body(request):
    try:
        return parse_json(request.get_data(cache=True)), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, _error(400, f"invalid JSON: {exc}")


def handle(app, request):
    """Dispatch one control request."""
    parts = [part for part in request.path.split("/") if part][1:]  # drop "_emulator"
    method = request.method.upper()
    name = parts[0] if parts else ""
    handler = _HANDLERS.get(name)
    if handler is None:
        return _error(404, f"unknown control endpoint /_emulator/{name}")
    return handler(app, request, method, parts[1:])


def _reset(app, request, method, rest):
    if method != "POST" or rest:
        return _error(405, "use POST /_emulator/reset")
    body, error = _body(request)
    if error:
        return error
    limit = version = None
    if body is not None:
        if not isinstance(body, dict) or set(body) - {"max_page_limit", "version"}:
            return _error(400, "the body may only hold max_page_limit and version")
        limit = body.get("max_page_limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            return _error(400, "max_page_limit must be a positive integer")
        version = body.get("version")
        if version is not None:
            try:
                parse_version(version)
            except ValueError as exc:
                return _error(400, str(exc))
    app.reset(max_page_limit=limit, version=version)
    return _reply(200, {"reset": True, "max_page_limit": app.max_page_limit, "version": app.version_string})


def _state(app, request, method, rest):
    if method != "GET" or rest:
        return _error(405, "use GET /_emulator/state")
    with app.lock:
        dump = app.state.dump()
        dump["max_page_limit"] = app.max_page_limit
    return _reply(200, dump)


def _requests(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "GET":
        with app.lock:
            entries = sorted(app.requests_log, key=lambda entry: entry["seq"])
        return _reply(200, {"requests": entries})
    if method == "DELETE":
        app.clear_log()
        return _reply(204)
    return _error(405, "use GET or DELETE /_emulator/requests")


def _counters(app, request, method, rest):
    if method != "GET" or rest:
        return _error(405, "use GET /_emulator/counters")
    with app.lock:
        counters = {"total": app.counters["total"], "by_method": dict(app.counters["by_method"]), "writes": app.counters["writes"]}
    return _reply(200, counters)


def _faults(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "GET":
        with app.lock:
            return _reply(200, app.faults.to_json())
    if method == "DELETE":
        with app.lock:
            app.faults.clear()
        return _reply(204)
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        with app.lock:
            try:
                added = app.faults.add(body)
            except FaultError as exc:
                return _error(400, str(exc))
            return _reply(200, {"added": [fault.to_json() for fault in added], **app.faults.to_json()})
    return _error(405, "use GET, POST or DELETE /_emulator/faults")


def _clock(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        advance = body.get("advance_ms") if isinstance(body, dict) else None
        if isinstance(advance, bool) or not isinstance(advance, int):
            return _error(400, "the body must be {\"advance_ms\": <integer>}")
        with app.lock:
            app.state.clock_offset_ms += advance
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/clock")
    with app.lock:
        return _reply(200, {"now": app.state.now_ms(), "offset_ms": app.state.clock_offset_ms})


def _probes(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "GET":
        with app.lock:
            return _reply(200, app.probes.to_json())
    if method == "DELETE":
        with app.lock:
            app.probes.clear()
        return _reply(204)
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        with app.lock:
            try:
                probe = app.probes.add(body)
            except FaultError as exc:
                return _error(400, str(exc))
            return _reply(200, probe.to_json())
    return _error(405, "use GET, POST or DELETE /_emulator/probes")


_HANDLERS = {
    "reset": _reset,
    "state": _state,
    "requests": _requests,
    "counters": _counters,
    "faults": _faults,
    "clock": _clock,
    "probes": _probes,
}
