#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_user
short_description: Create, update, rename and delete Bitbucket Data Center users
version_added: 1.0.0
description:
  - Makes a user of Bitbucket's internal directory exist with the given display name, e-mail address, password and group
    memberships, or makes it not exist. One user per task.
  - The user is identified by its username, O(name), compared without regard to case as Bitbucket does; never by its slug.
  - Only the fields you set are compared and changed; a second run with the same arguments changes nothing.
  - O(rename_from) renames an existing user instead of creating a new one.
  - Bitbucket's REST API cannot activate or deactivate a user, so C(active) is not an option; the C(active) field of RV(user) reports it.
  - Users of a read-only directory (LDAP, Crowd) cannot be changed in Bitbucket. The module fails, naming the directory, when such
    a user would need a change, before anything is written. Service users (the accounts behind project and repository access
    tokens) are never changed.
options:
  name:
    description:
      - The username, the user's identity. A different name is a different user; use O(rename_from) to rename one.
    type: str
    required: true
  display_name:
    description:
      - The user's display name. Required to create the user.
    type: str
  email:
    description:
      - The user's e-mail address. Required to create the user.
    type: str
  user_password:
    description:
      - The user's password. Bitbucket never shows it, so it cannot be compared; O(update_password) says when it is sent.
      - It is never put in a URL. Bitbucket's create endpoint takes a password as a query parameter, which ends up in access
        and proxy logs, so the user is created with a random password that only that request carries, and O(user_password) is
        then set through the JSON credentials endpoint. Without O(user_password), a second random password that nobody knows
        replaces the first; the user sets one through Bitbucket's password reset, or gets one in a later run with
        O(update_password=always).
      - Mutually exclusive with O(notify).
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the module creates the user; a changed password is not detected.
      - V(always) sets it on every run, and the task then always reports a change (nothing proves the password did not change),
        except for the user running the task, whose password is known.
    type: str
    choices: [always, on_create]
    default: on_create
    aliases: [update_user_password]
  notify:
    description:
      - Create the user without a password and let Bitbucket e-mail them a link to set one. Bitbucket needs a configured mail
        server for that, and refuses the create otherwise.
      - Used on create only.
    type: bool
    default: false
  add_to_default_group:
    description:
      - Whether Bitbucket adds a new user to its default group, which usually grants the licence to log in
        (C(LICENSED_USER)). A user outside it may not be able to log in until permissions are granted.
      - Used on create only. Bitbucket refuses the create when the default group would take the instance past its licensed-user limit.
    type: bool
    default: true
  groups:
    description:
      - Groups the user must be a member of. Other memberships are kept unless O(purge_groups) is set.
      - Group names are compared without regard to case.
    type: list
    elements: str
  purge_groups:
    description:
      - Remove the user from every group that O(groups) does not list, which makes O(groups) authoritative. Without O(groups),
        the user is removed from every group.
    type: bool
    default: false
  rename_from:
    description:
      - The current username of a user to rename to O(name). When O(name) already exists, nothing is renamed (a later run of a
        rename); when neither exists, O(name) is created.
    type: str
  force:
    description:
      - Allow changes that can lock the account running the task out for the rest of the play. When the module authenticates
        with O(username), it otherwise refuses them before writing anything.
      - Those changes are removing that account from groups (which may hold the permissions it runs with), renaming it, and giving
        it another password.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
      - Deleting a user also removes every permission granted to it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  idempotent:
    support: partial
    details:
      - With O(update_password=always), every run sets the password and reports a change.
notes:
  - Needs the global ADMIN permission, except for a user changing their own display name and e-mail address, which the module does
    through Bitbucket's self-service endpoint when O(name) is the user running the task.
  - Bitbucket does not let an HTTP access token change user accounts; authenticate with O(username) and O(password) for changes.
  - Bitbucket does not let a user delete themselves. With O(username), the module refuses to delete that user before anything is
    written; with O(token), Bitbucket's refusal is reported and explained.
  - A group membership is read in two requests (every group, then the groups the user is not in), because the 9.4 description of
    the one-request endpoint is ambiguous.
