"""Bitbucket Mesh nodes (API-MAP 3.24; seed 003 "Mesh"; spec registerNewMeshNode, updateMeshNode, delete_2,
getControlPlanePublicKey, connectivity). Every operation requires SYS_ADMIN (seed 003, each operation)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import INTEGRITY_EXCEPTION, NO_SUCH_ENTITY_EXCEPTION, ApiError, bad_request
from ..mesh import AVAILABILITY_ZONE_VERSION, MESH_VERSION, MeshNode, control_plane_pem
from ..permissions import require_global
from ..web import PlainText, Route
from .common import optional_string

_NAME_MAX = 64
_ZONE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _require_mesh(ctx):
    """Mesh arrived with 8.0: an older server has none of these endpoints (README: endpoints newer than it answer 404)."""
    if not ctx.app.version_at_least(*MESH_VERSION):
        raise ApiError(404, f"No resource found for {ctx.request.method} {ctx.request.path}.")
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")


def _with_zone(ctx):
    return ctx.app.version_at_least(*AVAILABILITY_ZONE_VERSION)


def _node_rest(ctx, node):
    return node.to_rest(ctx.state.now_ms(), with_zone=_with_zone(ctx))


def _load_node(ctx, node_id):
    node = ctx.state.mesh_nodes.get(str(node_id))
    if node is None:
        raise ApiError(404, f"No Mesh node with ID {node_id} exists.", NO_SUCH_ENTITY_EXCEPTION)
    return node


def _validate_name(body, required=True):
    name = optional_string(body, "name")
    if name is None:
        if required:
            raise bad_request("The name of the Mesh node must be provided.", "name")
        return None
    if not name.strip() or len(name) > _NAME_MAX:
        raise bad_request(f"The name of the Mesh node must be between 1 and {_NAME_MAX} characters long.", "name")
    return name


def _validate_rpc_url(body, required=True):
    rpc_url = optional_string(body, "rpcUrl")
    if rpc_url is None:
        if required:
            raise bad_request("The RPC URL of the Mesh node must be provided.", "rpcUrl")
        return None
    parts = urlsplit(rpc_url)
    try:
        port = parts.port  # None when the URL names none; a ValueError when it is not a number
        valid_port = port is None or port > 0
    except ValueError:
        valid_port = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not valid_port or parts.path not in ("", "/") or parts.query:
        raise bad_request(f"{rpc_url} is not a valid RPC URL; it must look like http://mesh-host:7777.", "rpcUrl")
    if parts.hostname.endswith(".invalid"):
        # API-MAP 3.24: registration only succeeds if the node is running and reachable from every Bitbucket node.
        raise bad_request(f"Unable to connect to the Mesh node at {rpc_url}: the host could not be resolved. Check that the node is running, "
                          "is reachable from every Bitbucket node and has the control plane's public key.", "rpcUrl")
    return rpc_url.rstrip("/")


def _validate_zone(ctx, body):
    zone = optional_string(body, "availabilityZone")
    if zone is None or not _with_zone(ctx):
        return None  # a server without availability zones ignores the field, as unknown JSON properties are ignored
    if not _ZONE.match(zone):
        raise bad_request("The availability zone may only contain letters, numbers, '.', '_' and '-' (64 characters at most).", "availabilityZone")
    return zone


def _check_unique(state, name=None, rpc_url=None, ignore=None):
    for other in state.mesh_nodes.values():
        if other is ignore:
            continue
        if name is not None and other.name == name:
            raise bad_request(f"A Mesh node named {name} is already registered.", "name")
        if rpc_url is not None and other.rpc_url == rpc_url:
            raise bad_request(f"A Mesh node with the RPC URL {rpc_url} is already registered ({other.name}).", "rpcUrl")


def list_nodes(ctx):
    # API-MAP 3.24 / section 7 row 7: documented as one RestMeshNode, "it is a list" (a JSON array).
    _require_mesh(ctx)
    return 200, [_node_rest(ctx, node) for node in ctx.state.sorted_mesh_nodes()]


def register_node(ctx):
    # spec registerNewMeshNode: 200 with the node; 400 on validation. API-MAP 3.24: id, state, offline,
    # lastSeenDate and rpcId are server-managed; the seed example sends them, and they are ignored.
    _require_mesh(ctx)
    state = ctx.state
    body = ctx.json_object()
    name = _validate_name(body)
    rpc_url = _validate_rpc_url(body)
    zone = _validate_zone(ctx, body)
    _check_unique(state, name=name, rpc_url=rpc_url)
    node_id = state.new_mesh_node_id()
    node = MeshNode(id=node_id, name=name, rpc_url=rpc_url, rpc_id=node_id, availability_zone=zone, last_seen=state.now_ms())
    state.mesh_nodes[node.id] = node
    return 200, _node_rest(ctx, node)


def get_node(ctx, node_id):
    # spec getRegisteredMeshNodeById: 200, or 404 for an unknown id.
    _require_mesh(ctx)
    return 200, _node_rest(ctx, _load_node(ctx, node_id))


def update_node(ctx, node_id):
    # spec updateMeshNode: fields not sent keep their value; 200 with the node.
    _require_mesh(ctx)
    state = ctx.state
    node = _load_node(ctx, node_id)
    if node.state == "DELETING":
        raise bad_request(f"The Mesh node {node.name} is being deleted and cannot be changed.")
    body = ctx.json_object()
    name = _validate_name(body, required=False)
    rpc_url = _validate_rpc_url(body, required=False)
    zone = _validate_zone(ctx, body)
    _check_unique(state, name=name, rpc_url=rpc_url, ignore=node)
    if name is not None:
        node.name = name
    if rpc_url is not None:
        node.rpc_url = rpc_url
    if zone is not None:
        node.availability_zone = zone
    return 200, _node_rest(ctx, node)


def delete_node(ctx, node_id):
    # spec delete_2: query force (default false), path id int64, "default response". API-MAP 3.24: deletion is
    # asynchronous (DELETING) and refused while the node hosts repositories unless force=true. The emulator
    # answers 202 Accepted with no body, as Bitbucket does for the other asynchronous delete (repositories).
    _require_mesh(ctx)
    state = ctx.state
    node = _load_node(ctx, node_id)
    force = ctx.query_bool("force", False)
    if node.state == "DELETING":
        return 202, None
    if node.repo_ids and not force:
        count = len(node.repo_ids)
        raise ApiError(409, f"The Mesh node {node.name} hosts {count} {'repository' if count == 1 else 'repositories'} and cannot be deleted; "
                            "delete it with force=true to remove it and its replicas.", INTEGRITY_EXCEPTION)
    node.deleting_since = state.now_ms()
    node.repo_ids.clear()
    return 202, None


def control_plane_public_key(ctx):
    # spec getControlPlanePublicKey: 200 text/plain. An Accept header that rules text/plain out is not
    # acceptable (406), as for any JAX-RS resource that produces one media type.
    _require_mesh(ctx)
    if ctx.request.headers.get("Accept") and ctx.request.accept_mimetypes.best_match(["text/plain"]) is None:
        raise ApiError(406, "The control plane PEM is only available as text/plain.")
    return 200, PlainText(control_plane_pem(ctx.state.seed))


def connectivity_report(ctx):
    # spec connectivity / RestMeshConnectivityReport; seed 003 example: one report per node, with a summary of
    # its connection to each Mesh node. An offline node is unreachable from everywhere, and reaches nothing.
    _require_mesh(ctx)
    state = ctx.state
    mesh_nodes = [node for node in state.sorted_mesh_nodes() if node.state != "DELETING"]
    reports = []
    sources = [({"name": node.name, "id": node.id, "type": "BITBUCKET"}, False) for node in state.cluster_nodes]
    sources += [({"name": node.name, "id": node.id, "type": "MESH"}, node.offline) for node in mesh_nodes]
    for source, source_offline in sources:
        summaries = []
        for target in mesh_nodes:
            if source["type"] == "MESH" and source["id"] == target.id:
                continue
            reachable = not (source_offline or target.offline)
            summary = {"reachable": reachable}
            if reachable:
                summary["roundTripTime"] = 1 + int(target.id) % 5  # deterministic milliseconds
            else:
                summary["errorMessage"] = "Unable to connect to the node."
            summaries.append({"node": {"name": target.name, "id": target.id, "type": "MESH"}, "summary": summary})
        reports.append({"node": source, "summaries": summaries})
    return 200, {"reports": reports}


ROUTES = [
    Route("GET", "/api/latest/admin/git/mesh/nodes", list_nodes),
    Route("POST", "/api/latest/admin/git/mesh/nodes", register_node),
    Route("GET", "/api/latest/admin/git/mesh/nodes/{nodeId}", get_node),
    Route("PUT", "/api/latest/admin/git/mesh/nodes/{nodeId}", update_node),
    Route("DELETE", "/api/latest/admin/git/mesh/nodes/{nodeId}", delete_node),
    Route("GET", "/api/latest/admin/git/mesh/config/control-plane.pem", control_plane_public_key),
    Route("GET", "/api/latest/admin/git/mesh/diagnostics/connectivity", connectivity_report),
]
