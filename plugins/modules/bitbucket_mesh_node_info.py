#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_mesh_node_info
short_description: Read Bitbucket Mesh nodes, the control plane's public key and the connectivity report
version_added: 1.0.0
description:
  - Returns the registered Bitbucket Mesh nodes (all of them, one by O(name) or one by O(id)).
  - Returns the control plane's public key as PEM. A Mesh node must hold it before it can be registered
    (M(bitbucket.datacenter.bitbucket_mesh_node)), so a play reads it here and puts it on the node first.
  - Returns the connectivity report, which Bitbucket generates on request from every Bitbucket node and every Mesh node to every Mesh
    node.
  - O(gather) chooses which of the three are read.
options:
  name:
    description:
      - Return only the node of this name. When there is none, RV(nodes) is empty and the task does not fail.
      - Mutually exclusive with O(id).
    type: str
  id:
    description:
      - Return only the node of this id. When there is none, RV(nodes) is empty and the task does not fail.
    type: str
  gather:
    description:
      - What to read. V(nodes) the registered nodes, V(control_plane_pem) the control plane's public key, V(connectivity) the
        connectivity report.
    type: list
    elements: str
    choices: [nodes, control_plane_pem, connectivity]
    default: [nodes, control_plane_pem, connectivity]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN global permission.
seealso:
  - module: bitbucket.datacenter.bitbucket_mesh_node
  - module: bitbucket.datacenter.bitbucket_cluster_info
  - name: Bitbucket Data Center REST API, Mesh
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/#api-api-latest-admin-git-mesh-nodes-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the control plane's public key
  bitbucket.datacenter.bitbucket_mesh_node_info:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    gather: [control_plane_pem]
  register: mesh
  delegate_to: localhost

- name: Put it on every Mesh node before it is registered
  ansible.builtin.copy:
    content: "{{ mesh.control_plane_pem }}"
    dest: /var/atlassian/application-data/mesh/config/control-plane.pem
    mode: "0644"

- name: Every Mesh node is reachable from everywhere
  bitbucket.datacenter.bitbucket_mesh_node_info:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    gather: [connectivity]
  register: report
  delegate_to: localhost
  failed_when: report.connectivity.reports | map(attribute='summaries') | flatten | rejectattr('summary.reachable') | list | length > 0
"""

RETURN = r"""
nodes:
  description: The nodes found, as Bitbucket describes them (C(lastSeenDate) is epoch milliseconds).
  returned: when O(gather) includes V(nodes)
  type: list
  elements: dict
  sample:
    - id: "1"
      name: mesh-1
      rpcUrl: http://mesh-1.example.com:7777
      availabilityZone: eu-west-1a
      state: AVAILABLE
      offline: false
      rpcId: "1"
      lastSeenDate: 1767225600000
control_plane_pem:
  description: The control plane's public key, PEM-encoded.
  returned: when O(gather) includes V(control_plane_pem)
  type: str
  sample: "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...\n-----END PUBLIC KEY-----\n"
connectivity:
  description:
    - The connectivity report. One entry of C(reports) per node (C(type) V(BITBUCKET) or V(MESH)), with a summary of its connection to
      each Mesh node (C(reachable), C(roundTripTime) in milliseconds, C(errorMessage)).
  returned: when O(gather) includes V(connectivity)
  type: dict
  sample:
    reports:
      - node: {id: d4fde8b1-2504-4998-a0ba-14fbe98edd4d, name: bitbucket-node-1, type: BITBUCKET}
        summaries:
          - node: {id: "1", name: mesh-1, type: MESH}
            summary: {reachable: true, roundTripTime: 2}
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._mesh import find_node, list_nodes, mesh_path, node_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import explain_missing_endpoint

GATHER = ["nodes", "control_plane_pem", "connectivity"]

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        id=dict(type="str"),
        gather=dict(type="list", elements="str", choices=GATHER, default=list(GATHER)),
    ),
    mutually_exclusive=[("name", "id")],
)


def run(context):
    params = context.params
    client = context.client
    if not params["gather"]:
        raise invalid_option("gather", "name at least one of %s" % ", ".join(GATHER))
    result = dict(changed=False)
    if "nodes" in params["gather"]:
        if params["id"] is not None:
            node = client.get(node_path(dict(id=params["id"])), missing_ok=True)
            result["nodes"] = [node] if node is not None else []
        else:
            nodes = list_nodes(client)
            if params["name"] is not None:
                node = find_node(nodes, params["name"])
                nodes = [node] if node is not None else []
            result["nodes"] = nodes
    try:
        if "control_plane_pem" in params["gather"]:
            # text/plain (spec getControlPlanePublicKey): asked for with Accept: text/plain.
            result["control_plane_pem"] = client.get_text(mesh_path("config", "control-plane.pem"))
        if "connectivity" in params["gather"]:
            result["connectivity"] = client.get(mesh_path("diagnostics", "connectivity")) or {}
    except BitbucketError as exc:
        explain_missing_endpoint(exc, client, "Bitbucket Mesh (8.0 and later)")
        raise
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
