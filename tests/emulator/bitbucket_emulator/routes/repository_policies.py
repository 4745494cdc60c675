"""Who may delete and who may archive repositories (seed 003; spec getRepositoryDeletePolicy,
setRepositoryDeletePolicy, getRepositoryArchivePolicy, setRepositoryArchivePolicy; API-MAP 3.18)."""

from __future__ import annotations

from ..errors import bad_request, not_permitted
from ..permissions import require_global
from ..web import Route

# spec RestRepositoryPolicy.permission: "Must be one of: SYS_ADMIN, ADMIN, PROJECT_ADMIN, REPO_ADMIN".
POLICY_PERMISSIONS = ("SYS_ADMIN", "ADMIN", "PROJECT_ADMIN", "REPO_ADMIN")


def _get(policy):
    def handler(ctx):
        # spec: "The user must be authenticated to access this resource".
        if ctx.principal is None:
            raise not_permitted()
        return 200, {"permission": ctx.state.repository_policies[policy]}
    return handler


def _set(policy):
    def handler(ctx):
        # spec: SYS_ADMIN; 400 "The permission was invalid or does not exist"; 200 with the policy.
        require_global(ctx.state, ctx.principal, "SYS_ADMIN")
        body = ctx.json_object()
        permission = body.get("permission")
        if permission not in POLICY_PERMISSIONS:
            raise bad_request(f"'{permission}' is not a valid permission. Valid values: {', '.join(POLICY_PERMISSIONS)}.", "permission")
        ctx.state.repository_policies[policy] = permission
        return 200, {"permission": permission}
    return handler


ROUTES = [
    Route("GET", "/policies/latest/admin/repos/delete", _get("delete")),
    Route("PUT", "/policies/latest/admin/repos/delete", _set("delete")),
    Route("GET", "/policies/latest/admin/repos/archive", _get("archive")),
    Route("PUT", "/policies/latest/admin/repos/archive", _set("archive")),
]
