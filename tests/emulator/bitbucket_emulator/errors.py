"""Errors raised by handlers and the RestErrors body they turn into.

API-MAP 1.4: the core plugins (api, access-tokens, ...) answer errors as
``{"errors": [{"context": null|"field", "message": "...", "exceptionName": "..."}]}``;
the spec's RestErrorMessage schema names exactly these three fields, so every
error carries all three (null when not applicable).
"""

from __future__ import annotations

AUTHORISATION_EXCEPTION = "com.atlassian.bitbucket.AuthorisationException"
INCORRECT_PASSWORD_EXCEPTION = "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"
NO_SUCH_PROJECT_EXCEPTION = "com.atlassian.bitbucket.project.NoSuchProjectException"
NO_SUCH_REPOSITORY_EXCEPTION = "com.atlassian.bitbucket.repository.NoSuchRepositoryException"
NO_SUCH_USER_EXCEPTION = "com.atlassian.bitbucket.user.NoSuchUserException"
NO_SUCH_GROUP_EXCEPTION = "com.atlassian.bitbucket.user.NoSuchGroupException"
NO_SUCH_ENTITY_EXCEPTION = "com.atlassian.bitbucket.NoSuchEntityException"
ARGUMENT_VALIDATION_EXCEPTION = "com.atlassian.bitbucket.validation.ArgumentValidationException"
PERMISSION_EXCEPTION = "com.atlassian.bitbucket.permission.PermissionException"
INTEGRITY_EXCEPTION = "com.atlassian.bitbucket.IntegrityException"
DUPLICATE_ENTITY_EXCEPTION = "com.atlassian.bitbucket.DuplicateEntityException"
SERVICE_EXCEPTION = "com.atlassian.bitbucket.ServiceException"
RATE_LIMIT_EXCEPTION = "com.atlassian.bitbucket.throttle.ThrottledException"
FEATURE_DISABLED_EXCEPTION = "com.atlassian.bitbucket.FeatureDisabledException"
XSRF_EXCEPTION = "com.atlassian.plugins.rest.common.security.XsrfCheckFailedException"

NOT_PERMITTED_MESSAGE = "You are not permitted to access this resource"
AUTHENTICATION_FAILED_MESSAGE = "Authentication failed. Please check your credentials and try again."


def error_body(message, exception_name=None, context=None):
    """Build a one-entry RestErrors document."""
    return {"errors": [{"context": context, "message": message, "exceptionName": exception_name}]}


class ApiError(Exception):
    """An error answer: HTTP status plus a RestErrors body (and optional extra headers)."""

    def __init__(self, status, message, exception_name=None, context=None, headers=None, errors=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        if errors is not None:
            self.body = {"errors": errors}
        else:
            self.body = error_body(message, exception_name, context)


def bad_request(message, context=None):
    """400 for a field-level validation error.

    Field errors carry the field name as ``context`` and no exception name, the way
    Bitbucket reports validation failures (a null exceptionName with a context).
    """
    if context is None:
        return ApiError(400, message, ARGUMENT_VALIDATION_EXCEPTION)
    return ApiError(400, message, None, context)


def not_permitted(message=NOT_PERMITTED_MESSAGE):
    """401 for an authenticated caller without the required permission (API-MAP 1.6: 401 means forbidden too)."""
    return ApiError(401, message, AUTHORISATION_EXCEPTION)


def no_such_project(key):
    return ApiError(404, f"Project {key} does not exist.", NO_SUCH_PROJECT_EXCEPTION)


def no_such_repository(slug):
    return ApiError(404, f"Repository {slug} does not exist.", NO_SUCH_REPOSITORY_EXCEPTION)


def no_such_user(name):
    return ApiError(404, f"User {name} does not exist.", NO_SUCH_USER_EXCEPTION)


def no_such_group(name):
    return ApiError(404, f"Group {name} does not exist.", NO_SUCH_GROUP_EXCEPTION)
