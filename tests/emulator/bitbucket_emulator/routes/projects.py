"""Projects (API-MAP 3.1, seed 004)."""

from __future__ import annotations

import base64
import binascii
import re

from ..errors import INTEGRITY_EXCEPTION, ApiError, bad_request
from ..permissions import READ_RANK, project_rank, require_global, require_project
from ..state import PROJECT_PERMISSIONS, rank
from ..web import Route, empty, matches_filter
from .common import load_project

# API-MAP 3.1: keys are letters, digits and underscores and start with a letter.
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_KEY_MAX = 128
_NAME_MAX = 255
_AVATAR = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]+)$")
# spec getProjects: 400 when "the permission level is unknown or not related to projects".
_LIST_PERMISSIONS = {"PROJECT_VIEW": READ_RANK, **{p: rank(p, PROJECT_PERMISSIONS) for p in PROJECT_PERMISSIONS}}


def _validate_key(key):
    if not isinstance(key, str) or not key.strip():
        raise bad_request("Project key must be provided.", "key")
    if key.startswith("~"):
        # API-MAP 3.1: personal projects (~user) cannot be created or renamed to here.
        raise bad_request("Personal project keys (starting with ~) cannot be used here.", "key")
    if len(key) > _KEY_MAX:
        raise bad_request(f"Project key must be at most {_KEY_MAX} characters.", "key")
    if not _KEY.match(key):
        raise bad_request("Project key must start with a letter and may only contain letters, numbers and underscores.", "key")
    return key.upper()  # brief / API-MAP 3.1: keys are shown upper-case


def _validate_name(name):
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Project name must be provided.", "name")
    if name.startswith("~"):
        raise bad_request("Project name must not start with '~'.", "name")  # spec RestProject.name pattern ^[^~].*
    if len(name) > _NAME_MAX:
        raise bad_request(f"Project name must be at most {_NAME_MAX} characters.", "name")
    return name


def _validate_avatar(body):
    # spec createProject: the avatar data URI must be Base64 with no character set, "otherwise ... creation will fail".
    avatar = body.get("avatar")
    if avatar is None:
        return
    match = _AVATAR.match(avatar) if isinstance(avatar, str) else None
    if match is None:
        raise bad_request("The avatar must be a data URI: data:<content type>;base64,<data> without a charset.", "avatar")
    try:
        base64.b64decode(re.sub(r"\s", "", match.group("data")), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request("The avatar data is not valid Base64.", "avatar") from None


def _optional_bool(body, field):
    value = body.get(field)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{field} must be true or false.", field)
    return value


def _optional_description(body):
    value = body.get("description")
    if value is not None and not isinstance(value, str):
        raise bad_request("description must be a string.", "description")
    return value


def _check_unique(state, key=None, name=None, ignore=None, status=409):
    """Refuse a key or name another project already uses, reporting both clashes (API-MAP 3.1).

    spec createProject documents 409 "The project key or name is already in use"; updateProject documents
    no 409, only 400 "not updated due to a validation error", so updates pass ``status=400``.
    """
    errors = []
    if key is not None:
        other = state.find_project(key)
        if other is not None and other is not ignore:
            errors.append({"context": "key", "message": f"Project key {key} is already taken.", "exceptionName": None})
    if name is not None:
        other = state.find_project_by_name(name)
        if other is not None and other is not ignore:
            errors.append({"context": "name", "message": "Project name is already taken.", "exceptionName": None})
    if errors:
        raise ApiError(status, errors[0]["message"], errors=errors)


def list_projects(ctx):
    # spec getProjects: only projects the caller can see; `name` filter (substring, API-MAP 1.5) and `permission`.
    state = ctx.state
    needle = ctx.query("name")
    permission = ctx.query("permission")
    minimum = READ_RANK
    if permission:
        if permission not in _LIST_PERMISSIONS:
            raise bad_request(f"The permission level {permission} is unknown or not related to projects.", "permission")
        minimum = _LIST_PERMISSIONS[permission]
    projects = [
        project for project in state.sorted_projects()
        if matches_filter(needle, project.name) and project_rank(state, ctx.principal, project) >= minimum
    ]
    return 200, ctx.page(projects, lambda project: project.to_rest(ctx.base_url))


def create_project(ctx):
    # spec createProject: PROJECT_CREATE; 201 with the project; 409 key or name in use (API-MAP 3.1).
    state = ctx.state
    require_global(state, ctx.principal, "PROJECT_CREATE")
    body = ctx.json_object()
    key = _validate_key(body.get("key"))
    name = _validate_name(body.get("name"))
    description = _optional_description(body) or ""
    public = _optional_bool(body, "public") or False
    _validate_avatar(body)
    _check_unique(state, key=key, name=name)
    project = state.add_project(key, name, description, public)
    # Brief: like Bitbucket, the creator is granted PROJECT_ADMIN directly (service users of tokens excepted).
    if ctx.principal.user.type == "NORMAL":
        project.user_grants[ctx.principal.user.id] = "PROJECT_ADMIN"
    return 201, project.to_rest(ctx.base_url)


def get_project(ctx, project_key):
    # spec getProject: PROJECT_VIEW; 404 when missing (= absent, API-MAP 3.1).
    project = load_project(ctx.state, project_key)
    require_project(ctx.state, ctx.principal, project, "PROJECT_READ")
    return 200, project.to_rest(ctx.base_url)


def update_project(ctx, project_key):
    # spec updateProject: PROJECT_ADMIN; partial body; a different key renames: 201, else 200 (API-MAP 1.6).
    state = ctx.state
    project = load_project(state, project_key)
    require_project(state, ctx.principal, project, "PROJECT_ADMIN")
    body = ctx.json_object()
    new_key = _validate_key(body["key"]) if body.get("key") is not None else project.key
    new_name = _validate_name(body["name"]) if body.get("name") is not None else project.name
    description = _optional_description(body)
    public = _optional_bool(body, "public")
    _validate_avatar(body)
    _check_unique(state, key=new_key, name=new_name, ignore=project, status=400)
    renamed = new_key != project.key
    project.key = new_key
    project.name = new_name
    if description is not None:
        project.description = description
    if public is not None:
        project.public = public
    return (201 if renamed else 200), project.to_rest(ctx.base_url)


def delete_project(ctx, project_key):
    # spec deleteProject: PROJECT_ADMIN; 204; 409 while the project still contains repositories.
    state = ctx.state
    project = load_project(state, project_key)
    require_project(state, ctx.principal, project, "PROJECT_ADMIN")
    if project.repos:
        raise ApiError(409, f"The project {project.key} cannot be deleted because it has repositories.", INTEGRITY_EXCEPTION)
    state.remove_project(project)
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/projects", list_projects),
    Route("POST", "/api/latest/projects", create_project),
    Route("GET", "/api/latest/projects/{projectKey}", get_project),
    Route("PUT", "/api/latest/projects/{projectKey}", update_project),
    Route("DELETE", "/api/latest/projects/{projectKey}", delete_project),
]
