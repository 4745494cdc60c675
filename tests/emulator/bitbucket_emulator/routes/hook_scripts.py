"""Hook scripts: the global registry and its project and repository configurations (API-MAP 3.20).

* The registry (seed 003, spec createHookScript ... read) needs SYS_ADMIN; create and update take
  ``multipart/form-data`` and, like every Atlassian form endpoint, the XSRF header
  ``X-Atlassian-Token: no-check`` (API-MAP 1.3); there is no list endpoint.
* A configuration (seed 004 and spec setConfiguration[_1]) enables a script at a project or a
  repository for a set of trigger ids. A repository lists its own configurations and those of its
  project, each with the scope it comes from. Deleting a script removes its configurations.
* Since Bitbucket 8.18 hook scripts are off unless ``feature.hook.scripts=true`` (API-MAP 1.7, 3.20;
  Atlassian "Registering and maintaining hook scripts"). The emulator follows the version it claims,
  and ``/_emulator/features`` sets the switch; while it is off every hook-script operation answers
  404 with a FeatureDisabledException (API-MAP 3.20: "Expect 404/501-style failures").
"""

from __future__ import annotations

from ..errors import (
    DUPLICATE_ENTITY_EXCEPTION,
    FEATURE_DISABLED_EXCEPTION,
    NO_SUCH_ENTITY_EXCEPTION,
    XSRF_EXCEPTION,
    ApiError,
    bad_request,
)
from ..permissions import require_global
from ..settings_state import HOOK_SCRIPTS_DEFAULT_OFF_SINCE, HOOK_SCRIPTS_FEATURE, HookScript
from ..web import MULTIPART, PlainText, Route, empty, form_fields
from .scopes import at_project, at_repository, rest_scope

# spec RestHookScript.pluginKey is "set by the server": scripts made through REST belong to the REST API's plugin.
REST_PLUGIN_KEY = "com.atlassian.bitbucket.server.bitbucket-rest"
SCRIPT_TYPES = ("PRE", "POST")
# API-MAP 3.20: StandardRepositoryHookTrigger ids.
TRIGGERS = ("repo-push", "branch-create", "branch-delete", "tag-create", "tag-delete", "file-edit", "pull-request-merge")
NAME_LIMIT = 255


def hook_scripts_enabled(app):
    """The switch as set through /_emulator/features, else the default of the claimed version."""
    setting = app.state.settings.features.get(HOOK_SCRIPTS_FEATURE)
    if setting is not None:
        return bool(setting)
    return not app.version_at_least(*HOOK_SCRIPTS_DEFAULT_OFF_SINCE)


def _require_feature(ctx):
    if not hook_scripts_enabled(ctx.app):
        raise ApiError(404, "Hook scripts are disabled on this instance.", FEATURE_DISABLED_EXCEPTION)


def _form(ctx):
    """The multipart fields of a create or update, after the XSRF check (API-MAP 1.3)."""
    request = ctx.request
    if request.mimetype != MULTIPART:
        raise ApiError(415, f"The request must be {MULTIPART} (got {request.mimetype or 'no content type'}).")
    if request.headers.get("X-Atlassian-Token", "").lower() != "no-check":
        raise ApiError(403, "XSRF check failed", XSRF_EXCEPTION)
    return form_fields(request)


def _view(script):
    """RestHookScript (spec; seed 003 example). Dates are epoch milliseconds (API-MAP 1.8)."""
    return {
        "id": script.id,
        "name": script.name,
        "description": script.description,
        "type": script.type,
        "version": script.version,
        "pluginKey": REST_PLUGIN_KEY,
        "createdDate": script.created,
        "updatedDate": script.updated,
    }


def _load_script(ctx, script_id):
    script = ctx.state.settings.hook_scripts.get(int(script_id)) if str(script_id).isdigit() else None
    if script is None:
        raise ApiError(404, f"No hook script with ID {script_id} exists.", NO_SUCH_ENTITY_EXCEPTION)
    return script


def _name(fields, required):
    name = fields.get("name")
    if name is None and not required:
        return None
    if not isinstance(name, str) or not name.strip():
        raise bad_request("A hook script name is required.", "name")
    if len(name) > NAME_LIMIT:
        raise bad_request(f"The hook script name must be at most {NAME_LIMIT} characters.", "name")
    return name


def _name_taken(ctx, name, ignore=None):
    return any(other.name.lower() == name.lower() and other is not ignore for other in ctx.state.settings.hook_scripts.values())


