# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test support for the examples test: reset the emulator and create the seeding table's objects.

Arguments: ``url`` (the emulator's base URL) and ``table`` (tests/examples/seed.yml, loaded). Runs
inside the Ansible worker with the standard library only, through Bitbucket's REST API as the
emulator's seeded administrator, so it shares no code with the collection it tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, urlencode
from ansible.module_utils.six.moves.urllib.request import Request, urlopen
from ansible.plugins.action import ActionBase

# The emulator's seeded system administrator (docs/emulator.md).
ADMIN = ("admin", "admin")


class SeedError(Exception):
    pass


class Emulator(object):
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.calls = 0

    def call(self, method, path, query=None, body=None, expected=(200, 201, 204)):
        url = self.url + path + ("?" + urlencode(query) if query else "")
        headers = {"Accept": "application/json", "Authorization": "Basic " + base64.b64encode(("%s:%s" % ADMIN).encode("utf-8")).decode("ascii")}
        data = b"" if method != "GET" else None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = Request(url, data=data, headers=headers)
        request.get_method = lambda: method
        self.calls += 1
        try:
            response = urlopen(request, timeout=30)
            status, raw = response.getcode(), response.read()
        except HTTPError as exc:
            status, raw = exc.code, exc.read()
        except URLError as exc:
            raise SeedError("%s %s: %s" % (method, path, exc.reason)) from exc
        if status not in expected:
            raise SeedError("%s %s answered %s: %s" % (method, path, status, raw.decode("utf-8", "replace")[:300]))
        return status


def seed(emulator, table):
    """Create what the table lists, in dependency order: users, groups and members, grants, projects, repositories, then its requests."""
    emulator.call("POST", "/_emulator/reset")
    if table.get("settings"):
        emulator.call("POST", "/_emulator/settings", body=table["settings"])
    users = table.get("users") or []
    for user in users:
        emulator.call("POST", "/rest/api/latest/admin/users", query=dict(
            name=user["name"], password=user["password"], displayName=user.get("display_name", user["name"]),
            emailAddress=user.get("email", "%s@example.com" % user["name"]),
        ))
    for user in users:
        if user.get("global_permission"):
            emulator.call("PUT", "/rest/api/latest/admin/permissions/users", query=dict(name=user["name"], permission=user["global_permission"]))
    for group in table.get("groups") or []:
        # 409: a group the emulator is seeded with (stash-users, the default group) already exists.
        emulator.call("POST", "/rest/api/latest/admin/groups", query=dict(name=group["name"]), expected=(200, 409))
        if group.get("members"):
            emulator.call("POST", "/rest/api/latest/admin/groups/add-users", body=dict(group=group["name"], users=list(group["members"])))
    run_as = table.get("run_as")
    for project in table.get("projects") or []:
        body = dict(key=project["key"], name=project["name"])
        if project.get("description"):
            body["description"] = project["description"]
        emulator.call("POST", "/rest/api/latest/projects", body=body)
        if run_as:
            # Bitbucket gives a project's creator PROJECT_ADMIN on it; the administrator creates these, so
            # the run_as account is granted it, as if it had created them (the examples run as that account).
            emulator.call("PUT", "/rest/api/latest/projects/%s/permissions/users" % quote(project["key"], safe=""),
                          query=dict(name=run_as, permission="PROJECT_ADMIN"))
    for repository in table.get("repositories") or []:
        project = quote(repository["project"], safe="")
        # The repository REST API where the emulator has it (POST .../repos, 201), else its record control.
        status = emulator.call("POST", "/rest/api/latest/projects/%s/repos" % project, body=dict(name=repository["slug"]), expected=(201, 404, 405))
        if status != 201:
            emulator.call("POST", "/_emulator/repos", body=dict(project=repository["project"], slug=repository["slug"]))
    for request in table.get("requests") or []:
        status = request.get("status", (200, 201, 204))
        emulator.call(request["method"].upper(), request["path"], query=request.get("query"), body=request.get("body"),
                      expected=tuple(status) if isinstance(status, list) else (status,) if isinstance(status, int) else status)


class ActionModule(ActionBase):
    _supports_check_mode = False
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        emulator = Emulator(self._task.args["url"])
        try:
            seed(emulator, self._task.args.get("table") or {})
        except SeedError as exc:
            return dict(result, failed=True, msg="seeding the emulator failed: %s" % exc)
        return dict(result, changed=False, requests=emulator.calls)
