"""Webhooks of a project or a repository (API-MAP section 8, spec-only: findWebhooks[_1], createWebhook[_1],
getWebhook[_1], updateWebhook[_1], deleteWebhook[_1]).

What is modelled, and from where:

* A webhook (spec RestWebhook) has a name, a URL, a set of events, ``active``, ``sslVerificationRequired``
  and a ``configuration``. Its ``secret`` (``configuration.secret``) is write-only: it is kept as a hash
  and never answered (API-MAP Top trap 5: write-only secrets cannot be read back).
* Create answers 200 with the webhook (spec createWebhook); 400 without a name, without an http(s) URL,
  or without events ("The webhook parameters were invalid or not supplied").
* The list is "A page of webhooks" (spec findWebhooks, no schema): a standard page, filtered by ``event``.
* Update is a PUT of the fields to change (200); the secret changes only when one is sent. Delete is 204;
  404 for an unknown webhook (spec).
* PROJECT_ADMIN for project webhooks, REPO_ADMIN for repository webhooks (spec descriptions).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import ApiError, NO_SUCH_ENTITY_EXCEPTION, bad_request
from ..permissions import require_project, require_repo
from ..state import Webhook, hash_secret
from ..web import Route, empty
from .common import load_project, load_repository


def _scope(ctx, project_key, repository_slug=None):
    state = ctx.state
    project = load_project(state, project_key)
    if repository_slug is None:
        require_project(state, ctx.principal, project, "PROJECT_ADMIN")
        return project, None
    repo = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    return project, repo


def webhook_to_rest(webhook):
    return {
        "id": webhook.id,
        "name": webhook.name,
        "createdDate": webhook.created,
        "updatedDate": webhook.updated,
        "events": list(webhook.events),
        # The secret is write-only: never answered.
        "configuration": {},
        "url": webhook.url,
        "active": webhook.active,
        "sslVerificationRequired": webhook.ssl_verification_required,
        "scopeType": "repository" if webhook.repo_id is not None else "project",
    }


def _name(body, required):
    value = body.get("name")
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad_request("A webhook needs a name.", "name")
    return value


def _url(body, required):
    value = body.get("url")
    if value is None and not required:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad_request("The webhook URL must be an absolute http or https URL.", "url")
    return value


def _events(body, required):
    value = body.get("events")
    if value is None and not required:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(event, str) and event.strip() for event in value):
        raise bad_request("A webhook needs at least one event.", "events")
    return sorted(set(value))


def _flag(body, field):
    value = body.get(field)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{field} must be true or false.", field)
    return value


def _secret(body):
    configuration = body.get("configuration")
    if configuration is None:
        return None
    if not isinstance(configuration, dict):
        raise bad_request("configuration must be an object.", "configuration")
    secret = configuration.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise bad_request("configuration.secret must be a string.", "configuration")
    return secret


def _load(ctx, project, repo, webhook_id):
    webhook = ctx.state.webhooks.get(int(webhook_id)) if str(webhook_id).isdigit() else None
    if webhook is None or webhook.project_id != project.id or webhook.repo_id != (repo.id if repo else None):
        raise ApiError(404, f"No webhook exists with id {webhook_id} here.", NO_SUCH_ENTITY_EXCEPTION)
    return webhook


def list_webhooks(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    repo_id = repo.id if repo is not None else None
    events = set(ctx.query_list("event"))
    items = sorted(
        (w for w in ctx.state.webhooks.values() if w.project_id == project.id and w.repo_id == repo_id and (not events or events & set(w.events))),
        key=lambda w: w.id,
    )
    return 200, ctx.page(items, webhook_to_rest)


def create_webhook(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    body = ctx.json_object()
    secret = _secret(body)
    now = ctx.state.now_ms()
    active = _flag(body, "active")
    ssl = _flag(body, "sslVerificationRequired")
    webhook = Webhook(
        id=ctx.state.new_webhook_id(), project_id=project.id, repo_id=repo.id if repo is not None else None,
        name=_name(body, True), url=_url(body, True), events=_events(body, True),
        active=True if active is None else active, ssl_verification_required=True if ssl is None else ssl,
        secret_hash=hash_secret(secret) if secret else None, created=now, updated=now,
    )
    ctx.state.webhooks[webhook.id] = webhook
    return 200, webhook_to_rest(webhook)


def get_webhook(ctx, project_key, webhook_id, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    return 200, webhook_to_rest(_load(ctx, project, repo, webhook_id))


def update_webhook(ctx, project_key, webhook_id, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    webhook = _load(ctx, project, repo, webhook_id)
    body = ctx.json_object()
    changes = {"name": _name(body, False), "url": _url(body, False), "events": _events(body, False),
               "active": _flag(body, "active"), "ssl_verification_required": _flag(body, "sslVerificationRequired")}
    secret = _secret(body)
    for field, value in changes.items():
        if value is not None:
            setattr(webhook, field, value)
    if secret is not None:
        webhook.secret_hash = hash_secret(secret) if secret else None
    webhook.updated = ctx.state.now_ms()
    return 200, webhook_to_rest(webhook)


def delete_webhook(ctx, project_key, webhook_id, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    webhook = _load(ctx, project, repo, webhook_id)
    del ctx.state.webhooks[webhook.id]
    return empty(204)


_PROJECT = "/api/latest/projects/{projectKey}/webhooks"
_REPO = "/api/latest/projects/{projectKey}/repos/{repositorySlug}/webhooks"

ROUTES = []
for _base in (_PROJECT, _REPO):
    ROUTES += [
        Route("GET", _base, list_webhooks),
        Route("POST", _base, create_webhook),
        Route("GET", _base + "/{webhookId}", get_webhook),
        Route("PUT", _base + "/{webhookId}", update_webhook),
        Route("DELETE", _base + "/{webhookId}", delete_webhook),
    ]
