"""The global default branch for new repositories (seed 003; spec getDefaultBranch, setDefaultBranch,
clearDefaultBranch; API-MAP 3.17)."""

from __future__ import annotations

from ..errors import ApiError, bad_request, not_permitted
from ..permissions import require_global
from ..web import Route, empty

BRANCH_PREFIX = "refs/heads/"


def get_default_branch(ctx):
    # spec getDefaultBranch: "The user must be authenticated"; 404 "No global default branch has been configured".
    # The answer's schema is undeclared (API-MAP 3.17 VERIFY, §7 row 19): a ref like the repository default
    # branch answers, the full ref as id and the branch name as displayId.
    if ctx.principal is None:
        raise not_permitted()
    name = ctx.state.default_branch
    if name is None:
        raise ApiError(404, "No global default branch has been configured.", "com.atlassian.bitbucket.NoSuchEntityException")
    return 200, {"id": BRANCH_PREFIX + name, "displayId": name, "type": "BRANCH"}


def set_default_branch(ctx):
    # spec setDefaultBranch: ADMIN; body {"id": ...}; 204. The UI setting is a branch name and "id" names a ref
    # elsewhere (API-MAP 3.17 VERIFY): both "main" and "refs/heads/main" set the branch main.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    branch = body.get("id")
    if not isinstance(branch, str) or not branch.strip():
        raise bad_request("id must be the name of the default branch.", "id")
    if branch.startswith(BRANCH_PREFIX):
        branch = branch[len(BRANCH_PREFIX):]
    if not branch or branch.startswith("refs/") or any(char in branch for char in " ~^:?*[\\") or ".." in branch:
        raise bad_request(f"'{body['id']}' is not a valid branch name.", "id")
    ctx.state.default_branch = branch
    return empty(204)


def clear_default_branch(ctx):
    # spec clearDefaultBranch: ADMIN; 204 whether or not one was configured.
    require_global(ctx.state, ctx.principal, "ADMIN")
    ctx.state.default_branch = None
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/admin/default-branch", get_default_branch),
    Route("PUT", "/api/latest/admin/default-branch", set_default_branch),
    Route("DELETE", "/api/latest/admin/default-branch", clear_default_branch),
]
