# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Webhooks of a project or a repository: the list, the lookup by name, and the view without the secret.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_webhook and bitbucket_webhook_info (API-MAP section 8; spec findWebhooks, RestWebhook).

A webhook's secret is ``configuration.secret``. Bitbucket takes it and is not relied on to show it
again: whatever an answer holds there is masked before it is returned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import SECRET_PLACEHOLDER, ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import scope_label, scope_path


def webhooks_path(params, *segments):
    return scope_path("api", params, "webhooks", *segments)


def list_webhooks(client, params):
    """Every webhook of the scope (spec findWebhooks: "A page of webhooks")."""
    return client.get_paged(webhooks_path(params))


def find_webhook(webhooks, params):
    """The one webhook called ``params["name"]``, or None; Bitbucket does not keep names unique, so two are an error."""
    matches = [hook for hook in webhooks if hook.get("name") == params["name"]]
    if len(matches) > 1:
        ids = sorted(str(hook.get("id")) for hook in matches)
        raise ModuleFailure(
            "%s has %d webhooks named %r (ids %s); delete the extra ones so that the name identifies one webhook"
            % (scope_label(params), len(matches), params["name"], ", ".join(ids)),
            webhook_ids=ids,
        )
    return matches[0] if matches else None


def public_view(webhook):
    """The webhook as returned to the task: a secret in ``configuration`` is masked."""
    if not webhook:
        return webhook
    view = dict(webhook)
    configuration = view.get("configuration")
    if isinstance(configuration, dict) and configuration.get("secret"):
        view["configuration"] = dict(configuration, secret=SECRET_PLACEHOLDER)
    return view
