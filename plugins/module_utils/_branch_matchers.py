# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Branch matchers: which branches a branch restriction, a default-reviewer condition or a required build applies to.

Internal to the bitbucket.datacenter collection: this module may change at any time.

One model for every feature that matches refs (API-MAP 3.4, section 8; seed 004 createRestrictions):

* BRANCH: one branch, sent fully qualified (``refs/heads/main``, "instead of main"); the options take
  either form and the module compares the qualified one;
* PATTERN: a branch-permission pattern such as ``release/*``;
* MODEL_CATEGORY: a branching-model category, FEATURE, BUGFIX, HOTFIX or RELEASE;
* MODEL_BRANCH: the branching model's ``development`` or ``production`` branch;
* ANY_REF: every branch (default reviewers only; its id is ``ANY_REF_MATCHER_ID``).

In a task, a matcher is a dictionary with one of the keys ``branch``, ``pattern``, ``model_category`` or
``model_branch``; where ANY_REF is allowed, a dictionary with none of them (or no dictionary) means any branch.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option

BRANCH_PREFIX = "refs/heads/"
ANY_REF_ID = "ANY_REF_MATCHER_ID"
MODEL_CATEGORIES = ["FEATURE", "BUGFIX", "HOTFIX", "RELEASE"]
MODEL_BRANCHES = ["development", "production"]

# Task key -> matcher type, in the order messages list them.
OPTION_TYPES = (("branch", "BRANCH"), ("pattern", "PATTERN"), ("model_category", "MODEL_CATEGORY"), ("model_branch", "MODEL_BRANCH"))
MATCHER_OPTIONS = tuple(option for option, _type in OPTION_TYPES)
# The display names Bitbucket gives the types (API-MAP 3.4 "matcher.type.name").
TYPE_NAMES = {
    "ANY_REF": "Any branch",
    "BRANCH": "Branch",
    "PATTERN": "Pattern",
    "MODEL_CATEGORY": "Branching model category",
    "MODEL_BRANCH": "Branching model branch",
}


def matcher_suboptions():
    """The argument spec of the matcher keys, for a list item or a matcher dictionary."""
    return dict(
        branch=dict(type="str"),
        pattern=dict(type="str"),
        model_category=dict(type="str", choices=list(MODEL_CATEGORIES)),
        model_branch=dict(type="str", choices=list(MODEL_BRANCHES)),
    )


class Matcher:
    """A normalised matcher: ``type_id`` and ``matcher_id`` are its identity, ``display_id`` its short form."""

    def __init__(self, type_id, matcher_id, display_id=None):
        self.type_id = type_id
        self.matcher_id = matcher_id
        if display_id is None:
            display_id = matcher_id[len(BRANCH_PREFIX):] if type_id == "BRANCH" and matcher_id.startswith(BRANCH_PREFIX) else matcher_id
        self.display_id = display_id

    @property
    def key(self):
        return (self.type_id, self.matcher_id)

    def __eq__(self, other):
        return isinstance(other, Matcher) and self.key == other.key

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return "Matcher(%r, %r)" % self.key

    def to_request(self):
        """The matcher as Bitbucket takes it (API-MAP 3.4: the type's display name is sent too)."""
        return {
            "id": self.matcher_id,
            "displayId": self.display_id,
            "type": {"id": self.type_id, "name": TYPE_NAMES[self.type_id]},
            "active": True,
        }

    def to_option(self):
        """The matcher as a task writes it: ``{"branch": "refs/heads/main"}``, or ``{}`` for any branch."""
        for option, type_id in OPTION_TYPES:
            if type_id == self.type_id:
                return {option: self.matcher_id}
        return {}

    def describe(self):
        if self.type_id == "ANY_REF":
            return "any branch"
        names = {type_id: option.replace("_", " ") for option, type_id in OPTION_TYPES}
        return "%s %s" % (names.get(self.type_id, self.type_id), self.display_id)


ANY_REF = Matcher("ANY_REF", ANY_REF_ID, ANY_REF_ID)


def from_option(item, option, position=None, allow_any=False):
    """The matcher that a task's dictionary ``item`` names; ``option`` and ``position`` name it in errors."""
    where = "item %d" % position if position is not None else "the matcher"
    given = [name for name in MATCHER_OPTIONS if (item or {}).get(name) not in (None, "")]
    if len(given) > 1:
        raise invalid_option(option, "%s sets %s; a matcher is one of %s" % (where, " and ".join(given), ", ".join(MATCHER_OPTIONS)))
    if not given:
        if allow_any:
            return ANY_REF
        raise invalid_option(option, "%s names no branches: set one of %s" % (where, ", ".join(MATCHER_OPTIONS)))
    name = given[0]
    value = item[name].strip()
    if not value:
        raise invalid_option(option, "%s has an empty %s" % (where, name))
    if name == "branch":
        if value.startswith("refs/") and not value.startswith(BRANCH_PREFIX):
            raise invalid_option(option, "%s: %r is not a branch; branches are refs/heads/..., use a pattern for other refs" % (where, value))
        # seed 004: a BRANCH matcher is the fully qualified name of the ref, "refs/heads/master instead of master".
        return Matcher("BRANCH", value if value.startswith(BRANCH_PREFIX) else BRANCH_PREFIX + value)
    return Matcher(dict(OPTION_TYPES)[name], value)


def from_server(matcher):
    """A matcher as Bitbucket answers it, normalised so that it compares with :func:`from_option`.

    Seed 004's examples show a branch as ``type.id: ANY_REF`` with ``id: refs/heads/main`` (API-MAP section 7
    row 5 calls the example wrong); an answer shaped like that is read as the branch it names.
    """
    matcher = matcher or {}
    kind = matcher.get("type")
    type_id = kind.get("id") if isinstance(kind, dict) else kind
    matcher_id = matcher.get("id") or ""
    display_id = matcher.get("displayId")
    if type_id == "ANY_REF" and matcher_id.startswith(BRANCH_PREFIX):
        type_id = "BRANCH"
    if type_id == "ANY_REF":
        return ANY_REF
    if type_id == "BRANCH" and not matcher_id.startswith("refs/"):
        matcher_id = BRANCH_PREFIX + matcher_id
    elif type_id == "MODEL_CATEGORY":
        matcher_id = matcher_id.upper()
    elif type_id == "MODEL_BRANCH":
        matcher_id = matcher_id.lower()
    return Matcher(type_id, matcher_id, display_id or None)
