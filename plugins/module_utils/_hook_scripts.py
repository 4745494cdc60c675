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
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option
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
