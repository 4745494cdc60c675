# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSH access keys of a project or a repository: the scope, its listing, and what a failed create means.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_access_key and bitbucket_access_key_info (API-MAP 3.8).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import explain_conflict, identity_of, public_view

PROJECT_PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE"]
REPO_PERMISSIONS = ["REPO_READ", "REPO_WRITE"]

SCOPE_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True, aliases=["project_key"]),
    repository=dict(type="str", aliases=["repository_slug"]),
)

SETTINGS = rest_path("ssh", "settings")


class Scope:
    """``/keys/latest/projects/{projectKey}[/repos/{repositorySlug}]`` and what it accepts."""

    def __init__(self, client, project, repository=None):
        self.client = client
        self.project = project
        self.repository = repository

    def path(self, *segments):
        if self.repository:
            return rest_path("keys", "projects", self.project, "repos", self.repository, "ssh", *segments)
        return rest_path("keys", "projects", self.project, "ssh", *segments)

    @property
    def label(self):
        return "repository %s/%s" % (self.project, self.repository) if self.repository else "project %s" % self.project

    @property
    def permissions(self):
        # API-MAP 3.8: project keys PROJECT_READ|PROJECT_WRITE, repository keys REPO_READ|REPO_WRITE.
        return REPO_PERMISSIONS if self.repository else PROJECT_PERMISSIONS

    def check_permission(self, option, permission, where):
        if permission is not None and permission not in self.permissions:
            raise invalid_option(option, "%s: %s is not an access-key permission of a %s; use %s" % (
                where, permission, "repository" if self.repository else "project", " or ".join(self.permissions)))

    def list(self, effective=False):
        """The scope's access keys. At repository scope ``effective=false`` is sent: without it a server may
        count the project's keys as the repository's (API-MAP 3.8 "Pagination")."""
        params = {"effective": "true" if effective else "false"} if self.repository else None
        try:
            return self.client.get_paged(self.path(), params=params)
        except BitbucketError as exc:
            if exc.status == 404:
                exc.message += " (%s does not exist, or the credentials cannot see it)" % self.label
            raise

    def get(self, key_id):
        """One access key of the scope, or None (404 also when the key exists but has no access here)."""
        return self.client.get(self.path(str(key_id)), missing_ok=True)


def entry_identity(entry):
    """The fingerprint of a ``RestSshAccessKey``."""
    return identity_of(entry.get("key")) if isinstance(entry, dict) else None


def entry_view(entry):
    """An access key as the collection returns it: Bitbucket's fields, the key with both fingerprint forms."""
    view = dict(entry)
    if isinstance(view.get("key"), dict):
        view["key"] = public_view(view["key"])
    return view


def explain_failed_create(exc, client, key):
    """A refused access-key create, explained: keys disabled on the instance, or the key already used elsewhere.

    API-MAP 3.8 (VERIFY): with ``accessKeysEnabled`` false in ``GET /ssh/latest/settings`` a create is
    expected to fail, with a status the documents do not give; a key that is a user key is refused with
    400 or 409. So any refusal is checked against the settings, and a 400 or 409 against where the key is used.
    """
    if exc.status is None or not 400 <= exc.status < 500:
        return exc
    try:
        settings = client.get(SETTINGS)
    except BitbucketError:
        settings = None
    if isinstance(settings, dict) and settings.get("accessKeysEnabled") is False:
        exc.message += " - SSH access keys are disabled on this Bitbucket instance (accessKeysEnabled is false in GET %s)" % SETTINGS
        return exc
    if exc.status == 409:
        return explain_conflict(exc, client, key)
    if exc.status == 400:
        return explain_conflict(exc, client, key, only_if_found=True)
    return exc


def restrictions_path(scope):
    """Where the branch restrictions of the scope are listed (API-MAP 3.4)."""
    if scope.repository:
        return rest_path("branch-permissions", "projects", scope.project, "repos", scope.repository, "restrictions")
    return rest_path("branch-permissions", "projects", scope.project, "restrictions")


def exempting_restrictions(scope, key_ids):
    """``{key id: [restriction, ...]}`` of the scope's branch restrictions that exempt one of ``key_ids``.

    API-MAP 3.4/3.8: restrictions name exempt access keys by ``key.id``; revoking such a key silently takes
    it out of the restriction. None when the restrictions cannot be read (so nothing can be promised).
    """
    try:
        restrictions = scope.client.get_paged(restrictions_path(scope), missing_ok=True)
    except BitbucketError as exc:
        if exc.status in (401, 403):
            return None
        raise
    found = {}
    for restriction in restrictions or []:
        named = {str(key_id) for key_id in restriction.get("accessKeyIds") or []}
        named.update(str((entry.get("key") or {}).get("id")) for entry in restriction.get("accessKeys") or [] if isinstance(entry, dict))
        for key_id in key_ids:
            if str(key_id) in named:
                found.setdefault(str(key_id), []).append(restriction)
    return found


def describe_restriction(restriction):
    matcher = restriction.get("matcher") or {}
    return "%s on %s (restriction %s)" % (restriction.get("type"), matcher.get("displayId") or matcher.get("id"), restriction.get("id"))
