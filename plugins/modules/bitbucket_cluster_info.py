#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_cluster_info
short_description: Read the nodes of a Bitbucket Data Center cluster
version_added: 1.0.0
description:
  - Returns the nodes that make up the Bitbucket Data Center cluster, and which of them answered the request.
  - Behind a load balancer, RV(local_node) is the node that served this task; another task may reach another node.
options: {}
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN global permission.
seealso:
  - module: bitbucket.datacenter.bitbucket_info
  - module: bitbucket.datacenter.bitbucket_mesh_node_info
  - name: Bitbucket Data Center REST API, system maintenance
    description: The cluster resource.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/#api-api-latest-admin-cluster-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the cluster
  bitbucket.datacenter.bitbucket_cluster_info:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
  register: cluster

- name: Every node runs the same build
  ansible.builtin.assert:
    that: cluster.nodes | map(attribute='buildVersion') | unique | length == 1
"""

RETURN = r"""
running:
  description: Whether the cluster is running.
  returned: always
  type: bool
  sample: true
nodes:
  description: The cluster's nodes, as Bitbucket describes them.
  returned: always
  type: list
  elements: dict
  sample:
    - id: d4fde8b1-2504-4998-a0ba-14fbe98edd4d
      name: bitbucket-node-1
      address:
        address: node1.example.com
        port: 5701
      local: true
      buildVersion: 9.4.0
local_node:
  description: The node that answered this request.
  returned: always
  type: dict
  sample:
    id: d4fde8b1-2504-4998-a0ba-14fbe98edd4d
    name: bitbucket-node-1
    address:
      address: node1.example.com
      port: 5701
    local: true
    buildVersion: 9.4.0
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(argument_spec=dict())


def run(context):
    # API-MAP section 4: {running, localNode, nodes[]{id, name, address{address, port}, local, buildVersion}}.
    cluster = context.client.get(rest_path("api", "admin", "cluster")) or {}
    return dict(changed=False, running=bool(cluster.get("running")), nodes=cluster.get("nodes") or [], local_node=cluster.get("localNode") or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