seealso:
  - module: bitbucket.datacenter.bitbucket_user_info
  - module: bitbucket.datacenter.bitbucket_group
  - module: bitbucket.datacenter.bitbucket_user_settings
  - name: Bitbucket Data Center REST API, permission management
    description: The admin user endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-permission-management/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Manage people with the connection set once
  module_defaults:
    group/bitbucket.datacenter.bitbucket:
      url: https://bitbucket.example.com
      username: automation
      password: "{{ bitbucket_automation_password }}"
  block:
    - name: Alice exists, in exactly the platform groups
      bitbucket.datacenter.bitbucket_user:
        name: alice
        display_name: Alice Liddell
        email: alice@example.com
        user_password: "{{ alice_initial_password }}"
        groups: [stash-users, platform-developers]
        purge_groups: true

    - name: Bob's account was renamed in HR
      bitbucket.datacenter.bitbucket_user:
        name: robert
        rename_from: bob
        display_name: Robert Tables
        email: robert@example.com

    - name: Reset a forgotten password
      bitbucket.datacenter.bitbucket_user:
        name: carol
        user_password: "{{ carol_new_password }}"
        update_password: always

    - name: Someone left
      bitbucket.datacenter.bitbucket_user:
        name: dave
        state: absent
"""

RETURN = r"""
user:
  description:
    - The user as Bitbucket describes it after the run; in check mode, the predicted user. Empty when the user does not exist.
    - C(directoryName), C(mutableDetails), C(mutableGroups) and C(deletable) say where the user comes from and what Bitbucket can change.
  returned: always
  type: dict
  sample:
    name: alice
    slug: alice
    id: 101
    displayName: Alice Liddell
    emailAddress: alice@example.com
    active: true
    type: NORMAL
    directoryName: Bitbucket Internal Directory
    mutableDetails: true
    mutableGroups: true
    deletable: true
groups:
  description: The groups the user is a member of after the run (predicted in check mode), sorted by name.
  returned: when O(groups) or O(purge_groups) is set
  type: list
  elements: str
  sample: [platform-developers, stash-users]
password_updated:
  description: Whether the run set the user's password (O(user_password)). The password itself is never returned.
  returned: always
  type: bool
renamed:
  description: Whether the run renamed O(rename_from) to O(name).
  returned: always
  type: bool
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import random
import string

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import (
    ADMIN_USERS,
    add_groups_to_user,
    caller_name,
    check_changeable,
    explain_token_refusal,
    find_user,
    groups_of_user,
    is_caller,
    name_key,
    refuse_lockout,
    remove_user_from_group,
    sync_membership,
    validate_name,
    validate_names,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, changed_fields, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_delete, guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._write_only import sends_secret, update_option

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        display_name=dict(type="str"),
        email=dict(type="str"),
        user_password=dict(type="str", no_log=True),
        update_password=dict(update_option(), aliases=["update_user_password"]),
        notify=dict(type="bool", default=False),
        add_to_default_group=dict(type="bool", default=True),
        groups=dict(type="list", elements="str"),
        purge_groups=dict(type="bool", default=False),
        rename_from=dict(type="str"),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    mutually_exclusive=[("user_password", "notify")],
)

CREDENTIALS = rest_path("api", "admin", "users", "credentials")
RENAME = rest_path("api", "admin", "users", "rename")
SELF = rest_path("api", "users")

_RANDOM = random.SystemRandom()


def random_password():
    """A password nobody knows, generated for this run and never logged."""
    return "".join(_RANDOM.choice(string.ascii_letters + string.digits) for _position in range(40))


def validate(params):
    for option in ("name", "rename_from"):
        validate_name(option, params[option], username=True)
    if params["rename_from"] is not None and name_key(params["rename_from"]) == name_key(params["name"]):
        raise invalid_option("rename_from", "is the same user as name; give the current username of the user to rename")
    if params["display_name"] is not None and not params["display_name"].strip():
        raise invalid_option("display_name", "must not be empty")
    email = params["email"]
    if email is not None and (email.count("@") != 1 or not all(part.strip() for part in email.split("@")) or " " in email):
        raise invalid_option("email", "%r is not an e-mail address" % email)
    if params["user_password"] == "":
        raise invalid_option("user_password", "must not be empty")
    validate_names("groups", params["groups"])
    if params["state"] == "absent":
        for option in ("groups", "rename_from"):
            if params[option] is not None:
                raise invalid_option(option, "only with state=present")
        if params["purge_groups"]:
            raise invalid_option("purge_groups", "only with state=present")


