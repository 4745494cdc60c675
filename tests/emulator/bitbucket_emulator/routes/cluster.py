"""The cluster (seed 003 "cluster"; spec getInformation; API-MAP section 4 bitbucket_cluster_info)."""

from __future__ import annotations

from ..permissions import require_global
from ..web import Route


def cluster_information(ctx):
    # seed 003: "The authenticated user must have the SYS_ADMIN permission to call this resource."
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    version = ctx.app.version_string
    nodes = ctx.state.cluster_nodes
    return 200, {
        # spec RestClusterInformation.running; seed example true. The emulator's cluster always runs.
        "running": True,
        "nodes": [node.to_rest(version) for node in nodes],
        "localNode": ctx.state.local_cluster_node().to_rest(version),
    }


ROUTES = [
    Route("GET", "/api/latest/admin/cluster", cluster_information),
]
