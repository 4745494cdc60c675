# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The administrator's maximum expiry for HTTP access tokens: ``/rest/access-tokens/latest/admin``.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_access_token_policy and bitbucket_access_token (API-MAP 3.5, 3.6).

Seed 002 documents GET, PUT ``{"maxExpiryDays": N}`` and DELETE, each with a "default response" of any
shape; the 9.4 OpenAPI document does not have the endpoint. Seed 002 does not say which version added
it: the reading here is the first release after 9.4 (``POLICY_SINCE``). The version is only asked when the
endpoint is missing, so a server that has it is used whatever version it reports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import needs_newer, supports

POLICY = rest_path("access-tokens", "admin")
POLICY_SINCE = (9, 5)
FEATURE = "The access-token expiry policy (%s)" % POLICY


def max_expiry_of(body):
    """The maximum from a GET answer, or None when none is set.

    API-MAP 3.6 (VERIFY): the shape is undocumented. ``{"maxExpiryDays": N}`` is expected; an empty
    answer (204), ``{}``, a null value or a bare number are read too.
    """
    if isinstance(body, bool):
        return None
    if isinstance(body, int):
        return body if body > 0 else None
    if isinstance(body, dict):
        value = body.get("maxExpiryDays")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def read_max_expiry(client):
    """The maximum for the policy module: a missing endpoint on an older server fails, naming its version.

    A 404 from a server new enough to have the endpoint is read as "no maximum set" (API-MAP 3.6:
    "treat no value as absent"); a write to a really missing endpoint is explained when it fails.
    """
    try:
        response = client.request("GET", POLICY)
    except BitbucketError as exc:
        if exc.status not in (404, 405):
            raise
        if not supports(client, POLICY_SINCE):
            raise needs_newer(client, POLICY_SINCE, FEATURE) from None
        return None
    return max_expiry_of(response.body)


def known_max_expiry(client):
    """The maximum if the credentials can read it, else None: for checks before a token is created."""
    try:
        return max_expiry_of(client.request("GET", POLICY).body)
    except BitbucketError as exc:
        if exc.status in (401, 403, 404, 405):
            return None
        raise


def check_token_expiry(maximum, expiry_days):
    """The problem with creating a token of ``expiry_days`` under ``maximum``, or None.

    Only an expiry above the maximum is refused beforehand: without one, a server may refuse the token
    (API-MAP 3.5: "creating without expiryDays or above the maximum fails (400) - VERIFY") or give it the
    maximum, so that case is left to the server and its refusal explained.
    """
    if maximum is not None and expiry_days is not None and expiry_days > maximum:
        return "%d days is longer than the %d days an administrator allows for access tokens (%s); nothing was created" % (
            expiry_days, maximum, POLICY)
    return None


def explain_refused_token(exc, maximum, expiry_days):
    """A 400 on token creation, explained by the expiry policy when it is the likely cause."""
    if exc.status != 400:
        return exc
    if maximum is not None and (expiry_days is None or expiry_days > maximum):
        exc.message += " - an administrator requires access tokens to expire within %d days (%s): set expiry_days to %d or less" % (
            maximum, POLICY, maximum)
    elif maximum is None and "expir" in (exc.server_message or "").lower():
        exc.message += " - an administrator may limit the expiry of access tokens (%s, which these credentials cannot read): set expiry_days" % POLICY
    return exc
