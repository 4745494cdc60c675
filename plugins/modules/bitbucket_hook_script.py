#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_hook_script
short_description: Register, update and delete Bitbucket Data Center hook scripts
version_added: 1.0.0
description:
  - Manages a script in the global hook-script registry of Bitbucket Data Center, with its name, its type (pre- or post-receive),
    its description and its content. M(bitbucket.datacenter.bitbucket_hook_script_config) then enables it for projects and repositories.
  - Bitbucket has no way to list hook scripts. A script is found by its id (O(script_id)), which the run that created it returns
    as RV(script.id), or by its O(name) among the hook-script configurations of the projects and repositories in O(find_in).
    Keep the id, for example in your inventory, and pass it as O(script_id).
  - A script's type cannot change. A different O(type) means deleting the script and creating a new one, with a new id, which
    removes every configuration that uses it; the module refuses that unless O(recreate=true).
  - Hook scripts are turned off by default since Bitbucket 8.18; the module explains Bitbucket's answer when they are.
options:
  name:
    description:
      - The script's name. Names are unique on the instance.
      - With O(script_id), a different name renames the script.
    type: str
    required: true
  script_id:
    description:
      - The id of the script, as a run that created it returned it (RV(script.id)).
      - When no script has this id, O(state=present) creates one (with a new id, which the module warns about).
    type: int
  find_in:
    description:
      - Without O(script_id), the projects (C(KEY)) and repositories (C(KEY/slug)) whose hook-script configurations are searched for a
        script named O(name). Without either, the script cannot be found, and creating it again fails because the name is taken.
    type: list
    elements: str
    default: []
  type:
    description:
      - V(PRE) for a pre-receive script, which can reject a push; V(POST) for a post-receive script. Required to create the script.
    type: str
    choices: [PRE, POST]
  description:
    description:
      - The script's description. An empty string clears it.
    type: str
  content:
    description:
      - The script itself. Required to create the script, unless O(src) is given.
      - Compared with the script in Bitbucket after normalising line endings.
    type: str
  src:
    description:
      - A file holding the script, read on the Ansible controller (a relative path is looked up like the files of the C(ansible.builtin.copy) module),
        instead of O(content).
    type: path
  recreate:
    description:
      - Whether a different O(type) may delete the script and create it again, with a new id and none of its configurations.
    type: bool
    default: false
  state:
    description:
      - V(present) registers or updates the script; V(absent) deletes it, and with it every configuration that uses it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs SYS_ADMIN.
  - "Creating and updating a script sends C(multipart/form-data) with the C(X-Atlassian-Token: no-check) header, as Bitbucket requires."
  - When the answer to a create is lost (a server error after the script was made), Bitbucket gives no way to learn the new id; the
    module tries the create once more, which either succeeds or fails because the name is taken, and then says so.
seealso:
  - module: bitbucket.datacenter.bitbucket_hook_script_config
  - name: Registering and maintaining hook scripts
    description: Atlassian's guide, with the feature.hook.scripts switch.
    link: https://developer.atlassian.com/server/bitbucket/how-tos/register-maintain-hook-scripts/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Register the script that rejects large files
  bitbucket.datacenter.bitbucket_hook_script:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: reject-large-files
    type: PRE
    description: Rejects pushes with files over 50 MB
    src: hooks/reject-large-files.sh
  register: large_files

- name: Keep its id for later runs
  ansible.builtin.copy:
    dest: "{{ inventory_dir }}/group_vars/all/hook_scripts.yml"
    content: "reject_large_files_script_id: {{ large_files.script.id }}\n"
    mode: "0644"
  delegate_to: localhost

- name: Later runs find it by its id
  bitbucket.datacenter.bitbucket_hook_script:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    script_id: "{{ reject_large_files_script_id }}"
    name: reject-large-files
    type: PRE
    src: hooks/reject-large-files.sh

- name: Or by its name, through the project that uses it
  bitbucket.datacenter.bitbucket_hook_script:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: reject-large-files
    find_in: [PLAT]
    state: absent
"""

RETURN = r"""
script:
  description:
    - The script after the run, as Bitbucket describes it (without its dates); in check mode the predicted script, without an id
      when it would be created. Empty when it does not exist.
  returned: always
  type: dict
  contains:
    id:
      description: The script's id, to keep and pass as O(script_id). Bitbucket gives no other way to find it again.
      type: int
    name:
      description: The script's name.
      type: str
    type:
      description: V(PRE) or V(POST).
      type: str
    description:
      description: The script's description.
      type: str
    version:
      description: Bitbucket's version of the script, which each update raises.
      type: int
    pluginKey:
      description: The app the script belongs to, set by Bitbucket.
      type: str
  sample:
    id: 3
    name: reject-large-files
    type: PRE
    description: Rejects pushes with files over 50 MB
    version: 2
    pluginKey: com.atlassian.bitbucket.server.bitbucket-rest