def user_fields(user):
    """The fields of a user that the diff shows."""
    if user is None:
        return None
    return dict(name=user.get("name"), displayName=user.get("displayName"), emailAddress=user.get("emailAddress"), active=user.get("active"))


def create_user(context, params):
    client = context.client
    query = [
        ("name", params["name"]),
        ("displayName", params["display_name"]),
        ("emailAddress", params["email"]),
        ("addToDefaultGroup", "true" if params["add_to_default_group"] else "false"),
    ]
    # API-MAP 3.25: the create takes the password as a query parameter. A random one travels there; the real one
    # goes in the JSON body of the credentials call that follows.
    query.append(("notify", "true") if params["notify"] else ("password", random_password()))
    try:
        guarded_write(lambda: client.post(ADMIN_USERS, params=query), lambda: find_user(client, params["name"]), lambda _user: True)
    except BitbucketError as exc:
        if exc.status == 409:
            return None  # created meanwhile by another run: converge on it
        if exc.status == 403:
            exc.message += (" - Bitbucket refuses to add a user to the default group past the licensed-user limit; free a licence, or set"
                            " add_to_default_group=false to create the user without one.")
        elif exc.status == 400 and params["notify"]:
            exc.message += " - notify=true needs Bitbucket to have a mail server configured."
        raise
    user = find_user(client, params["name"])
    if not params["notify"]:
        set_password(client, user["name"], params["user_password"] or random_password())
    return user


def set_password(client, name, password):
    # An idempotent PUT whose effect cannot be read back: after a lost answer it is simply sent again.
    body = dict(name=name, password=password, passwordConfirm=password)
    guarded_write(lambda: client.put(CREDENTIALS, json=body), lambda: None, lambda _unused: True)


def update_details(context, user, changes, caller):
    client = context.client
    body = {}
    if "displayName" in changes:
        body["displayName"] = changes["displayName"]
    if "emailAddress" in changes:
        body["email"] = changes["emailAddress"]
    if is_caller(caller, user["name"]):
        # seed 003 PUT /api/latest/users: the caller's own details, no ADMIN needed; Bitbucket may ask for the
        # password to change the e-mail address (spec UserUpdateWithCredentials).
        if "email" in body:
            body["password"] = context.params["password"]
        return dict(user, **client.put(SELF, json=body).body)
    return client.put(ADMIN_USERS, json=dict(body, name=user["name"])).body


def converge_details(context, params, user, caller):
    """Create the user, or update the fields that differ: ``(user, changed, created)``."""
    desired = dict(displayName=params["display_name"], emailAddress=params["email"])
    if user is None:
        missing = [option for option in ("display_name", "email") if params[option] is None]
        if missing:
            raise ModuleFailure(
                "Option '%s' is required to create user %s, which does not exist yet" % ("', '".join(missing), params["name"]), missing_options=missing
            )
        if context.check_mode:
            return dict(name=params["name"], displayName=params["display_name"], emailAddress=params["email"], active=True, type="NORMAL"), True, True
        created = create_user(context, params)
        if created is not None:
            return created, True, True
        user = find_user(context.client, params["name"])
    changes = changed_fields(user, desired)
    if not changes:
        return user, False, False
    check_changeable(user, "details")
    if context.check_mode:
        return dict(user, **changes), True, False
    updated = guarded_write(
        lambda: update_details(context, user, changes, caller),
        lambda: find_user(context.client, user["name"]),
        lambda found: all(found.get(key) == value for key, value in changes.items()),
    )
    return updated, True, False


