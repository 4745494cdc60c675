"""Test controls under ``/_emulator/`` (DESIGN "The emulator": they live only here, and need no auth).

=======  =================================  ====================================================
Method   Path                               Effect
=======  =================================  ====================================================
POST     /_emulator/reset                   back to the seed; clears faults, probes, log, counters, clock.
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
GET      /_emulator/clock                   ``{"now": ms, "offset_ms": ms, "frozen": bool,
                                            "frozen_at_ms": ms|null, "tick_ms": N}``.
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
GET      /_emulator/license                 ``{"licensed_user_limit": N|null, "licensed_users": N}``.
POST     /_emulator/license                 ``{"licensed_user_limit": N|null}`` sets the number of
                                            licensed users the licence allows (null: unlimited);
                                            beyond it user creation and group joins answer 403.
POST     /_emulator/users                   ``{"name", "directory"[, "display_name", "email",
                                            "password", "mutable_details", "mutable_groups",
                                            "groups"]}`` adds a user of an external directory
                                            (read-only unless the flags say otherwise).
DELETE   /_emulator/users/{name}            removes any user, also one Bitbucket cannot delete.
GET      /_emulator/ssh                     the SSH settings (ssh_control.py).
POST     /_emulator/ssh                     ``{"enabled", "access_keys_enabled", "port", "base_url"}``
                                            (any of them) changes the SSH settings until the reset.
POST     /_emulator/licenses                a test licence (license_codec.py), not installed:
                                            ``{"users": N, "expiry": "yyyy-mm-dd"|null, "server_id",
                                            "sen", "product", ...}`` -> ``{"license": TEXT}``.
DELETE   /_emulator/licenses/installed      removes the installed licence (the API has no DELETE).
GET      /_emulator/tsv                     ``{"enrollments": [{"user", "secret", "enabled_at"}]}``:
                                            TOTP secrets of enrolled accounts (auth_controls.py).
POST     /_emulator/tsv                     ``{"user"[, "secret", "enabled_at"]}`` enrolls in TOTP.
DELETE   /_emulator/tsv/{user}              removes the enrollment.
POST     /_emulator/sso-login               ``{"idp", "username", "display_name"[, "email"]}``: a
                                            login through an IdP (just-in-time provisioning).
GET      /_emulator/features                ``{"feature.hook.scripts": bool}``: the switches of
                                            bitbucket.properties the emulator models, as in force.
POST     /_emulator/features                ``{"feature.hook.scripts": true|false|null}`` sets a
                                            switch (null: the claimed version's default; hook
                                            scripts are off by default since 8.18). A reset
                                            restores the defaults.
GET      /_emulator/probes                  active probes and what each one read (probes.py).
POST     /_emulator/probes                  add a probe: read a path before matching requests run.
DELETE   /_emulator/probes                  remove every probe.
=======  =================================  ====================================================
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from . import ssh_control
from .cluster import DEFAULT_CLUSTER_PORT, ClusterNode
from . import license_codec
from . import auth_controls
from .faults import FaultError
from .licensing import licensed_user_count
from .routes.hook_scripts import hook_scripts_enabled
from .settings_state import HOOK_SCRIPTS_FEATURE
from .state import INTERNAL_DIRECTORY
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


def _registry(request, method, rest, app, registry, name, answer):
    """A control over a list the tests add to (faults, probes): GET shows it, POST adds, DELETE clears."""
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "GET":
        with app.lock:
            return _reply(200, registry.to_json())
    if method == "DELETE":
        with app.lock:
            registry.clear()
        return _reply(204)
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        with app.lock:
            try:
                added = registry.add(body)
            except FaultError as exc:
                return _error(400, str(exc))
            return _reply(200, answer(added))
    return _error(405, "use GET, POST or DELETE /_emulator/%s" % name)


def _faults(app, request, method, rest):
    return _registry(request, method, rest, app, app.faults, "faults",
                     lambda added: {"added": [fault.to_json() for fault in added], **app.faults.to_json()})


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
                # Freezing (or thawing) starts from no offset: the clock then reads exactly freeze_at_ms.
                app.state.clock_frozen_at_ms = body["freeze_at_ms"]
                app.state.clock_offset_ms = 0
            if "tick_ms" in body:
                app.state.clock_tick_ms = body["tick_ms"]
            app.state.clock_offset_ms += body.get("advance_ms", 0)
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/clock")
    with app.lock:
        state = app.state
        return _reply(200, {"now": state.now_ms(), "offset_ms": state.clock_offset_ms, "frozen": state.clock_frozen_at_ms is not None,
                            "frozen_at_ms": state.clock_frozen_at_ms, "tick_ms": state.clock_tick_ms})


def _probes(app, request, method, rest):
    return _registry(request, method, rest, app, app.probes, "probes", lambda probe: probe.to_json())


def _license(app, request, method, rest):
    # The licensed-user limit (licensing.py); a licence endpoint may set the same state value later.
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or set(body) != {"licensed_user_limit"}:
            return _error(400, "the body must be {\"licensed_user_limit\": <integer >= 0 or null>}")
        limit = body["licensed_user_limit"]
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            return _error(400, "licensed_user_limit must be an integer >= 0, or null for no limit")
        with app.lock:
            app.state.licensed_user_limit = limit
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/license")
    with app.lock:
        return _reply(200, {"licensed_user_limit": app.state.licensed_user_limit, "licensed_users": licensed_user_count(app.state)})


_DIRECTORY_USER_KEYS = {"name", "directory", "display_name", "email", "password", "mutable_details", "mutable_groups", "groups"}


def _users(app, request, method, rest):
    # Users of an external directory (LDAP, Crowd): Bitbucket cannot create them, only sync them, so a
    # test adds them here (API-MAP 3.25 "Quirks": mutableDetails/mutableGroups false).
    state = app.state
    if method == "POST" and not rest:
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or set(body) - _DIRECTORY_USER_KEYS or not all(isinstance(body.get(key), str) for key in ("name", "directory")):
            optional = ", ".join(sorted(_DIRECTORY_USER_KEYS - {"name", "directory"}))
            return _error(400, "the body must be {\"name\": NAME, \"directory\": DIRECTORY[, %s]}" % optional)
        if body["directory"] == INTERNAL_DIRECTORY:
            return _error(400, "internal-directory users are created through POST /rest/api/latest/admin/users")
        flags = {key: body.get(key, False) for key in ("mutable_details", "mutable_groups")}
        groups = body.get("groups", [])
        if not all(isinstance(value, bool) for value in flags.values()) or not isinstance(groups, list):
            return _error(400, "mutable_details and mutable_groups must be booleans, groups a list of group names")
        with app.lock:
            if state.find_user(body["name"]) is not None:
                return _error(409, f"a user named {body['name']} already exists")
            missing = [name for name in groups if state.find_group(name) is None]
            if missing:
                return _error(404, f"no group {', '.join(missing)}")
            user = state.add_user(body["name"], body.get("display_name") or body["name"], body.get("email"), body.get("password"),
                                  directory=body["directory"], **flags)
            user.groups.update(name.lower() for name in groups)
            return _reply(201, user.to_rest_detailed())
    if method == "DELETE" and len(rest) == 1:
        with app.lock:
            user = state.find_user(rest[0])
            if user is None:
                return _error(404, f"no user {rest[0]}")
            state.remove_user(user)
        return _reply(204)
    return _error(405, "use POST /_emulator/users or DELETE /_emulator/users/{name}")


def _licenses(app, request, method, rest):
    # Test licences are minted here, never committed (docs/emulator.md "Licences"); nothing is installed.
    if method == "DELETE" and rest == ["installed"]:
        # The REST API cannot remove a licence (seed 003 has no DELETE): a test that needs an unlicensed
        # instance removes it here, without resetting anything else.
        with app.lock:
            app.state.license = None
            app.state.licensed_user_limit = None
        return _reply(204)
    if method != "POST" or rest:
        return _error(405, "use POST /_emulator/licenses or DELETE /_emulator/licenses/installed")
    body, error = _body(request)
    if error:
        return error
    body = {} if body is None else body
    allowed = {"users", "expiry", "maintenance_expiry", "created", "purchased", "server_id", "sen", "product", "properties"}
    if not isinstance(body, dict) or set(body) - allowed:
        return _error(400, "the body may hold %s" % ", ".join(sorted(allowed)))
    users = body.get("users", 10)
    if isinstance(users, bool) or not isinstance(users, int):
        return _error(400, "users must be an integer (-1 for unlimited)")
    extra = body.get("properties") or {}
    if not isinstance(extra, dict):
        return _error(400, "properties must be an object of licence properties")
    arguments = {key: body[key] for key in ("expiry", "maintenance_expiry", "created", "purchased", "server_id", "sen", "product") if key in body}
    return _reply(200, {"license": license_codec.make_license(users=users, **arguments, **extra)})


def _features(app, request, method, rest):
    # API-MAP 1.7 and 3.20: hook scripts need feature.hook.scripts=true in bitbucket.properties since 8.18.
    if rest:
        return _error(404, "unknown control endpoint")
    if method == "POST":
        body, error = _body(request)
        if error:
            return error
        if not isinstance(body, dict) or not body or set(body) - {HOOK_SCRIPTS_FEATURE}:
            return _error(400, f"the body must be {{\"{HOOK_SCRIPTS_FEATURE}\": true|false|null}}")
        value = body[HOOK_SCRIPTS_FEATURE]
        if value is not None and not isinstance(value, bool):
            return _error(400, f"{HOOK_SCRIPTS_FEATURE} must be true, false or null")
        with app.lock:
            if value is None:
                app.state.settings.features.pop(HOOK_SCRIPTS_FEATURE, None)
            else:
                app.state.settings.features[HOOK_SCRIPTS_FEATURE] = value
    elif method != "GET":
        return _error(405, "use GET or POST /_emulator/features")
    with app.lock:
        return _reply(200, {HOOK_SCRIPTS_FEATURE: hook_scripts_enabled(app)})


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
    "cluster": _cluster,
    "mesh": _mesh,
    "reset": _reset,
    "settings": _settings,
    "state": _state,
    "requests": _requests,
    "counters": _counters,
    "faults": _faults,
    "clock": _clock,
    "license": _license,
    "users": _users,
    "ssh": ssh_control.handle,
    "licenses": _licenses,
    "tsv": auth_controls.tsv,
    "sso-login": auth_controls.sso_login,
    "features": _features,
    "probes": _probes,
}
