# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Branch restrictions (branch permissions) of a project or a repository, as the modules see them.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_branch_restriction and bitbucket_branch_restriction_info (API-MAP 3.4).

A restriction is shown as a task writes it: ``type``, one matcher key (``branch``, ``pattern``,
``model_category`` or ``model_branch``), ``exempt_users`` (user names), ``exempt_groups`` and
``exempt_access_keys`` (access key ids), plus its ``id``. Its identity is (matcher type, matcher id,
type); exemptions compare as sets, user and group names without regard to case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, from_server
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import inherited, scope_path

TYPES = ["read-only", "no-deletes", "fast-forward-only", "pull-request-only", "no-creates"]
# API-MAP 3.4 and section 7 row 4: seed 004 lists four types; the 9.4 document adds no-creates.
NO_CREATES = "no-creates"
NO_CREATES_SINCE = (9, 4)
# The bulk form of POST .../restrictions, the only one in the 9.4 document (API-MAP 1.3, 3.4).
BULK_MEDIA_TYPE = "application/vnd.atl.bitbucket.bulk+json"
UNSUPPORTED_MEDIA_TYPE = 415


def restrictions_path(params, *segments):
    return scope_path("branch-permissions", params, "restrictions", *segments)


def matcher_of(item):
    return from_option(item, "restrictions", allow_any=True)


def restriction_key(item):
    return matcher_of(item).key + (item["type"],)


def describe(item):
    return "the %s restriction on %s" % (item["type"], matcher_of(item).describe())


def normalize(raw):
    """A ``RestRefRestriction`` as the modules show it."""
    item = {"id": raw.get("id"), "type": raw.get("type")}
    item.update(from_server(raw.get("matcher")).to_option())
    users = []
    for user in raw.get("users") or []:
        # RestApplicationUser objects; older servers may list plain names (API-MAP 3.4).
        name = user.get("name") or user.get("slug") if isinstance(user, dict) else user
        if name:
            users.append(name)
    keys = []
    for access_key in raw.get("accessKeys") or []:
        key = access_key.get("key") if isinstance(access_key, dict) else None
        if isinstance(key, dict) and key.get("id") is not None:
            keys.append(int(key["id"]))
    item["exempt_users"] = sorted(users, key=lambda name: name.lower())
    item["exempt_groups"] = sorted((group for group in raw.get("groups") or [] if group), key=lambda name: name.lower())
    item["exempt_access_keys"] = sorted(keys)
    return item


def read_restrictions(client, params, learn=None):
    """``(own, inherited)``: the scope's restrictions, normalised, and those a repository inherits from its project.

    ``learn(users)`` is given the exempt users Bitbucket lists, so that their names need no further lookup.
    """
    own, wider = [], []
    for raw in client.get_paged(restrictions_path(params)):
        if learn is not None:
            learn([user for user in raw.get("users") or [] if isinstance(user, dict)])
        (wider if inherited(raw, params) else own).append(normalize(raw))
    return own, wider


def created_restriction(answer, body):
    """The restriction a POST created, from an answer that is one object (seed 004, the 9.4 document) or
    an array (what servers answer to the bulk form, API-MAP 3.4 VERIFY)."""
    if isinstance(answer, list):
        wanted = from_server(body["matcher"]).key
        answer = next((raw for raw in answer if raw.get("type") == body["type"] and from_server(raw.get("matcher")).key == wanted), None)
    return normalize(answer) if isinstance(answer, dict) and answer.get("id") is not None else None


def post_restriction(client, params, body):
    """Create one restriction with the single form; a server that only takes the bulk form gets a one-item array."""
    path = restrictions_path(params)
    try:
        answer = client.post(path, json=body).body
    except BitbucketError as exc:
        if exc.status != UNSUPPORTED_MEDIA_TYPE:
            raise
        answer = client.request("POST", path, json=[body], headers={"Content-Type": BULK_MEDIA_TYPE}).body
    return created_restriction(answer, body)
