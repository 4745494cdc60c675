"""The Bitbucket answers and expected calls shared by the unit tests of the identity modules (API-MAP 3.25, 3.26, section 8).

Each helper builds one :class:`Call` of the identity endpoints with the query the collection sends (every listing
asks for ``start=0`` and the largest page, ``limit=1000``). ``after_write`` marks a read that happens only once a
write was made, so that :func:`expect` leaves it out in check mode with the writes.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

API = "/rest/api/latest"
ADMIN_USERS = API + "/admin/users"
ADMIN_GROUPS = API + "/admin/groups"
CREDENTIALS = ADMIN_USERS + "/credentials"
RENAME = ADMIN_USERS + "/rename"
ADD_GROUPS = ADMIN_USERS + "/add-groups"
REMOVE_GROUP = ADMIN_USERS + "/remove-group"
NON_MEMBER_GROUPS = ADMIN_USERS + "/more-non-members"
ADD_USERS = ADMIN_GROUPS + "/add-users"
GROUP_MEMBERS = ADMIN_GROUPS + "/more-members"
PAGE = {"start": 0, "limit": 1000}
INTERNAL = "Bitbucket Internal Directory"

CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def errors(message, exception=None, context=None):
    return {"errors": [{"context": context, "message": message, "exceptionName": exception}]}


def page(values, start=0, next_start=None):
    body = {"size": len(values), "limit": 1000, "start": start, "isLastPage": next_start is None, "values": list(values)}
    if next_start is not None:
        body["nextPageStart"] = next_start
    return body


def detailed_user(name, display_name=None, email=None, **fields):
    """A RestDetailedUser of the internal directory, as GET /admin/users lists it."""
    user = {
        "name": name,
        "emailAddress": email if email is not None else "%s@example.com" % name.lower(),
        "active": True,
        "displayName": display_name if display_name is not None else name.title(),
        "id": sum(map(ord, name)),
        "slug": name.lower(),
        "type": "NORMAL",
        "directoryName": INTERNAL,
        "deletable": True,
        "mutableDetails": True,
        "mutableGroups": True,
    }
    user.update(fields)
    return user


def ldap_user(name, **fields):
    """A user of a read-only external directory (API-MAP 3.25 "Quirks")."""
    return detailed_user(name, **dict(dict(directoryName="Corporate LDAP", deletable=False, mutableDetails=False, mutableGroups=False), **fields))


def service_user(name):
    return detailed_user(name, type="SERVICE", emailAddress=None, deletable=False, mutableDetails=False, mutableGroups=False)


def group(name):
    return {"name": name, "deletable": True}


def find_user(name, *users, **answer):
    return Call("GET", ADMIN_USERS, query=dict(PAGE, filter=name), body=page(users), **answer)


def find_group(name, *groups, **answer):
    return Call("GET", ADMIN_GROUPS, query=dict(PAGE, filter=name), body=page([group(g) for g in groups]), **answer)


def every_group(*names):
    return Call("GET", ADMIN_GROUPS, query=dict(PAGE), body=page([group(name) for name in names]))


def groups_not_of(user, *names):
    return Call("GET", NON_MEMBER_GROUPS, query=dict(PAGE, context=user), body=page([group(name) for name in names]))


def members_of(group_name, *users, **query):
    return Call("GET", GROUP_MEMBERS, query=dict(PAGE, context=group_name, **query), body=page(users))


def add_groups(user, *groups, **answer):
    answer.setdefault("status", 200)
    return Call("POST", ADD_GROUPS, json={"user": user, "groups": list(groups)}, **answer)


def add_users(group_name, *users, **answer):
    answer.setdefault("status", 200)
    return Call("POST", ADD_USERS, json={"group": group_name, "users": list(users)}, **answer)


def remove_group(user, group_name, **answer):
    answer.setdefault("status", 200)
    return Call("POST", REMOVE_GROUP, json={"context": user, "itemName": group_name}, **answer)


def credentials(name, password, **answer):
    answer.setdefault("status", 204)
    return Call("PUT", CREDENTIALS, json={"name": name, "password": password, "passwordConfirm": password}, **answer)


def after_write(call):
    """A read made only after a write: check mode leaves it out."""
    call.after_write = True
    return call


def expect(http, calls, check_mode):
    """The scenario's calls; in check mode only its reads that come before any write."""
    http.expect(*[call for call in calls if not check_mode or (call.method == "GET" and not getattr(call, "after_write", False))])


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]
