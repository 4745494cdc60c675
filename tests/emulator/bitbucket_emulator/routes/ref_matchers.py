"""Ref matchers, shared by branch permissions and default reviewers (API-MAP 3.4 and section 8).

seed 004 (createRestrictions): a BRANCH matcher names the fully qualified ref ("refs/heads/master
instead of master"); PATTERN is a branch-permission pattern; MODEL_CATEGORY is one of FEATURE, BUGFIX,
HOTFIX, RELEASE; MODEL_BRANCH is development or production. The spec's enum also has ANY_REF, which
default reviewers use (API-MAP section 8, ``ANY_REF_MATCHER_ID``) and branch permissions do not
(API-MAP 3.4: "not documented for restrictions - reject"; section 7 row 5).
"""

from __future__ import annotations

from ..errors import bad_request

TYPE_NAMES = {
    "ANY_REF": "Any branch",
    "BRANCH": "Branch",
    "PATTERN": "Pattern",
    "MODEL_CATEGORY": "Branching model category",
    "MODEL_BRANCH": "Branching model branch",
}
MODEL_CATEGORIES = ("FEATURE", "BUGFIX", "HOTFIX", "RELEASE")
MODEL_BRANCHES = ("development", "production")
ANY_REF_ID = "ANY_REF_MATCHER_ID"


def parse_matcher(value, field, allow_any_ref):
    """A validated matcher ``{"type", "id", "displayId"}`` from a request's matcher object; 400 otherwise."""
    if not isinstance(value, dict):
        raise bad_request(f"{field} must be provided as an object with an id and a type.", field)
    kind = value.get("type")
    type_id = kind.get("id") if isinstance(kind, dict) else None
    allowed = [name for name in TYPE_NAMES if allow_any_ref or name != "ANY_REF"]
    if type_id not in allowed:
        raise bad_request(f"{field}.type.id must be one of {', '.join(allowed)}.", field)
    matcher_id = value.get("id")
    if type_id == "ANY_REF":
        return {"type": type_id, "id": ANY_REF_ID, "displayId": ANY_REF_ID}
    if not isinstance(matcher_id, str) or not matcher_id.strip():
        raise bad_request(f"{field}.id must be provided.", field)
    if type_id == "BRANCH" and not matcher_id.startswith("refs/"):
        # seed 004: "You must supply the fully qualified name of the ref to restrict, e.g. refs/heads/master".
        raise bad_request(f"{field}.id must be the fully qualified name of the branch, such as refs/heads/{matcher_id}.", field)
    if type_id == "MODEL_CATEGORY" and matcher_id not in MODEL_CATEGORIES:
        raise bad_request(f"{field}.id must be one of {', '.join(MODEL_CATEGORIES)} for a branching model category.", field)
    if type_id == "MODEL_BRANCH" and matcher_id not in MODEL_BRANCHES:
        raise bad_request(f"{field}.id must be one of {', '.join(MODEL_BRANCHES)} for a branching model branch.", field)
    display = value.get("displayId")
    if not isinstance(display, str) or not display:
        display = matcher_id[len("refs/heads/"):] if matcher_id.startswith("refs/heads/") else matcher_id
    return {"type": type_id, "id": matcher_id, "displayId": display}


def matcher_to_rest(matcher):
    """RestRefMatcher (spec), with ``active`` as API-MAP 3.4's request example carries it."""
    return {
        "id": matcher["id"],
        "displayId": matcher["displayId"],
        "type": {"id": matcher["type"], "name": TYPE_NAMES[matcher["type"]]},
        "active": True,
    }
