# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test support: one HTTP request to the emulator, made inside the Ansible worker.

The integration targets set up state, inject faults, read counters and read Bitbucket back
independently of the collection. ``ansible.builtin.uri`` does that in a new Python process for every
task (about 0.4 s each); this action takes the same arguments (``url``, ``method``, ``body``,
``body_format: json``, ``headers``, ``url_username``, ``url_password``, ``force_basic_auth``, ``status_code``) and
returns the same keys (``status``, ``json``), in a few milliseconds. It uses the standard library
only, so it shares no code with the collection's client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.request import Request, urlopen
from ansible.plugins.action import ActionBase

ARGUMENTS = ("url", "method", "body", "body_format", "headers", "url_username", "url_password", "force_basic_auth", "status_code", "timeout")


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        unknown = sorted(set(args) - set(ARGUMENTS))
        if unknown:
            return dict(result, failed=True, msg="emulator_request: unsupported arguments %s" % ", ".join(unknown))
        if args.get("body_format", "json") != "json":
            return dict(result, failed=True, msg="emulator_request: only body_format json is supported")
        method = str(args.get("method", "GET")).upper()
        expected = args.get("status_code", [200])
        expected = [int(code) for code in (expected if isinstance(expected, list) else [expected])]
        data = None
        headers = {"Accept": "application/json"}
        if args.get("body") is not None:
            data = json.dumps(args["body"]).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "DELETE"):
            data = b""
        if args.get("url_username") is not None:
            credentials = "%s:%s" % (args["url_username"], args.get("url_password") or "")
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
        headers.update(args.get("headers") or {})
        request = Request(args["url"], data=data, headers=headers)
        request.get_method = lambda: method
        try:
            response = urlopen(request, timeout=int(args.get("timeout", 30)))
            status, raw = response.getcode(), response.read()
        except HTTPError as exc:
            status, raw = exc.code, exc.read()
        except URLError as exc:
            return dict(result, failed=True, msg="Request to %s failed: %s" % (args["url"], exc.reason))
        text = raw.decode("utf-8", "replace") if raw else ""
        result.update(changed=False, status=status, url=args["url"])
        if text:
            try:
                result["json"] = json.loads(text)
            except ValueError:
                result["content"] = text
        if status not in expected:
            result.update(failed=True, msg="Status code was %s and not %s: %s" % (status, expected, text[:500]))
        return result
