# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The authentication configuration plugins: authconfig (IdPs, SSO, login options), basicauth and tsv.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Shared by bitbucket_idp, bitbucket_sso_config, bitbucket_basic_auth, bitbucket_tsv and their ``_info``
modules (API-MAP 3.9 to 3.12, section 4): the paths, the IdP as the collection returns it (never its
secret), the list of IdPs and of just-in-time users in every shape the documents allow, and the
explanation of a refusal that may come from the credentials rather than from the request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path

IDPS = rest_path("authconfig", "idps")
JIT_USERS = rest_path("authconfig", "jit-users")
LOGIN_OPTIONS = rest_path("authconfig", "login-options")
SSO = rest_path("authconfig", "sso")
BASIC_AUTH = rest_path("basicauth", "config")
TSV_STATUS = rest_path("tsv", "status")
TSV_SSO_MANAGEMENT = rest_path("tsv", "sso-management-status")

# IdP fields that carry a secret: the OIDC client secret and the Crowd application password share it
# (API-MAP 3.9, Top trap 5). Bitbucket may answer with it, masked or not (API-MAP 3.9 VERIFY): never returned.
IDP_SECRET_FIELDS = ("client-secret",)


def idp_path(idp_id):
    # API-MAP section 7 row 21: the path id is a string whose value is the int64 id.
    return rest_path("authconfig", "idps", str(idp_id))


def idp_view(idp):
    """An IdP as the collection returns it: every field Bitbucket gives except the secret."""
    if idp is None:
        return None
    return {key: value for key, value in idp.items() if key not in IDP_SECRET_FIELDS}


def list_idps(client):
    """Every IdP, read with the authconfig paging (``results``, ``limit=-1``, API-MAP 1.5)."""
    return client.get_results(IDPS)


def enabled_idps(idps, except_id=None):
    return [idp for idp in idps if idp.get("enabled") and str(idp.get("id")) != str(except_id)]


def list_jit_users(client):
    """Every just-in-time-provisioned user (API-MAP 1.5 and section 7 row 18, VERIFY).

    The 9.4 document declares one JitUserEntity and describes "a list of JIT users": a JSON array, a
    standard page (``values``), an authconfig page (``results``) and a single object are all accepted.
    """
    answer = client.get(JIT_USERS)
    if answer is None:
        return []
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict) and isinstance(answer.get("values"), list):
        return answer["values"] if answer.get("isLastPage", True) else client.get_paged(JIT_USERS)
    if isinstance(answer, dict) and isinstance(answer.get("results"), list):
        return answer["results"] if answer.get("isLastPage", True) else client.get_results(JIT_USERS)
    if isinstance(answer, dict) and "username" in answer:
        return [answer]
    raise BitbucketError("GET %s: expected a list of users, got %s" % (JIT_USERS, type(answer).__name__), method="GET", path=JIT_USERS)


def explain_refusal(exc, params):
    """A 401/403 from these plugins, with what the credentials may have to do with it.

    Whether an HTTP access token may call the authentication-configuration endpoints is not in the
    documents (seed 000 only says that Forge and OAuth2 apps may not); a server that refuses tokens
    answers 401. With basic authentication, a 401 may also mean that basic authentication is blocked
    for this user (API-MAP 3.11).
    """
    if exc.status not in (401, 403):
        return exc
    if params.get("token"):
        exc.message += (
            " - this server may not accept HTTP access tokens for its authentication configuration; run the task with the"
            " username and password of a system administrator (one listed in allowed_users if basic authentication is blocked)"
        )
    elif params.get("username") and exc.status == 401:
        exc.message += (
            " - if basic authentication is blocked for %s (bitbucket_basic_auth), authenticate with an HTTP access token"
            " (the token option) or list the user in allowed_users" % params["username"]
        )
    return exc


def explained(run):
    """``run(context)`` whose Bitbucket errors carry :func:`explain_refusal`'s explanation."""

    def run_explained(context):
        try:
            return run(context)
        except BitbucketError as exc:
            raise explain_refusal(exc, context.params) from None

    return run_explained
