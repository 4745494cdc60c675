# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP access tokens: the owner scopes and the public view of a token.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_access_token and bitbucket_access_token_info (API-MAP 3.5).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path

PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN", "REPO_READ", "REPO_WRITE", "REPO_ADMIN"]

# The owner options: exactly one of user, project, or project and repository.
OWNER_ARGUMENT_SPEC = dict(
    user=dict(type="str"),
    project=dict(type="str", aliases=["project_key"]),
    repository=dict(type="str", aliases=["repository_slug"]),
)
OWNER_RULES = dict(
    mutually_exclusive=[("user", "project")],
    required_one_of=[("user", "project")],
    required_by=dict(repository="project"),
)

# Fields of a token that are never returned: the raw secret, which only the create answer holds.
SECRET_FIELDS = ("token",)


def owner_path(params, *segments):
    """``/rest/access-tokens/latest/{users/{slug}|projects/{key}[/repos/{slug}]}[/segments]``."""
    if params.get("user"):
        return rest_path("access-tokens", "users", params["user"], *segments)
    if params.get("repository"):
        return rest_path("access-tokens", "projects", params["project"], "repos", params["repository"], *segments)
    return rest_path("access-tokens", "projects", params["project"], *segments)


def owner_label(params):
    if params.get("user"):
        return "user %s" % params["user"]
    if params.get("repository"):
        return "repository %s/%s" % (params["project"], params["repository"])
    return "project %s" % params["project"]


def public_view(token):
    """A token as the collection returns it: every field Bitbucket gives but the secret.

    ``id`` is a digit string on some servers and a number on others (API-MAP 1.8): always a string here.
    """
    if token is None:
        return None
    view = {key: value for key, value in token.items() if key not in SECRET_FIELDS}
    if "id" in view:
        view["id"] = str(view["id"])
    return view


def list_tokens(client, params):
    """Every token of the owner; a missing owner fails with Bitbucket's answer and the owner named."""
    try:
        return client.get_paged(owner_path(params))
    except BitbucketError as exc:
        if exc.status == 404:
            exc.message += " (%s does not exist, or the credentials cannot see it)" % owner_label(params)
        raise
