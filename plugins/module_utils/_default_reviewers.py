# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Default-reviewer conditions of a project or a repository, as the modules see them.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_default_reviewers and bitbucket_default_reviewers_info (API-MAP section 8).

A condition is shown as a task writes it: ``source`` and ``target`` matchers (``{"branch": ...}`` and the
like, ``{}`` for any branch), ``reviewers`` (user names) and ``required_approvals``, plus its ``id``. Its
identity is the pair of matchers; reviewers compare as a set, without regard to case.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, from_server
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import inherited, scope_path


def conditions_path(params, *segments):
    return scope_path("default-reviewers", params, *segments)


def condition_key(item):
    return from_option(item["source"], "conditions", allow_any=True).key + from_option(item["target"], "conditions", allow_any=True).key


def describe(item):
    source = from_option(item["source"], "conditions", allow_any=True).describe()
    target = from_option(item["target"], "conditions", allow_any=True).describe()
    return "the default reviewers of pull requests from %s to %s" % (source, target)


def normalize(raw):
    """A ``RestPullRequestCondition`` (spec) as the modules show it."""
    reviewers = [user.get("name") or user.get("slug") for user in raw.get("reviewers") or [] if isinstance(user, dict)]
    return {
        "id": raw.get("id"),
        # The answer names them sourceRefMatcher/targetRefMatcher; the request sourceMatcher/targetMatcher (spec).
        "source": from_server(raw.get("sourceRefMatcher") or raw.get("sourceMatcher")).to_option(),
        "target": from_server(raw.get("targetRefMatcher") or raw.get("targetMatcher")).to_option(),
        "reviewers": sorted((name for name in reviewers if name), key=lambda name: name.lower()),
        "required_approvals": int(raw.get("requiredApprovals") or 0),
    }


def read_conditions(client, params, learn=None):
    """``(own, inherited)``, normalised. The spec declares the list a bare array; a page is read to its end too."""
    own, wider = [], []
    for raw in client.get_list(conditions_path(params, "conditions")):
        if learn is not None:
            learn(raw.get("reviewers"))
        (wider if inherited(raw, params) else own).append(normalize(raw))
    return own, wider