def rename(context, source, caller):
    params = context.params
    check_changeable(source, "details")
    if is_caller(caller, source["name"]):
        refuse_lockout(params["force"], "rename_from", "this renames %s, the user running the task, whose credentials would stop working" % source["name"])
    if context.check_mode:
        predicted = dict(source, name=params["name"])
        predicted.pop("slug", None)  # Bitbucket gives the renamed user a new slug
        return predicted
    client = context.client
    return guarded_write(
        lambda: client.post(RENAME, json=dict(name=source["name"], newName=params["name"])).body,
        lambda: find_user(client, params["name"]),
        lambda _renamed: True,
    )


def converge_password(context, user, caller):
    """Set the password of an existing user when update_password=always: whether it was sent."""
    params = context.params
    if not sends_secret(params["user_password"], params["update_password"], creating=False):
        return False
    if is_caller(caller, user["name"]):
        if params["user_password"] == params["password"]:
            return False  # the password the task authenticates with: already the user's
        refuse_lockout(params["force"], "user_password", "this gives %s, the user running the task, another password" % user["name"])
    check_changeable(user, "details")
    if not context.check_mode:
        set_password(context.client, user["name"], params["user_password"])
    return True


def converge_groups(context, user, read_as, caller):
    """Make the memberships right: ``(before, after, changed)`` as sorted names."""
    params = context.params
    client = context.client
    name = user["name"]

    def check(_to_add, to_remove):
        check_changeable(user, "groups")
        if to_remove and is_caller(caller, name):
            refuse_lockout(
                params["force"],
                "purge_groups",
                "this removes %s, the user running the task, from %s, which may hold the permissions it runs with" % (name, ", ".join(to_remove)),
            )

    return sync_membership(
        context,
        groups_of_user(client, read_as) if read_as is not None else [],
        params["groups"] or [],
        params["purge_groups"],
        add=lambda groups: add_groups_to_user(client, name, groups),
        remove=lambda group: remove_user_from_group(client, name, group),
        reread=lambda: groups_of_user(client, name),
        check=check,
    )


def delete(context, user, caller):
    check_changeable(user, "delete")
    if is_caller(caller, user["name"]):
        raise ModuleFailure(
            "%s is the user running the task, and Bitbucket does not let a user delete themselves; nothing was changed. "
            "Run the task as another administrator." % user["name"]
        )
    if context.check_mode:
        return
    client = context.client
    try:
        guarded_delete(lambda: client.delete(ADMIN_USERS, params=[("name", user["name"])], missing_ok=True), lambda: find_user(client, user["name"]))
    except BitbucketError as exc:
        if exc.status == 409:
            exc.message += " - Bitbucket does not let a user delete themselves, and this is the user the access token acts for."
        raise


def converge(context):
    params = context.params
    client = context.client
    caller = caller_name(params)
    user = find_user(client, params["name"])
    if params["state"] == "absent":
        if user is None:
            return context.result(False, None, None, user={}, password_updated=False, renamed=False)
        delete(context, user, caller)
        return context.result(True, user_fields(user), None, user={}, password_updated=False, renamed=False)

    source = find_user(client, params["rename_from"]) if user is None and params["rename_from"] else None
    original = user or source
    read_as = original["name"] if original is not None else None
    renamed = source is not None
    if renamed:
        user = rename(context, source, caller)
        if not context.check_mode:
            read_as = user["name"]
    user, changed, created = converge_details(context, params, user, caller)
    if created and not context.check_mode:
        read_as = user["name"]
    password_updated = (created and params["user_password"] is not None) or (not created and converge_password(context, user, caller))
    before, after = user_fields(original), user_fields(user)
    values = dict(user=user, password_updated=password_updated, renamed=renamed)
    if params["groups"] is not None or params["purge_groups"]:
        groups_before, groups_after, groups_changed = converge_groups(context, user, read_as, caller)
        changed = changed or groups_changed
        if before is not None:
            before["groups"] = groups_before
        after["groups"] = values["groups"] = groups_after
    return context.result(changed or renamed or password_updated, before, after, **values)


def run(context):
    validate(context.params)
    try:
        return converge(context)
    except BitbucketError as exc:
        raise explain_token_refusal(exc, context.params) from None


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
