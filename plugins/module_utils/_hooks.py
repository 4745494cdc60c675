# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Repository hooks and merge checks: their paths, reading one, and comparing settings documents.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_hook and bitbucket_hook_info (API-MAP 3.19).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError

HOOK_TYPES = ["PRE_RECEIVE", "PRE_PULL_REQUEST_MERGE", "POST_RECEIVE"]


def hook_path(scope, key, *segments):
    """``{base}/settings/hooks[/{hookKey}[/segments]]``; the key (``plugin:module``) is encoded as one segment (API-MAP 1.1)."""
    if key is None:
        return scope.api_path("settings", "hooks")
    return scope.api_path("settings", "hooks", key, *segments)


def explain_missing(exc, scope, key):
    """A 404 for a hook, with the reasons Bitbucket gives none of (API-MAP 3.19: "404 hook unknown/unsupported at this scope")."""
    if exc.status == 404:
        exc.message += (
            " - Bitbucket has no hook %s for %s: no installed app provides a hook of that key (the full key is 'plugin key:module key'), "
            "the hook cannot be configured for a %s (its supportedScopes, which bitbucket_hook_info lists, say where it can), "
            "or %s does not exist" % (key, scope.label, scope.kind, scope.label)
        )
    return exc


def read_hook(client, scope, key):
    """RestRepositoryHook of ``key`` at ``scope``: enabled, configured, scope it comes from, details."""
    try:
        return client.get(hook_path(scope, key))
    except BitbucketError as exc:
        raise explain_missing(exc, scope, key) from None


def read_settings(client, scope, key):
    """The settings document in force; ``{}`` when there is none.

    API-MAP 3.19 VERIFY: a hook that was never configured may answer an empty body (or 204) rather than ``{}``.
    """
    try:
        answer = client.get(hook_path(scope, key, "settings"))
    except BitbucketError as exc:
        raise explain_missing(exc, scope, key) from None
    return answer if isinstance(answer, dict) else {}


def canonical(value):
    """A settings value with light type coercion, for comparing only (API-MAP 3.19: "Some plugins store numbers as strings").

    Numbers and number-like texts compare as one number text (``10``, ``"10"`` and ``10.0`` agree), booleans and
    ``"true"``/``"false"`` as one text, and a key set to null is the same as a missing key.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered
        try:
            return _number_text(float(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return value


def _number_text(number):
    if math.isnan(number) or math.isinf(number):  # they stay as they are written
        return repr(number)
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number))


def same_settings(have, want):
    """Whether two settings documents agree, after :func:`canonical`."""
    return canonical(have or {}) == canonical(want or {})
