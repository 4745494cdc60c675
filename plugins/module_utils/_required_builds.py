# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Required-builds merge checks of a repository, as the modules see them.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_required_builds and bitbucket_required_builds_info (API-MAP section 8; spec
getPageOfRequiredBuildsMergeChecks, createRequiredBuildsMergeCheck, updateRequiredBuildsMergeCheck,
deleteRequiredBuildsMergeCheck). The 9.4 document has them at repository level only.

A condition is shown as a task writes it: ``build_keys`` (the build parent keys, sorted, without
duplicates), ``target`` (the matcher of the pull request's target branch, ``{}`` for any branch),
``exempt_source`` (the matcher of the source branches exempt from the check, or ``None``), plus its ``id``.

Identity: the target matcher and the set of build keys, the two things that say which builds a merge into
which branches waits for. Bitbucket lets several conditions share a target (different builds, different
exemptions), so the target alone cannot be the identity. The exemption is the compared field: a condition
whose exemption differs is updated in place (PUT by id). Build keys are case-sensitive: they are the keys of
CI plans and jobs ("PROJ-PLAN"), compared as written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, from_server
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import inherited

# spec RestRequiredBuildConditionSetRequest.buildParentKeys: "A non-empty list", maxItems 100.
MAX_BUILD_KEYS = 100

SCOPE_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True, aliases=["project_key"]),
    repository=dict(type="str", required=True, aliases=["repository_slug"]),
)


def conditions_path(params, *segments):
    """``/rest/required-builds/latest/projects/{key}/repos/{slug}/<segments>``, every segment encoded."""
    return rest_path("required-builds", "projects", params["project"], "repos", params["repository"], *segments)


def target_of(item):
    return from_option(item["target"], "conditions", allow_any=True)


def exemption_of(item):
    """The exemption matcher, or ``None``; ``{}`` (an exemption of any branch, as Bitbucket may answer it) is ANY_REF."""
    if item.get("exempt_source") is None:
        return None
    return from_option(item["exempt_source"], "conditions", allow_any=True)


def condition_key(item):
    return target_of(item).key + tuple(item["build_keys"])


def condition_slot(item):
    """The branches a condition applies to: with purge, a listed condition takes over an unlisted one of the same target."""
    return target_of(item).key


def condition_equal(have, want):
    exempt_have, exempt_want = exemption_of(have), exemption_of(want)
    return (exempt_have.key if exempt_have else None) == (exempt_want.key if exempt_want else None)


def describe(item):
    text = "the required builds %s of pull requests to %s" % (", ".join(item["build_keys"]), target_of(item).describe())
    exemption = exemption_of(item)
    return text + (" (exempt from %s)" % exemption.describe() if exemption else "")


def build_keys_option(value, position, required):
    """The build keys of list item ``position``: trimmed, sorted, each once; 1 to 100 of them when ``required``."""
    keys = [key.strip() for key in value or []]
    if any(not key for key in keys):
        raise invalid_option("conditions", "item %d has an empty build key" % position)
    keys = sorted(set(keys))
    if required and not keys:
        raise invalid_option("conditions", "item %d needs at least one build key in build_keys" % position)
    if len(keys) > MAX_BUILD_KEYS:
        raise invalid_option("conditions", "item %d has %d build keys; Bitbucket takes at most %d" % (position, len(keys), MAX_BUILD_KEYS))
    return keys


def exemption_option(value, position):
    """A task's ``exempt_source``: omitted or ``{}``, no exemption; otherwise one matcher (never any branch)."""
    if not value or all(part in (None, "") for part in value.values()):
        return None
    return from_option(value, "conditions", position).to_option()


def request_body(item):
    """spec RestRequiredBuildConditionSetRequest: the whole condition (a PUT replaces what a POST made)."""
    body = dict(buildParentKeys=list(item["build_keys"]), refMatcher=target_of(item).to_request())
    exemption = exemption_of(item)
    if exemption is not None:
        body["exemptRefMatcher"] = exemption.to_request()
    return body


def normalize(raw):
    """A ``RestRequiredBuildCondition`` (spec) as the modules show it."""
    exempt = raw.get("exemptRefMatcher")
    return {
        "id": raw.get("id"),
        "build_keys": sorted({key for key in raw.get("buildParentKeys") or [] if isinstance(key, str) and key}),
        "target": from_server(raw.get("refMatcher")).to_option(),
        "exempt_source": from_server(exempt).to_option() if isinstance(exempt, dict) and exempt.get("type") else None,
    }


def read_conditions(client, params):
    """``(own, inherited)``, normalised, from every page of ``.../conditions``.

    The 9.4 answer carries no ``scope``; an entry that names a wider scope (a later version listing what a
    project sets) is kept apart and never changed, as for branch restrictions (API-MAP 3.4).
    """
    own, wider = [], []
    for raw in client.get_paged(conditions_path(params, "conditions")):
        (wider if inherited(raw, params) else own).append(normalize(raw))
    return own, wider