recreated:
  description: Whether the script was deleted and created again (a new id) because its type changed.
  returned: always
  type: bool
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import io

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._hook_scripts import (
    SCRIPT_TYPES,
    create_script,
    explain,
    find_script,
    form,
    normalise,
    public_script,
    read_content,
    read_script,
    script_path,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

# The action plugin reads these options' files on the controller and passes their text instead (plugin_utils/_runner.py).
CONTROLLER_FILES = {"src": "content"}

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        script_id=dict(type="int"),
        find_in=dict(type="list", elements="str", default=[]),
        type=dict(type="str", choices=SCRIPT_TYPES),
        description=dict(type="str"),
        content=dict(type="str"),
        src=dict(type="path"),
        recreate=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    mutually_exclusive=[("content", "src"), ("script_id", "find_in")],
)


def wanted_content(params):
    if params["src"] is None:
        return params["content"]
    try:
        with io.open(params["src"], encoding="utf-8") as handle:
            return handle.read()
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise invalid_option("src", "cannot read %s: %s" % (params["src"], exc)) from None


def validate(params):
    if not params["name"].strip():
        raise invalid_option("name", "must not be empty")
    if params["script_id"] is not None and params["script_id"] < 1:
        raise invalid_option("script_id", "a hook script id is a positive number")
    if params["content"] is not None and not params["content"]:
        raise invalid_option("content", "a hook script cannot be empty")


def managed(script, content):
    if not script:
        return None
    fields = dict(name=script.get("name"), type=script.get("type"), description=script.get("description") or "")
    if content is not None:
        fields["content"] = content
    return fields


def run(context):
    params = context.params
    validate(params)
    client = context.client
    content = normalise(wanted_content(params))
    current = find_script(client, params["script_id"], params["find_in"], params["name"])
    if current is None and params["script_id"] is not None and params["state"] == "present":
        context.warn("No hook script has the id %d; a new one is created, with a new id to keep" % params["script_id"])
    current_content = read_content(client, current["id"]) if current is not None and content is not None else None
    before = managed(current, current_content)

    if params["state"] == "absent":
        if current is None:
            return context.result(False, None, None, script={}, recreated=False)
        if not context.check_mode:
            guarded_write(lambda: client.delete(script_path(current["id"]), missing_ok=True), lambda: read_script(client, current["id"]) or {}, lambda s: not s)
        return context.result(True, before, None, script={}, recreated=False)

    desired = dict(name=params["name"], type=params["type"], description=params["description"], content=content)
    recreate = current is not None and params["type"] is not None and params["type"] != current.get("type")
    if recreate and not params["recreate"]:
        raise invalid_option(
            "type",
            "hook script %r (id %s) is a %s script and Bitbucket cannot change a script's type; set recreate: true to delete it and create "
            "it again, which gives it a new id and removes every configuration that uses it" % (current.get("name"), current.get("id"), current.get("type")),
        )
    if current is None or recreate:
        fields = dict(desired, description=params["description"] or "")
        missing = [option for option in ("type", "content") if fields.get(option) is None]
        if missing:
            raise invalid_option(missing[0], "required to create hook script %r" % params["name"])
        predicted = dict(public_script(current), **{k: fields[k] for k in ("name", "type", "description")})
        predicted.pop("id", None)
        if context.check_mode:
            return context.result(True, before, managed(fields, content), script=predicted, recreated=recreate)
        if recreate:
            client.delete(script_path(current["id"]), missing_ok=True)
            context.warn("Hook script %r was deleted and created again to change its type: its id and its configurations are gone" % params["name"])
        created = create_script(client, fields)
        return context.result(True, before, managed(fields, content), script=public_script(created), recreated=recreate)

    changes = {key: value for key, value in desired.items() if key != "type" and value is not None and before.get(key) != value}
    if not changes:
        return context.result(False, before, before, script=public_script(current), recreated=False)
    after = dict(before, **changes)
    if context.check_mode:
        return context.result(True, before, after, script=dict(public_script(current), **{k: v for k, v in changes.items() if k != "content"}),
                              recreated=False)

    def landed(script):
        if not script or any(script.get(key) != value for key, value in changes.items() if key != "content"):
            return False
        return "content" not in changes or read_content(client, current["id"]) == changes["content"]

    try:
        updated = guarded_write(lambda: client.put(script_path(current["id"]), files=form(changes)).body, lambda: read_script(client, current["id"]), landed)
    except BitbucketError as exc:
        if exc.status == 409:
            exc.message += " - another hook script is named %r" % params["name"]
        raise explain(exc) from None
    return context.result(True, before, after, script=public_script(updated), recreated=False)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
