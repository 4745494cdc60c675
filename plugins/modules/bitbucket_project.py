#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_project
short_description: Create, update and delete Bitbucket Data Center projects
version_added: 1.0.0
description:
  - Makes a Bitbucket Data Center project exist with the given name, description and visibility, or makes it not exist.
  - Only the fields you set are compared and changed; a second run with the same arguments changes nothing.
  - Personal projects (keys starting with C(~)) cannot be managed with this module.
options:
  key:
    description:
      - The project key, its identity. It starts with a letter and holds only letters, digits and underscores.
      - Keys are compared without regard to case; Bitbucket shows them in upper case.
      - This module never renames a project. A different key means a different project.
    type: str
    required: true
  name:
    description:
      - The project's display name. It must be unique on the instance and cannot start with C(~).
      - Required to create the project.
    type: str
  description:
    description:
      - The project's description. An empty string clears it.
    type: str
  public:
    description:
      - Whether the project allows public (anonymous) read access. Bitbucket refuses it when public access is disabled for the instance.
      - Left as it is when not set; a new project is private.
    type: bool
  state:
    description:
      - V(present) creates or updates the project; V(absent) deletes it.
      - Bitbucket refuses to delete a project that still holds repositories.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Creating a project needs the global PROJECT_CREATE permission; changing or deleting it needs PROJECT_ADMIN on it.
seealso:
  - module: bitbucket.datacenter.bitbucket_project_info
  - name: Bitbucket Data Center REST API, projects
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Manage projects with the connection set once
  module_defaults:
    group/bitbucket.datacenter.bitbucket:
      url: https://bitbucket.example.com
      token: "{{ bitbucket_admin_token }}"
  block:
    - name: Platform team project exists
      bitbucket.datacenter.bitbucket_project:
        key: PLAT
        name: Platform
        description: Shared platform services

    - name: Make the docs project public
      bitbucket.datacenter.bitbucket_project:
        key: DOCS
        name: Documentation
        public: true

- name: Remove an empty project
  bitbucket.datacenter.bitbucket_project:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    key: OLD
    state: absent
"""

RETURN = r"""
project:
  description:
    - The project as Bitbucket returns it after the run; in check mode, the predicted project.
    - Empty when the project does not exist (O(state=absent)).
  returned: always
  type: dict
  sample:
    key: PLAT
    id: 12
    name: Platform
    description: Shared platform services
    public: false
    type: NORMAL
    links:
      self:
        - href: https://bitbucket.example.com/projects/PLAT
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import Resource, ensure

MODULE_SPEC = dict(
    argument_spec=dict(
        key=dict(type="str", required=True, no_log=False),
        name=dict(type="str"),
        description=dict(type="str"),
        public=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

# Bitbucket's rule for project keys (API-MAP 3.1): a letter first, then letters, digits, underscores.
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,127}$")


def project_fields(project):
    """The fields this module manages, as it compares them (API-MAP 3.1 "Compare")."""
    return dict(
        key=project.get("key"),
        name=project.get("name"),
        # A project without a description has no such field: the same as "".
        description=project.get("description") or "",
        public=bool(project.get("public", False)),
    )


def validate(params):
    if not KEY_PATTERN.match(params["key"]):
        raise invalid_option(
            "key", "%r is not a project key: it must start with a letter and hold only letters, digits and underscores (128 at most)" % params["key"]
        )
    if params["name"] is not None and (not params["name"].strip() or params["name"].startswith("~")):
        raise invalid_option("name", "%r: a project name must not be empty nor start with '~'" % params["name"])


def run(context):
    params = context.params
    validate(params)
    client = context.client
    collection = rest_path("api", "projects")
    item = rest_path("api", "projects", params["key"])

    def create(fields):
        payload = dict(key=params["key"], name=fields["name"])
        for field in ("description", "public"):
            if fields.get(field) is not None:
                payload[field] = fields[field]
        return client.post(collection, json=payload).body

    def update(current, changes):
        # The key in the body must stay the one in the path: another key renames the project (API-MAP 3.1).
        payload = dict(changes, key=current["key"])
        return client.put(rest_path("api", "projects", current["key"]), json=payload).body

    def delete(current):
        client.delete(rest_path("api", "projects", current["key"]), missing_ok=True)

    resource = Resource(
        read=lambda: client.get(item, missing_ok=True),
        create=create,
        update=update,
        delete=delete,
        project=project_fields,
    )
    desired = dict(name=params["name"], description=params["description"], public=params["public"])
    changed, before, after, project = ensure(
        context, resource, params["state"], desired, defaults=dict(key=params["key"], public=False), required_on_create=("name",),
        label="project %s" % params["key"],
    )
    return context.result(changed, before, after, project=project or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
