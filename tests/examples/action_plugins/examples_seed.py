# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test support for the examples test: reset the emulator and create the seeding table's objects.

Arguments: ``url`` (the emulator's base URL) and ``table`` (tests/examples/seed.yml, loaded). Runs
inside the Ansible worker with the standard library only, through Bitbucket's REST API as the
emulator's seeded administrator, so it shares no code with the collection it tests.

Returns what examples may need from the seeding (the test registers the result as ``examples_seed``):
``answers`` (the JSON answer of each request that has a ``name``), ``totp`` (the current code of each
two-step verification enrollment, by user) and ``token`` (an HTTP access token of the ``run_as``
account, for the examples that keep their token).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import json
import struct
import time
import uuid

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

    def call(self, method, path, query=None, body=None, expected=(200, 201, 204), form=None):
        """The request; returns (status, the answer's JSON or None). ``form``: multipart/form-data fields."""
        url = self.url + path + ("?" + urlencode(query) if query else "")
        headers = {"Accept": "application/json", "Authorization": "Basic " + base64.b64encode(("%s:%s" % ADMIN).encode("utf-8")).decode("ascii")}
        data = b"" if method != "GET" else None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if form is not None:
            # Atlassian's form endpoints (hook scripts) take multipart with the XSRF header.
            boundary = uuid.uuid4().hex
            parts = ['--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, name, value) for name, value in form.items()]
            data = ("".join(parts) + "--%s--\r\n" % boundary).encode("utf-8")
            headers["Content-Type"] = "multipart/form-data; boundary=%s" % boundary
            headers["X-Atlassian-Token"] = "no-check"
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
        try:
            answer = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            answer = None
        return status, answer


def totp_code(secret, at=None):
    """The current code of a TOTP secret (RFC 6238: 30-second steps, HMAC-SHA1, 6 digits; base32 secret)."""
    text = secret.replace(" ", "").upper()
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() if at is None else at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def seed(emulator, table):
    """Create what the table lists, in dependency order: the licence, users, groups and members, grants, projects, repositories, two-step
    verification enrollments, then its requests; return what examples may read from it (the module docstring)."""
    seeded = dict(answers={}, totp={}, token=None)
    emulator.call("POST", "/_emulator/reset")
    if table.get("settings"):
        emulator.call("POST", "/_emulator/settings", body=table["settings"])
    licence = table.get("licence")
    if licence:
        mint = dict(users=licence["users"], sen=licence.get("sen", "SEN-EXAMPLES"))
        if licence.get("expires_in_days") is not None:
            mint["expiry"] = time.strftime("%Y-%m-%d", time.gmtime(time.time() + licence["expires_in_days"] * 86400))
        _status, answer = emulator.call("POST", "/_emulator/licenses", body=mint)
        emulator.call("POST", "/rest/api/latest/admin/license", body=dict(license=answer["license"]))
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
        status, _answer = emulator.call("POST", "/rest/api/latest/projects/%s/repos" % project, body=dict(name=repository["slug"]), expected=(201, 404, 405))
        if status != 201:
            emulator.call("POST", "/_emulator/repos", body=dict(project=repository["project"], slug=repository["slug"]))
    for enrollment in table.get("tsv") or []:
        _status, answer = emulator.call("POST", "/_emulator/tsv", body=dict(user=enrollment["user"]), expected=(200, 201))
        seeded["totp"][enrollment["user"]] = totp_code(answer["secret"])
    for request in table.get("requests") or []:
        status = request.get("status", (200, 201, 204))
        _status, answer = emulator.call(request["method"].upper(), request["path"], query=request.get("query"), body=request.get("body"),
                                        form=request.get("form"),
                                        expected=tuple(status) if isinstance(status, list) else (status,) if isinstance(status, int) else status)
        if request.get("name"):
            seeded["answers"][request["name"]] = answer
    if run_as and table.get("token_auth"):
        _status, answer = emulator.call("PUT", "/rest/access-tokens/latest/users/%s" % quote(run_as, safe=""),
                                        body=dict(name="examples", permissions=["PROJECT_ADMIN", "REPO_ADMIN"]))
        seeded["token"] = answer["token"]
    return seeded


class ActionModule(ActionBase):
    _supports_check_mode = False
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        emulator = Emulator(self._task.args["url"])
        try:
            seeded = seed(emulator, self._task.args.get("table") or {})
        except SeedError as exc:
            return dict(result, failed=True, msg="seeding the emulator failed: %s" % exc)
        return dict(result, changed=False, requests=emulator.calls, **seeded)
