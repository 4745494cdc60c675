#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_logger
short_description: Set the log levels of Bitbucket Data Center loggers
version_added: 1.0.0
description:
  - Sets the level of several loggers in one task, the root logger included. Levels are compared without regard to case.
  - B(The levels last until Bitbucket restarts.) Bitbucket keeps levels set through its REST API in memory only; the module warns
    each time it changes one. To keep a level across restarts, set C(logging.logger.<name>=<LEVEL>) in C(bitbucket.properties).
  - Only the listed loggers are read and changed. A logger without a level of its own reads as the level it inherits, so listing it
    with that level changes nothing.
options:
  loggers:
    description:
      - Logger names and the level each one should log at, V(TRACE), V(DEBUG), V(INFO), V(WARN) or V(ERROR), in any case.
      - The name V(ROOT) (in any case) is the root logger. Other logger names are compared exactly, as Bitbucket's logging does.
    type: dict
    required: true
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  idempotent:
    support: partial
    details:
      - On one node, fully. In a Data Center cluster a level may be set only on the node that answered, so a later run that reaches
        another node may set it again.
notes:
  - Needs SYS_ADMIN (Bitbucket's 9.4 API documents SYS_ADMIN; other documentation says ADMIN).
  - In a Data Center cluster a level may be set only on the node that served the request; behind a load balancer, later runs that
    reach another node may find the old level and set it again.
seealso:
  - name: Bitbucket Data Center REST API, system maintenance
    description: The logging endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Debug the mail sender and pull-request merges while an incident lasts
  bitbucket.datacenter.bitbucket_logger:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_sysadmin_token }}"
    loggers:
      ROOT: WARN
      com.atlassian.bitbucket.mail: DEBUG
      com.atlassian.bitbucket.internal.scm.git.merge: debug

- name: Back to normal
  bitbucket.datacenter.bitbucket_logger:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_sysadmin_token }}"
    loggers:
      com.atlassian.bitbucket.mail: INFO
      com.atlassian.bitbucket.internal.scm.git.merge: INFO
"""

RETURN = r"""
loggers:
  description: The level of each listed logger after the run (predicted in check mode), in upper case; the root logger as C(ROOT).
  returned: always
  type: dict
  sample:
    ROOT: WARN
    com.atlassian.bitbucket.mail: DEBUG
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

MODULE_SPEC = dict(argument_spec=dict(loggers=dict(type="dict", required=True)))

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
ROOT = "ROOT"
RUNTIME_ONLY = (
    "Log levels set through the Bitbucket REST API last until Bitbucket restarts (%s changed); set logging.logger.<name>=<LEVEL> in "
    "bitbucket.properties to keep them. In a cluster, a level may be set only on the node that served the request."
)


def desired_levels(params):
    if not params["loggers"]:
        raise invalid_option("loggers", "list at least one logger and its level")
    wanted = {}
    for raw_name, given in params["loggers"].items():
        name = str(raw_name).strip()
        if not name:
            raise invalid_option("loggers", "a logger name is empty")
        key = ROOT if name.upper() == ROOT else name
        if key in wanted:
            listed = [str(other) for other in params["loggers"] if str(other).strip().upper() == ROOT]
            raise invalid_option("loggers", "the root logger is listed more than once (%s)" % ", ".join(listed))
        level = str(given if given is not None else "").strip().upper()
        if level not in LEVELS:
            raise invalid_option("loggers", "%r is not a level for logger %s: use %s" % (given, name, ", ".join(LEVELS)))
        wanted[key] = level
    return wanted


def logger_path(name, *level):
    # API-MAP 3.23: the root logger has endpoints of its own; logger names hold dots and are one encoded segment.
    if name == ROOT:
        return rest_path("api", "logs", "rootLogger", *level)
    return rest_path("api", "logs", "logger", name, *level)


def read_level(client, name):
    # GET answers {"logLevel": "DEBUG"}: upper case, while Atlassian's own examples set lower case (API-MAP 3.23).
    return str((client.get(logger_path(name)) or {}).get("logLevel") or "").upper()


def run(context):
    wanted = desired_levels(context.params)
    client = context.client
    names = sorted(wanted)
    current = {name: read_level(client, name) for name in names}
    plan = reconcile(
        [dict(name=name, level=wanted[name]) for name in names],
        [dict(name=name, level=level) for name, level in current.items()],
        key=lambda item: item["name"],
        equal=lambda have, want: have["level"] == want["level"],
    )
    # Every listed logger answers a level, so there is nothing to create.
    changes = [want for _have, want in plan.update] + plan.create
    if changes and not context.check_mode:
        for change in changes:
            guarded_write(
                lambda change=change: client.put(logger_path(change["name"], change["level"])),
                lambda change=change: read_level(client, change["name"]),
                landed=lambda level, change=change: level == change["level"],
            )
    if changes:
        context.warn(RUNTIME_ONLY % ", ".join(change["name"] for change in changes))
    after = dict(current)
    after.update((change["name"], change["level"]) for change in changes)
    return context.result(bool(changes), current, after, loggers=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
