"""User SSH keys and the SSH settings (API-MAP 3.7 and section 4, seeds 000/001)::

    GET|POST|DELETE /ssh/latest/keys          GET|DELETE /ssh/latest/keys/{keyId}
    GET             /ssh/latest/settings

The irregular parameter names are kept (API-MAP 3.7, top trap 6): GET and DELETE name the user with
``userName``, POST with ``user``; without it each acts on the caller, so a bare
``DELETE /ssh/latest/keys`` deletes every key of the caller. The single-key operations need ADMIN
(spec getSshKey / deleteSshKey: "The authenticated user must have ADMIN permission or higher").
"""

from __future__ import annotations

from ..errors import DUPLICATE_ENTITY_EXCEPTION, ApiError, bad_request, no_such_user, not_permitted
from ..permissions import ADMIN_RANK, global_rank
from ..sshkeys import KeyRejected, parse_key
from ..web import Route, empty

EXISTS_MESSAGE = "The SSH key already exists on the system."  # spec addSshKey 409
NO_SUCH_KEY_EXCEPTION = "com.atlassian.bitbucket.ssh.NoSuchSshKeyException"
LABEL_MAX = 255


def _target_user(ctx, *names):
    """The user a request is about: the one named by the first given query parameter, else the caller.

    spec getSshKeys/deleteSshKeys/addSshKey: 404 when no user matches, 401 when the caller may not act
    for that user ("only possible when a user is explicitly supplied"): administrators act for anyone.
    """
    state, principal = ctx.state, ctx.principal
    name = next((ctx.query(param) for param in names if ctx.query(param)), None)
    if name is None:
        return principal.user
    user = state.find_user(name)
    if user is None:
        raise no_such_user(name)
    if user.id != principal.user.id and global_rank(state, principal) < ADMIN_RANK:
        raise not_permitted(f"You are not permitted to manage the SSH keys of {user.name}.")
    return user


def _require_admin(ctx):
    if global_rank(ctx.state, ctx.principal) < ADMIN_RANK:
        raise not_permitted("You are not permitted to access this resource; ADMIN permission is required.")


def validate_new_key(ctx, body, field_prefix=""):
    """The parsed key of a create body ``{text, label?, expiryDays?}``: 400 when malformed (spec addSshKey),
    409 when the key is already on the system, as a user key or an access key (brief: one key per system)."""
    try:
        parsed = parse_key(body.get("text"))
    except KeyRejected as exc:
        raise bad_request(str(exc), field_prefix + "text") from None
    label = body.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > LABEL_MAX):
        raise bad_request(f"The label must be a string of at most {LABEL_MAX} characters.", field_prefix + "label")
    expiry_days = body.get("expiryDays")
    if expiry_days is not None and (isinstance(expiry_days, bool) or not isinstance(expiry_days, int) or expiry_days < 1):
        raise bad_request("expiryDays must be a positive whole number of days.", field_prefix + "expiryDays")
    return parsed, label, expiry_days


def key_conflict():
    return ApiError(409, EXISTS_MESSAGE, DUPLICATE_ENTITY_EXCEPTION)


def list_keys(ctx):
    # spec getSshKeys declares both userName (documented) and user (undocumented): either names the user.
    ctx.state.ssh.prune(ctx.state)
    user = _target_user(ctx, "userName", "user")
    return 200, ctx.page(ctx.state.ssh.user_keys(user), lambda key: key.to_rest())


def add_key(ctx):
    state = ctx.state
    state.ssh.prune(state)
    user = _target_user(ctx, "user")  # API-MAP 3.7: POST takes `user`; a `userName` here is not read
    parsed, label, expiry_days = validate_new_key(ctx, ctx.json_object())
    if state.ssh.find(parsed.fingerprint) is not None:
        raise key_conflict()
    key = state.ssh.add(parsed, label, expiry_days, state.now_ms(), user_id=user.id)
    return 201, key.to_rest()


def delete_keys(ctx):
    state = ctx.state
    state.ssh.prune(state)
    user = _target_user(ctx, "userName", "user")
    for key in state.ssh.user_keys(user):
        state.ssh.remove(key)
    return empty(204)


def _user_key(ctx, key_id):
    key = ctx.state.ssh.get(key_id)
    if key is None or ctx.state.ssh.is_access_key(key):
        return None
    return key


def get_key(ctx, key_id):
    ctx.state.ssh.prune(ctx.state)
    _require_admin(ctx)
    key = _user_key(ctx, key_id)
    if key is None:
        raise ApiError(404, f"No SSH key with id {key_id} exists.", NO_SUCH_KEY_EXCEPTION)
    return 200, key.to_rest()


def delete_key(ctx, key_id):
    # spec deleteSshKey: 204 "deleted or did not exist".
    ctx.state.ssh.prune(ctx.state)
    _require_admin(ctx)
    key = _user_key(ctx, key_id)
    if key is not None:
        ctx.state.ssh.remove(key)
    return empty(204)


def ssh_settings(ctx):
    # spec sshSettings / seed 001 example: {baseUrl, accessKeysEnabled, enabled, fingerprint{algorithm, value}, port}.
    return 200, ctx.state.ssh.settings.to_rest(ctx.request.host)


ROUTES = [
    Route("GET", "/ssh/latest/keys", list_keys),
    Route("POST", "/ssh/latest/keys", add_key),
    Route("DELETE", "/ssh/latest/keys", delete_keys),
    Route("GET", "/ssh/latest/keys/{keyId}", get_key),
    Route("DELETE", "/ssh/latest/keys/{keyId}", delete_key),
    Route("GET", "/ssh/latest/settings", ssh_settings),
]
