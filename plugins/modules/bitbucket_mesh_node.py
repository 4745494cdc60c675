#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_mesh_node
short_description: Register, update and remove Bitbucket Mesh nodes
version_added: 1.0.0
description:
  - Makes a Bitbucket Mesh node, identified by its O(name), registered with the given RPC URL and availability zone, or removes it.
  - Only the fields you set are compared and changed; a second run with the same arguments changes nothing.
  - Bitbucket registers a node only when it is running, reachable from every Bitbucket node, and already holds the control plane's
    public key. M(bitbucket.datacenter.bitbucket_mesh_node_info) returns that key (RV(bitbucket.datacenter.bitbucket_mesh_node_info#module:control_plane_pem)),
    so a play can put it on the node first.
  - Bitbucket removes a node in the background. The module waits until the node is gone (O(wait)).
  - A node that still hosts repositories is removed only with O(force=true), which deletes its replicas of them.
options:
  name:
    description:
      - The node's name, its identity.
    type: str
    required: true
  rpc_url:
    description:
      - The URL Bitbucket reaches the node's RPC port at, for example C(http://mesh-1.example.com:7777). Required to register the node.
      - Compared without a trailing slash. No two nodes may share one.
    type: str
  availability_zone:
    description:
      - The availability zone of the node, which Bitbucket uses to spread a repository's replicas.
      - Needs Bitbucket 9.4 or later; on an older server the module fails before writing anything.
    type: str
  state:
    description:
      - V(present) registers or updates the node; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Remove the node even while it hosts repositories. Its replicas of them are deleted; a repository whose only replicas are on it is lost.
      - Without it, Bitbucket refuses to remove a node that hosts repositories, and the module explains the refusal.
    type: bool
    default: false
  wait:
    description:
      - With O(state=absent), wait until Bitbucket has removed the node.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the removal at most. When the node is still there then, the task fails; Bitbucket goes on removing it.
    type: int
    default: 300
  poll_interval:
    description:
      - Seconds between two reads of the node while waiting.
    type: float
    default: 2
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  check_mode:
    support: full
    details:
      - In check mode a removal is predicted; whether Bitbucket would refuse it because the node hosts repositories is only known by trying.
notes:
  - Needs the SYS_ADMIN global permission.
  - Bitbucket documents no way to ask which repositories a node hosts, so the module cannot check that before removing one. It sends the
    removal without C(force) (which Bitbucket refuses, removing nothing, when the node hosts repositories) unless O(force=true).
seealso:
  - module: bitbucket.datacenter.bitbucket_mesh_node_info
  - module: bitbucket.datacenter.bitbucket_migration
  - name: Bitbucket Data Center REST API, Mesh
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/#api-api-latest-admin-git-mesh-nodes-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Register the Mesh nodes, once they hold the control plane's key
  bitbucket.datacenter.bitbucket_mesh_node:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    name: "{{ item.name }}"
    rpc_url: "{{ item.rpc_url }}"
    availability_zone: "{{ item.zone }}"
  loop:
    - {name: mesh-1, rpc_url: "http://mesh-1.example.com:7777", zone: eu-west-1a}
    - {name: mesh-2, rpc_url: "http://mesh-2.example.com:7777", zone: eu-west-1b}
    - {name: mesh-3, rpc_url: "http://mesh-3.example.com:7777", zone: eu-west-1c}

- name: Retire a node that no longer hosts anything
  bitbucket.datacenter.bitbucket_mesh_node:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    name: mesh-old
    state: absent
"""

RETURN = r"""
node:
  description:
    - The node as Bitbucket describes it after the run; in check mode, the predicted node. Empty once it is removed.
    - C(lastSeenDate) is epoch milliseconds.
  returned: always
  type: dict
  sample:
    id: "1"
    name: mesh-1
    rpcUrl: http://mesh-1.example.com:7777
    availabilityZone: eu-west-1a
    state: AVAILABLE
    offline: false
    rpcId: "1"
    lastSeenDate: 1767225600000
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._mesh import (
    check_rpc_url,
    find_node,
    list_nodes,
    mesh_path,
    node_fields,
    node_path,
    normalise_rpc_url,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils import _polling as polling
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import Resource, ensure, guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import require

# API-MAP 3.24 / section 7 row 6: availabilityZone is in the 9.4 document and not in the seed.
AVAILABILITY_ZONE_VERSION = (9, 4)

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        rpc_url=dict(type="str"),
        availability_zone=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
        **polling.wait_argument_spec(wait_timeout=300, poll_interval=2.0)
    ),
)


def validate(params):
    """Refuse bad input before any request; returns the RPC URL as it is compared (no trailing slash)."""
    if not params["name"].strip():
        raise invalid_option("name", "must not be empty")
    if params["availability_zone"] is not None and not params["availability_zone"].strip():
        raise invalid_option("availability_zone", "must not be empty")
    polling.check_wait_options(params)
    return check_rpc_url(params["rpc_url"]) if params["rpc_url"] is not None else None


def explain_registration(exc):
    """Bitbucket's 400 for a node it cannot use, with what registration needs (API-MAP 3.24 quirks)."""
    if exc.status == 400:
        exc.message += (
            " - Bitbucket registers a Mesh node only when the node is running, is reachable from every Bitbucket node,"
            " and already holds the control plane's public key (control_plane_pem of bitbucket_mesh_node_info)"
        )
    return exc


def explain_refused_removal(exc, node):
    """A refused removal without force: the node still hosts repositories (API-MAP 3.24)."""
    if exc.status in (400, 409, 412):
        exc.message += (
            " - Mesh node %s still hosts repositories. Move them first (a Mesh migration), or set force: true to remove the node"
            " anyway: its replicas are deleted, and a repository whose only replicas are on it is lost." % node["name"]
        )
    return exc


def run(context):
    params = context.params
    rpc_url = validate(params)
    zone = params["availability_zone"]
    client = context.client
    nodes = list_nodes(client)
    current = find_node(nodes, params["name"])

    if current is not None and current.get("state") == "DELETING":
        # Another run has asked Bitbucket to remove it already: there is nothing to ask, only to wait for.
        if params["state"] == "present":
            raise ModuleFailure(
                "Mesh node %s is being removed (state DELETING); run the task again once it is gone to register it anew" % params["name"],
                node=current,
            )
        if params["wait"] and not context.check_mode:
            wait_until_gone(context, current)
            return context.result(False, node_fields(current), None, node={})
        return context.result(False, node_fields(current), node_fields(current), node=current)

    if params["state"] == "present":
        if zone is not None and (current is None or current.get("availabilityZone") != zone):
            # A zone about to be written needs a server that has them; one the node already reports does not.
            require(client, AVAILABILITY_ZONE_VERSION, "availability_zone (the Mesh node availability zone)")
        if rpc_url is not None:
            clash = [node for node in nodes if node.get("name") != params["name"] and normalise_rpc_url(node.get("rpcUrl")) == rpc_url]
            if clash:
                raise invalid_option("rpc_url", "%s is the RPC URL of Mesh node %s already; two nodes cannot share one" % (rpc_url, clash[0]["name"]))

    reads = []

    def read():
        # The first read is the listing above; a read after a lost answer lists the nodes again.
        reads.append(True)
        return current if len(reads) == 1 else find_node(list_nodes(client), params["name"])

    def create(fields):
        # Only the managed fields: the server manages id, state, offline, lastSeenDate and rpcId (API-MAP 3.24).
        body = {key: value for key, value in fields.items() if value is not None}
        try:
            # POST answers 200 with the node (API-MAP 3.24); the id, state and dates are the server's.
            return client.post(mesh_path("nodes"), json=body).body
        except BitbucketError as exc:
            explain_registration(exc)
            raise

    def update(node, changes):
        # The managed fields are sent whole: a PUT that replaced the node would otherwise lose the ones not sent.
        fields = dict(node_fields(node), **changes)
        body = {key: value for key, value in fields.items() if value is not None}
        try:
            return client.put(node_path(node), json=body).body
        except BitbucketError as exc:
            explain_registration(exc)
            raise

    def delete(node):
        remove(context, node)

    if current is None and params["state"] == "present" and rpc_url is None:
        raise invalid_option("rpc_url", "required to register Mesh node %s, which is not registered yet" % params["name"])
    resource = Resource(read=read, create=create, update=update, delete=delete, project=node_fields)
    # Keyed as Bitbucket names the fields, so that the check-mode prediction is shaped like a node.
    desired = dict(name=params["name"], rpcUrl=rpc_url, availabilityZone=zone)
    changed, before, after, node = ensure(context, resource, params["state"], desired, label="Mesh node %s" % params["name"])
    return context.result(changed, before, after, node=node or {})


def remove(context, node):
    """DELETE the node, ``force`` only when asked, then wait until it is gone (API-MAP 3.24: asynchronous)."""
    client = context.client
    force = context.params["force"]

    def still_there():
        return client.get(node_path(node), missing_ok=True)

    try:
        # An answer lost after the removal landed is found by reading the node again: DELETING, or gone.
        guarded_write(
            lambda: client.delete(node_path(node), params=dict(force="true" if force else "false")),
            lambda: still_there() or {"state": "GONE"},
            landed=lambda found: found.get("state") in ("DELETING", "GONE"),
        )
    except BitbucketError as exc:
        if exc.status == 404:
            return  # removed by someone else in the meantime
        if not force:
            explain_refused_removal(exc, node)
        raise
    if context.params["wait"]:
        wait_until_gone(context, node)


def wait_until_gone(context, node):
    # API-MAP 3.24: the node answers DELETING for a while, then 404.
    polling.wait_until_gone(context.client, node_path(node), context.params, "Mesh node %s" % node["name"], result_key="node")


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
