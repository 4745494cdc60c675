"""Lookups shared by several route modules: each one raises the documented 404 when the thing is missing."""

from __future__ import annotations

from ..errors import bad_request, no_such_group, no_such_project, no_such_repository, no_such_user


def load_user(state, name):
    user = state.find_user(name)
    if user is None:
        raise no_such_user(name)
    return user


def load_group(state, name):
    group = state.find_group(name)
    if group is None:
        raise no_such_group(name)
    return group


def load_project(state, key):
    project = state.find_project(key)
    if project is None:
        raise no_such_project(key)
    return project


def load_repository(state, project, slug):
    repo = project.repos.get(slug.lower())
    if repo is None:
        raise no_such_repository(slug)
    return repo


def required_string(body, field, label=None):
    """A non-blank string field of a JSON body, else 400 naming the field."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{label or field} must be provided.", field)
    return value


def optional_string(body, field):
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"{field} must be a string.", field)
    return value


def string_list(body, field):
    """A JSON array of non-blank strings (spec GroupAndUsers.users, UserAndGroups.groups: required).

    Required, not non-empty: the spec's schemas allow an empty array, and its operations document no
    400, so an empty list is a no-op.
    """
    value = body.get(field)
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise bad_request(f"{field} must be a list of names.", field)
    return value
