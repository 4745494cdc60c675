# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Users named in a task (exemptions, default reviewers) found in Bitbucket's user directory.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Tasks name users by user name, as the permission modules do. Some requests need the slug
(``userSlugs`` of a branch restriction, API-MAP 3.4) or the id (default reviewers, spec
RestDefaultReviewersRequest). :class:`UserDirectory` answers from the users the module has already
seen in Bitbucket's answers, and otherwise asks ``GET /api/latest/users?filter=<name>`` once per
name; ``filter`` is a substring match, so the answer is matched exactly (API-MAP 1.5).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option


def user_matches(user, name):
    """Whether a RestApplicationUser is the user a task calls ``name`` (its user name, or its slug)."""
    wanted = name.lower()
    return (user.get("name") or "").lower() == wanted or (user.get("slug") or "").lower() == wanted


class UserDirectory:
    def __init__(self, client):
        self.client = client
        self.known = []

    def learn(self, users):
        """Remember users from an answer (the reviewers or exempt users Bitbucket listed)."""
        for user in users or []:
            if isinstance(user, dict) and user.get("name"):
                self.known.append(user)

    def canonical(self, name):
        """The user name as Bitbucket spells it, lower-cased, when the user is known; else ``name`` lower-cased."""
        user = self._known(name)
        return (user["name"] if user else name).lower()

    def find(self, name, option):
        """The RestApplicationUser called ``name``; fails naming ``option`` when there is none."""
        user = self._known(name)
        if user is None:
            found = self.client.get_paged(rest_path("api", "users"), params=[("filter", name)])
            user = next((candidate for candidate in found if user_matches(candidate, name)), None)
            if user is None:
                raise invalid_option(option, "there is no user %r in Bitbucket" % name)
            self.known.append(user)
        return user

    def _known(self, name):
        return next((user for user in self.known if user_matches(user, name)), None)
