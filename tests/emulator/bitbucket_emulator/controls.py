"""Test controls under ``/_emulator/`` (DESIGN "The emulator": they live only here, and need no auth).

=======  =================================  ====================================================
Method   Path                               Effect
=======  =================================  ====================================================
POST     /_emulator/reset                   back to the seed; clears faults, log, counters, clock.
                                            Optional body ``{"max_page_limit": N, "version": V}``:
                                            the page cap and the Bitbucket version to claim.
GET      /_emulator/settings                ``{"max_page_limit", "version"}``.
POST     /_emulator/settings                change them without a reset (state, log and faults stay):
                                            ``{"max_page_limit": N, "version": V}``, either optional;
                                            a reset restores the defaults.
GET      /_emulator/state                   JSON dump of users, groups, projects, permissions,
                                            tokens (secrets only as SHA-256 hashes).
GET      /_emulator/requests                ``{"requests": [...]}``: every /rest request so far.
DELETE   /_emulator/requests                clears the log and the counters.
GET      /_emulator/counters                ``{"total", "by_method", "writes"}``.
GET      /_emulator/faults                  active faults.
POST     /_emulator/faults                  add faults (see faults.py for the document).
DELETE   /_emulator/faults                  remove every fault.
GET      /_emulator/clock                   ``{"now": ms, "offset_ms": ms, "frozen_at_ms": ms|null,
                                            "tick_ms": N}``.
POST     /_emulator/clock                   ``{"advance_ms": N}`` moves the clock (token expiry);
                                            ``{"freeze_at_ms": ms|null}`` stops it at an instant (or
                                            lets it follow the wall clock again); ``{"tick_ms": N}``
                                            moves it on by N ms at every REST request. Combinable;
                                            migration jobs and Mesh node deletions follow it.
GET      /_emulator/cluster                 the cluster nodes.
POST     /_emulator/cluster                 ``{"name", "address"[, "port"]}`` adds a (non-local) node.
DELETE   /_emulator/cluster                 back to the local node alone.
POST     /_emulator/mesh                    ``{"node": NAME[, "offline": BOOL][, "repository_ids": [..]]}``
                                            takes a Mesh node offline or online, or makes it host
                                            those repositories.
POST     /_emulator/repos                   ``{"project", "slug"[, "name", "public"]}`` adds a
                                            repository record (no repository REST API yet).
DELETE   /_emulator/repos/{project}/{slug}  removes that repository record.
=======  =================================  ====================================================
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from .cluster import DEFAULT_CLUSTER_PORT, ClusterNode
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
    with app.lock:
        # A control that changes the state (a repository removed, a node taken offline) comes after the job steps already due.
        app.state.advance_jobs()
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


def _settings(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or not body or set(body) - {"max_page_limit", "version"}:
            return _error(400, "the body must hold max_page_limit and/or version")
        limit = body.get("max_page_limit")
        if "max_page_limit" in body and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            return _error(400, "max_page_limit must be a positive integer")
        try:
            version = parse_version(body["version"]) if "version" in body else None
        except ValueError as exc:
            return _error(400, str(exc))
        with app.lock:
            if limit is not None:
                app.max_page_limit = limit
            if version is not None:
                app.version = version
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/settings")
    with app.lock:
        return _reply(200, {"max_page_limit": app.max_page_limit, "version": app.version_string})


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


def _is_int(value, minimum=None):
    return not isinstance(value, bool) and isinstance(value, int) and (minimum is None or value >= minimum)


def _clock(app, request, method, rest):
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or not body or set(body) - {"advance_ms", "freeze_at_ms", "tick_ms"}:
            return _error(400, "the body must be {\"advance_ms\": <integer>}, {\"freeze_at_ms\": <epoch ms>|null} and/or {\"tick_ms\": <integer>}")
        if "advance_ms" in body and not _is_int(body["advance_ms"]):
            return _error(400, "the body must be {\"advance_ms\": <integer>}")
        if "freeze_at_ms" in body and body["freeze_at_ms"] is not None and not _is_int(body["freeze_at_ms"], 0):
            return _error(400, "freeze_at_ms must be epoch milliseconds, or null to follow the wall clock again")
        if "tick_ms" in body and not _is_int(body["tick_ms"], 0):
            return _error(400, "tick_ms must be an integer >= 0")
        with app.lock:
            if "freeze_at_ms" in body:
                app.state.clock_frozen_at_ms = body["freeze_at_ms"]
            if "tick_ms" in body:
                app.state.clock_tick_ms = body["tick_ms"]
            app.state.clock_offset_ms += body.get("advance_ms", 0)
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/clock")
    with app.lock:
        state = app.state
        return _reply(200, {"now": state.now_ms(), "offset_ms": state.clock_offset_ms, "frozen_at_ms": state.clock_frozen_at_ms,
                            "tick_ms": state.clock_tick_ms})


def _repos(app, request, method, rest):
    state = app.state
    if method == "POST" and not rest:
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or not isinstance(body.get("project"), str) or not isinstance(body.get("slug"), str):
            return _error(400, "the body must be {\"project\": KEY, \"slug\": SLUG[, \"name\": NAME, \"public\": BOOL]}")
        with app.lock:
            project = state.find_project(body["project"])
            if project is None:
                return _error(404, f"no project {body['project']}")
            if body["slug"].lower() in project.repos:
                return _error(409, f"repository {body['slug']} already exists in {project.key}")
            repo = state.add_repository(project, body["slug"], body.get("name"), bool(body.get("public", False)))
            return _reply(201, {"id": repo.id, "slug": repo.slug, "name": repo.name, "project": project.key, "public": repo.public})
    if method == "DELETE" and len(rest) == 2:
        with app.lock:
            project = state.find_project(rest[0])
            repo = project.repos.get(rest[1].lower()) if project else None
            if repo is None:
                return _error(404, f"no repository {rest[0]}/{rest[1]}")
            state.remove_repository(project, repo)
        return _reply(204)
    return _error(405, "use POST /_emulator/repos or DELETE /_emulator/repos/{project}/{slug}")


def _cluster(app, request, method, rest):
    state = app.state
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not isinstance(body.get("address"), str):
            return _error(400, "the body must be {\"name\": NAME, \"address\": HOST[, \"port\": PORT]}")
        port = body.get("port", DEFAULT_CLUSTER_PORT)
        if not _is_int(port, 1):
            return _error(400, "port must be a positive integer")
        with app.lock:
            if any(node.name == body["name"] for node in state.cluster_nodes):
                return _error(409, f"cluster node {body['name']} already exists")
            state.cluster_nodes.append(ClusterNode(id=state.new_cluster_node_id(), name=body["name"], address=body["address"], port=port))
    elif method == "DELETE":
        with app.lock:
            state.cluster_nodes = [node for node in state.cluster_nodes if node.local]
        return _reply(204)
    elif method != "GET":
        return _error(405, "use GET, POST or DELETE /_emulator/cluster")
    with app.lock:
        return _reply(200, {"nodes": [node.to_rest(app.version_string) for node in state.cluster_nodes]})


def _mesh(app, request, method, rest):
    state = app.state
    if method != "POST" or rest:
        return _error(405, "use POST /_emulator/mesh")
    body, error = _body(request)
    if error:
        return error
    usage = "the body must be {\"node\": NAME[, \"offline\": BOOL][, \"repository_ids\": [ID, ...]]}"
    if not isinstance(body, dict) or not isinstance(body.get("node"), str) or set(body) - {"node", "offline", "repository_ids"}:
        return _error(400, usage)
    offline = body.get("offline")
    repository_ids = body.get("repository_ids")
    if offline is not None and not isinstance(offline, bool):
        return _error(400, usage)
    if repository_ids is not None and not (isinstance(repository_ids, list) and all(_is_int(item, 1) for item in repository_ids)):
        return _error(400, usage)
    with app.lock:
        node = next((node for node in state.mesh_nodes.values() if node.name == body["node"]), None)
        if node is None:
            return _error(404, f"no Mesh node named {body['node']}")
        missing = [repo_id for repo_id in repository_ids or () if state.find_repository_by_id(repo_id)[1] is None]
        if missing:
            return _error(404, f"no repository with id {missing[0]}")
        if offline is not None:
            if offline and not node.offline:
                node.last_seen = state.now_ms()
            node.offline = offline
        node.repo_ids.update(repository_ids or ())
        return _reply(200, {**node.to_rest(state.now_ms()), "repository_ids": sorted(node.repo_ids)})


_HANDLERS = {
    "reset": _reset,
    "settings": _settings,
    "state": _state,
    "requests": _requests,
    "counters": _counters,
    "faults": _faults,
    "clock": _clock,
    "repos": _repos,
    "cluster": _cluster,
    "mesh": _mesh,
}
