"""The Data Center cluster the emulator pretends to be (seed 003 / spec getInformation, RestClusterNode).

One node by default: the emulator itself, ``local`` to every answer. ``POST /_emulator/cluster`` adds
more nodes (they are only listed; every request is still answered by the local node), so that
``GET /rest/api/latest/admin/cluster`` can show a cluster of several nodes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

# Hazelcast's default port: the address a cluster node advertises to the others (seed 003 example 8230).
DEFAULT_CLUSTER_PORT = 5701


@dataclass
class ClusterNode:
    id: str
    name: str
    address: str
    port: int
    local: bool = False

    def to_rest(self, build_version):
        """RestClusterNode (spec), in the key order of the seed 003 example."""
        return {
            "address": {"address": self.address, "port": self.port},
            "name": self.name,
            "id": self.id,
            "local": self.local,
            "buildVersion": build_version,
        }


def node_id(rng):
    """A node id shaped like the seed's ``d4fde8b1-2504-4998-a0ba-14fbe98edd4d``, reproducible for a seed."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seeded_cluster(seed):
    """The cluster after a reset: the local node only, with an id that depends on the seed alone."""
    rng = random.Random(f"cluster-{seed}")
    return rng, [ClusterNode(id=node_id(rng), name="bitbucket-node-1", address="127.0.0.1", port=DEFAULT_CLUSTER_PORT, local=True)]
