#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_webhook
short_description: Create, update and delete the webhooks of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Makes a webhook of a project, or of one repository, exist with the given URL, events and settings, or makes it not exist.
  - The webhook is identified by its O(name) within its project or repository. Bitbucket allows two webhooks of the same name; the
    module then fails and lists their ids, rather than guess.
  - Only the fields you set are compared and changed; O(events) compare as a set.
  - The O(secret) that signs the deliveries is write-only. It is sent when the webhook is created, and with every update the module
    makes anyway; O(update_secret=always) sends it on every run.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project). Without it, the webhook is the project's, and fires for all its repositories.
    type: str
    aliases: [repository_slug]
  name:
    description:
      - The webhook's name, its identity within the project or repository.
    type: str
    required: true
  webhook_url:
    description:
      - The http or https URL Bitbucket posts the events to. Required to create the webhook.
      - Not to be confused with O(url), the address of Bitbucket itself.
    type: str
  events:
    description:
      - The event ids that trigger the webhook, for example V(repo:refs_changed) or V(pr:merged). Required to create the webhook.
    type: list
    elements: str
  active:
    description:
      - Whether Bitbucket delivers the events. A new webhook is active.
    type: bool
  ssl_verification:
    description:
      - Whether Bitbucket verifies the TLS certificate of an https O(webhook_url). A new webhook verifies it.
    type: bool
  secret:
    description:
      - The secret Bitbucket signs each delivery with (C(X-Hub-Signature)). Never returned, and not in diffs or logs.
    type: str
  update_secret:
    description:
      - V(on_create) sends O(secret) when the webhook is created (and with any update the module makes); a changed secret is not
        detected, because Bitbucket does not show it. V(always) sends it on every run, which then always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  state:
    description:
      - V(present) creates or updates the webhook; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  idempotent:
    support: partial
    details:
      - With O(update_secret=always) and a O(secret), every run updates the webhook.
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
seealso:
  - module: bitbucket.datacenter.bitbucket_webhook_info
  - name: Bitbucket Data Center REST API, webhooks
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-api-latest-projects-projectkey-webhooks-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: CI hears about every push and merged pull request of the project
  bitbucket.datacenter.bitbucket_webhook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    name: ci
    webhook_url: https://ci.example.com/hooks/bitbucket
    events: [repo:refs_changed, pr:merged]
    secret: "{{ ci_webhook_secret }}"

- name: Pause the deploy hook of one repository
  bitbucket.datacenter.bitbucket_webhook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: deploy-scripts
    name: deploy
    active: false
"""

RETURN = r"""
webhook:
  description:
    - The webhook as Bitbucket returns it after the run, its secret masked; in check mode, the prediction. Empty when absent.
  returned: always
  type: dict
  sample:
    id: 7
    name: ci
    url: https://ci.example.com/hooks/bitbucket
    events: [pr:merged, repo:refs_changed]
    active: true
    sslVerificationRequired: true
    configuration: {}
secret_sent:
  description: Whether this run sent the secret (always V(false) in check mode, where nothing is sent).
  returned: always
  type: bool
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import http_url_problem, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import Resource, ensure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC, scope_label
from ansible_collections.bitbucket.datacenter.plugins.module_utils._webhooks import find_webhook, list_webhooks, public_view, webhooks_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._write_only import sends_secret, update_option

MODULE_SPEC = dict(
    argument_spec=dict(
        SCOPE_ARGUMENT_SPEC,
        name=dict(type="str", required=True),
        webhook_url=dict(type="str"),
        events=dict(type="list", elements="str"),
        active=dict(type="bool"),
        ssl_verification=dict(type="bool"),
        secret=dict(type="str", no_log=True),
        update_secret=update_option(),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

# Module field -> RestWebhook field.
FIELDS = (("webhook_url", "url"), ("events", "events"), ("active", "active"), ("ssl_verification", "sslVerificationRequired"))


def validate(params):
    if not params["name"].strip():
        raise invalid_option("name", "must not be empty")
    url = params["webhook_url"]
    if url is not None:
        problem = http_url_problem(url)
        if problem:
            raise invalid_option("webhook_url", problem)
    events = params["events"]
    if events is not None and (not events or any(not event.strip() for event in events)):
        raise invalid_option("events", "give at least one event id, none of them empty")


def webhook_fields(webhook):
    return dict(
        name=webhook.get("name"),
        webhook_url=webhook.get("url"),
        events=sorted(set(webhook.get("events") or [])),
        active=bool(webhook.get("active", True)),
        ssl_verification=bool(webhook.get("sslVerificationRequired", True)),
    )


def request_body(fields, secret):
    body = {rest: fields[field] for field, rest in FIELDS if fields.get(field) is not None}
    if secret is not None:
        body["configuration"] = dict(secret=secret)
    return body


def as_rest(webhook):
    """A webhook in Bitbucket's field names, from an answer or from the module's own fields (a prediction)."""
    rest = {key: value for key, value in webhook.items() if key not in dict(FIELDS)}
    rest.update(request_body(webhook, None))
    return rest


def run(context):
    params = context.params
    validate(params)
    client = context.client
    secret, update_secret = params["secret"], params["update_secret"]
    sent = []

    def read():
        return find_webhook(list_webhooks(client, params), params)

    def create(fields):
        sent.append(sends_secret(secret, update_secret, creating=True))
        return client.post(webhooks_path(params), json=dict(request_body(fields, secret), name=params["name"])).body

    def update(current, changes):
        # The whole webhook, and the secret when the task has one: a PUT that replaces the configuration
        # must not drop the secret.
        merged = dict(webhook_fields(current), **changes)
        sent.append(secret is not None)
        return client.put(webhooks_path(params, str(current["id"])), json=dict(request_body(merged, secret), name=params["name"])).body

    resource = Resource(
        read=read,
        create=create,
        update=update,
        delete=lambda current: client.delete(webhooks_path(params, str(current["id"])), missing_ok=True),
        project=lambda webhook: webhook_fields(as_rest(webhook)),
    )
    desired = dict(webhook_url=params["webhook_url"], events=sorted(set(params["events"])) if params["events"] is not None else None,
                   active=params["active"], ssl_verification=params["ssl_verification"])
    # A new webhook is active and verifies certificates (spec RestWebhook); said explicitly on create.
    defaults = dict(name=params["name"], active=True, ssl_verification=True)
    changed, before, after, webhook = ensure(context, resource, params["state"], desired, defaults=defaults,
                                             required_on_create=("webhook_url", "events"),
                                             label="webhook %r of %s" % (params["name"], scope_label(params)))
    if context.check_mode and changed and webhook:
        # ensure predicts in the module's field names; return the prediction as Bitbucket would answer it.
        webhook = as_rest(webhook)
    if params["state"] == "present" and webhook and not sent and sends_secret(secret, update_secret, creating=False):
        # update_secret=always: the secret cannot be compared, so it is sent on every run (_write_only).
        changed = True
        if not context.check_mode:
            webhook = update(webhook, {}) or read()
    return context.result(changed, before, after, webhook=public_view(webhook) or {}, secret_sent=any(sent))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
