# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hook scripts: the global registry, the configurations that enable a script, and their quirks.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_hook_script and bitbucket_hook_script_config (API-MAP 3.20).

- There is no endpoint that lists hook scripts: a script is found by its id, or by its name among the
  configurations of the projects and repositories that use it.
- Since Bitbucket 8.18 hook scripts are off unless ``feature.hook.scripts=true`` is set in
  ``bitbucket.properties``; the endpoints then answer 404 (or 501), which is explained here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scoped import Scope

SCRIPT_TYPES = ["PRE", "POST"]
# The fields of a script the modules return. Bitbucket's createdDate and updatedDate are left out: dates are
# never compared (API-MAP 1.8) and a script's version already tells whether it changed.
SCRIPT_FIELDS = ("id", "name", "description", "type", "version", "pluginKey")
FEATURE_DISABLED = "FeatureDisabledException"
FEATURE_HINT = (
    " - hook scripts are turned off by default since Bitbucket 8.18: an administrator turns them on with feature.hook.scripts=true in "
    "bitbucket.properties and a restart of Bitbucket (a rolling restart of a cluster)"
)


def script_path(*segments):
    """``/rest/api/latest/hook-scripts[/{scriptId}[/content]]``."""
    return rest_path("api", "hook-scripts", *[str(segment) for segment in segments])


def config_path(scope, script_id=None):
    """``{project or repository}/hook-scripts[/{scriptId}]``."""
    if script_id is None:
        return scope.api_path("hook-scripts")
    return scope.api_path("hook-scripts", str(script_id))


def public_script(script):
    """A RestHookScript as the modules return it; the id is a number (spec: int64)."""
    if not script:
        return {}
    view = {field: script.get(field) for field in SCRIPT_FIELDS if field in script}
    if view.get("id") is not None:
        view["id"] = int(view["id"])
    return view


def feature_disabled(exc, collection=False):
    """Whether ``exc`` says that hook scripts are turned off (API-MAP 3.20: "Expect 404/501-style failures").

    A FeatureDisabledException, a 501, or a 404 from the collection itself (``collection``: it cannot be
    "not found" when the feature is on).
    """
    if exc.status == 501:
        return True
    errors = exc.body.get("errors") if isinstance(exc.body, dict) else None
    if errors and any(FEATURE_DISABLED in str((error or {}).get("exceptionName") or "") for error in errors):
        return True
    return collection and exc.status == 404


def explain(exc, collection=False):
    """``exc`` with the reason when hook scripts are turned off; unchanged otherwise."""
    if feature_disabled(exc, collection) and FEATURE_HINT not in exc.message:
        exc.message += FEATURE_HINT
    return exc


def read_script(client, script_id):
    """The script with this id, or ``None`` when there is none (a 404 that says the feature is off is an error)."""
    try:
        return client.get(script_path(script_id))
    except BitbucketError as exc:
        if exc.status == 404 and not feature_disabled(exc):
            return None
        raise explain(exc) from None


def list_configs(client, scope):
    """Every hook-script configuration listed at ``scope`` (a repository also lists its project's, with their scope)."""
    try:
        return client.get_paged(config_path(scope))
    except BitbucketError as exc:
        raise explain(exc) from None


def scopes_option(values, option="find_in"):
    """``["PLAT", "PLAT/web"]`` as scopes; a malformed entry fails before any request."""
    scopes = []
    for value in values or []:
        parts = value.split("/")
        if len(parts) > 2 or not all(part.strip() for part in parts):
            raise invalid_option(option, "%r is neither a project key nor PROJECT/repository" % value)
        scopes.append(Scope.from_params(dict(project=parts[0], repository=parts[1] if len(parts) == 2 else None)))
    return scopes


def find_by_name(client, scopes, name):
    """The scripts named ``name`` that the configurations of ``scopes`` use, by id."""
    found = {}
    for scope in scopes:
        for config in list_configs(client, scope):
            script = config.get("script") or {}
            if script.get("name") == name and script.get("id") is not None:
                found[int(script["id"])] = script
    return found


def find_script(client, script_id, find_in, name):
    """The script with ``script_id``, else the one named ``name`` among the configurations of ``find_in``, else ``None``."""
    if script_id is not None:
        return read_script(client, script_id)
    found = find_by_name(client, scopes_option(find_in), name)
    if len(found) > 1:
        raise ModuleFailure("Several hook scripts are named %r (ids %s)" % (name, ", ".join(str(key) for key in sorted(found))))
    return next(iter(found.values()), None)


def normalise(text):
    """Script text as compared: line endings made LF (API-MAP 3.20 "byte compare after normalising line endings")."""
    return None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")


def read_content(client, script_id):
    """The script's content (spec "read", text/plain), normalised."""
    try:
        return normalise(client.get_text(script_path(script_id, "content")))
    except BitbucketError as exc:
        raise explain(exc) from None


def form(fields):
    """The multipart fields of a create or an update; the content goes as a file part, like a browser's upload."""
    parts = [(name, fields[name]) for name in ("name", "type", "description") if fields.get(name) is not None]
    if fields.get("content") is not None:
        parts.append(("content", ("%s.sh" % (fields.get("name") or "hook-script"), fields["content"], "text/plain")))
    return parts


def name_taken(exc):
    """Whether Bitbucket refused a create because the name is taken (API-MAP 3.20 VERIFY: 400 or 409)."""
    message = (exc.server_message or "").lower()
    if exc.status == 409:
        return True
    return exc.status == 400 and "name" in message and any(word in message for word in ("exist", "taken", "unique", "already"))


def create_script(client, fields):
    """POST the script; after a lost answer, once more: names are unique, so a second create cannot make a duplicate.

    When the second create finds the name taken, the first one landed, and nothing gives its id: that is the failure.
    """
    lost = None
    for _attempt in range(2):
        try:
            return client.post(script_path(), files=form(fields)).body
        except BitbucketError as exc:
            if lost is not None and name_taken(exc):
                raise ModuleFailure(
                    "Hook script %r was probably created, but Bitbucket's answer was lost (%s), and Bitbucket gives no way to learn "
                    "a hook script's id from its name; an administrator finds it in the database or through a configuration that uses it"
                    % (fields["name"], lost),
                    maybe_applied=True,
                ) from None
            if name_taken(exc):
                exc.message += (
                    " - a hook script with this name exists already, and Bitbucket cannot list hook scripts: give its id in script_id "
                    "(the run that created it returned it) or a project or repository that uses it in find_in"
                )
            if feature_disabled(exc, collection=True) or not exc.maybe_applied or lost is not None:
                raise explain(exc, collection=True) from None
            lost = str(exc)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
