# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rate limiting: the settings, the per-user overrides and the reject history (API-MAP 3.16).

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_rate_limit and bitbucket_rate_limit_info.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path

SETTINGS_PATH = rest_path("api", "admin", "rate-limit", "settings")
USERS_PATH = rest_path("api", "admin", "rate-limit", "settings", "users")
HISTORY_PATH = rest_path("api", "admin", "rate-limit", "history")
HISTORY_ORDERS = ["NEWEST", "FREQUENCY"]


def user_path(slug):
    """``.../settings/users/{userSlug}``: the single-user resource takes the slug, the bulk one names (API-MAP 3.16)."""
    return rest_path("api", "admin", "rate-limit", "settings", "users", slug)


def settings_fields(settings):
    """The global settings as compared and diffed: ``enabled``, ``capacity``, ``fill_rate``."""
    default = (settings or {}).get("defaultSettings") or {}
    return dict(enabled=bool((settings or {}).get("enabled")), capacity=default.get("capacity"), fill_rate=default.get("fillRate"))


def override_fields(entry):
    """A per-user override as compared and returned: the user's name and slug, whitelisted or its own bucket.

    A whitelisted user's bucket is not compared nor returned: an override is one or the other (seed 003).
    """
    user = entry.get("user") or {}
    fields = dict(name=user.get("name"), slug=user.get("slug") or user.get("name"), whitelisted=bool(entry.get("whitelisted")))
    if not fields["whitelisted"]:
        settings = entry.get("settings") or {}
        fields.update(capacity=settings.get("capacity"), fill_rate=settings.get("fillRate"))
    return fields


def read_overrides(client, user_filter=None):
    """Every per-user override, every page; ``user_filter`` is Bitbucket's substring filter."""
    params = {"filter": user_filter} if user_filter else None
    return client.get_paged(USERS_PATH, params=params)
