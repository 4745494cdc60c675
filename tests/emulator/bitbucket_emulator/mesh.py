"""Bitbucket Mesh nodes (API-MAP 3.24; seed 003 "Mesh"; spec RestMeshNode, delete_2).

* A node is registered by name and RPC URL. Bitbucket registers a node only when it can reach it
  (API-MAP 3.24 quirks); the emulator cannot reach anything, so it treats every host as reachable except
  those under ``.invalid``, which RFC 6761 reserves as never resolving.
* Deletion is asynchronous (API-MAP 3.24: "Deletion is asynchronous (DELETING)"): the node answers
  DELETING for ``DELETE_MS`` of emulator time, then disappears. It is refused while the node hosts
  repositories unless ``force=true``; with force the node's replicas go with it.
* Repositories come to be hosted on nodes through a Mesh migration (jobs.py), or through the
  ``/_emulator/mesh`` control; the control also takes a node offline.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

# How long a deleted node stays DELETING: five seconds of emulator time (five requests while tests make time tick).
DELETE_MS = 5000
# The replicas Bitbucket keeps of a repository on Mesh (its default replication factor).
REPLICATION_FACTOR = 3
# The version that introduced Mesh: older servers have none of its endpoints.
MESH_VERSION = (8, 0)
# availabilityZone is in the 9.4 document's RestMeshNode and absent from the seed (API-MAP section 7 row 6).
AVAILABILITY_ZONE_VERSION = (9, 4)

# DER prefix of a SubjectPublicKeyInfo for an uncompressed P-256 point; 65 bytes of point follow.
_P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


@dataclass
class MeshNode:
    id: str
    name: str
    rpc_url: str
    rpc_id: str
    availability_zone: str | None = None
    offline: bool = False
    last_seen: int = 0
    deleting_since: int | None = None
    repo_ids: set = field(default_factory=set)

    @property
    def state(self):
        # spec RestMeshNode.state: AVAILABLE, DELETING, DISABLED, DRAINING, OFFLINE.
        if self.deleting_since is not None:
            return "DELETING"
        return "OFFLINE" if self.offline else "AVAILABLE"

    def to_rest(self, now, with_zone=True):
        """RestMeshNode in the seed 003 example's key order; an online node was last seen now (it heartbeats)."""
        body = {
            "name": self.name,
            "id": self.id,
            "state": self.state,
            "lastSeenDate": self.last_seen if self.offline else now,
            "offline": self.offline,
            "rpcId": self.rpc_id,
            "rpcUrl": self.rpc_url,
        }
        if with_zone and self.availability_zone is not None:
            body["availabilityZone"] = self.availability_zone
        return body


def control_plane_pem(seed):
    """The control plane's public key as PEM (spec getControlPlanePublicKey: text/plain), the same for a seed."""
    point = b"\x04" + hashlib.sha256(f"control-plane-x-{seed}".encode()).digest() + hashlib.sha256(f"control-plane-y-{seed}".encode()).digest()
    encoded = base64.b64encode(_P256_SPKI_PREFIX + point).decode("ascii")
    lines = [encoded[index:index + 64] for index in range(0, len(encoded), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"