def create_script(ctx):
    # spec createHookScript: SYS_ADMIN; 200 with the script; 400 "not created due to a validation error".
    _require_feature(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    fields = _form(ctx)
    name = _name(fields, required=True)
    script_type = (fields.get("type") or "").upper()
    if script_type not in SCRIPT_TYPES:
        raise bad_request('The hook script type must be "PRE" or "POST".', "type")
    content = fields.get("content")
    if not content:
        raise bad_request("The hook script content is required.", "content")
    if _name_taken(ctx, name):
        # API-MAP 3.20: names are unique; a duplicate create fails (VERIFY status): the documented 400.
        raise ApiError(400, f"A hook script named {name} already exists.", None, "name")
    settings = ctx.state.settings
    now = ctx.state.now_ms()
    script = HookScript(id=settings.next_script_id, name=name, type=script_type, content=content,
                        description=fields.get("description") or "", created=now, updated=now)
    settings.next_script_id += 1
    settings.hook_scripts[script.id] = script
    return 200, _view(script)


def get_script(ctx, script_id):
    # spec getHookScript: 404 "The hook script ID supplied does not exist".
    _require_feature(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    return 200, _view(_load_script(ctx, script_id))


def update_script(ctx, script_id):
    # spec updateHookScript: any of name, description, content (the type cannot change, API-MAP 3.20);
    # 409 another script has the name, 422 no field given.
    _require_feature(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    script = _load_script(ctx, script_id)
    fields = _form(ctx)
    given = {name: fields[name] for name in ("name", "description", "content") if name in fields}
    if not given:
        raise ApiError(422, "One or more fields to update must be specified: content, description and/or name.")
    name = _name(given, required=False)
    if name is not None and _name_taken(ctx, name, ignore=script):
        raise ApiError(409, f"A hook script named {name} already exists.", DUPLICATE_ENTITY_EXCEPTION)
    if "content" in given and not given["content"]:
        raise bad_request("The hook script content must not be empty.", "content")
    if name is not None:
        script.name = name
    if "description" in given:
        script.description = given["description"]
    if "content" in given:
        script.content = given["content"]
    script.version += 1
    script.updated = ctx.state.now_ms()
    return 200, _view(script)


def delete_script(ctx, script_id):
    # spec deleteHookScript: 204; API-MAP 3.20: "Deleting a script silently removes every configuration that uses it".
    _require_feature(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    script = _load_script(ctx, script_id)
    ctx.state.settings.remove_script(script.id)
    return empty(204)


def script_content(ctx, script_id):
    # spec "read": the content as application/octet-stream or text/plain.
    _require_feature(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    return 200, PlainText(_load_script(ctx, script_id).content)


# -- configurations ---------------------------------------------------------------------------------

def _config_view(ctx, script_id, scope_key, triggers):
    return {"script": _view(ctx.state.settings.hook_scripts[script_id]), "scope": rest_scope(scope_key), "triggerIds": list(triggers)}


def _list_configs(ctx, scope):
    # spec getConfigurations[_1]: a page of RestHookScriptConfig; a repository also lists its project's, with their scope.
    configs = ctx.state.settings.script_configs
    entries = []
    for key in scope.chain[:-1]:
        for script_id, triggers in sorted(configs.get(key, {}).items()):
            entries.append((script_id, key, triggers))
    return 200, ctx.page(entries, lambda entry: _config_view(ctx, *entry))


def _set_config(ctx, scope, script_id):
    # spec setConfiguration[_1]: {"triggerIds": [...]} (RestHookScriptTriggers, uniqueItems); 400 on a validation error.
    script = _load_script(ctx, script_id)
    body = ctx.json_object()
    triggers = body.get("triggerIds", [])
    if not isinstance(triggers, list) or not all(isinstance(item, str) for item in triggers):
        raise bad_request("triggerIds must be a list of trigger ids.", "triggerIds")
    unknown = sorted(set(triggers) - set(TRIGGERS))
    if unknown:
        raise bad_request(f"Unknown trigger ids: {', '.join(unknown)}. Known: {', '.join(TRIGGERS)}.", "triggerIds")
    stored = sorted(set(triggers), key=TRIGGERS.index)
    ctx.state.settings.script_configs.setdefault(scope.key, {})[script.id] = stored
    return 200, _config_view(ctx, script.id, scope.key, stored)


def _remove_config(ctx, scope, script_id):
    # spec removeConfiguration[_1]: 204; 404 "The project key or hook script ID supplied does not exist".
    script = _load_script(ctx, script_id)
    ctx.state.settings.script_configs.get(scope.key, {}).pop(script.id, None)
    return empty(204)


def project_configs(ctx, project_key):
    _require_feature(ctx)
    return _list_configs(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"))


def project_set_config(ctx, project_key, script_id):
    _require_feature(ctx)
    return _set_config(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"), script_id)


def project_remove_config(ctx, project_key, script_id):
    _require_feature(ctx)
    return _remove_config(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"), script_id)


def repo_configs(ctx, project_key, repository_slug):
    _require_feature(ctx)
    return _list_configs(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


def repo_set_config(ctx, project_key, repository_slug, script_id):
    _require_feature(ctx)
    return _set_config(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), script_id)


def repo_remove_config(ctx, project_key, repository_slug, script_id):
    _require_feature(ctx)
    return _remove_config(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), script_id)


ROUTES = [
    Route("POST", "/api/latest/hook-scripts", create_script),
    Route("GET", "/api/latest/hook-scripts/{scriptId}", get_script),
    Route("PUT", "/api/latest/hook-scripts/{scriptId}", update_script),
    Route("DELETE", "/api/latest/hook-scripts/{scriptId}", delete_script),
    Route("GET", "/api/latest/hook-scripts/{scriptId}/content", script_content),
    Route("GET", "/api/latest/projects/{projectKey}/hook-scripts", project_configs),
    Route("PUT", "/api/latest/projects/{projectKey}/hook-scripts/{scriptId}", project_set_config),
    Route("DELETE", "/api/latest/projects/{projectKey}/hook-scripts/{scriptId}", project_remove_config),
    Route("GET", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/hook-scripts", repo_configs),
    Route("PUT", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/hook-scripts/{scriptId}", repo_set_config),
    Route("DELETE", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/hook-scripts/{scriptId}", repo_remove_config),
]
