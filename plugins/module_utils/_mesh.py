# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bitbucket Mesh nodes: listing, identity and the fields the collection compares.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_mesh_node and bitbucket_mesh_node_info (API-MAP 3.24).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules, kept for import sanity
    from urlparse import urlsplit  # type: ignore

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import explain_missing_endpoint

NODES = ("admin", "git", "mesh", "nodes")


def mesh_path(*segments):
    return rest_path("api", "admin", "git", "mesh", *segments)


def node_path(node):
    # API-MAP section 7 row 21: the id is a string in GET/PUT paths and int64 in DELETE; passed through as it is.
    return rest_path("api", *(NODES + (str(node["id"]),)))


def list_nodes(client):
    """Every registered node. API-MAP section 7 row 7: documented as one node, it is a list (an array, or a page)."""
    try:
        return client.get_paged(rest_path("api", *NODES))
    except BitbucketError as exc:
        explain_missing_endpoint(exc, client, "Bitbucket Mesh (8.0 and later)")
        raise


def find_node(nodes, name):
    """The node named ``name`` (exactly), or None."""
    matches = [node for node in nodes if node.get("name") == name]
    if len(matches) > 1:
        raise ModuleFailure(
            "%d Mesh nodes are named %r (ids %s); rename all but one so the name identifies a node"
            % (len(matches), name, ", ".join(str(node.get("id")) for node in matches))
        )
    return matches[0] if matches else None


def normalise_rpc_url(url):
    return (url or "").rstrip("/") or None


def node_fields(node):
    """The fields the collection manages, as it compares them (API-MAP 3.24 "Compare": rpcUrl, availabilityZone, name)."""
    if node is None:
        return None
    return dict(name=node.get("name"), rpcUrl=normalise_rpc_url(node.get("rpcUrl")), availabilityZone=node.get("availabilityZone"))


def check_rpc_url(url, option="rpc_url"):
    """``url`` without a trailing slash, or the failure that names ``option`` when it cannot be a node's RPC URL."""
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise invalid_option(option, "%r holds a blank or a control character" % url)
    parts = urlsplit(url)
    try:
        _port = parts.port
    except ValueError:
        raise invalid_option(option, "%r has a port that is not a number" % url) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid_option(option, "%r is not an http:// or https:// URL, for example http://mesh-1.example.com:7777" % url)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise invalid_option(option, "%r must be the node's base URL, with no path, query or fragment" % url)
    return normalise_rpc_url(url)
