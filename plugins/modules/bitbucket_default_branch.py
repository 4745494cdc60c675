#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_default_branch
short_description: Set the default branch of new Bitbucket Data Center repositories
version_added: 1.0.0
description:
  - Sets the instance-wide default branch name that new repositories get when their creator names none, or clears it, so that
    new repositories fall back to Git's own default.
  - V(main) and V(refs/heads/main) name the same branch; the module compares branch names.
  - Existing repositories keep their default branch.
options:
  name:
    description:
      - The branch name, with or without C(refs/heads/). Required with O(state=present).
    type: str
    aliases: [branch]
  state:
    description:
      - V(present) sets the default branch; V(absent) clears it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN.
seealso:
  - name: Bitbucket Data Center REST API, system maintenance
    description: The default branch endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: New repositories start on main
  bitbucket.datacenter.bitbucket_default_branch:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    name: main

- name: New repositories use Git's default again
  bitbucket.datacenter.bitbucket_default_branch:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    state: absent
"""

RETURN = r"""
default_branch:
  description:
    - The default branch after the run (predicted in check mode), as C(name) (the branch name) and C(id) (the full ref). Empty when
      none is configured.
  returned: always
  type: dict
  sample:
    name: main
    id: refs/heads/main
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, singleton

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", aliases=["branch"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    required_if=[("state", "present", ["name"])],
)

DEFAULT_BRANCH_PATH = rest_path("api", "admin", "default-branch")
BRANCH_PREFIX = "refs/heads/"
# git check-ref-format: no control characters, spaces, ~ ^ : ? * [ \, no "..", no "@{", no "//", and not ending in "/", "." or ".lock".
INVALID_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|^/|/$|^\.|/\.|\.$|\.lock$|^@$")


def branch_name(value):
    """A branch name from a name or a full ref (API-MAP 3.17: compare without refs/heads/)."""
    value = value or ""
    return value[len(BRANCH_PREFIX):] if value.startswith(BRANCH_PREFIX) else value


def branch_fields(answer):
    """The configured branch from GET's undeclared answer (API-MAP 3.17, §7 row 19 VERIFY): a ref object with
    ``displayId`` and/or ``id``, or a bare string, a name or a full ref."""
    if isinstance(answer, dict):
        name = answer.get("displayId") or branch_name(answer.get("id"))
    else:
        name = branch_name(answer if isinstance(answer, str) else "")
    return dict(name=name, id=BRANCH_PREFIX + name)


def run(context):
    params = context.params
    wanted = None
    if params["name"] is not None:
        wanted = branch_name(params["name"].strip())
        if not wanted or wanted.startswith("refs/") or INVALID_REF.search(wanted):
            raise invalid_option("name", "%r is not a valid Git branch name" % params["name"])
    client = context.client

    def write(fields):
        # The body key is "id", which names a full ref everywhere else in the API (API-MAP 3.17 VERIFY); 204, no body.
        client.put(DEFAULT_BRANCH_PATH, json={"id": fields["id"]})

    resource = singleton(
        read=lambda: client.get(DEFAULT_BRANCH_PATH, missing_ok=True),  # 404: none configured (API-MAP 1.6)
        write=write,
        project=branch_fields,
        delete=lambda _current: client.delete(DEFAULT_BRANCH_PATH),
    )
    desired = dict(name=wanted, id=BRANCH_PREFIX + wanted if wanted else None)
    changed, before, after, _obj = ensure(context, resource, params["state"], desired, label="the default branch")
    if changed and after is not None and not context.check_mode and after["name"] != wanted:
        raise ModuleFailure(
            "Bitbucket took the default branch %s but reads it back as %r" % (desired["id"], after["name"]),
            default_branch=after,
        )
    return context.result(changed, before, after, default_branch=after or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
